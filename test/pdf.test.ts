// The printed PDFs: what they say (driven by the data), how they are made (pages, outline, fonts, metadata,
// paper), that two builds give the same bytes, and that printing never reaches outside the build's files.
import { createServer, type Server } from 'node:http';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPrinter, PrintError, type Printer } from '../pipeline/print/browser.ts';
import { build, defaultBuildOptions, type BuildOptions } from '../pipeline/build/build.ts';
import { formatDateRange } from '../pipeline/views/format.ts';
import { loadLocale } from '../pipeline/views/locale.ts';
import { DiagnosticError } from '../pipeline/data/diagnostics.ts';
import { ROOT, FIXTURES } from './helpers.ts';
import { fromHtml } from './html.ts';
import { pdfObjectsText } from './pdf-objects.ts';
import { printedDataset } from '../pipeline/views/printed.ts';
import { realDataset, TEMPLATES } from './render.ts';
import { realBuild } from './shared-build.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-pdf-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const options = (outDir: string, more: Partial<BuildOptions> = {}): BuildOptions => ({
  ...defaultBuildOptions(),
  dataDir: join(ROOT, 'data'),
  templatesDir: join(ROOT, 'templates'),
  outDir,
  formats: ['html', 'pdf'],
  ...more,
});

type PdfJsDocument = Awaited<ReturnType<(typeof import('pdfjs-dist/legacy/build/pdf.mjs'))['getDocument']>['promise']>;
const opened = new Map<Uint8Array, Promise<PdfJsDocument>>();
/** A PDF opened with pdf.js, once for every test that reads it; closed with the file. */
const pdfjsDocument = (pdf: Uint8Array): Promise<PdfJsDocument> => {
  if (!opened.has(pdf)) opened.set(pdf, import('pdfjs-dist/legacy/build/pdf.mjs').then(({ getDocument }) => getDocument({ data: pdf.slice(), verbosity: 0 }).promise));
  return opened.get(pdf)!;
};
afterAll(async () => {
  for (const doc of opened.values()) await (await doc).destroy();
});

type PdfText = { text: string; pages: number; outline: string[]; info: Record<string, unknown> };
const parsed = new Map<Uint8Array, Promise<PdfText>>();
/** A PDF's text, pages, outline and metadata through pdf.js; each PDF is read once. */
const pdfText = (pdf: Uint8Array): Promise<PdfText> => {
  if (!parsed.has(pdf)) parsed.set(pdf, readPdfText(pdf));
  return parsed.get(pdf)!;
};

async function readPdfText(pdf: Uint8Array): Promise<PdfText> {
  const doc = await pdfjsDocument(pdf);
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    text += content.items.map((item) => ('str' in item ? item.str : '')).join('');
  }
  const outline: string[] = [];
  const walk = (items: { title: string; items: unknown[] }[] | null) => {
    for (const item of items ?? []) {
      outline.push(item.title);
      walk(item.items as { title: string; items: unknown[] }[]);
    }
  };
  walk((await doc.getOutline()) as { title: string; items: unknown[] }[] | null);
  const info = (await doc.getMetadata()).info as Record<string, unknown>;
  return { text: text.replace(/\s+/g, ''), pages: doc.numPages, outline, info };
}

const loaded = new Map<Uint8Array, Promise<PDFDocument>>();
/** A PDF's objects through pdf-lib, for reading only: each PDF is loaded once. */
const pdfObjects = (pdf: Uint8Array): Promise<PDFDocument> => {
  if (!loaded.has(pdf)) loaded.set(pdf, PDFDocument.load(pdf, { updateMetadata: false }));
  return loaded.get(pdf)!;
};

/** Every font dictionary of a PDF: its subtype, name, and whether its program is embedded. */
async function fonts(pdf: Uint8Array): Promise<{ subtype: string; name: string; embedded: boolean }[]> {
  const doc = await pdfObjects(pdf);
  const out: { subtype: string; name: string; embedded: boolean }[] = [];
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Type'))?.toString() !== '/Font') continue;
    const subtype = obj.get(PDFName.of('Subtype'))?.toString() ?? '';
    if (subtype === '/Type0') continue; // a wrapper: its descendant CIDFont is listed on its own
    const descriptor = obj.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict);
    const embedded = ['FontFile', 'FontFile2', 'FontFile3'].some((k) => descriptor?.has(PDFName.of(k)));
    out.push({ subtype, name: obj.get(PDFName.of('BaseFont'))?.toString() ?? '', embedded });
  }
  return out;
}

// As the briefs print it: the data's text typeset (full-width punctuation between Han characters).
const dataset = printedDataset(await realDataset());
const locale = await loadLocale(TEMPLATES, 'zh-Hant');
const squash = (s: string) => s.replace(/\s+/g, '');

describe('the PDFs of a full build', () => {
  const pdfs: Record<string, Uint8Array> = Object.fromEntries(['chronology', 'roster', 'checklist', 'dossier'].map((n) => [n, new Uint8Array(readFileSync(join(realBuild.outDir, 'zh-Hant', `${n}.pdf`)))]));

  it('contain every person, round and outcome of the dataset', async () => {
    const texts = Object.fromEntries(await Promise.all(Object.entries(pdfs).map(async ([n, pdf]) => [n, (await pdfText(pdf)).text] as const)));
    for (const p of dataset.people) {
      expect(texts.roster, p.id).toContain(squash(p.name));
      if (p.name_en) expect(texts.roster, p.id).toContain(squash(p.name_en));
    }
    for (const d of dataset.dialogues) {
      expect(texts.chronology, d.id).toContain(squash(formatDateRange(locale, d.start, d.end)));
      expect(texts.roster, d.id).toContain(squash(formatDateRange(locale, d.start, d.end)));
    }
    for (const o of dataset.outcomes) expect(texts.checklist, o.id).toContain(squash(o.text));
    // The dossier holds all of it.
    for (const p of dataset.people) expect(texts.dossier, p.id).toContain(squash(p.name));
    for (const o of dataset.outcomes) expect(texts.dossier, o.id).toContain(squash(o.text));
    for (const d of dataset.dialogues) expect(texts.dossier, d.id).toContain(squash(formatDateRange(locale, d.start, d.end)));
  });

  it('have pages, a running header, "page X of Y" footers and an outline from the headings', async () => {
    for (const name of ['chronology', 'roster', 'checklist']) {
      const { text, pages, outline } = await pdfText(pdfs[name]!);
      expect(pages, name).toBeGreaterThanOrEqual(2);
      expect(pages, name).toBeLessThanOrEqual(8);
      expect(text).toContain(`第${pages}頁，共${pages}頁`);
      expect(outline.length, name).toBeGreaterThan(3);
    }
    const chronology = await pdfText(pdfs.chronology!);
    expect(chronology.outline[0]).toBe('中美戰略對話年表');
    expect(chronology.outline).toContain('2008年');
    expect(chronology.outline).toContain('2008年12月　對話：中美戰略對話');
    // Chromium titles a bookmark from the heading's layout fragments; a heading split at a page foot read twice.
    for (const [name, pdf] of Object.entries(pdfs)) {
      for (const title of (await pdfText(pdf)).outline) expect(title, name).not.toMatch(/^(.+)\1$/u);
    }
  });

  it('give the contents page numbers that match where each heading is', async () => {
    const doc = await pdfjsDocument(pdfs.dossier!);
    /** The lines of a page as a reader sees them, spaces squashed. */
    const lines = async (n: number) => {
      let text = '';
      for (const item of (await (await doc.getPage(n)).getTextContent()).items) {
        if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
      }
      return text.split('\n').map(squash).filter(Boolean);
    };
    const contents = await lines(2);
    expect(contents).toContain('目錄');
    for (const [title, id] of [['中美戰略對話年表', 'chronology-top'], ['中美戰略對話與會人員名冊', 'roster-top'], ['中美戰略對話成果清單', 'checklist-top']] as const) {
      const dest = (await doc.getDestination(id)) as [{ num: number; gen: number }];
      const page = (await doc.getPageIndex(dest[0])) + 1;
      const entry = contents.find((l) => l.startsWith(title));
      expect(entry, title).toBe(`${title}${page}`);
      expect(await lines(page), title).toContain(title);
    }
  });

  it('embed every font as a named subset with TrueType outlines, and no Type 3 font', async () => {
    for (const [name, pdf] of Object.entries(pdfs)) {
      const list = await fonts(pdf);
      expect(list.length, name).toBeGreaterThan(0);
      // One subset per face the document uses (serif and sans, 400 and 700), not one per unicode-range slice.
      expect(list.length, name).toBeLessThanOrEqual(4);
      expect(new Set(list.map((f) => f.name.slice(8))).size, name).toBe(list.length);
      for (const f of list) {
        expect(f.subtype, `${name} ${f.name}`).toBe('/CIDFontType2');
        expect(f.embedded, `${name} ${f.name}`).toBe(true);
        expect(f.name, name).toMatch(/^\/[A-Z]{6}\+NotoS(erif|ans)TC/);
      }
    }
  });

  it('carry document metadata, zh-Hant, and the date of the data rather than the clock', async () => {
    const { info } = await pdfText(pdfs.chronology!);
    expect(info).toMatchObject({
      Title: '中美戰略對話年表',
      Author: '中美戰略對話簡報',
      Language: 'zh-Hant',
      CreationDate: "D:20210322000000Z",
      ModDate: "D:20210322000000Z",
    });
    // Subject and keywords are worded by the locale from the data: the series, the years it spans, the brief's kind.
    expect(info.Subject).toBe('中美戰略對話2004–2021年各輪對話及相關事件的日期、地點、場次與時間。');
    expect(String(info.Keywords).split(' ')).toEqual(expect.arrayContaining(['中美戰略對話', '中美高層戰略對話', '年表']));
    expect(pdfObjectsText(await pdfObjects(pdfs.chronology!))).toContain('/StructTreeRoot');
    // The trailer's entries sit in the cross-reference stream's dictionary, which is never compressed.
    expect(Buffer.from(pdfs.chronology!).toString('latin1')).toMatch(/\/ID\s*\[\s*<[0-9a-f]{32}>\s*<[0-9a-f]{32}>\s*\]/i);
  });

  it('carry small fonts: one subset per face, under 150 KiB of font programs a brief and 250 KiB the dossier', async () => {
    // Measured on the embedded programs (/FontFile2 streams as stored), which the font subsets decide; before, the
    // unicode-range slices made 52 programs and 190 KiB for the chronology alone.
    for (const [name, pdf] of Object.entries(pdfs)) {
      const doc = await pdfObjects(pdf);
      let bytes = 0;
      for (const [, obj] of doc.context.enumerateIndirectObjects()) if (obj instanceof PDFRawStream && obj.dict.has(PDFName.of('Length1'))) bytes += obj.contents.byteLength;
      expect(bytes, name).toBeGreaterThan(0);
      expect(bytes, name).toBeLessThan((name === 'dossier' ? 250 : 150) * 1024);
    }
  });

  it('stay small: a brief under 200 KiB, the dossier under 450 KiB (objects packed into compressed object streams)', () => {
    for (const name of ['chronology', 'roster', 'checklist']) expect(pdfs[name]!.byteLength, name).toBeLessThan(200 * 1024);
    expect(pdfs.dossier!.byteLength).toBeLessThan(450 * 1024);
  });

  it('leave no browser running', () => {
    const pid = Number(/pid (\d+)/.exec(realBuild.log.find((l) => l.startsWith('browser:')) ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});

// One browser for the builds below that print; the tests about the build's own browser leave it out.
let printer: Printer;
beforeAll(async () => {
  printer = await openPrinter(work);
});
afterAll(() => printer.close());

describe('printing options', () => {
  it('prints US Letter on request', async () => {
    const out = join(work, 'letter');
    // The paper, not the data, is the subject: the minimal dataset's roster.
    await build(options(out, { dataDir: join(FIXTURES, 'minimal'), only: ['roster'], langs: ['zh-Hant'], paper: 'letter', printer }));
    const doc = await PDFDocument.load(readFileSync(join(out, 'zh-Hant/roster.pdf')));
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([612, 792]);
  }, 120_000);
});

describe('offline printing', () => {
  let server: Server;
  let hits: string[];
  let port: number;
  beforeAll(async () => {
    hits = [];
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('x');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('does not fetch remote URLs, images or file: links that a data field holds', async () => {
    const data = join(work, 'hostile-data');
    mkdirSync(data, { recursive: true });
    for (const f of ['publication', 'sources', 'places', 'people', 'mechanism', 'dialogues', 'events', 'outcomes']) {
      writeFileSync(join(data, `${f}.yaml`), readFileSync(join(FIXTURES, 'minimal', `${f}.yaml`)));
    }
    const remote = `http://127.0.0.1:${port}`;
    const hostile = `<img src=${remote}/img.png> ${remote}/page [x](${remote}/link) ![i](${remote}/md.png) <a href="file:///etc/passwd">f</a> <link rel=stylesheet href=${remote}/s.css>`;
    const file = join(data, 'dialogues.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('summary: 交換意見。', `summary: ${JSON.stringify(hostile)}`));
    const out = join(work, 'hostile-out');
    // A request the guard refused would have failed the build; one it let through would be a hit.
    // Both editions: the zh-Hans one prints the text as converted, through its own pages.
    const result = await build({ ...options(out), dataDir: data, printer });
    expect(hits).toEqual([]);
    // The hostile text did reach every page that prints it, as text.
    expect(result.built.map((f) => f.path)).toEqual(expect.arrayContaining(['zh-Hant/chronology.pdf', 'zh-Hant/dossier.pdf', 'zh-Hans/chronology.pdf', 'zh-Hans/dossier.pdf']));
    expect(fromHtml(readFileSync(join(out, 'zh-Hant', 'chronology.html'), 'utf8')).text).toContain(`<img src=${remote}/img.png>`);
  }, 120_000);

  it('refuses and reports a request outside the build, fails that print, and closes the browser', async () => {
    const dir = join(work, 'guard');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'page.html'), `<!DOCTYPE html><html lang="zh-Hant"><title>t</title><img src="http://127.0.0.1:${port}/tracker.png" alt=""><img src="file:///etc/hostname" alt=""><p>x</p></html>`);
    const logs: string[] = [];
    const printer = await openPrinter(dir, { log: (l) => logs.push(l) });
    let error: unknown;
    try {
      await printer.print({ name: 'chronology', file: join(dir, 'page.html'), pdf: {} });
    } catch (err) {
      error = err;
    } finally {
      await printer.close();
    }
    expect(error).toBeInstanceOf(PrintError);
    expect(String((error as Error).message)).toMatch(/^printing chronology: refused a request/);
    expect(printer.refused).toEqual(expect.arrayContaining([`http://127.0.0.1:${port}/tracker.png`, 'file:///etc/hostname']));
    expect(hits).toEqual([]);
    const pid = Number(/pid (\d+)/.exec(logs[0] ?? '')?.[1]);
    expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);

  it('fails the whole build with the brief\'s name when a page asks for a remote file, leaving no browser and no output', async () => {
    const templates = join(work, 'hostile-templates');
    cpSync(join(ROOT, 'templates'), templates, { recursive: true });
    const layout = join(templates, 'layout.html.hbs');
    writeFileSync(layout, readFileSync(layout, 'utf8').replace('<main>', `<main><img src="http://127.0.0.1:${port}/pixel.png" alt="">`));
    const out = join(work, 'hostile-template-out');
    const logs: string[] = [];
    // The template, not the data, is the subject: the minimal dataset reaches the first print sooner.
    const error = await build({ ...options(out), dataDir: join(FIXTURES, 'minimal'), templatesDir: templates, log: (l) => logs.push(l) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrintError);
    expect((error as Error).message).toMatch(/^printing zh-Han[st]\/(chronology|roster|checklist|dossier): refused a request/);
    expect(hits).toEqual([]);
    const pid = Number(/pid (\d+)/.exec(logs.find((l) => l.startsWith('browser:')) ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow();
    // Nothing published, and nothing of the failed build's generation left.
    expect(readdirSync(out).filter((n) => !n.startsWith('.'))).toEqual([]);
    expect(readdirSync(join(out, '.generations'))).toEqual([]);
  }, 120_000);

  it('fails a build on a character the fonts lack, naming it and where it is, before printing anything', async () => {
    const data = join(work, 'glyph-data');
    mkdirSync(data, { recursive: true });
    for (const f of ['publication', 'sources', 'places', 'people', 'mechanism', 'dialogues', 'events', 'outcomes']) {
      writeFileSync(join(data, `${f}.yaml`), readFileSync(join(FIXTURES, 'minimal', `${f}.yaml`)));
    }
    const file = join(data, 'outcomes.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('text: 加強合作', 'text: 加強合作 ↩'));
    const logs: string[] = [];
    const error = await build({ ...options(join(work, 'glyph-out')), dataDir: data, log: (l) => logs.push(l) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiagnosticError);
    const d = (error as DiagnosticError).diagnostics[0]!;
    expect(d).toMatchObject({ file: 'outcomes.yaml', line: 6, column: 16, rule: 'missing-glyph' });
    expect(d.message).toContain('U+21A9 "↩" is not in the bundled fonts');
    expect(logs.filter((l) => l.startsWith('browser:'))).toEqual([]);
  });
});

describe('reading named destinations', () => {
  it('gives the same pages as pdf.js, for the raw print and for the finished file', async () => {
    const { destinationPages, destinationPagesByPdfjs } = await import('../pipeline/print/pdf.ts');
    for (const name of ['dossier', 'roster']) {
      const pdf = new Uint8Array(readFileSync(join(realBuild.outDir, 'zh-Hant', `${name}.pdf`)));
      const own = await destinationPages(pdf);
      expect(own.size, name).toBeGreaterThan(20);
      expect([...own].sort()).toEqual([...(await destinationPagesByPdfjs(pdf))].sort());
    }
  }, 120_000);
});
