// The output edge: files are written under temporary names first and renamed into place only when all are
// written, so a failed or killed build leaves the last good outputs whole and no partial file behind.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OutputFile } from './briefs.ts';

export async function writeOutputs(outDir: string, files: readonly OutputFile[]): Promise<void> {
  const staged: { tmp: string; final: string }[] = [];
  try {
    for (const f of files) {
      const final = join(outDir, f.path);
      const tmp = join(dirname(final), `.${f.path.split('/').pop()}.${process.pid}.tmp`);
      await mkdir(dirname(final), { recursive: true });
      await writeFile(tmp, f.content);
      staged.push({ tmp, final });
    }
  } catch (err) {
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true })));
    throw err;
  }
  for (const s of staged) await rename(s.tmp, s.final);
}
