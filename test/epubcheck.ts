// Runs EPUBCheck (the W3C's EPUB validator, a Java program) on files and reads its JSON reports. Several files are
// checked in one JVM, whose start-up is most of a run; the JIT is held to its quick first tier, which halves the CPU
// time of a run this short and changes nothing of what is checked. The books the global setup builds are checked in
// one JVM for the whole test run, whichever test file asks first.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ROOT } from './helpers.ts';

export interface EpubCheckReport {
  version: string;
  fatal: number;
  errors: number;
  warnings: number;
  /** One line per message: `SEVERITY ID path:line:column message`. */
  messages: string[];
}

interface RawReport {
  checker: { checkerVersion: string; nFatal: number; nError: number; nWarning: number };
  messages: { ID: string; severity: string; message: string; locations: { path: string; line: number; column: number }[] }[];
}

const DEBIAN_JAR = '/usr/share/java/epubcheck.jar';
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/** EPUBCHECK_JAR, else Debian's jar. Debian's /usr/bin/epubcheck wrapper does not start, so the jar is run directly. */
export function epubcheckJar(): string {
  const jar = process.env.EPUBCHECK_JAR || DEBIAN_JAR;
  if (!existsSync(jar)) {
    throw new Error(
      `EPUBCheck not found at ${jar}. Install it with \`apt-get install epubcheck\` (it puts the jar at ${DEBIAN_JAR}), ` +
        'or download it from https://github.com/w3c/epubcheck/releases and set EPUBCHECK_JAR to its epubcheck.jar.',
    );
  }
  return jar;
}

/** EPUBCheck's own command line takes one file; this checks each pair of arguments (book, JSON report) in turn. */
const BATCH_SOURCE = `import com.adobe.epubcheck.tool.EpubChecker;
public class EpubCheckAll {
  public static void main(String[] args) {
    for (int i = 0; i + 1 < args.length; i += 2) new EpubChecker().run(new String[] { args[i], "--json", args[i + 1], "--quiet" });
  }
}
`;

/**
 * The batch runner's class folder, compiled once against the jar and kept in .cache; undefined where there is no
 * Java compiler (a JRE alone), and each file then gets a JVM of its own.
 */
async function batchRunner(jar: string): Promise<string | undefined> {
  const dir = join(ROOT, '.cache', 'epubcheck', createHash('sha256').update(`${jar}\n${BATCH_SOURCE}`).digest('hex').slice(0, 16));
  if (existsSync(join(dir, 'EpubCheckAll.class'))) return dir;
  await mkdir(join(ROOT, '.cache', 'epubcheck'), { recursive: true });
  const staging = await mkdtemp(`${dir}-`);
  try {
    await writeFile(join(staging, 'EpubCheckAll.java'), BATCH_SOURCE);
    await promisify(execFile)('javac', ['-J-XX:TieredStopAtLevel=1', '-cp', jar, '-d', staging, join(staging, 'EpubCheckAll.java')]);
    // Another worker may have put it there first: its copy is the same.
    await rename(staging, dir).catch(() => undefined);
    return dir;
  } catch {
    return undefined;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Runs Java; returns what it wrote, for a message should a report be missing. */
const java = (args: string[]): Promise<string> =>
  // EPUBCheck exits non-zero when it finds errors; the reports are written all the same.
  promisify(execFile)('java', [...JVM_FLAGS, ...args], { maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => r.stdout + r.stderr,
    (err: NodeJS.ErrnoException & { stdout?: string; stderr?: string }) => {
      if (err.code === 'ENOENT') throw new Error('EPUBCheck needs Java: `apt-get install default-jre-headless` (or epubcheck, which pulls it in).');
      return `${err.stdout ?? ''}${err.stderr ?? ''}`;
    },
  );

/**
 * The books the global setup built, checked in one JVM for the whole test run: by the first test to ask for any of
 * them, which claims the run; the others wait for its reports. Nothing runs if no test asks.
 */
export interface SharedEpubCheck {
  /** Where the claim and the reports go (`<digest>.json`). */
  dir: string;
  books: { file: string; digest: string }[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    sharedEpubCheck: SharedEpubCheck;
  }
}

const digestOf = async (file: string): Promise<string> => createHash('sha256').update(await readFile(file)).digest('hex');

/** The shared run of `files` (the global setup's books), for the test files to claim. */
export async function sharedEpubCheckOf(dir: string, files: readonly string[]): Promise<SharedEpubCheck> {
  await mkdir(dir, { recursive: true });
  return { dir, books: await Promise.all(files.map(async (file) => ({ file, digest: await digestOf(file) }))) };
}

/** Runs the shared check if no one has claimed it yet; each report, or the run's failure, is left in its folder. */
async function claimSharedRun(shared: SharedEpubCheck): Promise<void> {
  // mkdir is atomic: of the test files asking at once, one runs the JVM.
  const claimed = await mkdir(join(shared.dir, 'claimed')).then(() => true, () => false);
  if (!claimed) return;
  const leave = async (digest: string, result: EpubCheckReport | { error: string }) => {
    // Written aside and renamed: a waiter never reads half a report.
    const tmp = join(shared.dir, `${digest}.tmp`);
    await writeFile(tmp, JSON.stringify(result));
    await rename(tmp, join(shared.dir, `${digest}.json`));
  };
  await checkInOneRun(shared.books.map((b) => b.file)).then(
    (reports) => Promise.all(reports.map((r, i) => leave(shared.books[i]!.digest, r))),
    (err: unknown) => Promise.all(shared.books.map((b) => leave(b.digest, { error: err instanceof Error ? err.message : String(err) }))),
  );
}

/** The shared run's report on a book, once it is there. */
async function sharedReport(shared: SharedEpubCheck, digest: string): Promise<EpubCheckReport> {
  for (;;) {
    const text = await readFile(join(shared.dir, `${digest}.json`), 'utf8').catch(() => undefined);
    if (text !== undefined) {
      const result = JSON.parse(text) as EpubCheckReport | { error: string };
      if ('error' in result) throw new Error(`the shared EPUBCheck run failed: ${result.error}`);
      return result;
    }
    await sleep(100);
  }
}

/** The global setup's books, in a test worker; none elsewhere (the setup itself, a script). */
async function sharedEpubCheck(): Promise<SharedEpubCheck | undefined> {
  try {
    const { inject } = await import('vitest');
    return inject('sharedEpubCheck');
  } catch {
    return undefined;
  }
}

/**
 * EPUBCheck's report on each of `files`, in their order: from the shared run for the global setup's books (the same
 * bytes), the others all in one JVM when a Java compiler is there.
 */
export async function epubcheckAll(files: readonly string[]): Promise<EpubCheckReport[]> {
  const shared = await sharedEpubCheck();
  const digests = shared ? await Promise.all(files.map(digestOf)) : [];
  const fromShared = files.map((_, i) => shared !== undefined && shared.books.some((b) => b.digest === digests[i]));
  if (fromShared.includes(true)) await claimSharedRun(shared!);
  const rest = files.filter((_, i) => !fromShared[i]);
  const own = rest.length ? await checkInOneRun(rest) : [];
  // The i-th file's place among those checked here.
  const place = fromShared.map((_, i) => fromShared.slice(0, i).filter((f) => !f).length);
  return Promise.all(files.map((_, i) => (fromShared[i] ? sharedReport(shared!, digests[i]!) : own[place[i]!]!)));
}

/** EPUBCheck's report on each of `files`, in their order: all in one JVM when a Java compiler is there. */
async function checkInOneRun(files: readonly string[]): Promise<EpubCheckReport[]> {
  const jar = epubcheckJar();
  const work = await mkdtemp(join(tmpdir(), 'briefs-epubcheck-'));
  try {
    const reports = files.map((_, i) => join(work, `${i}.json`));
    const runner = files.length > 1 ? await batchRunner(jar) : undefined;
    let output = '';
    if (runner) output = await java(['-cp', `${jar}:${runner}`, 'EpubCheckAll', ...files.flatMap((f, i) => [f, reports[i]!])]);
    else for (const [i, f] of files.entries()) output += await java(['-jar', jar, f, '--json', reports[i]!, '--quiet']);
    return await Promise.all(
      files.map(async (file, i) => {
        const text = await readFile(reports[i]!, 'utf8').catch(() => '');
        if (!text.trimStart().startsWith('{')) throw new Error(`EPUBCheck wrote no JSON report for ${file}:\n${output}`);
        return reportOf(JSON.parse(text) as RawReport);
      }),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function epubcheck(file: string): Promise<EpubCheckReport> {
  return (await epubcheckAll([file]))[0]!;
}

function reportOf(report: RawReport): EpubCheckReport {
  return {
    version: report.checker.checkerVersion,
    fatal: report.checker.nFatal,
    errors: report.checker.nError,
    warnings: report.checker.nWarning,
    messages: report.messages.map((m) => {
      const at = m.locations.map((l) => `${l.path}:${l.line}:${l.column}`).join(', ');
      return `${m.severity} ${m.ID} ${at} ${m.message}`;
    }),
  };
}
