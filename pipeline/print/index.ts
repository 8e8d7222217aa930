// print/ — Chromium (browser.ts), PDF printing (pdf.ts) with the margins' fonts loaded first (page-margins.ts) and the
// file finished after (pdf-finish.ts: metadata, fixed bytes; pdf-artifacts.ts: untagged content marked; both read
// objects through pdf-objects.ts; on worker threads, pdf-finish-pool.ts and pdf-finish-worker.ts), the dossier's
// contents numbered from its briefs' PDFs (contents-pages.ts), the EPUB (epub.ts), font subsets (fonts.ts) and the
// documents' own coverage check before printing (coverage.ts). Imports render/ and data/.
export { openPrinter, type Printer } from './browser.ts';
export { printPdf } from './pdf.ts';
export { buildEpub } from './epub.ts';
