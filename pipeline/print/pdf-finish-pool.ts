// Finishing printed PDFs off the main thread: finishing a 700-page dossier takes seconds of synchronous work, during
// which the main thread could neither read the other tab's print from Chromium nor finish another PDF. One worker
// thread (pdf-finish-worker.ts, bundled beside the command line) finishes them in turn; where no bundled worker
// exists (the sources run by a TypeScript loader, as in the tests) the same function runs on the main thread. Either
// way the bytes are the same: finishPdf is a pure function of the raw print and the metadata.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { finishPdf, type PdfMetadata } from './pdf-finish.ts';
import type { FinishReply, FinishRequest } from './pdf-finish-worker.ts';

/** Whether the bytes are the whole of their buffer, which can then be transferred (not a slice of a shared pool). */
export const ownsBuffer = (bytes: Uint8Array): boolean => bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;

/** The bundled worker: esbuild writes it next to the chunk this module is bundled into (pipeline/cli/launch.mjs). */
const WORKER_URL = new URL('./pdf-finish-worker.js', import.meta.url);

interface Pending {
  resolve: (r: { pdf: Uint8Array; pages: number }) => void;
  reject: (err: Error) => void;
}

interface FinishThread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * One worker, not one per core: Chromium's two tabs already keep both cores busy, and a second worker (its code
 * compiled afresh too) took their time. Measured on the bench datasets, one worker against two: the PDF stage at
 * 100× 44.3 s against 47.6 s, at 10× 4.74 s against 4.87 s (mean of 3), at 1× 2.06 s against 2.15 s (mean of 3).
 */
let thread: FinishThread | undefined;
let nextId = 0;
/** The bundled worker's path, looked for once: null when there is none. */
let workerPath: string | null | undefined;
const workerFile = (): string | null => {
  if (workerPath === undefined) {
    const path = WORKER_URL.protocol === 'file:' ? fileURLToPath(WORKER_URL) : undefined;
    workerPath = path && existsSync(path) ? path : null;
  }
  return workerPath;
};

function startThread(file: string): FinishThread {
  const started: FinishThread = { worker: new Worker(file), pending: new Map() };
  const failAll = (err: Error) => {
    for (const p of started.pending.values()) p.reject(err);
    started.pending.clear();
    if (thread === started) thread = undefined;
  };
  started.worker.on('message', (reply: FinishReply) => {
    const p = started.pending.get(reply.id);
    started.pending.delete(reply.id);
    // An idle worker does not keep the process alive.
    if (started.pending.size === 0) started.worker.unref();
    if ('error' in reply) p?.reject(new Error(reply.error));
    else p?.resolve({ pdf: reply.pdf, pages: reply.pages });
  });
  started.worker.on('error', failAll);
  started.worker.on('exit', (code) => failAll(new Error(`the PDF-finishing worker exited (${code})`)));
  started.worker.unref();
  return started;
}

/** finishPdf, on the worker thread where there is one to start (else on this one), in turn. `raw` is handed over. */
export function finishPdfOffThread(raw: Uint8Array, metadata: PdfMetadata): Promise<{ pdf: Uint8Array; pages: number }> {
  const file = workerFile();
  if (!file) return Promise.resolve(finishPdf(raw, metadata));
  const finishing = (thread ??= startThread(file));
  const id = nextId++;
  return new Promise((resolve, reject) => {
    finishing.pending.set(id, { resolve, reject });
    finishing.worker.ref();
    const request: FinishRequest = { id, raw, metadata };
    finishing.worker.postMessage(request, ownsBuffer(raw) ? [raw.buffer as ArrayBuffer] : []);
  });
}
