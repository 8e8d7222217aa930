// What of the data can be printed, in which script: every character a brief prints must be in its edition's bundled
// fonts, and in its edition's script (a character that exists only in Simplified never reaches a zh-Hant brief, nor
// the reverse, decided by OpenCC's own tables: script.ts). Checked on the data's own text by `validate`, so a problem
// is refused before any build; the print stage checks each rendered document the same way (print/coverage.ts), in
// the same words.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { toSimplified, type ExplicitForm } from './convert.ts';
import type { Diagnostic } from './diagnostics.ts';
import { codePointsOf, describeCodePoint, familiesOf, missingGlyphs, type MissingGlyph } from './glyphs.ts';
import type { Lang } from './names.ts';
import { kept } from './memo.ts';
import { foreignScriptCharacters, formsInOtherScript, langOfScript, otherScript, scriptOf, type Script } from './script.ts';
import type { YamlSource } from './yaml-source.ts';

export const glyphMessage = (m: MissingGlyph, lang: Lang): string =>
  `${describeCodePoint(m.codePoint)} is not in the bundled fonts (${m.family} ${m.weight}) (expected characters the ${familiesOf(lang)
    .map((f) => f.family)
    .join(' and ')} fonts can draw)`;

const SCRIPT_NAME: Record<Script, string> = { Hant: 'Traditional', Hans: 'Simplified' };

export function scriptMessage(char: string, script: Script, what: string): string {
  const other = otherScript(script);
  const forms = formsInOtherScript(char, other);
  const instead = forms.length ? `: write ${forms.join(' or ')}` : '';
  const exemption = what === 'this form as written' ? '' : `; a quotation of a ${SCRIPT_NAME[other]} source is listed under "verbatim" in publication.yaml`;
  return `${describeCodePoint(char.codePointAt(0)!)} exists only in ${SCRIPT_NAME[other]} Chinese, and the ${langOfScript(script)} edition prints ${what} (expected ${SCRIPT_NAME[script]} Chinese${instead}${exemption})`;
}

/** Control characters (but tab and line breaks), lone surrogates and noncharacters: nothing a reader can be shown. */
const UNPRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/** A string value of a data file, where it starts, and what the briefs make of it. */
interface DataString {
  /** The file and text it stands in, to place a message. */
  source: Pick<YamlSource, 'file' | 'text' | 'lineCounter'>;
  value: string;
  offset: number;
  /**
   * text: printed in the data's script, and converted for the other edition; form: a zh-Hans form, printed only in
   * that edition, as written; passage: printed as written in every edition, in `script`; link: a URL, never checked.
   */
  role: 'text' | 'form' | 'passage' | 'link';
  script?: Script | undefined;
}

type KeyPath = (string | number)[];

interface ScalarString {
  value: string;
  offset: number;
  path: KeyPath;
  parent: Node | null;
}

/** Every string scalar of a file with its key path. Aliases are left out: what they point to is visited anyway. */
function stringsOf(source: YamlSource): ScalarString[] {
  const found: ScalarString[] = [];
  const walk = (node: unknown, path: KeyPath, parent: Node | null) => {
    if (isScalar(node)) {
      if (typeof node.value === 'string' && node.range) found.push({ value: node.value, offset: node.range[0], path, parent });
    } else if (isMap(node)) {
      for (const pair of node.items) walk(pair.value, [...path, isScalar(pair.key) ? String(pair.key.value) : '?'], node);
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i], node));
    }
  };
  walk(source.doc.contents, [], null);
  return found;
}

/** A sibling field's string value in the mapping that holds a scalar (a source's language beside its title). */
function sibling(parent: Node | null, key: string): string | undefined {
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
  return isScalar(pair?.value) && typeof pair.value.value === 'string' ? pair.value.value : undefined;
}

/** The data's language, as publication.yaml gives it (read before validation, so defensively). */
function dataLanguage(sources: readonly YamlSource[]): string | undefined {
  const publication = sources.find((s) => s.file === 'publication.yaml')?.value as { publication?: { language?: unknown } } | undefined;
  const language = publication?.publication?.language;
  return typeof language === 'string' ? language : undefined;
}

/**
 * Each parsed document's strings, by the file it is read as and the data's script: a document is shared by every
 * validation of the same text (yaml-source.ts), so an unchanged file is not walked again.
 */
const stringsByDoc = new WeakMap<YamlSource['doc'], Map<string, readonly DataString[]>>();

/** Every string of the data with what the briefs do with it. */
function dataStrings(sources: readonly YamlSource[]): DataString[] {
  const dataScript = scriptOf(dataLanguage(sources) ?? '');
  return sources.flatMap((source) => {
    const byReading = kept(stringsByDoc, source.doc, () => new Map<string, readonly DataString[]>());
    return kept(byReading, `${source.file}\n${dataScript}`, () => fileStrings(source, dataScript));
  });
}

/** The strings of one file, each with its role; `dataScript` decides which source titles are passages. */
function fileStrings(source: YamlSource, dataScript: Script | undefined): DataString[] {
  const place = { file: source.file, text: source.text, lineCounter: source.lineCounter };
  return stringsOf(source).map(({ value, offset, path, parent }): DataString => {
    const key = path.at(-1);
    const base = { source: place, value, offset };
    if (key === 'url') return { ...base, role: 'link' };
    if (source.file === 'publication.yaml' && ((path[1] === 'zh_hans' && key === 'form') || path[1] === 'zh_hans_publication')) return { ...base, role: 'form', script: 'Hans' };
    if (source.file === 'publication.yaml' && path[1] === 'verbatim' && key === 'text') return { ...base, role: 'passage', script: scriptOf(sibling(parent, 'language') ?? '') };
    if (source.file === 'sources.yaml' && key === 'title') {
      const script = scriptOf(sibling(parent, 'language') ?? '');
      if (script !== undefined && script !== dataScript) return { ...base, role: 'passage', script };
    }
    return { ...base, role: 'text', script: dataScript };
  });
}

const position = (s: DataString, char: string, index?: number) => {
  // Where the character itself stands when the scalar writes it literally, else where the scalar starts.
  const at = index !== undefined && s.source.text.slice(s.offset).startsWith(s.value) ? s.offset + index : s.source.text.indexOf(char, s.offset);
  const { line, col } = s.source.lineCounter.linePos(at >= 0 ? at : s.offset);
  return { file: s.source.file, line, column: col };
};

/**
 * Characters of the data's string values that cannot be printed — unprintable ones, ones an edition's fonts lack,
 * ones outside an edition's script — each once, at its first place in the data. Text is checked as each edition
 * prints it: as written in the data's own, converted by OpenCC in the zh-Hans edition of Traditional data; a form
 * only in zh-Hans; a verbatim passage or another script's source title in its own script's fonts.
 */
export function dataCoverage(sourceList: Iterable<YamlSource>): Diagnostic[] {
  const sources = [...sourceList];
  const strings = dataStrings(sources).filter((s) => s.role !== 'link');
  const found: Diagnostic[] = [];
  const seen = new Set<string>();
  const once = (what: string, d: Diagnostic) => {
    if (seen.has(what)) return;
    seen.add(what);
    found.push(d);
  };
  for (const s of strings) {
    const bad = UNPRINTABLE.exec(s.value);
    if (!bad) continue;
    const cp = bad[0].codePointAt(0)!;
    const name = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    once(`u${cp}`, { ...position(s, bad[0], bad.index), severity: 'error', message: `unprintable character ${name} in text (expected printable text: remove it, or write what it stands for)`, rule: 'unprintable-character' });
  }
  const dataScript = scriptOf(dataLanguage(sources) ?? '');
  // Script: data text in the data's script (its passages set aside), forms in Simplified, passages in their own.
  const publication = (sources.find((x) => x.file === 'publication.yaml')?.value as { publication?: { verbatim?: unknown; zh_hans?: unknown } } | undefined)?.publication;
  const passages = (Array.isArray(publication?.verbatim) ? publication.verbatim : []).flatMap((v: { text?: unknown }) => (typeof v?.text === 'string' && v.text !== '' ? [v.text] : []));
  const forms = (Array.isArray(publication?.zh_hans) ? publication.zh_hans : []).filter(
    (f: { term?: unknown; form?: unknown }): f is ExplicitForm => typeof f?.term === 'string' && f.term !== '' && typeof f.form === 'string',
  );
  for (const s of strings) {
    if (!s.script) continue;
    const checked = s.role === 'text' ? passages.reduce((t, p) => t.split(p).join('\uFFFC'.repeat(p.length)), s.value) : s.value;
    for (const c of foreignScriptCharacters(checked, s.script)) {
      const what = s.role === 'form' ? 'this form as written' : s.role === 'passage' ? 'this passage as written' : 'it as written';
      once(`s${c.char}${s.role}`, { ...position(s, c.char, c.index), severity: 'error', message: scriptMessage(c.char, s.script, what), rule: 'wrong-script' });
    }
  }
  // Fonts: each string in every edition that prints it, in that edition's faces.
  const editions: Lang[] = dataScript === 'Hant' ? ['zh-Hant', 'zh-Hans'] : dataScript === 'Hans' ? ['zh-Hans'] : ['zh-Hant'];
  // Converted once for all: OpenCC's phrases never span a line break, so one call over the joined texts reads each
  // as it would alone.
  const texts = strings.filter((s) => s.role === 'text');
  const simplified = editions.includes('zh-Hans') && dataScript === 'Hant' ? toSimplified(texts.map((s) => s.value.replace(/\n/g, '\uE002')).join('\n'), forms, passages).split('\n') : [];
  const converted = new Map(texts.map((s, i) => [s, (simplified[i] ?? s.value).replace(/\uE002/g, '\n')]));
  // Each edition's printed text, string by string; then the characters its faces lack, each at its first string.
  const printings = new Map<Lang, { s: DataString; text: string }[]>(editions.concat(['zh-Hant', 'zh-Hans']).map((lang) => [lang, []]));
  const print = (lang: Lang, s: DataString, text: string) => printings.get(lang)!.push({ s, text });
  for (const s of strings) {
    if (s.role === 'form' || s.role === 'passage') print(langOfScript(s.script ?? 'Hant'), s, s.value);
    else for (const lang of editions) print(lang, s, passages.reduce((t, p) => t.split(p).join(''), lang === 'zh-Hans' && dataScript === 'Hant' ? converted.get(s)! : s.value));
  }
  for (const [lang, list] of printings) {
    for (const m of missingGlyphs(codePointsOf(...list.map((p) => p.text)), lang)) {
      const first = list.find((p) => p.text.includes(m.char))!;
      // The character where it stands when the edition prints the scalar as written, else the scalar's start.
      const index = first.text === first.s.value ? first.s.value.indexOf(m.char) : undefined;
      once(`g${m.codePoint}`, { ...position(first.s, m.char, index), severity: 'error', message: glyphMessage(m, lang), rule: 'missing-glyph' });
    }
  }
  return found;
}
