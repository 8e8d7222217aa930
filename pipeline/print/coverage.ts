// What of a rendered document can be printed: the print stage's own check, before anything is printed, that every
// character an edition's documents carry (template and locale text included) is in its fonts and its script, placed
// where the character comes from — the data as the edition reads it, the locale, else the document.
import { asWrittenPassages, isOwnEdition, toSimplified } from '../data/convert.ts';
import { glyphMessage, scriptMessage } from '../data/coverage.ts';
import type { Diagnostic } from '../data/diagnostics.ts';
import { codePointsOf, missingGlyphs } from '../data/glyphs.ts';
import type { Lang } from '../data/names.ts';
import type { Dataset } from '../data/schema.ts';
import { foreignScriptCharacters, langOfScript, scriptOf, type ForeignPassage } from '../data/script.ts';

/** Where printed text can come from, searched in order to place a problem: file → text. */
export type TextPlaces = readonly { file: string; text: string }[];

/**
 * The places an edition's text comes from: the data files as that edition reads them (converted for the zh-Hans
 * edition of Traditional data, then as written, so a form or passage is found too), then its locale file.
 */
export function textPlaces(data: Dataset, lang: Lang, dataTexts: ReadonlyMap<string, string>, localeFile: string, localeText: string): TextPlaces {
  const asWritten = [...dataTexts].map(([file, text]) => ({ file, text }));
  const forms = data.publication.zh_hans ?? [];
  const converted = isOwnEdition(data, lang) ? [] : asWritten.map(({ file, text }) => ({ file, text: toSimplified(text, forms, asWrittenPassages(data)) }));
  return [...converted, ...asWritten, { file: localeFile, text: localeText }];
}

function placeOf(char: string, places: TextPlaces, document: string): Pick<Diagnostic, 'file' | 'line' | 'column'> {
  for (const place of places) {
    const at = place.text.indexOf(char);
    if (at < 0) continue;
    const before = place.text.slice(0, at).split('\n');
    return { file: place.file, line: before.length, column: before.at(-1)!.length + 1 };
  }
  return { file: `${document} brief`, line: 1, column: 1 };
}

/**
 * What a reader can be shown of a rendered document: its text without tags (so a passage split by a span that
 * keeps a date together reads whole), and the attribute values that are read aloud or shown (alt, title, labels).
 */
export function readableText(html: string): string {
  const attributes: string[] = [];
  const text = html.replace(/<[^>]*>/g, (tag) => {
    for (const m of tag.matchAll(/\s(?:alt|title|aria-label|content)="([^"]*)"/g)) attributes.push(m[1]!);
    return '';
  });
  return `${text}\n${attributes.join('\n')}`;
}

const withoutPassages = (text: string, passages: readonly ForeignPassage[]) => passages.reduce((t, p) => t.split(p.text).join(''), text);

/** Characters of an edition's rendered documents outside its script (its passages set aside), each once. */
export function documentScript(documents: readonly { name: string; text: string }[], places: TextPlaces, lang: Lang, passages: readonly ForeignPassage[]): Diagnostic[] {
  const script = scriptOf(lang)!;
  const found: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const doc of documents) {
    for (const c of foreignScriptCharacters(withoutPassages(readableText(doc.text), passages), script)) {
      if (seen.has(c.char)) continue;
      seen.add(c.char);
      found.push({ ...placeOf(c.char, places, doc.name), severity: 'error', message: scriptMessage(c.char, script, 'it'), rule: 'wrong-script' });
    }
  }
  return found;
}

/**
 * Characters of an edition's rendered documents that its fonts lack (its passages in the other script's fonts), at
 * their place in the data when they come from there, else against the locale or the document (a template).
 */
export function documentCoverage(documents: readonly { name: string; text: string }[], places: TextPlaces, lang: Lang, passages: readonly ForeignPassage[] = []): Diagnostic[] {
  const found: Diagnostic[] = [];
  const seen = new Set<string>();
  const check = (name: string, text: string, faces: Lang) => {
    for (const m of missingGlyphs(codePointsOf(text), faces)) {
      if (seen.has(`${m.codePoint}${faces}`)) continue;
      seen.add(`${m.codePoint}${faces}`);
      found.push({ ...placeOf(m.char, places, name), severity: 'error', message: glyphMessage(m, faces), rule: 'missing-glyph' });
    }
  };
  for (const doc of documents) check(doc.name, withoutPassages(readableText(doc.text), passages), lang);
  for (const p of passages) check('passage', p.text, langOfScript(scriptOf(p.lang)!));
  return found;
}
