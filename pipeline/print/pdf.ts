// PDF: print an HTML file, its table of contents numbered from its parts' own PDFs (or from a first print), and read
// a printed PDF's layout (page count, named destinations). Printing loads the margins' fonts first (page-margins.ts)
// and finishes the file after (metadata, fixed dates, a content-derived id: pdf-finish.ts).
import type { Page, PDFOptions } from 'puppeteer-core';
import type { Paper } from '../data/names.ts';
import type { Printer } from './browser.ts';
import { boundContentsPages, type BoundPart, type ContentsTarget } from './contents-pages.ts';
import { loadMarginFonts } from './page-margins.ts';
import type { PdfMetadata } from './pdf-finish.ts';
import { finishPdfOffThread } from './pdf-finish-pool.ts';
import { XrefReader } from './pdf-objects.ts';

export type { PdfMetadata } from './pdf-finish.ts';

// One Paper type, the build's; re-exported for the printer's callers.
export type { Paper };

const decodeName = (name: string) => name.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** A printed PDF's layout: its page count, and the page (1-based) of each named destination (ids links point at). */
export interface PdfLayout {
  pages: number;
  destinations: Map<string, number>;
}

/** The layout of a PDF: read straight off the cross-reference table as Chromium writes it, else through pdf.js. */
export async function pdfLayout(pdf: Uint8Array): Promise<PdfLayout> {
  const buffer = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  try {
    const reader = new XrefReader(buffer);
    const dests = /\/Dests (\d+) 0 R/.exec(reader.dict(reader.root))?.[1];
    const pageNumbers = reader.pages();
    const pageIndex = new Map(pageNumbers.map((num, i) => [num, i + 1]));
    const destinations = new Map<string, number>();
    for (const m of dests ? reader.dict(Number(dests)).matchAll(/\/([^\s/[\]<>()]+)\s*\[\s*(\d+) 0 R/g) : []) {
      const page = pageIndex.get(Number(m[2]));
      if (page !== undefined) destinations.set(decodeName(m[1]!), page);
    }
    return { pages: pageNumbers.length, destinations };
  } catch {
    return pdfLayoutByPdfjs(pdf);
  }
}

/** Page numbers (1-based) of the named destinations: element ids that links point at. */
export const destinationPages = async (pdf: Uint8Array): Promise<Map<string, number>> => (await pdfLayout(pdf)).destinations;

/** The same, through pdf.js: slower and hungrier, for a PDF laid out other than the way Chromium writes it. */
export async function pdfLayoutByPdfjs(pdf: Uint8Array): Promise<PdfLayout> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: pdf.slice(), verbosity: 0, isEvalSupported: false }).promise;
  try {
    const dests = (await doc.getDestinations()) as Record<string, [unknown, ...unknown[]]>;
    const destinations = new Map<string, number>();
    for (const [name, dest] of Object.entries(dests)) {
      destinations.set(name, (await doc.getPageIndex(dest[0] as { num: number; gen: number })) + 1);
    }
    return { pages: doc.numPages, destinations };
  } finally {
    await doc.destroy();
  }
}

export const destinationPagesByPdfjs = async (pdf: Uint8Array): Promise<Map<string, number>> => (await pdfLayoutByPdfjs(pdf)).destinations;

/** Writes page numbers into the reserved `span.toc-page` of every contents entry of the loaded page. */
async function setTocPages(page: Page, pages: Map<string, number>): Promise<void> {
  await page.evaluate((entries: [string, number][]) => {
    const byId = new Map(entries);
    for (const span of Array.from(document.querySelectorAll<HTMLSpanElement>('nav.toc a[href^="#"] span.toc-page'))) {
      const id = decodeURIComponent(span.closest('a')!.getAttribute('href')!.slice(1));
      span.textContent = byId.has(id) ? String(byId.get(id)) : '';
    }
  }, [...pages]);
}

const PAPER_CSS: Record<Paper, string> = { a4: '@page { size: A4; }', letter: '@page { size: letter; }' };

export interface PdfJob {
  name: string;
  file: string;
  paper: Paper;
  metadata: PdfMetadata;
  /**
   * The text of the running header and footer (the @page margin boxes) of the document, whose font faces are loaded
   * before printing. Without it, the `content` strings of the page's own @page rules are read instead. Either way
   * the characters of the page counters (digits, for decimal ones) are added.
   */
  marginText?: string;
  /** The parts of a bound document (the dossier's briefs), in order, each with its own PDF's layout where there is one. */
  parts?: readonly PrintedPart[];
  /** Read the printed file's layout (a brief the dossier binds needs it; another print need not pay for it). */
  withLayout?: boolean;
  /** Told the layout as soon as it is read, before the file is finished: the dossier's print waits for it. */
  onLayout?: (layout: PdfLayout) => void;
}

/** Where each contents entry of the loaded page points, and which of `parts` (CSS selectors) holds its target. */
async function contentsTargets(page: Page, parts: readonly string[]): Promise<ContentsTarget[]> {
  return page.evaluate((selectors: string[]) => {
    const elements = selectors.map((s) => document.querySelector(s));
    return Array.from(document.querySelectorAll('nav.toc a[href^="#"]'))
      .filter((a) => a.querySelector('span.toc-page'))
      .map((a) => {
        const id = decodeURIComponent(a.getAttribute('href')!.slice(1));
        const target = document.getElementById(id);
        return { id, part: target ? elements.findIndex((e) => e?.contains(target)) : -1 };
      });
  }, [...parts]);
}

/** A part of a bound document as the printer is given it: its element, its ids' prefix, its own PDF's layout if it has one. */
export interface PrintedPart {
  selector: string;
  idPrefix: string;
  own?: PdfLayout;
}

/**
 * The contents' page numbers of a bound document without printing it whole: its parts' own PDFs place their
 * headings, and one print of what is left (the cover, the contents, parts with no PDF of their own) places the rest.
 * Undefined when that cannot place every entry.
 */
async function pagesFromParts(page: Page, print: (options: PDFOptions) => Promise<Uint8Array>, parts: readonly PrintedPart[], options: PDFOptions): Promise<Map<string, number> | undefined> {
  const targets = await contentsTargets(page, parts.map((p) => p.selector));
  const bound: BoundPart[] = parts.map((p) => ({ idPrefix: p.idPrefix, ...(p.own ? { own: p.own } : {}) }));
  const hidden = parts.filter((p) => p.own).map((p) => p.selector);
  const style = await page.addStyleTag({ content: `${hidden.join(', ')} { display: none !important; }` });
  const rest = await pdfLayout(await print({ ...options, tagged: false, outline: false }));
  await style.evaluate((node) => node.remove());
  return boundContentsPages(bound, targets, rest);
}

/**
 * Prints `job.file`. Chromium has no target-counter(), so a contents with page numbers (one whose entries reserve a
 * `span.toc-page`, as the dossier's do) has them written in before the print: from its parts' own PDFs where the job
 * names them (pagesFromParts), checked against the print's own destinations. Otherwise, or when the check fails, a
 * first pass measures where the headings fall and the next prints with the numbers; the reserved width keeps the
 * layout, and a further pass runs only if a heading moved all the same. `passes` counts the prints of the whole
 * document.
 */
export async function printPdf(printer: Printer, job: PdfJob): Promise<{ pdf: Uint8Array; pages: number; passes: number; layout?: PdfLayout }> {
  const printed = await printer.withPage({ name: job.name, file: job.file }, (page, print) => printOnPage(page, print, job));
  if (printed.layout) job.onLayout?.(printed.layout);
  // Finished once the tab is free again: Chromium prints the next document meanwhile.
  return { ...(await finishPdfOffThread(printed.raw, job.metadata)), passes: printed.passes, ...(printed.layout ? { layout: printed.layout } : {}) };
}

/** The raw print of the loaded page, its contents numbered first where it has numbered contents (see printPdf). */
async function printOnPage(page: Page, print: (options: PDFOptions) => Promise<Uint8Array>, job: PdfJob): Promise<{ raw: Uint8Array; passes: number; layout?: PdfLayout }> {
  const options: PDFOptions = { preferCSSPageSize: true, printBackground: true, tagged: true, outline: true };
  await page.addStyleTag({ content: PAPER_CSS[job.paper] });
  // Before the first print: a margin box whose font faces are not loaded yet prints blank. A face file that fails
  // to load fails the print through the printer's own request check; a font string Chromium cannot parse only
  // leaves that family to Chromium's own loading.
  await loadMarginFonts(page, job.marginText);
  const numbered = await page.evaluate(() => document.querySelector('nav.toc a[href^="#"] span.toc-page') !== null);
  if (!numbered) {
    const raw = await print(options);
    // Read before finishing, which takes the bytes (finishing moves no object, so the layout is the same).
    return { raw, passes: 1, ...(job.withLayout ? { layout: await pdfLayout(raw) } : {}) };
  }
  let passes = 0;
  let pages = job.parts?.some((p) => p.own) ? await pagesFromParts(page, print, job.parts, options) : undefined;
  if (!pages) {
    // The measuring pass only places the headings: untagged and without an outline it prints a third faster, and
    // the layout is the same.
    pages = await destinationPages(await print({ ...options, tagged: false, outline: false }));
    passes++;
  }
  let raw: Uint8Array | undefined;
  let layout: PdfLayout | undefined;
  for (let pass = 0; pass < 3; pass++) {
    await setTocPages(page, pages);
    raw = await print(options);
    passes++;
    layout = await pdfLayout(raw);
    const moved = [...pages].some(([id, n]) => layout!.destinations.get(id) !== n);
    pages = layout.destinations;
    if (!moved) break;
  }
  return { raw: raw!, passes, layout: layout! };
}
