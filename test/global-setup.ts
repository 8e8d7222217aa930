// One build of the real data, every format and both editions, made before any test file runs: the tests that only
// read what a build writes read this one (through test/shared-build.ts) instead of each building it again. Beside
// it the smallest dataset, zh-Hant in every format, for the same reason; their books are checked by EPUBCheck once
// for all the test files that check them (test/epubcheck.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { build, defaultBuildOptions, type BuildResult } from '../pipeline/build/build.ts';
import { sharedEpubCheckOf } from './epubcheck.ts';
import { FIXTURES, ROOT } from './helpers.ts';

export interface SharedBuild {
  outDir: string;
  result: BuildResult;
  /** Its progress lines, as the command line prints them (`browser: … pid N` among them). */
  log: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    realBuild: SharedBuild;
    /** test/fixtures/single-round, zh-Hant only. */
    singleRoundBuild: SharedBuild;
  }
}

export default async function setup({ provide }: TestProject): Promise<() => void> {
  const work = mkdtempSync(join(tmpdir(), 'briefs-shared-'));
  const buildInto = async (name: string, more: { dataDir: string; langs?: ['zh-Hant'] }): Promise<SharedBuild> => {
    const outDir = join(work, name);
    const log: string[] = [];
    const result = await build({ ...defaultBuildOptions(), templatesDir: join(ROOT, 'templates'), ...more, outDir, log: (l) => log.push(l) });
    return { outDir, result, log };
  };
  try {
    // Each build on its own browser, side by side; both done before the folder can go.
    const builds = [buildInto('real', { dataDir: join(ROOT, 'data') }), buildInto('single-round', { dataDir: join(FIXTURES, 'single-round'), langs: ['zh-Hant'] })] as const;
    await Promise.allSettled(builds);
    const [real, singleRound] = await Promise.all(builds);
    const books = [join(real.outDir, 'zh-Hant', 'briefs.epub'), join(real.outDir, 'zh-Hans', 'briefs.epub'), join(singleRound.outDir, 'zh-Hant', 'briefs.epub')];
    provide('realBuild', real);
    provide('singleRoundBuild', singleRound);
    provide('sharedEpubCheck', await sharedEpubCheckOf(join(work, 'epubcheck'), books));
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  return () => rmSync(work, { recursive: true, force: true });
}
