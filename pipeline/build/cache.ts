// The build cache: a manifest in the output folder records, for every output, the key it was built from (a hash of
// everything it depends on) and the file that came out. Light on purpose: a build where nothing changed answers
// from here without loading any stage, so it stays under half a second.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findSystemBrowser } from '../print/find-browser.ts';
import { MAX_FILE_BYTES } from '../data/names.ts';
import type { BuildOptions } from './options.ts';

export const MANIFEST_FILE = '.build-manifest.json';
const MANIFEST_FORMAT = 'dialogue-briefs-manifest/1';

export interface ManifestEntry {
  key: string;
  size: number;
  mtimeMs: number;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  /** A hash of every input of the last build (data, templates, pipeline, options), for the no-op check. */
  inputs: string;
  outputs: Record<string, ManifestEntry>;
}

export const hash = (...parts: (string | Uint8Array)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(typeof p === 'string' ? Buffer.from(p) : p);
    h.update('\0');
  }
  return h.digest('hex');
};

/** The project root: the nearest folder above this module with a package.json (works from source and bundle). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no package.json above the pipeline');
    dir = up;
  }
  return dir;
}

/** Every file under `dir` (links to files too), sorted: the template folders as the build reads them. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() || (entry.isSymbolicLink() && statSync(p, { throwIfNoEntry: false })?.isFile())) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The files of a build's template folders, path → bytes: read once, then handed to the template reader and the key. */
export function readTemplateFiles(dirs: readonly string[]): Map<string, Uint8Array> {
  return new Map(dirs.flatMap((dir) => filesUnder(dir)).map((f) => [f, new Uint8Array(readFileSync(f))]));
}

/**
 * What a build reads: its data folder's YAML files by name (bytes, or undefined for one the loader cannot read: a
 * FIFO, a folder, a file too large) and its template files by path. The build hashes what its loaders read; the
 * command line's no-op check reads the same files the same way, so the two keys agree.
 */
export interface InputFiles {
  data: ReadonlyMap<string, Uint8Array | undefined>;
  templates: ReadonlyMap<string, Uint8Array>;
}

/** The template folders of a build: the dataset's own templates/ first (it overrides the defaults), then the defaults. */
export const templateDirs = (o: Pick<BuildOptions, 'dataDir' | 'templatesDir'>): string[] => [join(o.dataDir, 'templates'), o.templatesDir];

/** The input files as the no-op check reads them, without loading any stage. */
export function readInputFilesSync(o: Pick<BuildOptions, 'dataDir' | 'templatesDir'>): InputFiles {
  const names = existsSync(o.dataDir) ? readdirSync(o.dataDir).filter((n) => /\.ya?ml$/.test(n)).sort() : [];
  const data = new Map<string, Uint8Array | undefined>();
  for (const name of names) {
    const path = join(o.dataDir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    data.set(name, st?.isFile() && st.size <= MAX_FILE_BYTES ? new Uint8Array(readFileSync(path)) : undefined);
  }
  return { data, templates: readTemplateFiles(templateDirs(o)) };
}

let versionCache: string | undefined;

/** The pipeline's own version: its sources, the locked dependency versions, and the Node major (its ICU and tz). */
export function pipelineVersion(): string {
  if (versionCache) return versionCache;
  const root = projectRoot();
  const sources = filesUnder(join(root, 'pipeline')).filter((f) => f.endsWith('.ts'));
  const parts = sources.flatMap((f) => [relative(root, f), readFileSync(f)]);
  const lock = join(root, 'package-lock.json');
  versionCache = hash(...parts, existsSync(lock) ? readFileSync(lock) : '', `node${process.versions.node.split('.')[0]}`);
  return versionCache;
}

/** The browser the PDFs would come from, as far as it can be told without starting it. */
export function browserIdentity(): string {
  const found = findSystemBrowser();
  if (!found) return 'puppeteer-default';
  const st = statSync(found.path);
  return `${found.path}:${st.size}:${st.mtimeMs}`;
}

/** What decides a build's inputs: the folders it reads and the options that change what it makes. */
export type BuildInputs = Pick<BuildOptions, 'dataDir' | 'templatesDir' | 'only' | 'formats' | 'langs' | 'since' | 'baseUrl' | 'releasesUrl' | 'paper' | 'shard'>;

/** The inputs of the files alone: what a rendering of the data depends on, whatever is asked of the build. */
export function filesKey(files: InputFiles): string {
  const data = [...files.data].sort(([a], [b]) => a.localeCompare(b)).flatMap(([name, bytes]) => [`data/${name}`, bytes ?? '\0unreadable']);
  const templates = [...files.templates].flatMap(([path, bytes]) => [path, bytes]);
  return hash(pipelineVersion(), ...data, ...templates);
}

/** The inputs key a build records and the no-op check compares: the files read, the options, the browser. */
export function buildInputsKey(o: BuildInputs, files: InputFiles): string {
  const options = { only: o.only, formats: o.formats, langs: o.langs ?? 'every edition', since: o.since ?? null, baseUrl: o.baseUrl ?? null, releasesUrl: o.releasesUrl ?? null, paper: o.paper, shard: o.shard ?? null };
  return hash(filesKey(files), JSON.stringify(options), o.formats.includes('pdf') ? browserIdentity() : '');
}

/** The manifest of an output folder; a missing, corrupt or foreign one reads as none, which means a full build. */
export async function readManifest(outDir: string): Promise<Manifest | undefined> {
  try {
    const m = JSON.parse(await readFile(join(outDir, MANIFEST_FILE), 'utf8')) as Partial<Manifest>;
    if (m.format !== MANIFEST_FORMAT || typeof m.inputs !== 'string' || !m.outputs || typeof m.outputs !== 'object') return undefined;
    for (const e of Object.values(m.outputs)) {
      if (typeof e?.key !== 'string' || typeof e.size !== 'number' || typeof e.mtimeMs !== 'number') return undefined;
    }
    return m as Manifest;
  } catch {
    return undefined;
  }
}

/** Writes the manifest of a generation, beside the outputs it describes, so that both are published together. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
}

/** True when the file on disk is the one the manifest recorded (same size and modification time). */
export function unchangedOnDisk(outDir: string, path: string, entry: ManifestEntry | undefined): boolean {
  if (!entry) return false;
  try {
    const st = statSync(join(outDir, path));
    return st.size === entry.size && st.mtimeMs === entry.mtimeMs;
  } catch {
    return false;
  }
}

/** Records a file just written under a key. */
export function entryFor(outDir: string, path: string, key: string): ManifestEntry {
  const st = statSync(join(outDir, path));
  return { key, size: st.size, mtimeMs: st.mtimeMs };
}
