// One build at a time per output folder: a lock file holding the builder's pid, taken over only when that process
// is gone (a killed build), and released on every way out, including Ctrl-C.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { OutputFolderError } from './diagnostics.ts';
import { join } from 'node:path';

export const LOCK_FILE = '.build.lock';

export class LockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockError';
  }
}

/** True while process `pid` exists (one we may not signal still exists). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes the output folder, or says in one sentence why it cannot be used. */
export function assertOutputFolder(outDir: string): void {
  try {
    mkdirSync(outDir, { recursive: true });
    if (!statSync(outDir).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new OutputFolderError(outDir, `the output folder ${outDir} is a file, or lies under one (expected a folder, or a path where one can be made: choose another --out)`);
    if (code === 'EACCES' || code === 'EPERM') throw new OutputFolderError(outDir, `no permission to make or write the output folder ${outDir} (expected a folder you can write: fix its permissions or choose another --out)`);
    if (code === 'EROFS') throw new OutputFolderError(outDir, `the output folder ${outDir} is on a read-only file system (choose another --out)`);
    throw err;
  }
}

/** Takes the lock of `outDir` or throws a LockError naming the build that holds it. Returns the release. */
export function acquireLock(outDir: string): () => void {
  assertOutputFolder(outDir);
  const path = join(outDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        try {
          if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
        } catch {
          // Already gone.
        }
        process.off('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
        throw new LockError(`another build (pid ${holder}) is writing to ${outDir}; wait for it to finish, then build again`);
      }
      unlinkSync(path); // left by a build that was killed
    }
  }
  throw new LockError(`could not take the lock ${path}`);
}
