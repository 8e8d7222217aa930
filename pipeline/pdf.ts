// PDF: print an HTML file, fill its table of contents with page numbers read back from the first print, and finish
// the file with document metadata, fixed dates and a content-derived id so that two builds give the same bytes.
import { createHash } from 'node:crypto';
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

/** A PDF text string: UTF-16BE with a byte-order mark, in hex, so any script goes in unescaped. */
function pdfText(text: string): string {
  const bytes = Buffer.from(`\uFEFF${text}`, 'utf16le').swap16();
  return `<${bytes.toString('hex').toUpperCase()}>`;
}

const pdfDate = (date: Date) => `D:${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/** The dictionary text of object `num` (generation 0): from its `<<` to the matching `>>`. */
function objectDict(pdf: string, num: number): string {
  const start = pdf.lastIndexOf(`\n${num} 0 obj`);
  if (start < 0) throw new Error(`object ${num} not found`);
  const open = pdf.indexOf('<<', start);
  let depth = 0;
  for (let i = open; i < pdf.length - 1; i++) {
    if (pdf[i] === '<' && pdf[i + 1] === '<') {
      depth++;
      i++;
    } else if (pdf[i] === '>' && pdf[i + 1] === '>') {
      depth--;
      i++;
      if (depth === 0) return pdf.slice(open, i + 1);
    }
  }
  throw new Error(`object ${num} is not a dictionary`);
}

/**
 * Finishes a PDF as Chromium printed it, without parsing it whole (a 700-page dossier stays cheap):
 * - in place, at the same length: the clock in the old Info dictionary becomes the data's date, and the per-run
 *   DOM node numbers that name tagged elements are renumbered in their own order, so two builds match byte for byte;
 * - appended as an incremental update: a new Info dictionary (title, author, subject, keywords, dates), the catalog
 *   with the language and the outline panel open, and a trailer with a document id hashed from the content.
 */
export function finishPdf(raw: Uint8Array, meta: PdfMetadata): { pdf: Uint8Array; pages: number } {
  const date = pdfDate(meta.date);
  let text = Buffer.from(raw).toString('latin1');
  text = text.replace(/\(D:\d{14}/g, `(D:${date.slice(2, 16)}`);
  const ids = [...new Set(text.match(/\(node\d+\)/g) ?? [])].sort((a, b) => Number(a.slice(5, -1)) - Number(b.slice(5, -1)));
  const renamed = new Map(ids.map((old, i) => [old, `(node${String(i + 1).padStart(old.length - 6, '0')})`]));
  text = text.replace(/\(node\d+\)/g, (id) => renamed.get(id)!);

  const tail = /trailer\s*<<([\s\S]*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$/.exec(text.slice(-2048));
  if (!tail) throw new Error('no trailer at the end of the printed PDF');
  const field = (name: string) => Number(new RegExp(`/${name} (\\d+)`).exec(tail[1]!)?.[1]);
  const [size, root, info, previous] = [field('Size'), field('Root'), field('Info'), Number(tail[2])];
  const catalog = objectDict(text, root)
    .replace(/\/Lang \((?:[^()\\]|\\.)*\)/, '')
    .replace(/\/PageMode \/\w+/, '')
    .replace(/>>$/, `/Lang (${meta.lang.replace(/[^A-Za-z0-9-]/g, "")})\n/PageMode /UseOutlines>>`);
  const pages = Number(/\/Count (\d+)/.exec(objectDict(text, Number(/\/Pages (\d+) 0 R/.exec(catalog)![1])))![1]);
  const infoDict = [
    `/Title ${pdfText(meta.title)}`,
    `/Author ${pdfText(meta.author)}`,
    `/Subject ${pdfText(meta.subject)}`,
    `/Keywords ${pdfText(meta.keywords.join(' '))}`,
    `/Creator ${pdfText(meta.creator)}`,
    `/Producer ${pdfText(meta.creator)}`,
    `/CreationDate (${date})`,
    `/ModDate (${date})`,
  ].join('\n');
  const id = createHash('sha256').update(text, 'latin1').update(JSON.stringify(meta)).digest('hex').slice(0, 32);

  let update = '\n';
  const offsets = new Map<number, number>();
  for (const [num, dict] of [[root, catalog], [info, `<<${infoDict}>>`]] as const) {
    offsets.set(num, text.length + update.length);
    update += `${num} 0 obj\n${dict}\nendobj\n`;
  }
  const xrefAt = text.length + update.length;
  update += 'xref\n';
  for (const num of [...offsets.keys()].sort((a, b) => a - b)) update += `${num} 1\n${String(offsets.get(num)).padStart(10, '0')} 00000 n \n`;
  update += `trailer\n<</Size ${size}\n/Root ${root} 0 R\n/Info ${info} 0 R\n/Prev ${previous}\n/ID [<${id}> <${id}>]>>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return { pdf: new Uint8Array(Buffer.from(text + update, 'latin1')), pages };
}
