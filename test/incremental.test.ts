// Incremental builds: a cache keyed by what each output depends on, safe writes, one build at a time, shards.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, defaultBuildOptions, type BuildOptions } from '../pipeline/build/build.ts';
import { openPrinter, type Printer } from '../pipeline/print/browser.ts';
import { MANIFEST_FILE } from '../pipeline/build/cache.ts';
import { LockError, LOCK_FILE, processAlive } from '../pipeline/build/lock.ts';
import { FIXTURES, minimalReworded, ROOT, snapshotFiles } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-incremental-'));
// One browser for the builds that print but are not about the browser; every output folder lies under `work`.
let printer: Printer;
beforeAll(async () => {
  printer = await openPrinter(work);
});
afterAll(async () => {
  await printer?.close();
  rmSync(work, { recursive: true, force: true });
});
// What is cached is the subject, not the data: the minimal fixture, which makes both editions too.
const MINIMAL = join(FIXTURES, 'minimal');

const data = join(work, 'data');
const out = join(work, 'out');
const options = (more: Partial<BuildOptions> = {}): BuildOptions => ({
  ...defaultBuildOptions(),
  dataDir: data,
  outDir: out,
  templatesDir: join(ROOT, 'templates'),
  ...more,
});

const snapshot = snapshotFiles;

const cli = (...args: string[]) => spawnSync('node', ['pipeline/cli/launch.mjs', 'build', '--data', data, '--out', out, ...args], { cwd: ROOT, encoding: 'utf8' });

describe('incremental builds', () => {
  let all: string[];
  beforeAll(async () => {
    cpSync(MINIMAL, data, { recursive: true });
    const first = await build(options({ printer }));
    all = first.built.map((f) => f.path);
    expect(all).toEqual(expect.arrayContaining(['zh-Hant/dossier.pdf', 'zh-Hans/briefs.epub']));
  }, 180_000);

  it('rebuild nothing and launch no browser when nothing changed', async () => {
    // No shared printer here: whether the build launches one is what is asserted.
    const again = await build(options());
    expect(again.built).toEqual([]);
    expect(again.skipped.sort()).toEqual([...all].sort());
    expect(again.browserLaunched).toBe(false);
  });

  it('answer a no-op `npm run build` from the manifest alone, without loading the stages', () => {
    const r = cli();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/: up to date \(\d+\.\d+ s\)\n$/);
    expect(r.stdout).not.toContain('browser:');
  });

  it('rebuild only what prints an edited outcome', async () => {
    const file = join(data, 'outcomes.yaml');
    const text = readFileSync(file, 'utf8');
    // The same characters in another order: the font subsets stay the same, the wording does not.
    expect(text).toContain('text: 加強合作');
    writeFileSync(file, text.replace('text: 加強合作', 'text: 合作加強'));
    const before = snapshot(out);
    const result = await build(options({ printer }));
    const built = result.built.map((f) => f.path).sort();
    // Both editions print the outcome; in each, only the checklist, the dossier and the book hold it.
    const printing = ['SHA256SUMS', 'briefs.epub', 'checklist.html', 'checklist.md', 'checklist.pdf', 'dossier.html', 'dossier.pdf'];
    expect(built).toEqual([...printing.map((f) => `zh-Hans/${f}`), ...printing.map((f) => `zh-Hant/${f}`)]);
    const after = snapshot(out);
    for (const lang of ['zh-Hant', 'zh-Hans']) {
      for (const name of ['chronology', 'roster']) {
        for (const ext of ['md', 'html', 'pdf']) expect(after.get(`${lang}/${name}.${ext}`), `${lang}/${name}.${ext}`).toBe(before.get(`${lang}/${name}.${ext}`));
      }
    }
    expect(readFileSync(join(out, 'zh-Hant/checklist.md'), 'utf8')).toContain('合作加強');
  }, 120_000);

  it('rebuild an output that was deleted or changed on disk, and only that', async () => {
    rmSync(join(out, 'zh-Hant/roster.pdf'));
    writeFileSync(join(out, 'zh-Hant/chronology.md'), 'tampered');
    const result = await build(options({ printer }));
    expect(result.built.map((f) => f.path).sort()).toEqual(['zh-Hant/chronology.md', 'zh-Hant/roster.pdf']);
    expect(readFileSync(join(out, 'zh-Hant/chronology.md'), 'utf8')).toMatch(/^# 測試對話年表/);
  }, 120_000);

  it('treat a corrupt or foreign manifest as no cache: a full rebuild, never a wrong output', async () => {
    for (const manifest of ['{not json', JSON.stringify({ format: 'someone-else/9', outputs: {} })]) {
      writeFileSync(join(out, MANIFEST_FILE), manifest);
      const result = await build(options({ formats: ['md', 'html', 'epub'] }));
      expect(result.built.length).toBeGreaterThan(10);
      expect(result.skipped).toEqual([]);
    }
  }, 120_000);

  it('rebuild everything with --force', async () => {
    const result = await build(options({ force: true, formats: ['md', 'html'] }));
    expect(result.skipped).toEqual([]);
    expect(result.built.map((f) => f.path)).toEqual(expect.arrayContaining(['zh-Hant/chronology.md', 'zh-Hant/roster.html', 'index.html']));
  });
});

describe('safe writes', () => {
  it('refuse a second build on the same output folder while one runs, and take over a lock left by a dead one', async () => {
    const dir = join(work, 'locked');
    const sleeper = spawn('sleep', ['30']);
    try {
      cpSync(MINIMAL, join(work, 'lock-data'), { recursive: true });
      const o = { ...options({ formats: ['md'] }), dataDir: join(work, 'lock-data'), outDir: dir };
      await build(o);
      writeFileSync(join(dir, LOCK_FILE), String(sleeper.pid));
      const error = await build(o).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockError);
      expect((error as Error).message).toBe(`another build (pid ${sleeper.pid}) is writing to ${dir}; wait for it to finish, then build again`);
      const r = spawnSync('node', ['pipeline/cli/launch.mjs', 'build', '--data', o.dataDir, '--out', dir, '--format', 'md', '--force'], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status).toBe(75);
      expect(r.stderr).toContain('another build');
    } finally {
      sleeper.kill('SIGKILL');
    }
    if (sleeper.exitCode === null && sleeper.signalCode === null) await new Promise((r) => sleeper.once('exit', r));
    const o = { ...options({ formats: ['md'], force: true }), dataDir: join(work, 'lock-data'), outDir: dir };
    expect((await build(o)).built.length).toBeGreaterThan(0);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  }, 60_000);

  it('leave the previous outputs whole when a build is killed with SIGKILL while printing', async () => {
    const dir = join(work, 'killed');
    // The previous outputs: the minimal fixture, one edition, pages and PDFs (a cheap build; any file of the killed
    // build that slipped into them would differ from them, its data being another).
    cpSync(MINIMAL, join(work, 'kill-data'), { recursive: true });
    const o = { ...options({ langs: ['zh-Hant'], formats: ['md', 'html', 'pdf'] }), dataDir: join(work, 'kill-data'), outDir: dir };
    await build({ ...o, printer });
    const before = snapshot(dir);
    // The killed build: the minimal fixture reworded (the same font subsets), so every brief prints otherwise, and
    // any of its files that slipped into the previous outputs would differ from them. Pages and PDFs, no EPUB. "While printing" is aimed, not timed: the
    // kill goes when the first PDF is made, and the dossier, which waits for every brief's layout, is still to print.
    const killData = minimalReworded(join(work, 'kill-other-data'));
    // Its own browser, which the kill must take down with it.
    const child = spawn('node', ['pipeline/cli/launch.mjs', 'build', '--data', killData, '--out', dir, '--lang', 'zh-Hant', '--format', 'md,html,pdf', '--force'], { cwd: ROOT });
    let output = '';
    const browserPid = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const pid = /browser: .* pid (\d+)/.exec(output)?.[1];
        if (pid && /^ *made \S+\.pdf /m.test(output)) resolve(Number(pid));
      });
      child.on('exit', () => reject(new Error(`the build ended before printing:\n${output}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Killed while printing: a PDF was made, not all four.
    const printed = output.match(/^ *made \S+\.pdf /gm)?.length ?? 0;
    expect(printed).toBeGreaterThanOrEqual(1);
    expect(printed).toBeLessThan(4);
    expect(snapshot(dir)).toEqual(before);
    // Chromium, on a pipe to the dead build, goes too.
    for (let i = 0; i < 50 && processAlive(browserPid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(processAlive(browserPid)).toBe(false);
    // The next build (of the previous outputs' data) clears what the killed one left and finds nothing to do.
    const next = await build(o);
    expect(next.built).toEqual([]);
    expect(readdirSync(join(dir, '.generations')).filter((n) => n !== 'current' && n !== readlinkSync(join(dir, '.generations', 'current')))).toEqual([]);
  }, 180_000);
});


describe('shards', () => {
  it('split the printed outputs between runners, each exactly once', async () => {
    const printed = async (index: number) => {
      // One edition: how the prints are dealt out is the subject (shards.test.ts assembles both editions).
      const r = await build({ ...options({ shard: { index, count: 2 }, formats: ['md', 'pdf', 'epub'], langs: ['zh-Hant'], printer }), dataDir: MINIMAL, outDir: join(work, `shard-${index}`) });
      return r.built.map((f) => f.path).filter((p) => /\.(pdf|epub)$/.test(p));
    };
    const one = await printed(1);
    const two = await printed(2);
    const prints = ['briefs.epub', 'checklist.pdf', 'chronology.pdf', 'dossier.pdf', 'roster.pdf'];
    expect([...one, ...two].sort()).toEqual(prints.map((f) => `zh-Hant/${f}`));
    expect(one.filter((p) => two.includes(p))).toEqual([]);
    expect(one.length).toBeGreaterThan(0);
    expect(two.length).toBeGreaterThan(0);
  }, 180_000);
});
