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

/**
 * Reads objects of a PDF as Chromium (Skia) writes it: one classic cross-reference table, so an object's offset is
 * one look-up, and the few dictionaries needed are read as text. Enough for the page tree and the named
 * destinations without loading a 700-page document whole.
 */
class XrefReader {
  private readonly offsets = new Map<number, number>();
  readonly root: number;

  constructor(private readonly pdf: Buffer) {
    const tail = pdf.toString('latin1', Math.max(0, pdf.length - 1024));
    let start = Number(/startxref\s*(\d+)\s*%%EOF\s*$/.exec(tail)?.[1]);
    let root = NaN;
    // The newest section first; an incremental update's /Prev leads to the one before, whose entries it overrides.
    for (let sections = 0; Number.isInteger(start) && sections < 16; sections++) {
      if (pdf.toString('latin1', start, start + 4) !== 'xref') throw new Error('no classic cross-reference table');
      let at = start + 4;
      for (;;) {
        const sub = /^\s*(\d+)\s+(\d+)[ \t]*\r?\n/.exec(pdf.toString('latin1', at, at + 64));
        if (!sub) break;
        at += sub[0].length;
        const [first, count] = [Number(sub[1]), Number(sub[2])];
        for (let i = 0; i < count; i++, at += 20) {
          const entry = pdf.toString('latin1', at, at + 20);
          if (entry[17] === 'n' && !this.offsets.has(first + i)) this.offsets.set(first + i, Number(entry.slice(0, 10)));
        }
      }
      const trailer = /trailer\s*<<([\s\S]*?)>>\s*startxref/.exec(pdf.toString('latin1', at, at + 1024))?.[1] ?? '';
      if (Number.isNaN(root)) root = Number(/\/Root (\d+) 0 R/.exec(trailer)?.[1]);
      start = Number(/\/Prev (\d+)/.exec(trailer)?.[1]);
    }
    if (!Number.isInteger(root)) throw new Error('no /Root in the trailer');
    this.root = root;
  }

  dict(num: number): string {
    const offset = this.offsets.get(num);
    if (offset === undefined) throw new Error(`object ${num} is not in the cross-reference table`);
    return objectDict(this.pdf, num, offset);
  }

  /** Page object numbers in page order. */
  pages(): number[] {
    const out: number[] = [];
    const walk = (num: number) => {
      const node = this.dict(num);
      if (/\/Type \/Pages\b/.test(node)) {
        const kids = /\/Kids \[([^\]]*)\]/.exec(node)?.[1] ?? '';
        for (const m of kids.matchAll(/(\d+) 0 R/g)) walk(Number(m[1]));
      } else out.push(num);
    };
    walk(Number(/\/Pages (\d+) 0 R/.exec(this.dict(this.root))![1]));
    return out;
  }
}

const decodeName = (name: string) => name.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** Page numbers (1-based) of the named destinations: element ids that links point at. */
export async function destinationPages(pdf: Uint8Array): Promise<Map<string, number>> {
  const buffer = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  try {
    const reader = new XrefReader(buffer);
    const dests = /\/Dests (\d+) 0 R/.exec(reader.dict(reader.root))?.[1];
    if (!dests) throw new Error('no /Dests dictionary');
    const pageIndex = new Map(reader.pages().map((num, i) => [num, i + 1]));
    const pages = new Map<string, number>();
    for (const m of reader.dict(Number(dests)).matchAll(/\/([^\s/[\]<>()]+)\s*\[\s*(\d+) 0 R/g)) {
      const page = pageIndex.get(Number(m[2]));
      if (page !== undefined) pages.set(decodeName(m[1]!), page);
    }
    return pages;
  } catch {
    return destinationPagesByPdfjs(pdf);
  }
}

/** The same, through pdf.js: slower and hungrier, for a PDF laid out other than the way Chromium writes it. */
export async function destinationPagesByPdfjs(pdf: Uint8Array): Promise<Map<string, number>> {
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
    if (!numbered) return finishPdf(await print(options), job.metadata);
    // The first pass only measures where headings fall: untagged and without an outline it prints a third faster,
    // and the layout is the same.
    let pages = await destinationPages(await print({ ...options, tagged: false, outline: false }));
    let pdf: Uint8Array | undefined;
    for (let pass = 0; pass < 3; pass++) {
      await setTocPages(page, pages);
      pdf = await print(options);
      const after = await destinationPages(pdf);
      const moved = [...after].some(([id, n]) => pages.get(id) !== n);
      pages = after;
      if (!moved) break;
    }
    return finishPdf(pdf!, job.metadata);
  });
}

/** A PDF text string: UTF-16BE with a byte-order mark, in hex, so any script goes in unescaped. */
function pdfText(text: string): string {
  const bytes = Buffer.from(`\uFEFF${text}`, 'utf16le').swap16();
  return `<${bytes.toString('hex').toUpperCase()}>`;
}

const pdfDate = (date: Date) => `D:${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/** The dictionary text of object `num` (generation 0): from its `<<` to the matching `>>`. */
function objectDict(pdf: Buffer, num: number, offset?: number): string {
  const start = offset ?? pdf.lastIndexOf(`\n${num} 0 obj`);
  if (start < 0) throw new Error(`object ${num} not found`);
  const open = pdf.indexOf('<<', start);
  let depth = 0;
  for (let i = open; i < pdf.length - 1; i++) {
    if (pdf[i] === 0x3c && pdf[i + 1] === 0x3c) {
      depth++;
      i++;
    } else if (pdf[i] === 0x3e && pdf[i + 1] === 0x3e) {
      depth--;
      i++;
      if (depth === 0) return pdf.toString('latin1', open, i + 1);
    }
  }
  throw new Error(`object ${num} is not a dictionary`);
}

/** Every place `marker` starts, followed by its decimal digits: [position of the first digit, digit count]. */
function numbersAfter(pdf: Buffer, marker: string): [number, number][] {
  const found: [number, number][] = [];
  for (let at = pdf.indexOf(marker); at >= 0; at = pdf.indexOf(marker, at + 1)) {
    const first = at + marker.length;
    let end = first;
    while (end < pdf.length && pdf[end]! >= 0x30 && pdf[end]! <= 0x39) end++;
    if (end > first) found.push([first, end - first]);
  }
  return found;
}

/**
 * Finishes a PDF as Chromium printed it, in place and without parsing it whole (a 700-page dossier stays cheap):
 * - at the same length, so no offset moves: the clock in the old Info dictionary becomes the data's date, and the
 *   per-run DOM node numbers that name tagged elements are renumbered in their own order;
 * - appended as an incremental update: a new Info dictionary (title, author, subject, keywords, dates), the catalog
 *   with the language and the outline panel open, and a trailer with a document id hashed from the content.
 */
export function finishPdf(raw: Uint8Array, meta: PdfMetadata): { pdf: Uint8Array; pages: number } {
  const pdf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const date = pdfDate(meta.date);
  for (const [at, length] of numbersAfter(pdf, '(D:')) if (length >= 14) pdf.write(date.slice(2, 16), at, 'latin1');
  const nodeIds = numbersAfter(pdf, '(node');
  const ordered = [...new Set(nodeIds.map(([at, n]) => Number(pdf.toString('latin1', at, at + n))))].sort((a, b) => a - b);
  const rank = new Map(ordered.map((id, i) => [id, i + 1]));
  for (const [at, n] of nodeIds) {
    pdf.write(String(rank.get(Number(pdf.toString('latin1', at, at + n)))).padStart(n, '0'), at, 'latin1');
  }

  const tail = /trailer\s*<<([\s\S]*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$/.exec(pdf.toString('latin1', Math.max(0, pdf.length - 2048)));
  if (!tail) throw new Error('no trailer at the end of the printed PDF');
  const field = (name: string) => Number(new RegExp(`/${name} (\\d+)`).exec(tail[1]!)?.[1]);
  const [size, root, info, previous] = [field('Size'), field('Root'), field('Info'), Number(tail[2])];
  const catalog = objectDict(pdf, root)
    .replace(/\/Lang \((?:[^()\\]|\\.)*\)/, '')
    .replace(/\/PageMode \/\w+/, '')
    .replace(/>>$/, `/Lang (${meta.lang.replace(/[^A-Za-z0-9-]/g, '')})\n/PageMode /UseOutlines>>`);
  const pages = Number(/\/Count (\d+)/.exec(objectDict(pdf, Number(/\/Pages (\d+) 0 R/.exec(catalog)![1])))![1]);
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
  const id = createHash('sha256').update(pdf).update(JSON.stringify(meta)).digest('hex').slice(0, 32);

  let update = '\n';
  const offsets = new Map<number, number>();
  for (const [num, dict] of [[root, catalog], [info, `<<${infoDict}>>`]] as const) {
    offsets.set(num, pdf.length + update.length);
    update += `${num} 0 obj\n${dict}\nendobj\n`;
  }
  const xrefAt = pdf.length + update.length;
  update += 'xref\n';
  for (const num of [...offsets.keys()].sort((a, b) => a - b)) update += `${num} 1\n${String(offsets.get(num)).padStart(10, '0')} 00000 n \n`;
  update += `trailer\n<</Size ${size}\n/Root ${root} 0 R\n/Info ${info} 0 R\n/Prev ${previous}\n/ID [<${id}> <${id}>]>>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return { pdf: new Uint8Array(Buffer.concat([pdf, Buffer.from(update, 'latin1')])), pages };
}
