// The bundled Chinese fonts as the data sees them: which families set each edition (Noto Serif and Sans TC for
// zh-Hant, SC for zh-Hans — the same families' regional cuts, each with its own glyph shapes and punctuation
// placement), and which characters they cannot draw. Coverage is read from the complete TrueType fonts every subset
// is cut from (@expo-google-fonts: Google Fonts' static instances), so what passes the check is what prints. Every
// machine prints the same glyphs because no system font is ever used.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
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

/** Each complete font opened once per process: its cmap answers in O(1), and opening one takes about 10 ms. */
const opened = new Map<string, fontkit.Font>();

function fontOf(f: FontFamily, weight: number): fontkit.Font {
  const { path } = fullFontOf(f, weight);
  let font = opened.get(path);
  if (!font) {
    font = fontkit.create(readFileSync(path)) as fontkit.Font;
    opened.set(path, font);
  }
  return font;
}

/**
 * What each edition's faces lack, by character, as far as asked: the fonts do not change under a running process,
 * and a validation asks about every character of the data again (about a thousand cmap look-ups for a small dataset).
 */
const missingByLang = new Map<Lang, Map<number, readonly MissingGlyph[]>>();

/** The characters that some family and weight of an edition cannot draw, by the complete font's own cmap. */
export function missingGlyphs(codePoints: readonly number[], lang: Lang = 'zh-Hant'): MissingGlyph[] {
  const known = kept(missingByLang, lang, () => new Map<number, readonly MissingGlyph[]>());
  let faces: { f: FontFamily; weight: number; font: fontkit.Font }[] | undefined;
  const missing: MissingGlyph[] = [];
  for (const cp of codePoints) {
    let lacking = known.get(cp);
    if (!lacking) {
      faces ??= familiesOf(lang).flatMap((f) => f.weights.map((weight) => ({ f, weight, font: fontOf(f, weight) })));
      lacking = needsGlyph(cp) ? faces.filter(({ font }) => !font.hasGlyphForCodePoint(cp)).map(({ f, weight }) => ({ codePoint: cp, char: String.fromCodePoint(cp), family: f.family, weight })) : [];
      known.set(cp, lacking);
    }
    for (const m of lacking) missing.push({ ...m });
  }
  return missing;
}

export const describeCodePoint = (cp: number): string => `U+${cp.toString(16).toUpperCase().padStart(4, '0')} "${String.fromCodePoint(cp)}"`;
