// Glyph coverage: every character a brief prints must be in the bundled fonts. Checked on the data's own text by
// `validate` (so a character no font has is refused before any build) and on each rendered document by the build
// (which also prints template and locale text); both say it in the same words, at the place it stands.
import { isScalar, visit } from 'yaml';
import type { Diagnostic } from './diagnostics.ts';
import { codePointsOf, describeCodePoint, missingGlyphs, type MissingGlyph } from './fonts.ts';
import type { YamlSource } from './yaml-source.ts';

const message = (m: MissingGlyph) =>
  `${describeCodePoint(m.codePoint)} is not in the bundled fonts (${m.family} ${m.weight}) (expected characters the Noto Serif TC and Noto Sans TC fonts can draw)`;

/** Control characters (but tab and line breaks), lone surrogates and noncharacters: nothing a reader can be shown. */
const UNPRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/**
 * Characters of the data's string values that cannot be printed — unprintable ones, and ones the fonts lack — each
 * once, at its first place in the data.
 */
export function dataCoverage(sources: Iterable<YamlSource>): Diagnostic[] {
  const found: Diagnostic[] = [];
  const seen = new Set<number>();
  for (const source of sources) {
    const strings: { value: string; offset: number }[] = [];
    visit(source.doc, {
      Scalar(_key, node) {
        if (isScalar(node) && typeof node.value === 'string' && node.range) strings.push({ value: node.value, offset: node.range[0] });
      },
    });
    for (const s of strings) {
      const bad = UNPRINTABLE.exec(s.value);
      if (!bad) continue;
      const cp = bad[0].codePointAt(0)!;
      if (seen.has(cp)) continue;
      seen.add(cp);
      const { line, col } = source.lineCounter.linePos(s.offset);
      const name = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
      found.push({ file: source.file, line, column: col, severity: 'error', message: `unprintable character ${name} in text (expected printable text: remove it, or write what it stands for)`, rule: 'unprintable-character' });
    }
    for (const m of missingGlyphs(codePointsOf(...strings.map((s) => s.value)))) {
      if (seen.has(m.codePoint)) continue;
      seen.add(m.codePoint);
      const first = strings.find((s) => s.value.includes(m.char))!;
      // Where the character itself stands when the scalar writes it literally, else where the scalar starts.
      const at = source.text.indexOf(m.char, first.offset);
      const { line, col } = source.lineCounter.linePos(at >= 0 ? at : first.offset);
      found.push({ file: source.file, line, column: col, severity: 'error', message: message(m), rule: 'missing-glyph' });
    }
  }
  return found;
}

/**
 * Characters of rendered documents that the fonts lack, at their place in the data when they come from there, else
 * against the document (a template or the locale).
 */
export function documentCoverage(documents: readonly { name: string; text: string }[], dataTexts: ReadonlyMap<string, string>): Diagnostic[] {
  const found: Diagnostic[] = [];
  const seen = new Set<number>();
  for (const doc of documents) {
    for (const m of missingGlyphs(codePointsOf(doc.text))) {
      if (seen.has(m.codePoint)) continue;
      seen.add(m.codePoint);
      const place = [...dataTexts].map(([file, text]) => ({ file, text, at: text.indexOf(m.char) })).find((p) => p.at >= 0);
      if (place) {
        const before = place.text.slice(0, place.at).split('\n');
        found.push({ file: place.file, line: before.length, column: before.at(-1)!.length + 1, severity: 'error', message: message(m), rule: 'missing-glyph' });
      } else {
        found.push({ file: `${doc.name} brief`, line: 1, column: 1, severity: 'error', message: message(m), rule: 'missing-glyph' });
      }
    }
  }
  return found;
}
