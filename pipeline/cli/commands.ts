// What the command line says: help, positioned problems, build summaries. Light on purpose: it loads the stages only
// when it needs them, so a build where nothing changed answers from the cache manifest alone.
import { relative, resolve } from 'node:path';
import type { BuildOptions } from '../build/options.ts';
import { buildInputsKey, readInputFilesSync, readManifest, unchangedOnDisk } from '../build/cache.ts';
import { RULES } from '../data/rules.ts';
import { DataFolderError, DiagnosticError, OutputFolderError, formatDiagnostic, hasErrors, PrintError, TemplateError, UsageError, type Diagnostic } from '../data/diagnostics.ts';
import { InterruptedError, signalExitCode } from '../build/interrupt.ts';
import { clearStaleLock, LockError } from '../build/lock.ts';

/**
 * Exit codes, documented in the README: sysexits.h where one fits, so scripts can tell a data error from a usage
 * error from a full disk.
 */
export const EXIT = {
  ok: 0,
  /** The data or a template has a problem: positioned messages say where. */
  invalid: 1,
  /** The command line was wrong: unknown command, option or value. */
  usage: 2,
  /** The data folder is missing, not a folder, or unreadable (EX_NOINPUT). */
  noInput: 66,
  /** The output folder is a file, or cannot be made or written (EX_CANTCREAT). */
  cantCreate: 73,
  /** A bug: the message and stack go to the issue tracker (EX_SOFTWARE). */
  internal: 70,
  /** Another build holds the output folder's lock (EX_TEMPFAIL). */
  locked: 75,
} as const;

export { UsageError };

/** The folder as the user should see it in messages: relative to where they stand when it is inside it. */
export function displayDir(dir: string): string {
  const rel = relative(process.cwd(), resolve(dir));
  return rel === '' ? '.' : rel.startsWith('..') ? resolve(dir) : rel;
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], dir: string): void {
  // Errors first, warnings kept apart after them; then how to fix each kind, once, from the rule catalog.
  for (const severity of ['error', 'warning'] as const) {
    for (const d of diagnostics.filter((x) => x.severity === severity)) process.stderr.write(`${formatDiagnostic(d, dir)}\n`);
  }
  for (const rule of [...new Set(diagnostics.map((d) => d.rule))]) process.stderr.write(`  how to fix [${rule}]: ${RULES[rule].fix}\n`);
}

export function summary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** A comma-separated option whose items must come from `allowed`. */
export function listOption<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T[] {
  if (value === undefined) return [...allowed];
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.find((i) => !(allowed as readonly string[]).includes(i));
  if (bad !== undefined || items.length === 0) throw new UsageError(`${name} takes ${allowed.join(', ')}; found "${bad ?? value}"`);
  return allowed.filter((a) => items.includes(a));
}

export function shardOption(value: string | undefined): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard takes K/N with 1 ≤ K ≤ N; found "${value}"`);
  return { index, count };
}

/** An absolute http(s) URL, ending in a slash so that relative links resolve below it. */
export function urlOption(value: string, option = '--base-url'): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option} takes an absolute http or https URL; found "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`${option} takes an absolute http or https URL; found "${value}"`);
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/** Validate's output formats: text for people, json for editors, github for workflow annotations on each line. */
export const VALIDATE_FORMATS = ['text', 'json', 'github'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

/** A workflow command's message, escaped as GitHub's toolkit does (`escapeData` in @actions/core's command.ts). */
export const escapeGithubData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A workflow command's property value: the message's escapes, and `:` and `,`, which end a property. */
export const escapeGithubProperty = (s: string): string => escapeGithubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::error file=data/people.yaml,line=12,col=7,title=invalid-enum::…`: GitHub shows it on that line of the pull request. */
export function toGithubAnnotation(d: Diagnostic, dir: string): string {
  const file = dir ? `${dir.replace(/\/+$/, '')}/${d.file}` : d.file;
  const properties = [`file=${escapeGithubProperty(file)}`, `line=${d.line}`, `col=${d.column}`, `title=${escapeGithubProperty(d.rule)}`].join(',');
  return `::${d.severity} ${properties}::${escapeGithubData(`${d.message}; to fix: ${RULES[d.rule].fix}`)}`;
}

export async function validateCommand(dataDir: string, format: string): Promise<number> {
  if (!(VALIDATE_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format for validate takes ${VALIDATE_FORMATS.join(', ')}; found "${format}"`);
  const { datasetCounts, loadDataset } = await import('../data/load.ts');
  const dir = displayDir(dataDir);
  const loaded = await loadDataset(dataDir);
  if (format === 'json') {
    const shown = loaded.diagnostics.map((d) => ({ ...d, file: `${dir}/${d.file}`, fix: RULES[d.rule].fix }));
    const report = { errors: shown.filter((d) => d.severity === 'error'), warnings: shown.filter((d) => d.severity === 'warning') };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return hasErrors(loaded.diagnostics) ? 1 : 0;
  }
  if (format === 'github') {
    // The runner reads workflow commands from stdout; errors first, as in the text format.
    for (const severity of ['error', 'warning'] as const) {
      for (const d of loaded.diagnostics.filter((x) => x.severity === severity)) process.stdout.write(`${toGithubAnnotation(d, dir)}\n`);
    }
  } else printDiagnostics(loaded.diagnostics, dir);
  if (!loaded.dataset) {
    process.stderr.write(`${dir}: invalid: ${summary(loaded.diagnostics)}\n`);
    return 1;
  }
  process.stdout.write(`${dir}: valid (${datasetCounts(loaded.dataset)}; ${summary(loaded.diagnostics)})\n`);
  return 0;
}

/** A build as the command line asks for it: the build's own options, and what the command line does around it. */
export type CliBuildOptions = BuildOptions & {
  quiet: boolean;
  /** Writes a JSON summary of the build here (stages, files, peak memory): for benchmarks and CI. */
  report?: string;
};

/** True when the last build had exactly these inputs and its outputs are untouched: nothing to do, nothing loaded. */
async function nothingChanged(o: CliBuildOptions): Promise<boolean> {
  // A git ref such as origin/main can move without any file here changing: a build --since always compares.
  if (o.force || o.since !== undefined) return false;
  const manifest = await readManifest(o.outDir);
  if (!manifest) return false;
  return manifest.inputs === buildInputsKey(o, readInputFilesSync(o)) && Object.entries(manifest.outputs).every(([path, entry]) => unchangedOnDisk(o.outDir, path, entry));
}

const kib = (bytes: number) => (bytes >= 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${bytes} B`);

export async function buildCommand(o: CliBuildOptions): Promise<number> {
  const started = performance.now();
  const say = (line: string) => {
    if (!o.quiet) process.stdout.write(`${line}\n`);
  };
  const writeReport = async (fields: Record<string, unknown>) => {
    if (!o.report) return;
    const { writeFile } = await import('node:fs/promises');
    const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    await writeFile(o.report, `${JSON.stringify({ ...fields, wallMs: Math.round(performance.now() - started), peakRssMiB }, null, 2)}\n`);
  };
  // Even a build with nothing to do clears what killed builds left: their generations and Chromium profiles.
  const { removeStaleProfiles, tidyOutput } = await import('../build/output.ts');
  clearStaleLock(o.outDir);
  await Promise.all([tidyOutput(o.outDir, { deadOnly: true }), removeStaleProfiles()]);
  if (await nothingChanged(o)) {
    say(`${displayDir(o.outDir)}: up to date (${((performance.now() - started) / 1000).toFixed(2)} s)`);
    await writeReport({ upToDate: true, built: [], stages: {} });
    return 0;
  }
  const { build } = await import('../build/build.ts');
  const result = await build({ ...o, log: (line) => say(`  ${line}`) });
  say(`${displayDir(o.dataDir)}: valid (${result.counts})`);
  for (const f of result.built.filter((x) => !x.path.startsWith('assets/'))) say(`  built ${f.path}  ${kib(f.bytes)}${f.pages ? `, ${f.pages} pages` : ''}`);
  const assets = result.built.filter((x) => x.path.startsWith('assets/')).length;
  if (assets) say(`  built ${assets} files in assets/`);
  const stages = Object.entries(result.stages).map(([k, v]) => `${k} ${v} ms`).join(', ');
  await writeReport({ upToDate: false, built: result.built, skipped: result.skipped.length, stages: result.stages, browserLaunched: result.browserLaunched });
  say(`${displayDir(o.outDir)}: built ${result.built.length}, kept ${result.skipped.length} unchanged${result.browserLaunched ? '' : ', no browser launched'} in ${((performance.now() - started) / 1000).toFixed(1)} s (${stages})`);
  return 0;
}

/** Prints a failure the way a user needs it: positioned messages, never a stack trace for their own mistake. */
export function reportFailure(err: unknown): number {
  if (err instanceof DiagnosticError) {
    printDiagnostics(err.diagnostics, displayDir(err.dir));
    process.stderr.write(`${displayDir(err.dir)}: invalid: ${summary(err.diagnostics)}\n`);
    return EXIT.invalid;
  }
  if (err instanceof DataFolderError) {
    process.stderr.write(`error: ${err.message} [${err.reason === 'missing' ? 'missing-folder' : err.reason === 'not-a-folder' ? 'not-a-folder' : 'unreadable-folder'}]\n`);
    return EXIT.noInput;
  }
  if (err instanceof OutputFolderError) {
    process.stderr.write(`error: ${err.message}\n`);
    return EXIT.cantCreate;
  }
  if (err instanceof TemplateError || err instanceof PrintError) {
    process.stderr.write(`${err.message}\n`);
    return EXIT.invalid;
  }
  if (err instanceof LockError) {
    process.stderr.write(`${err.message}\n`);
    return EXIT.locked;
  }
  if (err instanceof InterruptedError) {
    process.stderr.write(`${err.message}\n`);
    return signalExitCode(err.signal);
  }
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n`);
    return EXIT.usage;
  }
  process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.internal;
}
