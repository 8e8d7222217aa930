// One build at a time per output folder: a lock file naming the builder, taken over only when that builder is gone
// (a killed build), and released on every way out, including Ctrl-C.
//
// Files, all in the output folder:
//   .build.lock                           the lock; its text is the owner's record (see OwnerRecord)
//   .build.lock.tmp-<pid>-<start>-<nonce>  a record being written, before it is linked into place
//   .build.lock.takeover-<key>-<gen>       a claim to remove the stale lock instance <key> (text: the claimant's record)
//   .build.lock.stale-<pid>-<start>-<nonce> a stale lock renamed aside by its remover, deleted right after
//
// Taking the lock. The owner's record (pid, process start time, host, a random nonce) is written to a temp file of
// its own and hard-linked to .build.lock: link() never replaces an existing name, so exactly one racer creates the
// lock, and the lock is never seen empty or half-written (the record is complete before the name exists). A racer
// that finds the lock reads it: a live owner means LockError; a dead owner (or an unreadable or malformed record
// older than GRACE_MS) means the lock is stale and may be taken over.
//
// Taking over a stale lock. A lock *instance* K is identified by its file's dev/inode/mtime/size and text (the text
// holds a fresh nonce, so K never exists twice: once removed it never comes back). Only a claimant may remove K, and
// only like this:
//   1. link its own record to the token .build.lock.takeover-<K>-<g>, for the first g whose token it can create,
//      passing over a token only if that token's creator is dead (or it is garbage older than GRACE_MS); a token
//      of a live creator means "someone is on it": wait a little and start again;
//   2. re-read the lock: if it is no longer instance K, K is gone already: delete the token, start again;
//   3. otherwise rename the lock to a unique .build.lock.stale-… name and delete that, then delete the token, then
//      compete for the lock by link() like anyone else (someone else may win it; then that one is the holder).
// Tokens are deleted only (i) by their creator, or (ii) by a sweep, and the sweep deletes a token for K only after
// reading the lock and finding it is not K: the token existed before that read, and tokens for K are only made
// after K was seen, so K was gone before the read, and is gone for good.
//
// Why at most one claimant is ever between "re-read finds K" and "rename" (its window) for the same K: its window
// lies inside the life of its token. Two claimants of the same g: link() lets only one token exist at a time, so
// their tokens' lives, and windows, do not overlap. Claimants P at g and Q at h > g: Q passed over a token at g whose
// creator C was dead when Q looked (at time t). If P made its token before t, P's token was gone by t (the name held
// C's token), so P's window ended before Q's began. If P made it after t, C's token was deleted in between, not by
// C (dead is for good: liveness means pid alive AND same start time), so by a sweep, which means K was already gone
// and P's re-read cannot find K. So within a window nothing else removes K (its owner is dead and cannot release,
// other claimants are excluded, sweeps never touch the lock, nobody renames onto the lock name), and the rename
// removes K itself, never a lock made after it.
//
// Why a live owner's lock is never removed by anyone else: release removes the lock only if its text is the
// releaser's own record (with its nonce, so only its own lock); a claimant removes only an instance it judged stale,
// and liveness is judged conservatively (a record from another host, or a pid whose start time cannot be read, counts
// as alive while the pid exists); garbage counts as stale only after GRACE_MS, and a record is never garbage while
// its owner lives, since it is complete before the lock name appears.
//
// A claimant that dies holding a token: its token is passed over (its creator is dead) by the next claimant, which
// uses g + 1; once the stale lock is gone, a sweep (after every acquisition, and in clearStaleLock) deletes the
// leftover tokens, and temp and stale files whose creator is dead. A claimant that dies after renaming the lock
// aside but before deleting its token leaves only leftovers for the sweep: the lock name is free.
import { LockError } from '../data/diagnostics.ts';

export { LockError };
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
  type BigIntStats,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OutputFolderError } from '../data/diagnostics.ts';

export const LOCK_FILE = '.build.lock';

/** A lock record (or token) that cannot be read or parsed counts as stale once it is this old. */
export const GRACE_MS = 5_000;
/** How long acquireLock waits for another process that is taking over a stale lock before giving up. */
const WAIT_MS = 3_000;
/** How long acquireLock waits for a fresh lock without a readable record to get one (an older writer, mid-write). */
const FRESH_WAIT_MS = 250;
/** Takeover generations: each one is used up only by a claimant that died in mid-takeover. */
const MAX_GENERATIONS = 32;


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

// ---------------------------------------------------------------------------------------------------------------
// Who owns what.

/** What a lock (or a takeover token) says about the process that made it. */
export interface OwnerRecord {
  pid: number;
  /** The process start time (field 22 of /proc/<pid>/stat, clock ticks since boot), or null where unknown. */
  start: string | null;
  /** The host name, or null for a record of the older format (a bare pid), taken as this host. */
  host: string | null;
  nonce: string;
}

const HAS_PROC = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/**
 * The start time of process `pid` and whether it is a zombie; undefined when that cannot be known here (no /proc,
 * or a /proc hiding other users' processes), null when the process does not exist.
 */
export function processStart(pid: number): { start: string; zombie: boolean } | null | undefined {
  if (!HAS_PROC) return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return processAlive(pid) ? undefined : null;
    return undefined;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count fields after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const start = fields[19]; // field 22
  if (!start || !/^\d+$/.test(start)) return undefined;
  return { start, zombie: state === 'Z' || state === 'X' };
}

let ownStart: string | null | undefined;
function ownIdentity(): { pid: number; start: string | null } {
  if (ownStart === undefined) ownStart = processStart(process.pid)?.start ?? null;
  return { pid: process.pid, start: ownStart };
}

function newRecord(): OwnerRecord {
  return { ...ownIdentity(), host: hostname(), nonce: randomBytes(8).toString('hex') };
}

/** The record in a lock's text: the JSON record, or the older format (a bare pid); undefined if malformed. */
export function parseRecord(text: string): OwnerRecord | undefined {
  const bare = /^\s*(\d+)\s*$/.exec(text);
  if (bare) {
    const pid = Number(bare[1]);
    return Number.isSafeInteger(pid) && pid > 0 ? { pid, start: null, host: null, nonce: '' } : undefined;
  }
  try {
    const r = JSON.parse(text) as Partial<Record<keyof OwnerRecord, unknown>> | null;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return undefined;
    const { pid, start, host, nonce } = r;
    if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
    if (start !== undefined && start !== null && (typeof start !== 'string' || !/^\d+$/.test(start))) return undefined;
    if (host !== undefined && host !== null && typeof host !== 'string') return undefined;
    return { pid, start: start ?? null, host: host ?? null, nonce: typeof nonce === 'string' ? nonce : '' };
  } catch {
    return undefined;
  }
}

/**
 * Whether the process a record names may still be running. Conservative: another host's process, or one whose start
 * time cannot be read, counts as alive while its pid exists; a pid now used by a process started at another time
 * (a reused pid) or a zombie does not.
 */
export function ownerAlive(record: Pick<OwnerRecord, 'pid' | 'start' | 'host'>): boolean {
  if (record.host !== null && record.host !== hostname()) return true;
  if (!processAlive(record.pid)) return false;
  const now = processStart(record.pid);
  if (now === null) return false;
  if (now === undefined) return true;
  if (now.zombie) return false;
  return record.start === null || record.start === now.start;
}

// ---------------------------------------------------------------------------------------------------------------
// Files.

/** One lock (or token) file as read: its instance key, age and record. */
interface Instance {
  key: string;
  mtimeMs: number;
  text: string | undefined;
  record: OwnerRecord | undefined;
}

function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function instanceKey(st: BigIntStats, text: string | undefined): string {
  return createHash('sha256').update(`${st.dev}:${st.ino}:${st.mtimeNs}:${st.size}\0${text ?? '\u0000unreadable'}`).digest('hex').slice(0, 24);
}

/** Reads a lock or token file: undefined if there is none. Stat and text come from one open file, so they match. */
function readInstance(path: string): Instance | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return undefined;
    if (codeOf(err) !== 'EACCES' && codeOf(err) !== 'EPERM') throw err;
    let st: BigIntStats;
    try {
      st = statSync(path, { bigint: true });
    } catch (e) {
      if (codeOf(e) === 'ENOENT') return undefined;
      throw e;
    }
    return { key: instanceKey(st, undefined), mtimeMs: Number(st.mtimeMs), text: undefined, record: undefined };
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    let text: string | undefined;
    try {
      text = readFileSync(fd, 'utf8');
    } catch (err) {
      if (codeOf(err) !== 'EISDIR' && codeOf(err) !== 'EACCES') throw err;
    }
    return { key: instanceKey(st, text), mtimeMs: Number(st.mtimeMs), text, record: text === undefined ? undefined : parseRecord(text) };
  } finally {
    closeSync(fd);
  }
}

type Verdict = { kind: 'live'; record: OwnerRecord } | { kind: 'stale' } | { kind: 'fresh' };

/** The instance key of the lock (or token) file at `path` (what takeover tokens are named after), if there is one. */
export function lockInstanceKey(path: string): string | undefined {
  return readInstance(path)?.key;
}

/** A live owner, a stale lock (dead owner, or no record for GRACE_MS), or a fresh lock without a record yet. */
function judge(instance: Instance): Verdict {
  if (instance.record) return ownerAlive(instance.record) ? { kind: 'live', record: instance.record } : { kind: 'stale' };
  return Date.now() - instance.mtimeMs > GRACE_MS ? { kind: 'stale' } : { kind: 'fresh' };
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

/** A sentence for a failure to write the lock, naming the path and what to do; undefined for other failures. */
export function lockWriteError(err: unknown, path: string, outDir: string): OutputFolderError | undefined {
  switch (codeOf(err)) {
    case 'EACCES':
    case 'EPERM':
      return new OutputFolderError(outDir, `no permission to write the build lock ${path} (expected an output folder you can write: fix its permissions or choose another --out)`);
    case 'EROFS':
      return new OutputFolderError(outDir, `cannot write the build lock ${path}: the output folder ${outDir} is on a read-only file system (choose another --out)`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new OutputFolderError(outDir, `no space left to write the build lock ${path} (free some space on that disk, or choose another --out)`);
    default:
      return undefined;
  }
}

const auxName = (kind: 'tmp' | 'stale', id: { pid: number; start: string | null }, nonce: string): string => `${LOCK_FILE}.${kind}-${id.pid}-${id.start ?? 'x'}-${nonce}`;
const AUX = /^\.build\.lock\.(?:tmp|stale)-(\d+)-(\d+|x)-[0-9a-f]+$/;
/** The name of the generation-`gen` takeover token for the lock instance `key`. */
export const takeoverTokenName = (key: string, gen: number): string => `${LOCK_FILE}.takeover-${key}-${gen}`;
const TOKEN = /^\.build\.lock\.takeover-([0-9a-f]+)-\d+$/;

let tempCounter = 0;

/**
 * Creates `target` holding `text`, or returns false if it exists. The text is written to a temp file first and linked,
 * so `target` never exists half-written. On a file system without hard links, falls back to an exclusive create
 * and write (a reader then may see it briefly empty, which counts as fresh, not stale, for GRACE_MS).
 */
function createExclusive(dir: string, target: string, text: string, outDir: string, lockPath: string): boolean {
  const temp = join(dir, auxName('tmp', ownIdentity(), `${randomBytes(4).toString('hex')}${(tempCounter++).toString(16)}`));
  try {
    writeFileSync(temp, text, { flag: 'wx' });
  } catch (err) {
    throw lockWriteError(err, lockPath, outDir) ?? err;
  }
  try {
    linkSync(temp, target);
    return true;
  } catch (err) {
    const code = codeOf(err);
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createByOpen(target, text, outDir, lockPath);
    throw lockWriteError(err, lockPath, outDir) ?? err;
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // A sweep may not take it (we are alive); nothing else to do.
    }
  }
}

function createByOpen(target: string, text: string, outDir: string, lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(target, 'wx');
  } catch (err) {
    if (codeOf(err) === 'EEXIST') return false;
    throw lockWriteError(err, lockPath, outDir) ?? err;
  }
  try {
    writeSync(fd, text);
  } catch (err) {
    closeSync(fd);
    unlinkSync(target);
    throw lockWriteError(err, lockPath, outDir) ?? err;
  }
  closeSync(fd);
  return true;
}

/**
 * Removes the stale lock instance `stale` under a takeover token (see the top of this file). 'removed': this process
 * removed it; 'gone': it was removed already; 'busy': another live process is taking it over, try again shortly.
 */
function takeOver(outDir: string, lockPath: string, stale: Instance): 'removed' | 'gone' | 'busy' {
  const me = newRecord();
  for (let gen = 0; gen < MAX_GENERATIONS; gen++) {
    const token = join(outDir, takeoverTokenName(stale.key, gen));
    if (!createExclusive(outDir, token, JSON.stringify(me), outDir, lockPath)) {
      const held = readInstance(token);
      if (!held) return 'busy'; // just deleted by its creator: look at the lock again
      if (judge(held).kind === 'stale') continue; // its creator died mid-takeover: use the next generation
      return 'busy';
    }
    try {
      const now = readInstance(lockPath);
      if (!now || now.key !== stale.key) return 'gone';
      const aside = join(outDir, auxName('stale', me, me.nonce));
      try {
        renameSync(lockPath, aside);
      } catch (err) {
        if (codeOf(err) === 'ENOENT') return 'gone';
        const owner = stale.record ? ` left by a build that stopped (pid ${stale.record.pid})` : '';
        throw new LockError(`cannot remove the stale build lock ${lockPath}${owner} (${codeOf(err) ?? String(err)}); if no build is running, delete it, then build again`);
      }
      rmSync(aside, { recursive: true, force: true });
      return 'removed';
    } finally {
      try {
        unlinkSync(token);
      } catch {
        // Swept already (the lock instance is gone).
      }
    }
  }
  return 'busy';
}

/**
 * Deletes what takeovers and writers left behind: tokens for lock instances that are gone (listed before the lock is
 * read, so a token listed was made before the read), and temp and stale files whose creator is dead. Never the lock.
 */
function sweep(outDir: string): void {
  try {
    const names = readdirSync(outDir).filter((n) => n.startsWith(`${LOCK_FILE}.`));
    if (names.length === 0) return;
    const current = readInstance(join(outDir, LOCK_FILE))?.key;
    for (const name of names) {
      const token = TOKEN.exec(name);
      const aux = AUX.exec(name);
      const leftover = token ? token[1] !== current : aux ? !ownerAlive({ pid: Number(aux[1]), start: aux[2] === 'x' ? null : aux[2]!, host: null }) : false;
      if (leftover) rmSync(join(outDir, name), { recursive: true, force: true });
    }
  } catch {
    // Tidying only: a later sweep will try again.
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The lock.

export interface AcquireOptions {
  /** How long to wait for another process that is taking over a stale lock (ms). */
  waitMs?: number;
}

/** Takes the lock of `outDir` or throws a LockError naming the build that holds it. Returns the (idempotent) release. */
export function acquireLock(outDir: string, options: AcquireOptions = {}): () => void {
  assertOutputFolder(outDir);
  const path = join(outDir, LOCK_FILE);
  const record = newRecord();
  const text = JSON.stringify(record);
  const started = Date.now();
  const deadline = started + (options.waitMs ?? WAIT_MS);
  let why = '';
  for (;;) {
    if (createExclusive(outDir, path, text, outDir, path)) break;
    const seen = readInstance(path);
    if (!seen) {
      // Released between our link and our read: try again at once.
      if (Date.now() > deadline) throw new LockError(`could not take the build lock ${path}: it keeps changing hands; build again in a moment`);
      continue;
    }
    const verdict = judge(seen);
    if (verdict.kind === 'live') {
      const { pid, host } = verdict.record;
      if (host !== null && host !== hostname()) {
        throw new LockError(`another build (pid ${pid} on ${host}) is writing to ${outDir}; wait for it to finish, then build again (if no build runs on ${host}, delete ${path})`);
      }
      throw new LockError(`another build (pid ${pid}) is writing to ${outDir}; wait for it to finish, then build again`);
    }
    if (verdict.kind === 'stale') {
      const result = takeOver(outDir, path, seen);
      if (result !== 'busy') continue;
      why = `another build is taking over the lock ${path}, left by a build that stopped; build again in a moment`;
    } else {
      why = `the build lock ${path} holds no readable record and is less than ${GRACE_MS / 1000} s old; wait for the build that made it, or delete it if none runs, then build again`;
      if (Date.now() - started > FRESH_WAIT_MS) throw new LockError(why);
    }
    if (Date.now() > deadline) throw new LockError(why);
    sleep(5 + Math.random() * 20);
  }
  sweep(outDir);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      // Only our own record: a lock we no longer hold (removed by hand, then taken by another build) stays.
      if (readFileSync(path, 'utf8') === text) unlinkSync(path);
    } catch {
      // Already gone.
    }
  };
  process.on('exit', release);
  return release;
}

/**
 * Removes the lock of `outDir` if the build that holds it is gone (the same safe takeover as acquireLock), and the
 * leftovers of takeovers and writers that died. Returns whether it removed a lock. Never throws for a missing folder
 * or a lock it cannot remove; leaves a live build's lock alone.
 */
export function clearStaleLock(outDir: string): boolean {
  const path = join(outDir, LOCK_FILE);
  let removed = false;
  const deadline = Date.now() + WAIT_MS;
  try {
    for (;;) {
      const seen = readInstance(path);
      if (!seen || judge(seen).kind !== 'stale') break;
      const result = takeOver(outDir, path, seen);
      if (result === 'removed') {
        removed = true;
        break;
      }
      if (result === 'busy') {
        if (Date.now() > deadline) break;
        sleep(5 + Math.random() * 20);
      }
    }
  } catch {
    return removed;
  }
  sweep(outDir);
  return removed;
}
