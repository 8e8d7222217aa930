// The bundled Traditional Chinese fonts (the @fontsource Noto Serif TC and Noto Sans TC packages): which subset
// files a set of characters needs, the @font-face rules for them, and a coverage check that no character of a brief
// is missing from them. Every machine prints the same glyphs because no system font is ever used.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';

const require = createRequire(import.meta.url);

export interface FontFamily {
  family: string;
  pkg: string;
  weights: readonly number[];
}

/** The families the stylesheet names, with the weights it uses. */
export const BUNDLED_FAMILIES: readonly FontFamily[] = [
  { family: 'Noto Serif TC', pkg: '@fontsource/noto-serif-tc', weights: [400, 700] },
  { family: 'Noto Sans TC', pkg: '@fontsource/noto-sans-tc', weights: [400, 700] },
];

export interface FontFace {
  family: string;
  weight: number;
  /** The woff2 file name, and its absolute path in node_modules. */
  file: string;
  path: string;
  ranges: [number, number][];
}

function parseRanges(value: string): [number, number][] {
  return value.split(',').map((part) => {
    const [a, b] = part.trim().replace(/^U\+/i, '').split('-');
    const start = parseInt(a!, 16);
    return [start, b === undefined ? start : parseInt(b, 16)];
  });
}

let faceCache: FontFace[] | undefined;

/** Every subset face of the bundled families, read from the packages' own CSS. */
export function bundledFaces(): FontFace[] {
  if (faceCache) return faceCache;
  const faces: FontFace[] = [];
  for (const f of BUNDLED_FAMILIES) {
    const dir = dirname(require.resolve(`${f.pkg}/package.json`));
    for (const weight of f.weights) {
      const css = readFileSync(join(dir, `${weight}.css`), 'utf8');
      for (const block of css.split('@font-face').slice(1)) {
        const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
        const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
        if (!file || !range) continue;
        faces.push({ family: f.family, weight, file, path: join(dir, 'files', file), ranges: parseRanges(range) });
      }
    }
  }
  faceCache = faces;
  return faces;
}

let indexCache: Map<number, FontFace[]> | undefined;

/** Code point → the faces whose unicode-range claims it: one pass over every range, then O(1) look-ups. */
function faceIndex(): Map<number, FontFace[]> {
  if (indexCache) return indexCache;
  const index = new Map<number, FontFace[]>();
  for (const face of bundledFaces()) {
    for (const [a, b] of face.ranges) {
      for (let cp = a; cp <= b; cp++) {
        const list = index.get(cp);
        if (list) list.push(face);
        else index.set(cp, [face]);
      }
    }
  }
  indexCache = index;
  return index;
}

/** Characters that draw nothing and need no glyph: spaces, controls, joiners and other format characters. */
export function needsGlyph(cp: number): boolean {
  const c = String.fromCodePoint(cp);
  return !/[\s\p{Cc}\p{Cf}]/u.test(c);
}

/** The distinct characters of some texts, as sorted code points. */
export function codePointsOf(...texts: string[]): number[] {
  const set = new Set<number>();
  for (const t of texts) for (const ch of t) set.add(ch.codePointAt(0)!);
  return [...set].sort((a, b) => a - b);
}

/** The faces whose unicode-range touches the characters: what a page showing them downloads, no more. */
export function facesFor(codePoints: readonly number[]): FontFace[] {
  const used = new Set<FontFace>();
  for (const cp of codePoints) if (needsGlyph(cp)) for (const f of faceIndex().get(cp) ?? []) used.add(f);
  return bundledFaces().filter((f) => used.has(f));
}

/** @font-face rules for `faces`, with url()s relative to the stylesheet (`fonts/<file>`). */
export function fontFaceCss(faces: readonly FontFace[], urlPrefix = 'fonts/'): string {
  return faces
    .map((f) => {
      const ranges = f.ranges.map(([a, b]) => (a === b ? `U+${a.toString(16)}` : `U+${a.toString(16)}-${b.toString(16)}`)).join(',');
      return `@font-face {\n  font-family: '${f.family}';\n  font-style: normal;\n  font-weight: ${f.weight};\n  font-display: block;\n  src: url(${urlPrefix}${f.file}) format('woff2');\n  unicode-range: ${ranges};\n}\n`;
    })
    .join('');
}

/**
 * The characters a face's unicode-range claims but its cmap lacks (almost always none). Reading a face's cmap means
 * decompressing it, so the answer is kept in .cache/ per font package version and face file.
 */
const GAPS_FILE = join(dirname(dirname(fileURLToPath(import.meta.url))), '.cache', 'font-gaps.json');
interface GapsFile {
  packages: string;
  gaps: Record<string, number[]>;
}
let gapsCache: GapsFile | undefined;
let gapsDirty = false;

function packagesVersion(): string {
  return BUNDLED_FAMILIES.map((f) => `${f.pkg}@${(JSON.parse(readFileSync(require.resolve(`${f.pkg}/package.json`), 'utf8')) as { version: string }).version}`).join(',');
}

function gapsOf(face: FontFace): Set<number> {
  if (!gapsCache) {
    const packages = packagesVersion();
    try {
      const stored = JSON.parse(readFileSync(GAPS_FILE, 'utf8')) as GapsFile | undefined;
      gapsCache = stored?.packages === packages ? stored : { packages, gaps: {} };
    } catch {
      gapsCache = { packages, gaps: {} };
    }
  }
  let gaps = gapsCache.gaps[face.file];
  if (!gaps) {
    const font = fontkit.create(readFileSync(face.path)) as fontkit.Font;
    gaps = face.ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i)).filter((cp) => !font.hasGlyphForCodePoint(cp));
    gapsCache.gaps[face.file] = gaps;
    gapsDirty = true;
  }
  return new Set(gaps);
}

function saveGaps(): void {
  if (!gapsDirty || !gapsCache) return;
  try {
    mkdirSync(dirname(GAPS_FILE), { recursive: true });
    writeFileSync(GAPS_FILE, JSON.stringify(gapsCache));
    gapsDirty = false;
  } catch {
    // A read-only checkout only loses the cache.
  }
}

export interface MissingGlyph {
  codePoint: number;
  char: string;
  family: string;
  weight: number;
}

/**
 * The characters that some bundled family and weight cannot draw: none of its subsets claims the character, or the
 * one that does has no glyph for it (checked in the font's own cmap, not trusted from the CSS).
 */
export function missingGlyphs(codePoints: readonly number[]): MissingGlyph[] {
  const missing: MissingGlyph[] = [];
  for (const cp of codePoints) {
    if (!needsGlyph(cp)) continue;
    const faces = faceIndex().get(cp) ?? [];
    for (const fam of BUNDLED_FAMILIES) {
      for (const weight of fam.weights) {
        const face = faces.find((f) => f.family === fam.family && f.weight === weight);
        if (!face || gapsOf(face).has(cp)) missing.push({ codePoint: cp, char: String.fromCodePoint(cp), family: fam.family, weight });
      }
    }
  }
  saveGaps();
  return missing;
}

export const describeCodePoint = (cp: number): string => `U+${cp.toString(16).toUpperCase().padStart(4, '0')} "${String.fromCodePoint(cp)}"`;
