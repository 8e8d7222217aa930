// Font subsets: each output carries, per face (family and weight), one subset cut for exactly the characters it
// prints from the complete TrueType font (glyf outlines, so Chromium embeds it in a PDF as CIDFontType2), and the
// @font-face rules that name them. The families and what they can draw are the data layer's (data/glyphs.ts).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { familiesOf, fullFontOf, type FontFamily } from '../data/glyphs.ts';
import type { Lang } from '../data/names.ts';

export { BUNDLED_FAMILIES, codePointsOf, familiesOf } from '../data/glyphs.ts';

const require = createRequire(import.meta.url);

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
  /** Where finished subsets are kept, by key (the build's .cache/fonts/); null keeps none. */
  cacheDir: string | null;
}

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
export async function subsetFace(family: FontFamily, weight: number, codePoints: readonly number[], options: SubsetOptions): Promise<SubsetFace> {
  const format = options.format ?? 'woff2';
  const cacheDir = options.cacheDir;
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
export async function subsetFaces(codePoints: readonly number[], options: SubsetOptions): Promise<SubsetFace[]> {
  const faces: SubsetFace[] = [];
  // One at a time: the subsetter runs one job at a time anyway, and each holds a whole font (7 to 10 MB) in memory.
  for (const family of familiesOf(options.lang ?? 'zh-Hant')) for (const weight of family.weights) faces.push(await subsetFace(family, weight, codePoints, options));
  return faces;
}

/** CSS text without its comments: what of a stylesheet can print (its `content` strings) is in what is left. */
export const withoutCssComments = (css: string): string => css.replace(/\/\*[\s\S]*?\*\//g, ' ');
