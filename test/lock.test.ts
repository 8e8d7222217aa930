// The build lock: one holder at a time, even when processes race for it in the same millisecond, and a safe takeover
// of a lock left by a build that died.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { build as bundle } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputFolderError } from '../pipeline/data/diagnostics.ts';
import {
  acquireLock,
  clearStaleLock,
  GRACE_MS,
  LOCK_FILE,
  LockError,
  lockInstanceKey,
  lockWriteError,
  processAlive,
  processStart,
  takeoverTokenName,
} from '../pipeline/build/lock.ts';
import { ROOT } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-lock-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const HAS_PROC = processStart(process.pid) !== undefined;
const held = (dir: string) => `another build (pid %d) is writing to ${dir}; wait for it to finish, then build again`;
const message = (dir: string, pid: number) => held(dir).replace('%d', String(pid));
/** The lock's bookkeeping files in `dir` (the lock, temp files, tokens, stale files). */
const lockFiles = (dir: string) => readdirSync(dir).filter((n) => n.startsWith(LOCK_FILE)).sort();

let dirCount = 0;
const freshDir = () => {
  const dir = join(work, `d${dirCount++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** The pid of a process that ran and has been waited for: not alive. */
function deadPid(): number {
  const pid = spawnSync('true').pid; // not Node: a dead pid needs no runtime, and a round of takeovers asks for one each
  expect(processAlive(pid)).toBe(false);
  return pid;
}

const record = (pid: number, start: string | null) => JSON.stringify({ pid, start, host: hostname(), nonce: randomBytes(8).toString('hex') });

/**
 * The lock module as plain JavaScript, for the child processes: bundled once (tens of milliseconds) rather than
 * loaded through tsx by each, which costs every child a third of a second or more of CPU before it is ready.
 */
let lockModule: Promise<string> | undefined;
const bundledLock = () =>
  (lockModule ??= bundle({ entryPoints: [join(ROOT, 'pipeline/build/lock.ts')], bundle: true, format: 'esm', platform: 'node', outfile: join(work, 'lock.mjs'), logLevel: 'error' }).then(() =>
    pathToFileURL(join(work, 'lock.mjs')).href,
  ));

// A child process: imports the lock module, then for each "go ROUND T DIR" line waits until Date.now() >= T
// (sleeping, then busy-waiting the last milliseconds), takes the lock and reports; a winner holds it until the
// "release" line, sent once every child has reported, then releases it (twice: release is idempotent) and reports.
const CHILD = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
const { acquireLock, LockError, LOCK_FILE } = await import(process.argv[2]);
const cell = new Int32Array(new SharedArrayBuffer(4));
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
say({ ready: process.pid });
for (let next = await lines.next(); !next.done; next = await lines.next()) {
  const [, round, t, dir] = next.value.split('\\t');
  const T = Number(t);
  for (let left = T - Date.now(); left > 0; left = T - Date.now()) if (left > 4) Atomics.wait(cell, 0, 0, left - 3);
  const at = Date.now();
  let release;
  try {
    release = acquireLock(dir);
  } catch (err) {
    say({ round, pid: process.pid, at, report: err instanceof LockError ? 'lost ' + err.message : 'crashed ' + (err?.stack ?? err) });
    continue;
  }
  const acquired = Date.now();
  const mine = readFileSync(join(dir, LOCK_FILE), 'utf8').includes('"pid":' + process.pid + ',');
  say({ round, pid: process.pid, at, acquired, report: mine ? 'won' : 'won, but the lock names another process' });
  if ((await lines.next()).value !== 'release') break;
  const releasing = Date.now();
  release();
  release();
  say({ round, pid: process.pid, released: releasing });
}
`;

interface Report {
  round: string;
  pid: number;
  /** When it called acquireLock; for a winner, when acquireLock returned and when it released. */
  at: number;
  acquired?: number;
  releasing?: number;
  report: string;
}

/** A winner's second line: when it let go. */
interface Released {
  round: string;
  pid: number;
  released: number;
}

class Child {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  pid = 0;
  stderr = '';
  private waiting: ((r: Report & Released) => void) | undefined;
  private ready: Promise<void>;

  constructor(script: string, lockUrl: string) {
    this.proc = spawn(process.execPath, [script, lockUrl], { cwd: ROOT });
    this.proc.stderr.on('data', (c: Buffer) => (this.stderr += c.toString()));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
    let ready!: () => void;
    this.ready = new Promise((r) => (ready = r));
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const o = JSON.parse(line) as Report & Released & { ready?: number };
      if (o.ready) {
        this.pid = o.ready;
        ready();
      } else this.waiting?.(o);
    });
  }

  async start(): Promise<void> {
    await Promise.race([this.ready, this.exited.then((code) => Promise.reject(new Error(`child exited (${code}) before it was ready: ${this.stderr}`)))]);
  }

  go(round: number, at: number, dir: string): Promise<Report> {
    return this.next(round, `go\t${round}\t${at}\t${dir}\n`);
  }

  /** Tells a winner to let go; resolves with when it did. */
  async release(round: number): Promise<number> {
    return (await this.next(round, 'release\n')).released;
  }

  private next(round: number, line: string): Promise<Report & Released> {
    const report = new Promise<Report & Released>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child ${this.pid} did not report round ${round}: ${this.stderr}`)), 8_000);
      this.waiting = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.exited.then((code) => reject(new Error(`child ${this.pid} exited (${code}) in round ${round}: ${this.stderr}`)));
    });
    this.proc.stdin.write(line);
    return report;
  }
}

const N = 8;
const ROUNDS = 10;

describe('the build lock, raced by real processes', () => {
  const children: Child[] = [];

  beforeAll(async () => {
    const script = join(work, 'child.mjs');
    writeFileSync(script, CHILD);
    const lockUrl = await bundledLock();
    for (let i = 0; i < N; i++) children.push(new Child(script, lockUrl));
    await Promise.all(children.map((c) => c.start()));
  }, 30_000);

  afterAll(() => {
    for (const c of children) c.proc.kill('SIGKILL');
  });

  /**
   * One round: every child tries for the lock at the same moment, and a winner holds it until every child has
   * reported, so each tried while it was held. Then: no crash, exactly one winner, every loser names it in the exact
   * words, the winners' holds never overlap, nothing is left behind.
   */
  async function round(n: number, dir: string): Promise<number> {
    const at = Date.now() + 150;
    const reports = await Promise.all(children.map((c) => c.go(n, at, dir)));
    const winners = reports.filter((r) => r.report === 'won' || r.report.startsWith('won,'));
    await Promise.all(winners.map(async (w) => (w.releasing = await children.find((c) => c.pid === w.pid)!.release(n))));
    const detail = `round ${n}: ${JSON.stringify(reports, null, 1)}`;
    expect(winners.map((w) => w.report), detail).toEqual(winners.map(() => 'won'));
    expect(winners.length, detail).toBeGreaterThanOrEqual(1);
    for (const r of reports.filter((r) => r.report !== 'won')) {
      expect(winners.map((w) => `lost ${message(dir, w.pid)}`), detail).toContain(r.report);
    }
    for (const a of winners) for (const b of winners) if (a !== b) expect(a.acquired! >= b.releasing! || b.acquired! >= a.releasing!, detail).toBe(true);
    expect(winners.length, detail).toBe(1);
    // Nothing left: no lock, no temp files, no takeover tokens, no stale locks set aside.
    expect(lockFiles(dir)).toEqual([]);
    return Math.max(...reports.map((r) => r.at)) - Math.min(...reports.map((r) => r.at));
  }

  /** ROUNDS rounds, each prepared by `prepare`; a summary line. */
  async function rounds(dir: string, prepare: (n: number) => Promise<void> | void): Promise<string> {
    const skews: number[] = [];
    for (let n = 0; n < ROUNDS; n++) {
      await prepare(n);
      skews.push(await round(n, dir));
    }
    return `${ROUNDS} rounds, exactly one winner in each; start skew ${Math.min(...skews)}–${Math.max(...skews)} ms`;
  }

  it(`lets exactly one of ${N} processes starting in the same millisecond take a free lock, ${ROUNDS} rounds`, async () => {
    const dir = freshDir();
    console.info(`free lock: ${await rounds(dir, () => undefined)}`);
  }, 40_000);

  it(`lets exactly one of ${N} processes take over a lock left by a dead process, and no loser crashes, ${ROUNDS} rounds`, async () => {
    const dir = freshDir();
    const lockUrl = await bundledLock();
    const summary = await rounds(dir, async (n) => {
      if (n === 0) {
        // A genuine one first: a process that took the lock and was killed.
        const code = `const { acquireLock } = await import(${JSON.stringify(lockUrl)}); acquireLock(${JSON.stringify(dir)}); console.log('held'); setInterval(() => {}, 1000);`;
        const killed = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT });
        await new Promise<void>((resolve, reject) => {
          killed.stdout.once('data', () => resolve());
          killed.once('exit', (c) => reject(new Error(`the holder exited (${c})`)));
        });
        killed.kill('SIGKILL');
        await new Promise((r) => killed.once('exit', r));
        expect(processAlive(killed.pid!)).toBe(false);
        expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toContain(`"pid":${killed.pid},`);
        return;
      }
      // Records of dead processes in each format; on Linux also this (live) process's pid with a wrong start time.
      const dead = deadPid();
      const variants = [record(dead, '1'), String(dead), record(dead, null), ...(HAS_PROC ? [record(process.pid, '1')] : [])];
      writeFileSync(join(dir, LOCK_FILE), variants[n % variants.length]!);
    });
    console.info(`stale lock: ${summary}`);
  }, 40_000);

  it('every child exits 0', async () => {
    for (const c of children) c.proc.stdin.end();
    const codes = await Promise.all(children.map((c) => c.exited));
    expect(codes).toEqual(children.map(() => 0));
    expect(children.map((c) => c.stderr).join('')).toBe('');
  }, 10_000);
});

describe('the build lock, in one process', () => {
  it('takes a lock whose record has this live pid but another start time (a reused pid)', { skip: !HAS_PROC }, () => {
    const dir = freshDir();
    const own = processStart(process.pid)!.start;
    writeFileSync(join(dir, LOCK_FILE), record(process.pid, own === '1' ? '2' : '1'));
    const release = acquireLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, start: own, host: hostname() });
    release();
    expect(lockFiles(dir)).toEqual([]);
  });

  it('refuses a live owner, in words, and leaves its lock alone', async () => {
    const dir = freshDir();
    const sleeper = spawn('sleep', ['30']);
    try {
      await new Promise((r) => sleeper.once('spawn', r));
      const pid = sleeper.pid!;
      const start = processStart(pid)?.start ?? null;
      for (const text of [record(pid, start), String(pid), record(process.pid, processStart(process.pid)?.start ?? null)]) {
        writeFileSync(join(dir, LOCK_FILE), text);
        const owner = JSON.parse(text.startsWith('{') ? text : `{"pid":${text}}`).pid as number;
        expect(() => acquireLock(dir)).toThrow(new LockError(message(dir, owner)));
        expect(clearStaleLock(dir)).toBe(false);
        expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(text);
      }
      // The lock holds this process: a second acquireLock here is refused too.
      unlinkSync(join(dir, LOCK_FILE));
      const release = acquireLock(dir);
      const error = (() => {
        try {
          acquireLock(dir);
        } catch (err) {
          return err;
        }
      })();
      expect(error).toBeInstanceOf(LockError);
      expect((error as LockError).name).toBe('LockError');
      expect((error as LockError).message).toBe(message(dir, process.pid));
      release();
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('releases idempotently, and never removes a lock that is not its own', () => {
    const dir = freshDir();
    const lock = join(dir, LOCK_FILE);
    const first = acquireLock(dir);
    expect(existsSync(lock)).toBe(true);
    first();
    first();
    expect(existsSync(lock)).toBe(false);
    // Someone else's lock in its place (say, removed by hand and taken by another build): the old release leaves it.
    const other = record(process.pid, null);
    writeFileSync(lock, other);
    first();
    expect(readFileSync(lock, 'utf8')).toBe(other);
    unlinkSync(lock);
    // A second acquisition by this process, then the first release again: still its own lock, untouched.
    const second = acquireLock(dir);
    const text = readFileSync(lock, 'utf8');
    first();
    expect(readFileSync(lock, 'utf8')).toBe(text);
    second();
    expect(existsSync(lock)).toBe(false);
    expect(process.listeners('exit')).not.toContain(second);
  });

  it('takes over an unreadable or malformed lock older than a few seconds, but not a fresh one', () => {
    const dir = freshDir();
    const lock = join(dir, LOCK_FILE);
    const old = (Date.now() - GRACE_MS - 5_000) / 1000;
    for (const [i, garbage] of ['', 'garbage\u0000', '{"pid": -1}', '{"pid": "12"}', '[1]'].entries()) {
      writeFileSync(lock, garbage);
      // The first with the default wait for a record to appear (a quarter of a second), the others without it.
      expect(() => acquireLock(dir, i === 0 ? {} : { waitMs: 0 })).toThrow(/holds no readable record/);
      expect(readFileSync(lock, 'utf8')).toBe(garbage);
      expect(clearStaleLock(dir)).toBe(false);
      utimesSync(lock, old, old);
      const release = acquireLock(dir);
      expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(process.pid);
      release();
      expect(lockFiles(dir)).toEqual([]);
    }
  });

  it('passes over a takeover token left by a claimant that died, and sweeps what dead processes left', () => {
    const dir = freshDir();
    const lock = join(dir, LOCK_FILE);
    const dead = deadPid();
    writeFileSync(lock, record(dead, '1'));
    const key = lockInstanceKey(lock)!;
    const leftovers = [takeoverTokenName(key, 0), takeoverTokenName('0123abcd', 0), `${LOCK_FILE}.tmp-${dead}-1-abc`, `${LOCK_FILE}.stale-${dead}-x-def`];
    for (const name of leftovers) writeFileSync(join(dir, name), record(dead, '1'));
    // A temp file of a live process (this one) is not a leftover.
    const live = `${LOCK_FILE}.tmp-${process.pid}-${processStart(process.pid)?.start ?? 'x'}-1234`;
    writeFileSync(join(dir, live), 'x');
    const release = acquireLock(dir);
    expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    expect(lockFiles(dir)).toEqual([LOCK_FILE, live].sort());
    release();
    unlinkSync(join(dir, live));
    expect(lockFiles(dir)).toEqual([]);
  });

  it('waits for a live process taking over a stale lock, then gives up in words without touching the lock', () => {
    const dir = freshDir();
    const lock = join(dir, LOCK_FILE);
    const stale = record(deadPid(), '1');
    writeFileSync(lock, stale);
    // A token held by a live claimant (this process, standing in for another build in mid-takeover).
    const token = join(dir, takeoverTokenName(lockInstanceKey(lock)!, 0));
    writeFileSync(token, record(process.pid, processStart(process.pid)?.start ?? null));
    const t0 = Date.now();
    expect(() => acquireLock(dir, { waitMs: 300 })).toThrow(new LockError(`another build is taking over the lock ${lock}, left by a build that stopped; build again in a moment`));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(readFileSync(lock, 'utf8')).toBe(stale);
    expect(existsSync(token)).toBe(true);
    unlinkSync(token);
    const release = acquireLock(dir);
    release();
    expect(lockFiles(dir)).toEqual([]);
  });

  it('clearStaleLock removes only a dead owner\'s lock, and says whether it did', () => {
    const dir = freshDir();
    const lock = join(dir, LOCK_FILE);
    expect(clearStaleLock(join(work, 'no-such-folder'))).toBe(false);
    expect(clearStaleLock(dir)).toBe(false);
    const dead = deadPid();
    writeFileSync(lock, String(dead));
    writeFileSync(join(dir, `${LOCK_FILE}.tmp-${dead}-x-abc`), 'x');
    expect(clearStaleLock(dir)).toBe(true);
    expect(lockFiles(dir)).toEqual([]);
    const release = acquireLock(dir);
    expect(clearStaleLock(dir)).toBe(false);
    expect(existsSync(lock)).toBe(true);
    release();
    writeFileSync(join(work, 'a-file'), '');
    expect(clearStaleLock(join(work, 'a-file'))).toBe(false);
  });

  it('says in words, naming the lock, why it cannot be written', () => {
    const lock = join(work, 'out', LOCK_FILE);
    const sentence = (code: string) => lockWriteError(Object.assign(new Error(code), { code }), lock, join(work, 'out'));
    for (const code of ['EROFS', 'EACCES', 'EPERM', 'ENOSPC']) {
      const error = sentence(code)!;
      expect(error).toBeInstanceOf(OutputFolderError);
      expect(error.message).toContain(lock);
      expect(error.message).toMatch(/choose another --out/);
    }
    expect(sentence('EROFS')!.message).toMatch(/read-only/);
    expect(sentence('ENOSPC')!.message).toMatch(/no space/);
    expect(sentence('EIO')).toBeUndefined();
  });
});
