// One build of the real data, every format and both editions, made before any test file runs: the tests that only
// read what a build writes read this one (through test/shared-build.ts) instead of each building it again. Its books,
// and the smallest dataset's (made here as EPUB only, no browser; other-series.test.ts builds the same bytes), are
// checked by EPUBCheck once, in one JVM, for every test file that checks them (test/epubcheck.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { build, defaultBuildOptions, type BuildOptions, type BuildResult } from '../pipeline/build/build.ts';
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
  }
}

export default async function setup({ provide }: TestProject): Promise<() => void> {
  const work = mkdtempSync(join(tmpdir(), 'briefs-shared-'));
  const buildInto = async (name: string, more: Partial<BuildOptions> & { dataDir: string }): Promise<SharedBuild> => {
    const outDir = join(work, name);
    const log: string[] = [];
    const result = await build({ ...defaultBuildOptions(), templatesDir: join(ROOT, 'templates'), ...more, outDir, log: (l) => log.push(l) });
    return { outDir, result, log };
  };
  try {
    // Side by side; both done before the folder can go.
    const builds = [buildInto('real', { dataDir: join(ROOT, 'data') }), buildInto('single-round', { dataDir: join(FIXTURES, 'single-round'), langs: ['zh-Hant'], formats: ['epub'] })] as const;
    await Promise.allSettled(builds);
    const [real, singleRound] = await Promise.all(builds);
    const books = [join(real.outDir, 'zh-Hant', 'briefs.epub'), join(real.outDir, 'zh-Hans', 'briefs.epub'), join(singleRound.outDir, 'zh-Hant', 'briefs.epub')];
    provide('realBuild', real);
    provide('sharedEpubCheck', await sharedEpubCheckOf(join(work, 'epubcheck'), books));
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  return () => rmSync(work, { recursive: true, force: true });
}
