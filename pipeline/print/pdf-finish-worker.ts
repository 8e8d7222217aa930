// A worker thread that finishes printed PDFs (pdf-finish.ts) for pdf-finish-pool.ts: the bytes come in transferred
// and go back transferred, so neither side copies a 700-page dossier. Only ever started as a worker.
import { parentPort } from 'node:worker_threads';
import { finishPdf, type PdfMetadata } from './pdf-finish.ts';
import { ownsBuffer } from './pdf-finish-pool.ts';

export interface FinishRequest {
  id: number;
  raw: Uint8Array;
  metadata: PdfMetadata;
}

export type FinishReply = { id: number; pdf: Uint8Array; pages: number } | { id: number; error: string };

parentPort?.on('message', ({ id, raw, metadata }: FinishRequest) => {
  let reply: FinishReply;
  try {
    const { pdf, pages } = finishPdf(raw, metadata);
    reply = { id, pdf, pages };
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(reply, 'pdf' in reply && ownsBuffer(reply.pdf) ? [reply.pdf.buffer as ArrayBuffer] : []);
});
