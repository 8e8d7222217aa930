// The PDF-finishing worker thread gives the bytes the main thread would, and takes the raw print over without a copy.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { openPrinter } from '../pipeline/print/browser.ts';
import { finishPdf, type PdfMetadata } from '../pipeline/print/pdf-finish.ts';
import type { FinishReply } from '../pipeline/print/pdf-finish-worker.ts';
import { ROOT } from './helpers.ts';
import { realBuild } from './shared-build.ts';

const metadata: PdfMetadata = { title: '年表', author: '出版者', subject: '摘要', keywords: ['中美'], lang: 'zh-Hant', date: new Date('2021-03-19T00:00:00Z'), creator: 'dialogue-briefs' };

describe('the PDF-finishing worker', () => {
  // The sources run in the worker through tsx's loader, registered first (the command line runs the bundle instead).
  const source = pathToFileURL(join(ROOT, 'pipeline/print/pdf-finish-worker.ts')).href;
  const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`, { eval: true });
  afterAll(() => worker.terminate());

  it('finishes a raw print to the same bytes as finishPdf on the main thread, the raw bytes handed over', async () => {
    const printer = await openPrinter(realBuild.outDir);
    let raw: Uint8Array;
    try {
      raw = await printer.print({ name: 'chronology', file: join(realBuild.outDir, 'zh-Hant', 'chronology.html'), pdf: { preferCSSPageSize: true, printBackground: true, tagged: true, outline: true } });
    } finally {
      await printer.close();
    }
    const here = finishPdf(raw.slice(), metadata);
    const own = new Uint8Array(raw); // a buffer of its own, so it can be transferred
    const reply = new Promise<FinishReply>((resolve) => worker.once('message', resolve));
    worker.postMessage({ id: 7, raw: own, metadata }, [own.buffer]);
    expect(own.byteLength).toBe(0); // moved, not copied
    const got = await reply;
    expect('error' in got ? got.error : undefined).toBeUndefined();
    if ('error' in got) return;
    expect(got.id).toBe(7);
    expect(got.pages).toBe(here.pages);
    expect(Buffer.from(got.pdf).equals(Buffer.from(here.pdf))).toBe(true);
  });

  it('reports a PDF it cannot finish as an error message, and stays up for the next', async () => {
    const reply = new Promise<FinishReply>((resolve) => worker.once('message', resolve));
    worker.postMessage({ id: 8, raw: new TextEncoder().encode('%PDF-1.4\nnot a pdf'), metadata });
    const got = await reply;
    expect(got).toEqual({ id: 8, error: expect.stringMatching(/trailer/) });
  });
});
