// The output edge: an atomic publish. Every build writes a complete new generation of the output tree beside the
// last one (`.generations/g-<pid>-<n>/`, unchanged files hard-linked, not copied), prints into it, and then switches
// one symbolic link, `.generations/current`, to it with a single rename. The entries a reader sees — `index.html`,
// `assets/`, `zh-Hant/`… — are links through `current`, so a reader of the output folder sees the whole previous
// build or the whole new one, never a mix, whenever the build is killed or fails.
//
//   output/
//     index.html -> .generations/current/index.html      (one link per top-level entry, made once)
//     zh-Hant    -> .generations/current/zh-Hant
//     .generations/current -> g-4242-1                   (switched by rename(2), atomic)
//     .generations/g-4242-1/…                            (the whole tree, with its .build-manifest.json)
import { randomBytes } from 'node:crypto';
import { PROFILE_PREFIX } from '../print/browser.ts';
import { copyFile, link, lstat, mkdir, readdir, readlink, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { OutputFile } from '../render/briefs.ts';
import { describeWriteError } from '../data/diagnostics.ts';
import { processAlive } from './lock.ts';

const GENERATIONS = '.generations';
const CURRENT = 'current';
const GENERATION = /^g-(\d+)-[0-9a-f]+$/;

/** The folder every build of `outDir` writes its generations into: the only place a printer may read from. */
export const stagingDir = (outDir: string): string => join(outDir, GENERATIONS);

/** The generation readers see now, as a folder path (it may not exist yet). */
export const currentDir = (outDir: string): string => join(outDir, GENERATIONS, CURRENT);

export interface Generation {
  name: string;
  dir: string;
}

/** A fresh, empty generation folder for this build. Its name holds the pid, so a dead build's one can be told. */
export async function beginGeneration(outDir: string): Promise<Generation> {
  const name = `g-${process.pid}-${randomBytes(4).toString('hex')}`;
  const dir = join(outDir, GENERATIONS, name);
  await mkdir(dir, { recursive: true });
  return { name, dir };
}

/** Writes files under `dir` (a generation). */
export async function stageFiles(dir: string, files: readonly OutputFile[]): Promise<void> {
  for (const f of files) {
    const path = join(dir, f.path);
    await mkdir(dirname(path), { recursive: true });
    // A file carried over is a hard link to the published one: unlinked first, so writing never reaches through it.
    await rm(path, { force: true });
    if (typeof f.content === 'object' && 'copyFrom' in f.content) await copyFile(f.content.copyFrom, path);
    else await writeFile(path, f.content);
  }
}

/**
 * Brings unchanged outputs of the current generation into the new one by hard links: the same bytes and the same
 * modification time (so the cache still recognises them), at no cost. A file system without hard links gets copies.
 */
export async function carryOver(outDir: string, generation: Generation, paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    const from = join(currentDir(outDir), p);
    const to = join(generation.dir, p);
    await mkdir(dirname(to), { recursive: true });
    await link(from, to).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return; // gone from disk: the plan rebuilds it
      await copyFile(from, to);
    });
  }
}

/** Steps of a publish, for tests that make one fail (fault injection). */
export type PublishStep = 'links' | 'switch' | 'tidy';

/**
 * Makes `generation` the one readers see: a link for each of its top-level entries (made before the switch, so a
 * new entry appears with it), one atomic rename of `current`, then the old generation and links to entries the new
 * one no longer has are removed. Nothing before the rename changes what a reader sees; once it is done, the build is
 * published, and the caller must not drop the generation.
 */
export async function publishGeneration(
  outDir: string,
  generation: Generation,
  options: { fault?: (step: PublishStep) => void; log?: (line: string) => void; onSwitched?: () => void } = {},
): Promise<void> {
  const fault = options.fault;
  const entries = (await readdir(generation.dir)).filter((n) => !n.startsWith('.') || n === '.build-manifest.json');
  fault?.('links');
  for (const name of entries) await ensureEntryLink(outDir, name);
  fault?.('switch');
  const next = join(outDir, GENERATIONS, `${CURRENT}.${process.pid}.tmp`);
  await rm(next, { force: true });
  await symlink(generation.name, next);
  await rename(next, currentDir(outDir));
  options.onSwitched?.();
  // Published. What is left to remove is the old generation: failing that loses nothing, the next build retries.
  try {
    fault?.('tidy');
    await tidyOutput(outDir);
  } catch (err) {
    const e = describeWriteError(err);
    options.log?.(`could not tidy ${outDir}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** `output/<name>` as a link through `current`; an entry left by the layout before generations is moved aside first. */
async function ensureEntryLink(outDir: string, name: string): Promise<void> {
  const path = join(outDir, name);
  const target = join(GENERATIONS, CURRENT, name);
  const st = await lstat(path).catch(() => undefined);
  if (st?.isSymbolicLink() && (await readlink(path)) === target) return;
  // A real file or folder of an older build: set aside (removed by the tidy step), then linked.
  if (st) await rename(path, join(outDir, GENERATIONS, `legacy-${process.pid}-${randomBytes(4).toString('hex')}`));
  await symlink(target, path);
}

/**
 * Removes what no reader can see any more: generations other than the current one (the caller holds the lock, so no
 * other build of the folder is running), links to entries the current generation lacks, staging folders of the layout
 * before generations. With `deadOnly` (a caller without the lock), only what dead builds left.
 */
export async function tidyOutput(outDir: string, options: { deadOnly?: boolean } = {}): Promise<void> {
  const root = join(outDir, GENERATIONS);
  const current = await readlink(currentDir(outDir)).catch(() => undefined);
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (name === CURRENT || name === current) continue;
    const pid = Number(GENERATION.exec(name)?.[1] ?? /^current\.(\d+)\.tmp$/.exec(name)?.[1] ?? NaN);
    // Without the lock, only what a dead build left is certainly garbage.
    if (options.deadOnly && !(Number.isInteger(pid) && pid !== process.pid && !processAlive(pid))) continue;
    await rm(join(root, name), { recursive: true, force: true });
  }
  for (const name of await readdir(outDir).catch(() => [] as string[])) {
    const path = join(outDir, name);
    if (name.startsWith('.staging-')) {
      const pid = Number(name.slice('.staging-'.length));
      if (!processAlive(pid)) await rm(path, { recursive: true, force: true });
      continue;
    }
    if (options.deadOnly) continue;
    const st = await lstat(path).catch(() => undefined);
    if (st?.isSymbolicLink() && (await readlink(path)).startsWith(`${GENERATIONS}/`) && !(await stat(path).catch(() => undefined))) await unlink(path);
  }
}

/** Drops a generation that will not be published (a failed or interrupted build). */
export async function abandonGeneration(generation: Generation): Promise<void> {
  await rm(generation.dir, { recursive: true, force: true });
}

/** This project's Chromium profiles: `<tmp>/dialogue-briefs-chromium-<pid>-…`, removed with the browser, or by the next build. */
export { PROFILE_PREFIX };

/** Removes the Chromium profiles of this project's builds that are no longer running (killed ones). */
export async function removeStaleProfiles(): Promise<void> {
  for (const name of await readdir(tmpdir()).catch(() => [] as string[])) {
    const pid = Number(/^dialogue-briefs-chromium-(\d+)-/.exec(name)?.[1]);
    // The Chromium of a build killed a moment ago may still be exiting and writing into it (ENOTEMPTY): tidying is
    // not this build's work, so it is left for the next build rather than failing this one.
    if (Number.isInteger(pid) && !processAlive(pid)) await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
  }
}
