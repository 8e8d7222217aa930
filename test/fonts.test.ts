// The font subsets every output carries: exactly the characters asked for, TrueType outlines, the same bytes for the
// same characters, cut once and then read from the cache; and the coverage check, which still refuses a character
// no bundled face has.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import { afterAll, describe, expect, it } from 'vitest';
import { fontCoverage, format12Coverage, fullFontOf, missingGlyphs } from '../pipeline/data/glyphs.ts';
import { documentCoverage } from '../pipeline/print/coverage.ts';
import { BUNDLED_FAMILIES, familiesOf, codePointsOf, fontFaceCss, subsetFace, subsetFaces, type SubsetFace } from '../pipeline/print/fonts.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-fonts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Han, kana-free CJK punctuation, the ideographic space, Latin, digits, and a line break (which no font maps).
const text = '中美戰略對話年表：第一輪（北京）「成果」　Strategic Dialogue 2005–2021\n';
const serif400 = BUNDLED_FAMILIES.find((f) => f.family === 'Noto Serif TC')!;

/** The characters a font's cmap maps to a real glyph (fontkit lists format 4's closing U+FFFF → .notdef too). */
function cmapOf(data: Uint8Array): { font: fontkit.Font; chars: number[] } {
  const font = fontkit.create(Buffer.from(data)) as fontkit.Font;
  return { font, chars: font.characterSet.filter((cp) => font.glyphForCodePoint(cp).id !== 0).sort((a, b) => a - b) };
}

describe('the coverage of a bundled font', () => {
  it('is read from its cmap alone, and answers as fontkit does for every character it maps, the next, and a sweep of the rest', () => {
    for (const f of BUNDLED_FAMILIES) {
      for (const weight of f.weights) {
        const { path } = fullFontOf(f, weight);
        const has = format12Coverage(path);
        expect(has, `${f.family} ${weight} has no format 12 cmap`).toBeDefined();
        const font = fontkit.create(readFileSync(path)) as fontkit.Font;
        const disagree: number[] = [];
        const check = (cp: number) => {
          if (has!(cp) !== font.hasGlyphForCodePoint(cp)) disagree.push(cp);
        };
        for (const cp of font.characterSet) [cp, cp + 1].forEach(check);
        for (let cp = 0; cp < 0x110000; cp += 97) check(cp);
        expect(disagree, `${f.family} ${weight}`).toEqual([]);
      }
    }
  });
});

describe('a subset of a bundled face', () => {
  let faces: SubsetFace[];
  it('is cut for each family and weight, named by face and content hash', async () => {
    faces = await subsetFaces(codePointsOf(text), { cacheDir: null });
    expect(faces.map((f) => `${f.family} ${f.weight}`)).toEqual(['Noto Serif TC 400', 'Noto Serif TC 700', 'Noto Sans TC 400', 'Noto Sans TC 700']);
    expect(faces.map((f) => f.file.replace(/-[0-9a-f]{8}\.woff2$/, ''))).toEqual(['noto-serif-tc-400', 'noto-serif-tc-700', 'noto-sans-tc-400', 'noto-sans-tc-700']);
    for (const f of faces) expect(f.file).toMatch(/^noto-(serif|sans)-tc-[47]00-[0-9a-f]{8}\.woff2$/);
  });

  it('maps every character of the text, and nothing else', () => {
    const wanted = codePointsOf(text).filter((cp) => cp !== 0x0a);
    for (const f of faces) {
      const { font, chars } = cmapOf(f.data);
      expect(chars, f.file).toEqual(wanted);
      // Only the glyphs those need: .notdef, one per character, and a few their layout features reach (vertical forms).
      expect(font.numGlyphs, f.file).toBeGreaterThan(wanted.length);
      expect(font.numGlyphs, f.file).toBeLessThan(wanted.length + 15);
    }
  });

  it('is read by fontkit where it has no format 12 cmap (a WOFF2 file): its characters are covered, others not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'briefs-coverage-'));
    try {
      const file = join(dir, faces[0]!.file);
      writeFileSync(file, faces[0]!.data);
      expect(format12Coverage(file)).toBeUndefined();
      const has = fontCoverage(file);
      const wanted = codePointsOf(text).filter((cp) => cp !== 0x0a);
      expect(wanted.filter((cp) => !has(cp))).toEqual([]);
      expect(has('鬱'.codePointAt(0)!)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has TrueType (glyf) outlines, so a PDF embeds it as CIDFontType2, and the family name CSS asks for', () => {
    for (const f of faces) {
      const { font } = cmapOf(f.data);
      const tables = Object.keys((font as unknown as { directory: { tables: Record<string, unknown> } }).directory.tables);
      expect(tables, f.file).toContain('glyf');
      expect(tables, f.file).not.toContain('CFF ');
      expect(font.familyName, f.file).toBe(f.family);
      expect(font.postscriptName, f.file).toMatch(/^NotoS(erif|ans)TC-(Regular|Bold)$/);
    }
  });

  it('is declared by one @font-face per face, with no unicode-range', () => {
    const css = fontFaceCss(faces);
    expect(css.match(/@font-face/g)).toHaveLength(4);
    expect(css).not.toContain('unicode-range');
    for (const f of faces) expect(css).toContain(`font-family: '${f.family}';\n  font-style: normal;\n  font-weight: ${f.weight};\n  font-display: block;\n  src: url(fonts/${f.file}) format('woff2');`);
  });

  it('is the same bytes for the same characters, in whatever order, and another file for others', async () => {
    const again = await subsetFace(serif400, 400, codePointsOf([...text].reverse().join('')), { cacheDir: null });
    expect(again.file).toBe(faces[0]!.file);
    expect(Buffer.compare(Buffer.from(again.data), Buffer.from(faces[0]!.data))).toBe(0);
    const other = await subsetFace(serif400, 400, codePointsOf(`${text}續`), { cacheDir: null });
    expect(other.file).not.toBe(faces[0]!.file);
    expect(cmapOf(other.data).chars).toContain('續'.codePointAt(0));
  });

  it('can be TrueType instead of woff2', async () => {
    const ttf = await subsetFace(serif400, 400, codePointsOf(text), { cacheDir: null, format: 'ttf' });
    expect(ttf.file).toMatch(/^noto-serif-tc-400-[0-9a-f]{8}\.ttf$/);
    expect(Buffer.from(ttf.data.subarray(0, 4)).toString('hex')).toBe('00010000');
    expect(cmapOf(ttf.data).chars).toEqual(cmapOf(faces[0]!.data).chars);
    expect(fontFaceCss([ttf])).toContain(`src: url(fonts/${ttf.file}) format('truetype');`);
  });
});

describe('the subset cache', () => {
  it('keeps a cut subset and reads it back instead of cutting it again; a file cut short is cut again', async () => {
    const cacheDir = join(work, 'cache');
    const first = await subsetFace(serif400, 400, codePointsOf(text), { cacheDir });
    const [name, ...more] = readdirSync(cacheDir);
    expect(more).toEqual([]);
    expect(name).toMatch(/^noto-serif-tc-400-[0-9a-f]{64}\.woff2$/);
    expect(Buffer.compare(readFileSync(join(cacheDir, name!)), Buffer.from(first.data))).toBe(0);

    // A whole file with one byte changed: it is what comes back, so nothing was cut.
    const marked = Buffer.from(first.data);
    marked[marked.length - 1] = marked[marked.length - 1]! ^ 0xff;
    writeFileSync(join(cacheDir, name!), marked);
    const cached = await subsetFace(serif400, 400, codePointsOf(text), { cacheDir });
    expect(Buffer.compare(Buffer.from(cached.data), marked)).toBe(0);

    // A file cut short is not taken: the subset is cut again, and the cache mended.
    writeFileSync(join(cacheDir, name!), marked.subarray(0, 100));
    const recut = await subsetFace(serif400, 400, codePointsOf(text), { cacheDir });
    expect(Buffer.compare(Buffer.from(recut.data), Buffer.from(first.data))).toBe(0);
    expect(Buffer.compare(readFileSync(join(cacheDir, name!)), Buffer.from(first.data))).toBe(0);
  });
});

describe('glyph coverage', () => {
  it('still reports a character no bundled face has, for every family and weight, in the same words', () => {
    expect(missingGlyphs([0x20000, 0x4e2d])).toEqual(
      familiesOf('zh-Hant').flatMap((f) => f.weights.map((weight) => ({ codePoint: 0x20000, char: '𠀀', family: f.family, weight }))),
    );
    const [d] = documentCoverage([{ name: 'chronology', text: '年表𠀀' }], [], 'zh-Hant');
    expect(d).toEqual({
      file: 'chronology brief',
      line: 1,
      column: 1,
      severity: 'error',
      message: 'U+20000 "𠀀" is not in the bundled fonts (Noto Serif TC 400) (expected characters the Noto Serif TC and Noto Sans TC fonts can draw)',
      rule: 'missing-glyph',
    });
  });

  it('passes exactly the characters a subset cut from the same complete font can draw', async () => {
    // The check reads the complete fonts the subsets are cut from: what it passes is what a subset maps, and what it
    // refuses (a character of the Supplementary Ideographic Plane; a Simplified-only one in the TC faces) no subset has.
    const probe = [...'中們们𠀀發发'].map((c) => c.codePointAt(0)!);
    for (const lang of ['zh-Hant', 'zh-Hans'] as const) {
      const missing = new Set(missingGlyphs(probe, lang).map((m) => m.codePoint));
      for (const face of await subsetFaces(probe, { lang, cacheDir: null })) {
        const { chars } = cmapOf(face.data);
        expect(probe.filter((cp) => !chars.includes(cp)).every((cp) => missing.has(cp)), `${face.file}: a character the check passes is not in the subset`).toBe(true);
        expect(chars.every((cp) => !missing.has(cp)), `${face.file}: a character the check refuses is in the subset`).toBe(true);
      }
      expect(missing.has(0x20000), lang).toBe(true);
      expect(missing.has(0x4e2d), lang).toBe(false);
    }
    expect(missingGlyphs([0x4eec], 'zh-Hant').length).toBeGreaterThan(0); // 们 is not in the TC faces
    expect(missingGlyphs([0x4eec], 'zh-Hans')).toEqual([]);
  }, 60_000);
});
