// print/ — Chromium (browser.ts), PDF printing and finishing (pdf.ts), the dossier's contents numbered from its briefs'
// PDFs (contents-pages.ts), the EPUB (epub.ts), font subsets (fonts.ts) and the documents' own coverage check before
// printing (coverage.ts). Imports render/ and data/.
export { openPrinter, type Printer } from './browser.ts';
export { printPdf } from './pdf.ts';
export { buildEpub } from './epub.ts';
