// Assembly: the output folders of N shard builds (each a plain copy, as `cp -rL output/* dir/` makes it) merged into
// one site. Every shard makes the same pages and assets and its own part of the prints, so a path two shards both
// hold must have the same bytes; anything else means they were built from different inputs, and is refused. Each
// edition's SHA256SUMS lists only its shard's prints, so it is made again from the merged prints.
import { AssembleError } from '../data/diagnostics.ts';

export { AssembleError };
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { CHECKSUMS_FILE, isChecksummed, sha256sums } from '../data/checksums.ts';
import { describeWriteError, OutputFolderError } from '../data/diagnostics.ts';


export interface AssembleResult {
  /** Every file of the assembled folder, relative to it, sorted (the SHA256SUMS included). */
  files: string[];
  /** The SHA256SUMS written, relative to the assembled folder. */
  checksums: string[];
}

interface Source {
  shard: string;
  path: string;
  sha256: string;
}

const sha256Of = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

/** The visible files under `dir`, relative to it: dot entries are the build's own (manifest, generations), not the site's. */
async function visibleFiles(dir: string, sub = ''): Promise<string[]> {
  const found: string[] = [];
  for (const name of (await readdir(join(dir, sub))).sort()) {
    if (name.startsWith('.')) continue;
    const rel = sub ? `${sub}/${name}` : name;
    // stat, not lstat: a link is taken for what it points to, as `cp -rL` would.
    if ((await stat(join(dir, rel))).isDirectory()) found.push(...(await visibleFiles(dir, rel)));
    else found.push(rel);
  }
  return found;
}

/** An edition's SHA256SUMS sits directly in a top-level folder; it is recomputed, never merged. */
const isEditionChecksums = (rel: string): boolean => /^[^/]+\/[^/]+$/.test(rel) && rel.endsWith(`/${CHECKSUMS_FILE}`);

async function assertShardFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new AssembleError('missing-shard', `shard folder ${dir} does not exist (expected a copy of a shard build's output folder)`);
  if (!info.isDirectory()) throw new AssembleError('missing-shard', `shard folder ${dir} is not a folder (expected a copy of a shard build's output folder)`);
}

/** The assembled folder must start empty, so that nothing in it is left from another build. */
async function prepareOutDir(outDir: string, shardDirs: readonly string[]): Promise<void> {
  const out = resolve(outDir);
  for (const s of shardDirs) {
    const shard = resolve(s);
    if (out === shard || out.startsWith(shard + sep) || shard.startsWith(out + sep)) {
      throw new OutputFolderError(outDir, `the assembled folder ${outDir} and the shard folder ${s} overlap (choose an --out outside every shard)`);
    }
  }
  const entries = await readdir(outDir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  if (entries.length > 0) throw new OutputFolderError(outDir, `the assembled folder ${outDir} is not empty (choose a new or empty --out, so nothing is left from another build)`);
  await mkdir(outDir, { recursive: true });
}

/** Merges the shards' visible files into `outDir` and writes every edition's SHA256SUMS over the merged prints. */
export async function assembleShards(outDir: string, shardDirs: readonly string[]): Promise<AssembleResult> {
  for (const dir of shardDirs) await assertShardFolder(dir);
  const merged = new Map<string, Source>();
  // Editions whose shards carried a SHA256SUMS: each gets one again, even if no prints ended up in it.
  const summed = new Set<string>();
  for (const shard of shardDirs) {
    for (const rel of await visibleFiles(shard)) {
      if (isEditionChecksums(rel)) {
        summed.add(rel.split('/')[0]!);
        continue;
      }
      const source: Source = { shard, path: join(shard, rel), sha256: await sha256Of(join(shard, rel)) };
      const earlier = merged.get(rel);
      if (earlier && earlier.sha256 !== source.sha256) {
        throw new AssembleError('conflict', `${rel} differs between shard ${earlier.shard} and shard ${shard} (expected the same bytes in every shard that makes it: were they built from the same commit and options?)`);
      }
      merged.set(rel, earlier ?? source);
    }
  }
  // A file in one shard where another has a folder cannot be merged either.
  for (const rel of merged.keys()) {
    for (let parent = dirname(rel); parent !== '.'; parent = dirname(parent)) {
      const clash = merged.get(parent);
      if (clash) throw new AssembleError('conflict', `${parent} is a file in shard ${clash.shard} but a folder holding ${rel} in shard ${merged.get(rel)!.shard}`);
    }
  }

  try {
    await prepareOutDir(outDir, shardDirs);
    for (const [rel, source] of [...merged].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await mkdir(dirname(join(outDir, rel)), { recursive: true });
      await copyFile(source.path, join(outDir, rel));
    }
    // An edition folder is a top-level folder holding prints; its SHA256SUMS lists the prints beside it.
    const prints = new Map<string, string[]>();
    for (const rel of merged.keys()) {
      const parts = rel.split('/');
      if (parts.length === 2 && isChecksummed(parts[1]!)) prints.set(parts[0]!, [...(prints.get(parts[0]!) ?? []), parts[1]!]);
    }
    for (const edition of summed) if (!prints.has(edition)) prints.set(edition, []);
    const checksums: string[] = [];
    for (const [edition, names] of [...prints].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const files = await Promise.all(names.map(async (name) => ({ name, bytes: await readFile(join(outDir, edition, name)) })));
      await writeFile(join(outDir, edition, CHECKSUMS_FILE), sha256sums(files));
      checksums.push(`${edition}/${CHECKSUMS_FILE}`);
    }
    return { files: [...merged.keys(), ...checksums].sort(), checksums };
  } catch (err) {
    if (err instanceof OutputFolderError) throw err;
    throw describeWriteError(err);
  }
}
