// The output edge. A build writes everything into a staging folder inside the output folder, prints from there,
// and only then renames each file into place: a failed or killed build leaves the last good outputs whole and no
// partial file where a reader looks.
import { copyFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OutputFile } from './briefs.ts';
import { processAlive } from './lock.ts';

const STAGING_PREFIX = '.staging-';

export const stagingDir = (outDir: string): string => join(outDir, `${STAGING_PREFIX}${process.pid}`);

/** Writes files under `dir` (the staging folder). */
export async function stageFiles(dir: string, files: readonly OutputFile[]): Promise<void> {
  for (const f of files) {
    const path = join(dir, f.path);
    await mkdir(dirname(path), { recursive: true });
    if (typeof f.content === 'object' && 'copyFrom' in f.content) await copyFile(f.content.copyFrom, path);
    else await writeFile(path, f.content);
  }
}

/** Moves staged files into the output folder, each by a rename, then drops the staging folder. */
export async function commitStaged(staging: string, outDir: string, paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    await mkdir(dirname(join(outDir, p)), { recursive: true });
    await rename(join(staging, p), join(outDir, p));
  }
  await rm(staging, { recursive: true, force: true });
}

/** Staging folders left by builds that were killed (their process is gone). */
export async function removeStaleStaging(outDir: string): Promise<void> {
  const names = await readdir(outDir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(name.slice(STAGING_PREFIX.length));
    if (name.startsWith(STAGING_PREFIX) && Number.isInteger(pid) && !processAlive(pid)) {
      await rm(join(outDir, name), { recursive: true, force: true });
    }
  }
}
