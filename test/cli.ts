// The command line as users run it, through the bundled launcher, without blocking the test's thread: independent
// runs are started together and awaited, so their start-up (most of a short run) overlaps.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
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
