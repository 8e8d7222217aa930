// Positioned messages, the one currency of every stage that can find a problem in its input, and the one error class
// of each kind of failure the command line reports: what each says, and the exit code it gives (cli/commands.ts), are
// decided by its class alone.
import type { RuleId } from './rules.ts';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** The file, relative to the dataset folder (or the templates folder for template errors). */
  file: string;
  /** 1-based line and column of the offending node. */
  line: number;
  column: number;
  severity: Severity;
  message: string;
  /** A stable rule id from the catalog (rules.ts), for example `invalid-date`. */
  rule: RuleId;
}

/** `data/people.yaml:12:7: error: … [rule]`, the form compilers and editors understand. */
export function formatDiagnostic(d: Diagnostic, dir: string): string {
  const file = dir ? `${dir.replace(/\/+$/, '')}/${d.file}` : d.file;
  return `${file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.rule}]`;
}

export function compareDiagnostics(order: readonly string[]) {
  return (a: Diagnostic, b: Diagnostic): number => {
    const fa = order.indexOf(a.file);
    const fb = order.indexOf(b.file);
    if (fa !== fb) return (fa < 0 ? Infinity : fa) - (fb < 0 ? Infinity : fb) || a.file.localeCompare(b.file);
    return a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message);
  };
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

/** A failure the CLI prints as positioned messages and an exit code, never as a stack trace. */
/** The command line asked for something that cannot be: an unknown option value, an edition the data cannot make. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export class DiagnosticError extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly dir = '',
  ) {
    super(diagnostics.map((d) => formatDiagnostic(d, dir)).join('\n'));
    this.name = 'DiagnosticError';
  }
}

/** A template problem, positioned in the template file. */
export class TemplateError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(`templates/${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: error: ${diagnostic.message} [${diagnostic.rule}]`);
    this.name = 'TemplateError';
  }
}

/** A problem with the data folder itself, which no position can point into: the command line says it in one line. */
export class DataFolderError extends Error {
  constructor(
    readonly dir: string,
    readonly reason: 'missing' | 'not-a-folder' | 'unreadable',
    message: string,
  ) {
    super(message);
    this.name = 'DataFolderError';
  }
}

/** The output folder cannot be used: it is a file, or cannot be made or written. */
export class OutputFolderError extends Error {
  constructor(
    readonly dir: string,
    message: string,
  ) {
    super(message);
    this.name = 'OutputFolderError';
  }
}

const WRITE_PROBLEMS: Record<string, string> = {
  ENOSPC: 'the disk is full: free some space',
  EDQUOT: 'the disk quota is used up: free some space',
  EROFS: 'the file system is read-only: choose another --out',
  EACCES: 'permission denied: fix the permissions of the output folder, or choose another --out',
  EPERM: 'the operation is not permitted (an immutable or locked file?): fix it, or choose another --out',
  EEXIST: 'something is in the way where a folder was to be made: move it, or choose another --out',
  ENOTDIR: 'a file stands where a folder was to be made: move it, or choose another --out',
  EMFILE: 'too many files are open: raise the limit (ulimit -n) and build again',
  EIO: 'the disk reported an input/output error: check the disk',
};

/**
 * A file-system error of the build, said in one sentence that names the path and what to do; any other error is
 * returned as it is. The outputs readers see are never half-written (output.ts), so the sentence can say so.
 */
export function describeWriteError(err: unknown): unknown {
  const e = err as NodeJS.ErrnoException & { dest?: string };
  if (!(err instanceof Error) || typeof e.code !== 'string' || !(e.code in WRITE_PROBLEMS)) return err;
  const where = e.path ?? e.dest ?? 'the output folder';
  return new OutputFolderError(where, `cannot write ${where}: ${WRITE_PROBLEMS[e.code]} (${e.code}). The previous outputs are unchanged.`);
}

/** A print that failed: the brief it was printing and why. */
export class PrintError extends Error {
  constructor(
    readonly target: string,
    message: string,
  ) {
    super(`printing ${target}: ${message}`);
    this.name = 'PrintError';
  }
}

/** Quotes a found value for a message: strings in quotes, short, everything else as YAML would show it. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `"${shown.replace(/\n/g, '\\n')}"`;
  }
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'boolean') return `boolean ${value}`;
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

/** Another build holds the output folder's lock. */
export class LockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockError';
  }
}

/** A signal asked the build to stop; it has cleaned up. */
export class InterruptedError extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super('interrupted; the previous outputs are unchanged');
    this.name = 'InterruptedError';
  }
}

/** Shards that cannot be merged: one missing or not a folder, or two that disagree on a file. */
export class AssembleError extends Error {
  constructor(
    readonly reason: 'missing-shard' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'AssembleError';
  }
}
