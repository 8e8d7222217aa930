// PDF: print an HTML file, fill its table of contents with page numbers read back from the first print, and finish
// the file with document metadata, fixed dates and a fixed id so that two builds give the same bytes.
import { createHash } from 'node:crypto';
import { PDFArray, PDFBool, PDFDict, PDFDocument, PDFHexString, PDFName, PDFString, type PDFObject } from 'pdf-lib';
import type { Page, PDFOptions } from 'puppeteer';
import type { Printer } from './browser.ts';

export type Paper = 'a4' | 'letter';

export interface PdfMetadata {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  lang: string;
  /** The document's date, from the data (never the clock). */
  date: Date;
  creator: string;
}

/** Page numbers of named destinations (element ids that links point at), 1-based. */
export async function destinationPages(pdf: Uint8Array): Promise<Map<string, number>> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: pdf.slice(), verbosity: 0, isEvalSupported: false }).promise;
  try {
    const dests = (await doc.getDestinations()) as Record<string, [unknown, ...unknown[]]>;
    const pages = new Map<string, number>();
    for (const [name, dest] of Object.entries(dests)) {
      pages.set(name, (await doc.getPageIndex(dest[0] as { num: number; gen: number })) + 1);
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

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
}

/**
 * Prints `job.file`. Chromium has no target-counter(), so a contents with page numbers (one whose entries reserve a
 * `span.toc-page`, as the dossier's do) gets them in a second pass, from the named destinations of the first; the
 * reserved width keeps the layout, and a third pass runs only if a heading moved all the same.
 */
export async function printPdf(printer: Printer, job: PdfJob): Promise<{ pdf: Uint8Array; pages: number }> {
  const options: PDFOptions = { preferCSSPageSize: true, printBackground: true, tagged: true, outline: true, timeout: 300_000 };
  return printer.withPage({ name: job.name, file: job.file }, async (page, print) => {
    await page.addStyleTag({ content: PAPER_CSS[job.paper] });
    const numbered = await page.evaluate(() => document.querySelector('nav.toc a[href^="#"] span.toc-page') !== null);
    let pdf = await print(options);
    if (numbered) {
      let pages = await destinationPages(pdf);
      for (let pass = 0; pass < 3; pass++) {
        await setTocPages(page, pages);
        pdf = await print(options);
        const after = await destinationPages(pdf);
        const moved = [...after].some(([id, n]) => pages.get(id) !== n);
        pages = after;
        if (!moved) break;
      }
    }
    return finishPdf(pdf, job.metadata);
  });
}

/** A hash of what Chromium printed, less what it stamps per run (the clock, DOM node numbers), and of the metadata. */
function contentHash(pdf: Uint8Array, meta: PdfMetadata): Buffer {
  const printed = Buffer.from(pdf).toString('latin1').replace(/\/(CreationDate|ModDate) \(D:[^)]*\)/g, '').replace(/\(node\d+\)/g, '');
  return createHash('sha256').update(printed, 'latin1').update(JSON.stringify(meta)).digest();
}

/**
 * Chromium names tagged elements after DOM node ids (`node00000048`), which shift between runs with the order in
 * which it happens to number nodes. Renumbering them in their own order gives the same names every time and keeps
 * the ID tree sorted.
 */
function renumberStructureIds(doc: PDFDocument): void {
  const NODE_ID = /^node(\d+)$/;
  const found: { holder: PDFDict | PDFArray; key: PDFName | number; value: string }[] = [];
  const visit = (obj: PDFObject, holder: PDFDict | PDFArray, key: PDFName | number) => {
    if (obj instanceof PDFString && NODE_ID.test(obj.asString())) found.push({ holder, key, value: obj.asString() });
    else if (obj instanceof PDFArray) obj.asArray().forEach((item, i) => visit(item, obj, i));
    else if (obj instanceof PDFDict) for (const [k, v] of obj.entries()) visit(v, obj, k);
  };
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (obj instanceof PDFDict) for (const [k, v] of obj.entries()) visit(v, obj, k);
    else if (obj instanceof PDFArray) obj.asArray().forEach((item, i) => visit(item, obj, i));
  }
  const ordered = [...new Set(found.map((f) => f.value))].sort((a, b) => Number(NODE_ID.exec(a)![1]) - Number(NODE_ID.exec(b)![1]));
  const renamed = new Map(ordered.map((old, i) => [old, `node${String(i + 1).padStart(8, '0')}`]));
  for (const f of found) {
    const value = PDFString.of(renamed.get(f.value)!);
    if (f.holder instanceof PDFArray) f.holder.set(f.key as number, value);
    else f.holder.set(f.key as PDFName, value);
  }
}

/** Document metadata, fixed dates, a document id derived from the content, and the title shown in the window. */
export async function finishPdf(pdf: Uint8Array, meta: PdfMetadata): Promise<{ pdf: Uint8Array; pages: number }> {
  const id = contentHash(pdf, meta).subarray(0, 16).toString('hex');
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  renumberStructureIds(doc);
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor(meta.author);
  doc.setSubject(meta.subject);
  doc.setKeywords(meta.keywords);
  doc.setCreator(meta.creator);
  doc.setProducer(meta.creator);
  doc.setLanguage(meta.lang);
  doc.setCreationDate(meta.date);
  doc.setModificationDate(meta.date);
  // Open with the bookmarks panel, since the outline is the quickest way around a brief.
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
  const prefs = doc.catalog.lookupMaybe(PDFName.of('ViewerPreferences'), PDFDict);
  prefs?.set(PDFName.of('DisplayDocTitle'), PDFBool.True);
  // The document id is a hash of the content, so it changes exactly when the content does.
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of(id), PDFHexString.of(id)]) as PDFArray;
  const bytes = await doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
  return { pdf: bytes, pages: doc.getPageCount() };
}
