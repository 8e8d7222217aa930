// The bundled Chinese fonts: Noto Serif and Sans TC for the zh-Hant edition, SC for the zh-Hans one (the same
// families' regional faces, each with its own glyph shapes and punctuation placement). Each output carries, per face (family and weight), one subset cut for exactly
// the characters it prints from the complete TrueType font (@expo-google-fonts: Google Fonts' static instances, with
// glyf outlines, so Chromium embeds them in a PDF as CIDFontType2). The coverage check still reads the @fontsource
// packages' unicode-range slices, as it always has: every character they have, the complete fonts have too. Every
// machine prints the same glyphs because no system font is ever used.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';
import { projectRoot } from './cache.ts';
import type { Lang } from './options.ts';

const require = createRequire(import.meta.url);

export interface FontFamily {
  family: string;
  /** The edition whose text it sets (and text quoted in that script in the other edition). */
  lang: Lang;
  /** The unicode-range sliced woff2 package whose cmaps the coverage check reads. */
  pkg: string;
  weights: readonly number[];
  /** The stem of its subsets' file names. */
  slug: string;
  /** The package with the complete TrueType font of each weight, which the subsets are cut from. */
  full: { pkg: string; files: Readonly<Record<number, string>> };
}

const family = (name: string, lang: Lang, slug: string, file: string): FontFamily => ({
  family: name,
  lang,
  pkg: `@fontsource/${slug}`,
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

/**
 * The @fontsource slices whose unicode-range touches the characters: what a page linking the slices downloads. The
 * build no longer ships slices (it cuts subsets, below); this is for a page that wants them, and for tests.
 */
export function facesFor(codePoints: readonly number[]): FontFace[] {
  const used = new Set<FontFace>();
  for (const cp of codePoints) if (needsGlyph(cp)) for (const f of faceIndex().get(cp) ?? []) used.add(f);
  return bundledFaces().filter((f) => used.has(f));
}

/** A face to declare in CSS: a slice (with its unicode-range) or a subset (without one: it is the whole face). */
export interface CssFace {
  family: string;
  weight: number;
  file: string;
  ranges?: readonly (readonly [number, number])[];
}

const CSS_FORMATS: Record<string, string> = { woff2: 'woff2', woff: 'woff', ttf: 'truetype', otf: 'opentype' };

/** @font-face rules for `faces`, with url()s relative to the stylesheet (`fonts/<file>`). */
export function fontFaceCss(faces: readonly CssFace[], urlPrefix = 'fonts/'): string {
  return faces
    .map((f) => {
      const format = CSS_FORMATS[f.file.slice(f.file.lastIndexOf('.') + 1).toLowerCase()] ?? 'woff2';
      const ranges = f.ranges?.map(([a, b]) => (a === b ? `U+${a.toString(16)}` : `U+${a.toString(16)}-${b.toString(16)}`)).join(',');
      return `@font-face {\n  font-family: '${f.family}';\n  font-style: normal;\n  font-weight: ${f.weight};\n  font-display: block;\n  src: url(${urlPrefix}${f.file}) format('${format}');\n${ranges ? `  unicode-range: ${ranges};\n` : ''}}\n`;
    })
    .join('');
}

// --- Subsets -------------------------------------------------------------------------------------------------------

/** The digits: page counters (`counter(page)`) and a contents' page numbers print them whatever the text says. */
export const DIGITS = '0123456789';

export type SubsetFormat = 'woff2' | 'ttf';

/** One face cut down to some characters. */
export interface SubsetFace {
  family: string;
  weight: number;
  /** `<family slug>-<weight>-<hash8>.<format>`, the hash of the face, the characters and the tools that cut it. */
  file: string;
  data: Uint8Array;
  /** The characters it was cut for, as given (those the face lacks, such as line breaks, are not in its cmap). */
  codePoints: number[];
}

export interface SubsetOptions {
  format?: SubsetFormat;
  /** The edition whose families are cut (default zh-Hant). */
  lang?: Lang;
  /** Where finished subsets are kept, by key; null keeps none. Defaults to fontCacheDir(). */
  cacheDir?: string | null;
}

/** `.cache/fonts/` in the project (found from the source or from the CLI's bundle in .cache/cli/ alike). */
export const fontCacheDir = (): string => join(projectRoot(), '.cache', 'fonts');

/**
 * The layout features a subset keeps: those a browser or reading system applies by itself to horizontal and vertical
 * CJK text (composition, localized forms, ligatures, kerning, marks, the contextual half-width punctuation of
 * `text-spacing-trim`, vertical forms). The alternates no stylesheet here asks for (aalt, dlig, fwid, hwid, pwid,
 * hist, ruby) are left out: their glyph closure would add a third to every subset. The @fontsource slices the pages
 * used before kept fewer still (ccmp, liga, locl, vert, vrt2; chws, halt, kern, vchw, vhal, vpal).
 */
const KEEP_FEATURES = ['ccmp', 'locl', 'liga', 'clig', 'calt', 'rlig', 'kern', 'mark', 'mkmk', 'chws', 'vchw', 'halt', 'vhal', 'palt', 'vpal', 'vert', 'vrt2', 'vkrn'];

type SubsetFn = (font: Buffer, text: string, options: { targetFormat: 'woff2' | 'truetype'; keepFeatures: string[] }) => Promise<Buffer>;

/** `name@version` of the package `name` as `from` resolves it (found up from its entry point: exports may hide it). */
function installedVersion(name: string, from: NodeJS.Require): string {
  let dir = dirname(from.resolve(name));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return `${name}@${pkg.version}`;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the package.json of ${name}`);
    dir = up;
  }
}

let toolsCache: string | undefined;

/** What cuts and compresses the subsets (harfbuzz's hb-subset as wasm, Google's woff2 encoder as wasm): part of each key. */
function subsetTools(): string {
  if (toolsCache) return toolsCache;
  const subsetter = createRequire(require.resolve('subset-font'));
  const converter = createRequire(subsetter.resolve('fontverter'));
  toolsCache = [installedVersion('subset-font', require), installedVersion('harfbuzzjs', subsetter), installedVersion('fontverter', subsetter), installedVersion('wawoff2', converter)].join(',');
  return toolsCache;
}

function fullFontOf(family: FontFamily, weight: number): { id: string; path: string } {
  const file = family.full.files[weight];
  if (!file) throw new Error(`no complete font for ${family.family} ${weight}`);
  const pkg = JSON.parse(readFileSync(require.resolve(`${family.full.pkg}/package.json`), 'utf8')) as { version: string };
  return { id: `${family.full.pkg}@${pkg.version}/${file}`, path: require.resolve(`${family.full.pkg}/${file}`) };
}

/** The characters to cut a subset for: distinct, sorted, no controls or lone surrogates (no font draws those). */
function subsetCodePoints(codePoints: readonly number[]): number[] {
  return [...new Set(codePoints)].filter((cp) => !(cp >= 0xd800 && cp <= 0xdfff) && !/\p{Cc}/u.test(String.fromCodePoint(cp))).sort((a, b) => a - b);
}

/** A finished file of the format, as far as its first bytes tell: a cached file cut short is not taken. */
function looksWhole(data: Uint8Array, format: SubsetFormat): boolean {
  if (data.byteLength < 12) return false;
  const magic = Buffer.from(data.subarray(0, 4)).toString('latin1');
  // A woff2 header says how long the file is; a TrueType file is checked by its version tag only.
  if (format === 'woff2') return magic === 'wOF2' && Buffer.from(data).readUInt32BE(8) === data.byteLength;
  return magic === '\0\x01\0\0' || magic === 'true';
}

/** Subsets being cut in this process, by key, so two outputs asking for the same one at once share the work. */
const cutting = new Map<string, Promise<Uint8Array>>();

/**
 * One face cut down to the characters: the same characters, face and tools give the same bytes (hb-subset and the
 * woff2 encoder are deterministic, and nothing here reads the clock). A finished subset is kept in the cache folder
 * under its key, so a build whose characters did not change cuts nothing.
 */
export async function subsetFace(family: FontFamily, weight: number, codePoints: readonly number[], options: SubsetOptions = {}): Promise<SubsetFace> {
  const format = options.format ?? 'woff2';
  const cacheDir = options.cacheDir === undefined ? fontCacheDir() : options.cacheDir;
  const cps = subsetCodePoints(codePoints);
  const source = fullFontOf(family, weight);
  const key = createHash('sha256')
    .update(JSON.stringify({ face: `${family.family} ${weight}`, source: source.id, tools: subsetTools(), format, features: KEEP_FEATURES, codePoints: cps }))
    .digest('hex');
  const stem = `${family.slug}-${weight}`;
  const cached = cacheDir === null ? undefined : join(cacheDir, `${stem}-${key}.${format}`);
  const cut = async (): Promise<Uint8Array> => {
    if (cached) {
      try {
        const data = new Uint8Array(await readFile(cached));
        if (looksWhole(data, format)) return data;
      } catch {
        // Not cut yet.
      }
    }
    const subsetFont = require('subset-font') as SubsetFn;
    const data = new Uint8Array(await subsetFont(await readFile(source.path), String.fromCodePoint(...cps), { targetFormat: format === 'ttf' ? 'truetype' : 'woff2', keepFeatures: KEEP_FEATURES }));
    if (cached) {
      try {
        // Written whole under another name, then renamed: a build running beside this one reads all of it or none.
        mkdirSync(dirname(cached), { recursive: true });
        const partial = `${cached}.${process.pid}.partial`;
        writeFileSync(partial, data);
        renameSync(partial, cached);
      } catch {
        // A read-only checkout only loses the cache.
      }
    }
    return data;
  };
  const id = `${cached ?? ''}|${key}`;
  let pending = cutting.get(id);
  if (!pending) {
    pending = cut().finally(() => cutting.delete(id));
    cutting.set(id, pending);
  }
  return { family: family.family, weight, file: `${stem}-${key.slice(0, 8)}.${format}`, data: await pending, codePoints: cps };
}

/** Every face of an edition's families (each in each weight the stylesheet uses) cut to the characters, in a fixed order. */
export async function subsetFaces(codePoints: readonly number[], options: SubsetOptions = {}): Promise<SubsetFace[]> {
  const faces: SubsetFace[] = [];
  // One at a time: the subsetter runs one job at a time anyway, and each holds a whole font (7 to 10 MB) in memory.
  for (const family of familiesOf(options.lang ?? 'zh-Hant')) for (const weight of family.weights) faces.push(await subsetFace(family, weight, codePoints, options));
  return faces;
}

/** CSS text without its comments: what of a stylesheet can print (its `content` strings) is in what is left. */
export const withoutCssComments = (css: string): string => css.replace(/\/\*[\s\S]*?\*\//g, ' ');

/**
 * The characters a face's unicode-range claims but its cmap lacks (almost always none). Reading a face's cmap means
 * decompressing it, so the answer is kept in .cache/ per font package version and face file.
 */
const gapsFile = () => join(projectRoot(), '.cache', 'font-gaps.json');
interface GapsFile {
  packages: string;
  gaps: Record<string, number[]>;
}
let gapsCache: GapsFile | undefined;
let gapsDirty = false;

function packagesVersion(): string {
  return BUNDLED_FAMILIES.map((f) => `${f.pkg}@${(JSON.parse(readFileSync(require.resolve(`${f.pkg}/package.json`), 'utf8')) as { version: string }).version}`).join(',');
}

const gapSets = new Map<string, Set<number>>();

function gapsOf(face: FontFace): Set<number> {
  const known = gapSets.get(face.file);
  if (known) return known;
  if (!gapsCache) {
    const packages = packagesVersion();
    try {
      const stored = JSON.parse(readFileSync(gapsFile(), 'utf8')) as GapsFile | undefined;
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
  const set = new Set(gaps);
  gapSets.set(face.file, set);
  return set;
}

function saveGaps(): void {
  if (!gapsDirty || !gapsCache) return;
  try {
    mkdirSync(dirname(gapsFile()), { recursive: true });
    writeFileSync(gapsFile(), JSON.stringify(gapsCache));
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
 * The characters that some family and weight of an edition cannot draw: none of its subsets claims the character, or
 * the one that does has no glyph for it (checked in the font's own cmap, not trusted from the CSS).
 */
export function missingGlyphs(codePoints: readonly number[], lang: Lang = 'zh-Hant'): MissingGlyph[] {
  const missing: MissingGlyph[] = [];
  for (const cp of codePoints) {
    if (!needsGlyph(cp)) continue;
    const faces = faceIndex().get(cp) ?? [];
    for (const fam of familiesOf(lang)) {
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
