// The running header and footer of a printed PDF: Chromium draws @page margin boxes with font faces that it loads
// only for characters the page body uses, so a page whose body shares no character with its header or footer
// printed them blank. printPdf loads the margin boxes' faces itself before the first print.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPrinter, type Printer } from '../pipeline/print/browser.ts';
import { runningHeadCss } from '../pipeline/render/briefs.ts';
import { codePointsOf, fontFaceCss, subsetFaces } from '../pipeline/print/fonts.ts';
import type { Locale } from '../pipeline/views/locale.ts';
import { loadMarginFonts, pageMarginCss, unescapeCss } from '../pipeline/print/page-margins.ts';
import { printPdf, type PdfMetadata } from '../pipeline/print/pdf.ts';
import { ROOT } from './helpers.ts';
import { pdfObjectsText } from './pdf-objects.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-pdf-margins-'));
const title = '中美經貿會談年表';
const pageOf = '第 {page} 頁,共 {pages} 頁';
const footer = '第 1 頁,共 1 頁';
const body = 'abc 123';
const metadata: PdfMetadata = {
  title,
  author: 'test',
  subject: 'margin boxes',
  keywords: ['test'],
  lang: 'zh-Hant',
  date: new Date('2024-05-01T00:00:00Z'),
  creator: 'test',
};

const marginBoxCss = `@page {
  size: A4;
  margin: 22mm 18mm;
  @top-center { font-family: "Noto Sans TC", sans-serif; font-size: 9pt; }
  @bottom-center { font-family: "Noto Sans TC", sans-serif; font-size: 9pt; }
}`;

/** A page whose body is `abc 123` only, with a Chinese running header and a page-count footer. */
function writePage(name: string, printStyle: string, bodyHtml = `<p>${body}</p>`): string {
  const file = join(work, `${name}.html`);
  writeFileSync(
    file,
    `<!DOCTYPE html>
<html lang="zh-Hant">
<head>
<meta charset="utf-8">
<title>${name}</title>
<link rel="stylesheet" href="fonts.css">
<style>html { font-family: "Noto Sans TC", sans-serif; } ${marginBoxCss}</style>
<style>${printStyle}</style>
</head>
<body>${bodyHtml}</body>
</html>
`,
  );
  return file;
}

async function pageText(pdf: Uint8Array, n: number): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: pdf.slice(), verbosity: 0 }).promise;
  try {
    const content = await (await doc.getPage(n)).getTextContent();
    return content.items.map((item) => ('str' in item ? item.str : '')).join('').replace(/\s+/g, '');
  } finally {
    await doc.destroy();
  }
}

/** The font dictionaries of a PDF (not the Type0 wrappers): name and whether the program is embedded. */
function fonts(doc: PDFDocument): { name: string; embedded: boolean }[] {
  const out: { name: string; embedded: boolean }[] = [];
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Type'))?.toString() !== '/Font') continue;
    if (obj.get(PDFName.of('Subtype'))?.toString() === '/Type0') continue;
    const descriptor = obj.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict);
    const embedded = ['FontFile', 'FontFile2', 'FontFile3'].some((k) => descriptor?.has(PDFName.of(k)));
    out.push({ name: obj.get(PDFName.of('BaseFont'))?.toString() ?? '', embedded });
  }
  return out;
}

let printer: Printer | undefined;

beforeAll(async () => {
  // The faces every page here needs, cut in two slices with their unicode-ranges, as a page linking sliced web fonts
  // has them: the body's characters, and the header's and footer's (and the escaped case's), which a browser loads
  // only when laid-out text uses one of them — the case the margin boxes must not fall into.
  const slices = [codePointsOf(body), codePointsOf(title + footer + '<>續').filter((cp) => !codePointsOf(body).includes(cp))];
  // Cut once and kept where the builds keep theirs (the subsetter is fonts.test's subject, not this file's).
  const cacheDir = join(ROOT, '.cache', 'fonts');
  const cut = await Promise.all(slices.map(async (cps) => (await subsetFaces(cps, { cacheDir })).map((f) => ({ ...f, ranges: cps.map((cp) => [cp, cp] as const) }))));
  const faces = cut.flat();
  writeFileSync(join(work, 'fonts.css'), fontFaceCss(faces));
  mkdirSync(join(work, 'fonts'));
  for (const face of faces) writeFileSync(join(work, 'fonts', face.file), face.data);
  printer = await openPrinter(work);
});

afterAll(async () => {
  await printer?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the running header and footer of a page whose body shares none of their characters', () => {
  const expectHeaderAndFooter = async (pdf: Uint8Array) => {
    const text = await pageText(pdf, 1);
    expect(text).toContain(title);
    expect(text).toContain('第1頁,共1頁');
    expect(text).toContain('abc123');
    const objects = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(pdfObjectsText(objects)).toContain('/FontFile2');
    const used = fonts(objects);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((f) => !f.embedded)).toEqual([]);
    expect(used.every((f) => /NotoSansTC/.test(f.name))).toBe(true);
  };

  it('are printed, read from the page\'s own @page rules', async () => {
    const file = writePage('from-css', runningHeadCss(title, { page_of: pageOf } as Locale));
    const { pdf, pages } = await printPdf(printer!, { name: 'from-css', file, paper: 'a4', metadata });
    expect(pages).toBe(1);
    await expectHeaderAndFooter(pdf);
  });

  it('are printed, with the text given as marginText', async () => {
    const file = writePage('given', runningHeadCss(title, { page_of: pageOf } as Locale));
    const { pdf } = await printPdf(printer!, { name: 'given', file, paper: 'a4', metadata, marginText: `${title}${footer}` });
    await expectHeaderAndFooter(pdf);
  });

  it('are printed from content with CSS escapes and in a named page', async () => {
    // `\\3C ` is "<" and `\\A ` a line break, as cssString writes them; the page is a named one.
    const css = `@page part { @top-center { content: "\\3C ${title}\\3E \\A 續"; } @bottom-center { content: "第 " counter(page) " 頁,共 " counter(pages) " 頁"; } } body { page: part; }`;
    const file = writePage('escaped', css);
    const { pdf } = await printPdf(printer!, { name: 'escaped', file, paper: 'a4', metadata });
    const text = await pageText(pdf, 1);
    expect(text).toContain(`<${title}>`);
    expect(text).toContain('續');
    expect(text).toContain('第1頁,共1頁');
  });

  it('print the same bytes twice', async () => {
    // A table too: its header cells are tagged with Chromium's node numbers, which must come out the same.
    const table = `<p>${body}</p><table><tr><th>a</th><th>b</th><th>c</th></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>`;
    const file = writePage('twice', runningHeadCss(title, { page_of: pageOf } as Locale), table);
    const first = await printPdf(printer!, { name: 'twice', file, paper: 'a4', metadata });
    const second = await printPdf(printer!, { name: 'twice', file, paper: 'a4', metadata });
    expect(pdfObjectsText(await PDFDocument.load(first.pdf, { updateMetadata: false }))).toContain('(node');
    expect(Buffer.from(second.pdf).equals(Buffer.from(first.pdf))).toBe(true);
    await expectHeaderAndFooter(first.pdf);
  });
});

describe('loadMarginFonts', () => {
  it('loads the faces of marginText when given, else of the @page content', async () => {
    const file = writePage('load', runningHeadCss(title, { page_of: pageOf } as Locale));
    const loaded = (text: string) => (page: Page) =>
      page.evaluate((t: string) => document.fonts.check('16px "Noto Sans TC"', t), text);
    await printer!.withPage({ name: 'load', file }, async (page) => {
      expect(await loaded(title)(page)).toBe(false);
      expect(await loadMarginFonts(page, 'abc')).toEqual([]);
      expect(await loaded(title)(page)).toBe(false);
      expect(await loadMarginFonts(page)).toEqual([]);
      expect(await loaded(title)(page)).toBe(true);
      expect(await loaded('第頁,共')(page)).toBe(true);
    });
  });
});

describe('pageMarginCss', () => {
  it('resolves CSS string escapes', () => {
    expect(unescapeCss('\\3C b\\3E \\A c\\"\\\\\\\nd\\1F600x')).toBe('<b>\nc"\\d😀x');
  });

  it('reads the margin boxes of @page rules: content strings, counters and fonts', () => {
    const css = `/* @page { @top-left { content: "comment"; } } */
      p::before { content: "not a margin"; }
      @media print {
        @page :first {
          font: italic 700 9pt/1.2 var(--sans), serif;
          @top-left { content: "a;b}" counter(page, upper-roman); font-weight: bold; }
        }
      }
      ${runningHeadCss('標題 <x>', { page_of: pageOf } as Locale)}`;
    const margin = pageMarginCss(css);
    expect(margin.text).toBe('a;b}標題 <x>第  頁,共  頁');
    expect(new Set(margin.counters)).toEqual(new Set('IVXLCDM0123456789'));
    expect(margin.families).toEqual(['var(--sans), serif']);
    expect(margin.weights).toEqual(['700', 'bold']);
    expect(margin.styles).toEqual(['italic']);
  });
});
