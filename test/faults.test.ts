// Faults that lose nothing: a publish that fails or is killed at any point leaves the whole previous build or the
// whole new one; Ctrl-C and SIGTERM say one line and leave no lock, generation or browser; disk errors are
// sentences; and the same inputs print the same bytes, five times over.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPrinter, type Printer } from '../pipeline/print/browser.ts';
import { build, defaultBuildOptions, type BuildOptions } from '../pipeline/build/build.ts';
import type { BuildSession } from '../pipeline/build/options.ts';
import { describeWriteError, OutputFolderError } from '../pipeline/data/diagnostics.ts';
import { LOCK_FILE, processAlive } from '../pipeline/build/lock.ts';
import { PROFILE_PREFIX, type PublishStep } from '../pipeline/build/output.ts';
import { FIXTURES, minimalReworded, ROOT } from './helpers.ts';
import { realBuild } from './shared-build.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-faults-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What a reader of the output folder sees: every visible file (through the links) and a hash of its bytes. */
function visible(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) files.set(relative(dir, p), 'dangling');
      else if (st.isDirectory()) walk(p);
      else files.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

/**
 * Two datasets that differ in what the briefs print: A is the minimal fixture (how a build is published is the
 * subject, not the data), B has another end date and an outcome in other words of the same characters (so the font
 * subsets, cached by their characters, are the same).
 */
function twoDatasets(name: string): { a: string; b: string } {
  const a = join(work, `${name}-a`);
  cpSync(join(FIXTURES, 'minimal'), a, { recursive: true });
  return { a, b: minimalReworded(join(work, `${name}-b`)) };
}

/** What builds of `out` by the processes `pids` left behind (other tests run at the same time have their own). */
const leftovers = (out: string, pids: readonly number[]) => ({
  lock: existsSync(join(out, LOCK_FILE)),
  generations: readdirSync(join(out, '.generations')).filter((n) => n !== 'current' && n !== readlinkSafe(join(out, '.generations', 'current'))),
  profiles: readdirSync(tmpdir()).filter((n) => n.startsWith(PROFILE_PREFIX) && pids.includes(Number(n.slice(PROFILE_PREFIX.length).split('-')[0]))),
});
function readlinkSafe(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

describe('an atomic publish', () => {
  const { a, b } = twoDatasets('publish');
  const out = join(work, 'publish-out');
  const options = (dataDir: string, more: Partial<BuildOptions> = {}): BuildOptions => ({
    ...defaultBuildOptions(),
    dataDir,
    outDir: out,
    templatesDir: join(ROOT, 'templates'),
    formats: ['md', 'html', 'epub'],
    ...more,
  });
  let stateA: Map<string, string>;
  let stateB: Map<string, string>;
  beforeAll(async () => {
    await build(options(b));
    stateB = visible(out);
    await build(options(a));
    stateA = visible(out);
    expect(stateA).not.toEqual(stateB);
  }, 120_000);

  it.each<PublishStep>(['links', 'switch'])('leaves the whole previous state when the publish fails at "%s"', async (step) => {
    const before = visible(out);
    const to = before.get('zh-Hant/chronology.md') === stateA.get('zh-Hant/chronology.md') ? b : a;
    const enospc = Object.assign(new Error(`ENOSPC: no space left on device, rename '${out}/.generations/current.tmp'`), { code: 'ENOSPC', path: `${out}/.generations/current.tmp` });
    const error = await build(options(to, { force: true, fault: (s) => { if (s === step) throw enospc; } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputFolderError);
    expect((error as Error).message).toMatch(/^cannot write .*current\.tmp: the disk is full: free some space \(ENOSPC\)\. The previous outputs are unchanged\.$/);
    const after = visible(out);
    // Before the switch nothing a reader sees has changed.
    expect(after).toEqual(before);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  it('publishes the whole new state when only the tidying after the switch fails, and says so', async () => {
    const to = visible(out).get('zh-Hant/chronology.md') === stateA.get('zh-Hant/chronology.md') ? b : a;
    const logs: string[] = [];
    const eperm = Object.assign(new Error('EPERM: operation not permitted'), { code: 'EPERM', path: `${out}/.generations/g-1-old` });
    await build(options(to, { force: true, log: (l) => logs.push(l), fault: (s) => { if (s === 'tidy') throw eperm; } }));
    expect(visible(out)).toEqual(to === a ? stateA : stateB);
    expect(logs.some((l) => /^could not tidy .*: cannot write .*g-1-old: the operation is not permitted/.test(l))).toBe(true);
    // The next build finishes the tidying.
    await build(options(to));
    expect(leftovers(out, []).generations).toEqual([]);
  });

  it('leaves one whole state when a build is killed with SIGKILL at random moments', async () => {
    const started = performance.now();
    let kills = 0;
    const pids: number[] = [];
    for (let round = 0; round < 4; round++) {
      const to = visible(out).get('zh-Hant/chronology.md') === stateA.get('zh-Hant/chronology.md') ? b : a;
      const child = spawn('node', ['pipeline/cli/launch.mjs', 'build', '--data', to, '--out', out, '--format', 'md,html,epub', '--force', '--quiet'], { cwd: ROOT });
      pids.push(child.pid!);
      // Listened for from the start: a build quicker than its delay has exited before the kill, and is waited for all
      // the same (what it left must be whole too).
      const exited = new Promise((r) => child.once('exit', r));
      const delay = [150, 400, 700, 1000][round]!;
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      kills++;
      const now = visible(out);
      expect([stateA, stateB].some((s) => JSON.stringify([...s]) === JSON.stringify([...now])), `round ${round}: a mix of two builds`).toBe(true);
    }
    expect(kills).toBe(4);
    // Any build, a no-op one included, clears what the killed ones left.
    const noop = spawn('node', ['pipeline/cli/launch.mjs', 'build', '--data', a, '--out', out, '--format', 'md,html,epub', '--quiet'], { cwd: ROOT });
    expect(await new Promise((r) => noop.once('exit', r))).toBe(0);
    expect(leftovers(out, pids)).toEqual({ lock: false, generations: [], profiles: [] });
    expect(performance.now() - started).toBeLessThan(60_000);
  }, 90_000);
});

/**
 * Resolves once the launcher's signal handlers are in: a signal before that would meet Node's default action, not the
 * build, on a machine slow enough to take more than the test's 250 ms to start Node. Linux only; elsewhere at once.
 */
async function launcherHandlesSignals(pid: number): Promise<void> {
  const caught = () => {
    try {
      const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      // Node catches SIGINT and SIGTERM from its first moment, only to reset the terminal and die; SIGHUP (1: bit 0)
      // is caught by the launcher's handlers alone, installed with those of SIGINT and SIGTERM.
      return mask === undefined || (BigInt(`0x${mask}`) & 1n) !== 0n;
    } catch {
      return true; // no /proc, or the process is gone: nothing to wait for
    }
  };
  for (let i = 0; i < 500 && !caught(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('Ctrl-C and SIGTERM', () => {
  // The minimal fixture: what a signal meets is the subject, not the data. "While printing" is aimed, not timed: the
  // signal goes when the first PDF is made, and the dossier, which waits for every brief's layout, is still to print.
  // The interrupted builds make one edition; the previous outputs they must leave as they were hold both.
  // Each test has an output folder of its own, so the two signals while printing are sent to builds running at once.
  const a = join(work, 'signals-data');
  cpSync(join(FIXTURES, 'minimal'), a, { recursive: true });
  // The signal before the browser starts is timed, not aimed (no line comes before it): the real data, whose
  // validation and rendering alone take longer than the wait on a loaded machine (a minimal build once finished first).
  const real = join(work, 'signals-real-data');
  cpSync(join(ROOT, 'data'), real, { recursive: true });
  const outs = { SIGINT: join(work, 'signals-sigint-out'), SIGTERM: join(work, 'signals-sigterm-out'), validating: join(work, 'signals-validating-out') };

  const interrupted = async (out: string, signal: NodeJS.Signals, when: 'validating' | 'printing') => {
    const data = when === 'validating' ? real : a;
    const child = spawn('node', ['pipeline/cli/launch.mjs', 'build', '--data', data, '--out', out, '--lang', 'zh-Hant', '--force'], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const browser = await new Promise<number | undefined>((resolve, reject) => {
      if (when === 'validating') void Promise.all([launcherHandlesSignals(child.pid!), new Promise((r) => setTimeout(r, 250))]).then(() => resolve(undefined));
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const pid = /browser: .* pid (\d+)/.exec(stdout)?.[1];
        if (pid && when === 'printing' && /^ *made \S+\.pdf /m.test(stdout)) resolve(Number(pid));
      });
      child.once('exit', () => reject(new Error(`the build ended before the signal:\n${stdout}${stderr}`)));
    });
    child.kill(signal);
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    const printed = stdout.match(/^ *made \S+\.pdf /gm)?.length ?? 0;
    return { code, stderr, browser, pid: child.pid!, printed };
  };

  // The previous outputs the interrupted builds must leave as they were: pages only, so a print that slipped into
  // them would show as a new file.
  beforeAll(async () => {
    await Promise.all(Object.values(outs).map((outDir) => build({ ...defaultBuildOptions(), dataDir: a, outDir, templatesDir: join(ROOT, 'templates'), formats: ['md', 'html'] })));
  }, 120_000);

  it.concurrent.for<['SIGINT' | 'SIGTERM', number]>([['SIGINT', 130], ['SIGTERM', 143]])('%s while printing: one line, exit %i, no lock, no generation, no browser', { timeout: 60_000 }, async ([signal, exitCode], { expect }) => {
    const out = outs[signal];
    const before = visible(out);
    const { code, stderr, browser, pid, printed } = await interrupted(out, signal, 'printing');
    // Signalled while printing: a PDF was made, not all four.
    expect(printed).toBeGreaterThanOrEqual(1);
    expect(printed).toBeLessThan(4);
    expect(stderr).toBe('interrupted; the previous outputs are unchanged\n');
    expect(code).toBe(exitCode);
    expect(visible(out)).toEqual(before);
    expect(leftovers(out, [pid])).toEqual({ lock: false, generations: [], profiles: [] });
    for (let i = 0; i < 30 && processAlive(browser!); i++) await new Promise((r) => setTimeout(r, 100));
    expect(processAlive(browser!)).toBe(false);
  });

  it('SIGTERM before the browser starts: the same line, and the lock released', async () => {
    const out = outs.validating;
    const { code, stderr, pid } = await interrupted(out, 'SIGTERM', 'validating');
    expect(code).toBe(143);
    expect(stderr).toBe('interrupted; the previous outputs are unchanged\n');
    expect(leftovers(out, [pid])).toEqual({ lock: false, generations: [], profiles: [] });
  }, 60_000);
});

describe('disk errors', () => {
  it('are a sentence naming the path and what to do, for each kind', () => {
    const cases: [string, RegExp][] = [
      ['ENOSPC', /the disk is full: free some space/],
      ['EROFS', /the file system is read-only: choose another --out/],
      ['EACCES', /permission denied: fix the permissions of the output folder, or choose another --out/],
      ['EPERM', /the operation is not permitted .*: fix it, or choose another --out/],
      ['EEXIST', /something is in the way where a folder was to be made: move it, or choose another --out/],
    ];
    for (const [code, sentence] of cases) {
      const err = describeWriteError(Object.assign(new Error(`${code}: x`), { code, path: '/out/zh-Hant/chronology.pdf' }));
      expect(err).toBeInstanceOf(OutputFolderError);
      expect((err as Error).message).toMatch(new RegExp(`^cannot write /out/zh-Hant/chronology\\.pdf: ${sentence.source} \\(${code}\\)\\. The previous outputs are unchanged\\.$`));
    }
    const bug = new TypeError('x is undefined');
    expect(describeWriteError(bug)).toBe(bug);
  });
});

describe('byte-identical builds', () => {
  let printer: Printer;
  afterAll(async () => printer?.close());

  it('print every PDF with the same bytes five times over with --force', async () => {
    const out = join(work, 'identical');
    printer = await openPrinter(join(out, '.generations'));
    const hashes: Record<string, Set<string>> = {};
    const record = (dir: string) => {
      for (const name of ['chronology', 'roster', 'checklist', 'dossier']) {
        (hashes[name] ??= new Set()).add(createHash('sha256').update(readFileSync(join(dir, 'zh-Hant', `${name}.pdf`))).digest('hex'));
      }
    };
    // The first of the five: the run's shared build of the real data (every format, both editions, its own browser),
    // so the four forced builds below must also print what a whole build prints, byte for byte.
    record(realBuild.outDir);
    // The four forced builds print from one rendering (a session, as watch mode keeps): what may vary between prints
    // is the printing, and the shared build rendered the same data afresh in another process.
    const session: BuildSession = { rendered: new Map() };
    for (let i = 1; i < 5; i++) {
      // The PDFs are what is compared, in the edition they are read from.
      await build({ ...defaultBuildOptions(), dataDir: join(ROOT, 'data'), templatesDir: join(ROOT, 'templates'), outDir: out, formats: ['pdf'], langs: ['zh-Hant'], force: true, printer, session });
      record(out);
    }
    expect(Object.fromEntries(Object.entries(hashes).map(([n, set]) => [n, set.size]))).toEqual({ chronology: 1, roster: 1, checklist: 1, dossier: 1 });
  }, 180_000);
});
