// One build of the real data, every format and both editions, made before any test file runs: the tests that only
// read what a build writes read this one (through test/shared-build.ts) instead of each building it again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { build, defaultBuildOptions, type BuildResult } from '../pipeline/build/build.ts';
import { ROOT } from './helpers.ts';

export interface SharedBuild {
  outDir: string;
  result: BuildResult;
  /** Its progress lines, as the command line prints them (`browser: … pid N` among them). */
  log: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    realBuild: SharedBuild;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => void> {
  const work = mkdtempSync(join(tmpdir(), 'briefs-shared-'));
  const outDir = join(work, 'real');
  const log: string[] = [];
  try {
    const result = await build({ ...defaultBuildOptions(), dataDir: join(ROOT, 'data'), templatesDir: join(ROOT, 'templates'), outDir, log: (l) => log.push(l) });
    provide('realBuild', { outDir, result, log });
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  return () => rmSync(work, { recursive: true, force: true });
}
