// Ctrl-C and SIGTERM at any stage: the first signal asks the build to stop (it closes the browser, drops its
// unpublished generation, releases the lock, and the command line says one line); a second one, for a build that
// does not stop, exits at once after the same cleanup done synchronously.
import { InterruptedError } from '../data/diagnostics.ts';

export { InterruptedError };


/** The exit code a shell gives a process killed by the signal: 128 + its number. */
export const signalExitCode = (signal: NodeJS.Signals): number => (signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);

const controller = new AbortController();
const onFirst = new Set<() => unknown>();
const onExit = new Set<() => void>();
let installed = false;

/** Set once the first signal arrived; stages check it between steps. */
export const interruption: AbortSignal = controller.signal;

/** Throws the InterruptedError when a signal has arrived. */
export function throwIfInterrupted(): void {
  if (controller.signal.aborted) throw controller.signal.reason as InterruptedError;
}

/** Runs `fn` when the first signal arrives (closing browsers, so that a print in progress ends at once). */
export function onInterrupt(fn: () => unknown): () => void {
  onFirst.add(fn);
  return () => onFirst.delete(fn);
}

/** Runs `fn` (synchronous) if the process must exit on a second signal: removing the lock and the staging folder. */
export function onForcedExit(fn: () => void): () => void {
  onExit.add(fn);
  return () => onExit.delete(fn);
}

/**
 * Installs the handlers once; the command line calls it before anything else, with how to leave at once on a second
 * signal (it alone sets the process's exit code).
 */
export function installInterruptHandlers(exitNow: (code: number) => void): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // In place of the launcher's early handlers (nothing had begun then; from here on a build may have).
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (!controller.signal.aborted) {
        controller.abort(new InterruptedError(signal));
        for (const fn of onFirst) void Promise.resolve().then(fn).catch(() => undefined);
        return;
      }
      for (const fn of onExit) {
        try {
          fn();
        } catch {
          // Exiting anyway: the next build clears what is left.
        }
      }
      process.stderr.write('interrupted; the previous outputs are unchanged\n');
      exitNow(signalExitCode(signal));
    });
  }
}
