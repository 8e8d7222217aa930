// The command line as users run it, through the bundled launcher, without blocking the test's thread: independent
// runs are started together and awaited, so their start-up (most of a short run) overlaps. And the same command line
// run in this process, for tests whose subject is what a command does rather than the process around it: a few real
// runs prove the exit codes and messages of the process itself.
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ROOT } from './helpers.ts';

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `node pipeline/cli/launch.mjs ...args` from `cwd` (the repository by default), once it has exited. */
export function cli(args: readonly string[], options: { cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [join(ROOT, 'pipeline/cli/launch.mjs'), ...args], { cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** The output of the in-process run whose async context a write comes from. */
const capture = new AsyncLocalStorage<{ stdout: string; stderr: string }>();
let captureInstalled = false;

/** Routes each write to process.stdout and process.stderr made inside a run to that run, the rest to where it went. */
function installCapture(): void {
  if (captureInstalled) return;
  captureInstalled = true;
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const run = capture.getStore();
      if (!run) return write(chunk, ...rest);
      run[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }
}

/**
 * The same command line run in this process, from the repository: the function launch.mjs runs (arguments, command,
 * failure report and exit code), its output captured run by run, so runs may overlap. No process: its start-up, the
 * bundle and the modules are paid once for the file.
 */
export async function cliInProcess(args: readonly string[]): Promise<CliRun> {
  // Relative paths and the folders messages show are read from where the process stands, as for cli()'s runs.
  if (process.cwd() !== resolve(ROOT)) throw new Error(`cliInProcess runs from the repository (${ROOT}), not ${process.cwd()}`);
  installCapture();
  const { runCommandLine } = await import('../pipeline/cli/main.ts');
  const output = { stdout: '', stderr: '' };
  const status = await capture.run(output, () => runCommandLine([...args]));
  return { status, signal: null, ...output };
}
