// The bundled Chinese fonts as the data sees them: which families set each edition (Noto Serif and Sans TC for
// zh-Hant, SC for zh-Hans — the same families' regional cuts, each with its own glyph shapes and punctuation
// placement), and which characters they cannot draw. Coverage is read from the complete TrueType fonts every subset
// is cut from (@expo-google-fonts: Google Fonts' static instances), so what passes the check is what prints. Every
// machine prints the same glyphs because no system font is ever used.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Fontkit from 'fontkit';
import type { Lang } from './names.ts';
import { kept } from './memo.ts';

const require = createRequire(import.meta.url);

export interface FontFamily {
  family: string;
  /** The edition whose text it sets (and text quoted in that script in the other edition). */
  lang: Lang;
  weights: readonly number[];
  /** The stem of its subsets' file names. */
  slug: string;
  /** The package with the complete TrueType font of each weight. */
  full: { pkg: string; files: Readonly<Record<number, string>> };
}

const family = (name: string, lang: Lang, slug: string, file: string): FontFamily => ({
  family: name,
  lang,
  weights: [400, 700],
  slug,
  full: { pkg: `@expo-google-fonts/${slug}`, files: { 400: `400Regular/${file}_400Regular.ttf`, 700: `700Bold/${file}_700Bold.ttf` } },
});

/** The families the stylesheet names, with the weights it uses: TC for zh-Hant, SC for zh-Hans. */
export const BUNDLED_FAMILIES: readonly FontFamily[] = [
  family('Noto Serif TC', 'zh-Hant', 'noto-serif-tc', 'NotoSerifTC'),
  family('Noto Sans TC', 'zh-Hant', 'noto-sans-tc', 'NotoSansTC'),
  family('Noto Serif SC', 'zh-Hans', 'noto-serif-sc', 'NotoSerifSC'),
  family('Noto Sans SC', 'zh-Hans', 'noto-sans-sc', 'NotoSansSC'),
];

/** The families that set an edition's text. */
export const familiesOf = (lang: Lang): FontFamily[] => BUNDLED_FAMILIES.filter((f) => f.lang === lang);

/** The complete font of a family and weight: its path, and an id naming the package version (for cache keys). */
export function fullFontOf(f: FontFamily, weight: number): { id: string; path: string } {
  const file = f.full.files[weight];
  if (!file) throw new Error(`no complete font for ${f.family} ${weight}`);
  const key = `${f.full.pkg}/${file}`;
  // Installed packages do not change under a running process: resolved once, not on every validation.
  let found = fullFonts.get(key);
  if (!found) {
    const pkg = JSON.parse(readFileSync(require.resolve(`${f.full.pkg}/package.json`), 'utf8')) as { version: string };
    found = { id: `${f.full.pkg}@${pkg.version}/${file}`, path: require.resolve(key) };
    fullFonts.set(key, found);
  }
  return found;
}
const fullFonts = new Map<string, { id: string; path: string }>();

/** Characters that draw nothing and need no glyph: spaces, controls, joiners and other format characters. */
export function needsGlyph(cp: number): boolean {
  return !/[\s\p{Cc}\p{Cf}]/u.test(String.fromCodePoint(cp));
}

/** The distinct characters of some texts, as sorted code points. */
export function codePointsOf(...texts: string[]): number[] {
  const set = new Set<number>();
  for (const t of texts) for (const ch of t) set.add(ch.codePointAt(0)!);
  return [...set].sort((a, b) => a - b);
}

export interface MissingGlyph {
  codePoint: number;
  char: string;
  family: string;
  weight: number;
}

/** Whether a font maps a code point to a glyph: what fontkit's hasGlyphForCodePoint answers, read from its cmap. */
type Coverage = (cp: number) => boolean;

/** Each complete font's coverage, read once per process. */
const coverages = new Map<string, Coverage>();

function coverageOf(f: FontFamily, weight: number): Coverage {
  const { path } = fullFontOf(f, weight);
  return kept(coverages, path, () => fontCoverage(path));
}

/** A font file's coverage: from its format 12 cmap where it has one, else by fontkit. */
export const fontCoverage = (path: string): Coverage => format12Coverage(path) ?? fontkitCoverage(path);

/** fontkit, loaded only for a font that format12Coverage cannot read: loading it takes longer than a validation. */
const fontkitCoverage = (path: string): Coverage => {
  const fontkit = require('fontkit') as typeof Fontkit;
  const font = fontkit.create(readFileSync(path)) as Fontkit.Font;
  return (cp) => font.hasGlyphForCodePoint(cp);
};

/**
 * The coverage of a TrueType font whose cmap has a Unicode full-repertoire subtable (format 12, platform 3
 * encoding 10: the subtable fontkit itself looks up first), read from that table's bytes alone: the bundled fonts
 * are 7 MB each, and fontkit reads the whole file and decodes the groups again at every look-up. Undefined for any
 * other font, which fontkit then reads (OpenType spec, "cmap — Character to Glyph Index Mapping Table").
 */
export function format12Coverage(path: string): Coverage | undefined {
  const fd = openSync(path, 'r');
  try {
    const read = (offset: number, length: number) => {
      const buffer = Buffer.alloc(length);
      return readSync(fd, buffer, 0, length, offset) === length ? buffer : undefined;
    };
    const header = read(0, 12);
    if (!header || header.readUInt32BE(0) !== 0x00010000) return undefined;
    const records = read(12, header.readUInt16BE(4) * 16);
    if (!records) return undefined;
    let cmap: Buffer | undefined;
    for (let at = 0; at < records.length; at += 16) {
      if (records.toString('latin1', at, at + 4) === 'cmap') cmap = read(records.readUInt32BE(at + 8), records.readUInt32BE(at + 12));
    }
    if (!cmap || cmap.length < 4) return undefined;
    for (let i = 0, n = cmap.readUInt16BE(2); i < n && 4 + i * 8 + 8 <= cmap.length; i++) {
      const record = 4 + i * 8;
      if (cmap.readUInt16BE(record) !== 3 || cmap.readUInt16BE(record + 2) !== 10) continue;
      const table = cmap.readUInt32BE(record + 4);
      if (table + 16 > cmap.length || cmap.readUInt16BE(table) !== 12) return undefined;
      const groups = cmap.readUInt32BE(table + 12);
      if (table + 16 + groups * 12 > cmap.length) return undefined;
      // [start, end, first glyph] per group, in code point order (the format requires it).
      const g = new Uint32Array(groups * 3);
      for (let k = 0; k < groups * 3; k++) g[k] = cmap.readUInt32BE(table + 16 + k * 4);
      return (cp) => {
        let [lo, hi] = [0, groups - 1];
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          if (cp < g[mid * 3]!) hi = mid - 1;
          else if (cp > g[mid * 3 + 1]!) lo = mid + 1;
          else return g[mid * 3 + 2]! + (cp - g[mid * 3]!) !== 0;
        }
        return false;
      };
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * What each edition's faces lack, by character, as far as asked: the fonts do not change under a running process,
 * and a validation asks about every character of the data again (about a thousand cmap look-ups for a small dataset).
 */
const missingByLang = new Map<Lang, Map<number, readonly MissingGlyph[]>>();

/** The characters that some family and weight of an edition cannot draw, by the complete font's own cmap. */
export function missingGlyphs(codePoints: readonly number[], lang: Lang = 'zh-Hant'): MissingGlyph[] {
  const known = kept(missingByLang, lang, () => new Map<number, readonly MissingGlyph[]>());
  let faces: { f: FontFamily; weight: number; has: Coverage }[] | undefined;
  const missing: MissingGlyph[] = [];
  for (const cp of codePoints) {
    let lacking = known.get(cp);
    if (!lacking) {
      faces ??= familiesOf(lang).flatMap((f) => f.weights.map((weight) => ({ f, weight, has: coverageOf(f, weight) })));
      lacking = needsGlyph(cp) ? faces.filter(({ has }) => !has(cp)).map(({ f, weight }) => ({ codePoint: cp, char: String.fromCodePoint(cp), family: f.family, weight })) : [];
      known.set(cp, lacking);
    }
    for (const m of lacking) missing.push({ ...m });
  }
  return missing;
}

export const describeCodePoint = (cp: number): string => `U+${cp.toString(16).toUpperCase().padStart(4, '0')} "${String.fromCodePoint(cp)}"`;
