// The EPUB stage: the real briefs as one EPUB 3 book that EPUBCheck passes, with everything in data/ in it, in order,
// and the same bytes from the same input.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { codePointsOf, subsetFaces } from '../pipeline/print/fonts.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEpub, epubIdentifier, type EpubInput } from '../pipeline/print/epub.ts';
import rehypeParse from 'rehype-parse';
import { unified } from 'unified';
import { xhtmlChapterOf, type TaskLabels } from '../pipeline/render/xhtml-chapter.ts';
import { printedDataset } from '../pipeline/views/printed.ts';
import { publicationView } from '../pipeline/views/series.ts';
import { epubcheckAll, type EpubCheckReport } from './epubcheck.ts';
import { fromHtml } from './html.ts';
import { realDataset, renderAll, TEMPLATES } from './render.ts';

const EPUBCHECK_TIMEOUT = 180_000;

const dataset = await realDataset();
const { briefs, locale } = await renderAll(dataset);
const publication = publicationView(dataset, locale);
const work = mkdtempSync(join(tmpdir(), 'briefs-epub-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The chapter of an HTML fragment read back (the build makes it from the tree the fragment was written from). */
const xhtmlChapterOfHtml = (html: string, taskLabels?: TaskLabels) => xhtmlChapterOf(unified().use(rehypeParse, { fragment: true }).parse(html), taskLabels);

const input: EpubInput = {
  lang: locale.lang,
  title: publication.title,
  description: publication.description,
  author: publication.publisher,
  identifier: epubIdentifier(['dialogue-briefs', locale.lang, JSON.stringify(dataset)]),
  modified: '2021-03-22T00:00:00Z',
  chapters: briefs.map((b) => ({ name: b.name, title: b.title, ...b.chapter! })),
  stylesheet: readFileSync(join(TEMPLATES, 'style.css'), 'utf8'),
  tocLabel: locale.toc,
  accessibilitySummary: locale.epub_accessibility,
};

function writeEpub(name: string, bytes: Uint8Array): string {
  const file = join(work, name);
  writeFileSync(file, bytes);
  return file;
}

/** The entries as their local file headers give them, in file order (APPNOTE.TXT §4.3.7). */
function localEntries(zip: Uint8Array): { name: string; method: number; extraLength: number; data: Uint8Array }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const entries = [];
  for (let at = 0; view.getUint32(at, true) === 0x04034b50; ) {
    const method = view.getUint16(at + 8, true);
    const size = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true);
    const extraLength = view.getUint16(at + 28, true);
    const start = at + 30 + nameLength + extraLength;
    entries.push({ name: strFromU8(zip.subarray(at + 30, at + 30 + nameLength)), method, extraLength, data: zip.subarray(start, start + size) });
    at = start + size;
  }
  return entries;
}

const files = (zip: Uint8Array): Record<string, string> =>
  Object.fromEntries(Object.entries(unzipSync(zip)).map(([name, data]) => [name, strFromU8(data)]));

const assertClean = (report: EpubCheckReport) => {
  const counts = { fatal: report.fatal, errors: report.errors, warnings: report.warnings };
  expect(counts, `EPUBCheck ${report.version}:\n${report.messages.join('\n')}`).toEqual({ fatal: 0, errors: 0, warnings: 0 });
};

const epub = buildEpub(input);
// Two faces cut for the book's text, as the build cuts them.
const faces = await subsetFaces(codePointsOf('中美戰略對話年表 Strategic Dialogue'), { cacheDir: null });
const fonts = faces.slice(0, 2).map((f) => ({ path: `fonts/${f.file}`, data: f.data }));
const fontCss = fonts
  .map((f) => `@font-face {\n  font-family: "Noto Serif TC";\n  font-weight: 400;\n  src: url(${f.path}) format("woff2");\n}`)
  .join('\n');
const fontEpub = buildEpub({ ...input, fonts, fontCss });

// Both books in one EPUBCheck run.
let reports: { plain: EpubCheckReport; withFonts: EpubCheckReport };
beforeAll(async () => {
  const [plain, withFonts] = await epubcheckAll([writeEpub('briefs.epub', epub), writeEpub('briefs-fonts.epub', fontEpub)]);
  reports = { plain: plain!, withFonts: withFonts! };
}, EPUBCHECK_TIMEOUT);

describe('the EPUB of the real briefs', () => {
  const book = files(epub);
  const opf = book['OEBPS/content.opf']!;
  const chapterFiles = briefs.map((b) => `OEBPS/${b.name}.xhtml`);

  it('passes EPUBCheck without a fatal error, an error or a warning', () => {
    assertClean(reports.plain);
  });

  it('starts with the mimetype, stored, without an extra field', () => {
    const [first] = localEntries(epub);
    expect(first).toMatchObject({ name: 'mimetype', method: 0, extraLength: 0 });
    expect(strFromU8(first!.data)).toBe('application/epub+zip');
    expect(book['META-INF/container.xml']).toContain('full-path="OEBPS/content.opf"');
  });

  it('declares its language, identifier, title and modification date', () => {
    expect(opf).toContain(`<dc:language>zh-Hant</dc:language>`);
    expect(opf).toMatch(/<package [^>]*unique-identifier="book-id"/);
    expect(opf).toContain(`<dc:identifier id="book-id">${input.identifier}</dc:identifier>`);
    expect(input.identifier).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(opf).toContain(`<dc:title>${publication.title}</dc:title>`);
    expect(opf).toContain('<meta property="dcterms:modified">2021-03-22T00:00:00Z</meta>');
  });

  it('reads the briefs in order, each a zh-Hant XHTML chapter with its title and the stylesheet', () => {
    const spine = [...opf.matchAll(/<itemref idref="([^"]+)"/g)].map((m) => m[1]);
    expect(spine).toEqual(briefs.map((b) => `chapter-${b.name}`));
    for (const [i, b] of briefs.entries()) {
      expect(opf).toContain(`<item id="chapter-${b.name}" href="${b.name}.xhtml" media-type="application/xhtml+xml"/>`);
      const xhtml = book[chapterFiles[i]!]!;
      expect(xhtml).toContain('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="zh-Hant" xml:lang="zh-Hant">');
      expect(xhtml).toContain(`<title>${b.title}</title>`);
      expect(xhtml).toContain('<link rel="stylesheet" type="text/css" href="style.css"/>');
    }
    expect(opf).toContain('<item id="style" href="style.css" media-type="text/css"/>');
  });

  it('carries the site stylesheet without its print rules, which EPUBCheck cannot parse', () => {
    const css = book['OEBPS/style.css']!;
    expect(css).toContain('.brief-roster table');
    expect(css).not.toMatch(/@page|@media\s+print/);
  });

  it('lists every chapter and its sections in the nav document, in place of each chapter\'s own contents', () => {
    expect(opf).toContain('<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>');
    const nav = book['OEBPS/nav.xhtml']!;
    expect(nav).toContain('<nav epub:type="toc" id="toc" role="doc-toc">');
    expect(nav).toContain(`<h1>${locale.toc}</h1>`);
    expect(nav).toContain('lang="zh-Hant" xml:lang="zh-Hant"');
    const chapterLinks = [...nav.matchAll(/<a href="(\w+\.xhtml)">/g)].map((m) => m[1]);
    expect(chapterLinks).toEqual(briefs.map((b) => `${b.name}.xhtml`));
    for (const [i, b] of briefs.entries()) {
      const sections = b.headings.filter((h) => h.depth === 2 && h.id !== 'toc-label');
      expect(sections.length).toBeGreaterThan(0);
      for (const h of sections) expect(nav).toContain(`<a href="${b.name}.xhtml#${h.id}">${h.text}</a>`);
      expect(book[chapterFiles[i]!]).not.toContain('class="toc"');
    }
  });

  it('has every person and every outcome of the data in its text', () => {
    const text = chapterFiles.map((f) => fromHtml(book[f]!).text).join('\n');
    // As printed: the data's text typeset (full-width punctuation between Han characters).
    const printed = printedDataset(dataset);
    for (const p of printed.people) expect(text, p.id).toContain(p.name);
    for (const o of printed.outcomes) expect(text, o.id).toContain(o.text);
  });

  it('shows the checklist\'s boxes as images with the locale\'s alternate text, settled unless the item needs follow-up', () => {
    const checklist = book['OEBPS/checklist.xhtml']!;
    expect(checklist).not.toContain('<input');
    const followUp = ['to-be-implemented', 'to-be-negotiated', 'explored', 'keep-communicating'];
    const boxes = [...checklist.matchAll(/<img class="task-box" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="([^"]+)" data-checked="(true|false)" \/>/g)];
    expect(boxes).toHaveLength(dataset.outcomes.length);
    expect(boxes.filter((m) => m[2] === 'false')).toHaveLength(dataset.outcomes.filter((o) => followUp.includes(o.status)).length);
    for (const m of boxes) expect(m[1]).toBe(m[2] === 'true' ? locale.checklist.settled : locale.checklist.follow_up);
    expect(book['OEBPS/style.css']).toContain('li.task-list-item img.task-box');
  });


  it('keeps every note mark linked to its note within the chapter, marked as noteref and footnotes', () => {
    for (const f of chapterFiles) {
      const doc = fromHtml(book[f]!);
      expect(doc.footnoteRefs.length, f).toBeGreaterThan(0);
      const internal = doc.elements('a').map((a) => String(a.properties.href)).filter((h) => h.startsWith('#'));
      for (const href of internal) expect(doc.ids, `${f}: ${href}`).toContain(href.slice(1));
      expect(book[f]).toContain('epub:type="noteref"');
      expect(book[f]).toMatch(/<section data-footnotes="" class="footnotes" epub:type="footnotes">/);
    }
  });

  it('is byte-identical when built again, in another time zone too', () => {
    expect(buildEpub(input)).toEqual(epub);
    const zone = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      expect(new Date(2021, 2, 22).getTimezoneOffset()).toBe(-14 * 60);
      expect(buildEpub(input)).toEqual(epub);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});

describe('the EPUB with embedded fonts', () => {
  const book = unzipSync(fontEpub);

  it('passes EPUBCheck without a fatal error, an error or a warning', () => {
    assertClean(reports.withFonts);
  });

  it('holds the fonts, stored, listed as font/woff2, with their faces in the stylesheet', () => {
    const opf = strFromU8(book['OEBPS/content.opf']!);
    const stored = localEntries(fontEpub);
    for (const f of fonts) {
      expect(opf).toMatch(new RegExp(`<item id="font-\\d+" href="${f.path}" media-type="font/woff2"/>`));
      expect(book[`OEBPS/${f.path}`]).toEqual(f.data);
      expect(stored.find((e) => e.name === `OEBPS/${f.path}`)?.method).toBe(0);
    }
    expect(strFromU8(book['OEBPS/style.css']!)).toContain(fontCss);
  });
});

describe('buildEpub refuses input it cannot make a valid book from', () => {
  it('a font face whose file is not given', () => {
    expect(() => buildEpub({ ...input, fontCss: '@font-face { font-family: X; src: url(fonts/missing.woff2); }' })).toThrow(
      /fontCss refers to "fonts\/missing.woff2"/,
    );
  });

  it('a modification date that is not YYYY-MM-DDThh:mm:ssZ', () => {
    expect(() => buildEpub({ ...input, modified: '2021-03-22' })).toThrow(/modified date/);
  });

  it('a chapter name that cannot be a file name, or is used twice', () => {
    expect(() => buildEpub({ ...input, chapters: [{ name: '../x', title: 'x', ...xhtmlChapterOfHtml('<h1>x</h1>') }] })).toThrow(/chapter name/);
    expect(() => buildEpub({ ...input, chapters: [...input.chapters, input.chapters[0]!] })).toThrow(/used twice/);
  });
});

describe('the chapters', () => {
  it('are made from the tree each brief was written from as they would be from its HTML read back', () => {
    const labels = { checked: locale.checklist.settled, unchecked: locale.checklist.follow_up };
    for (const b of briefs) expect(b.chapter, b.name).toEqual(xhtmlChapterOfHtml(b.fragment, labels));
  });
});

describe('the task boxes', () => {
  it('take their accessible names from taskLabels when given', () => {
    const fragment = '<h1>t</h1>\n<ul class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" checked disabled> a</li>\n<li class="task-list-item"><input type="checkbox" disabled> b</li>\n</ul>';
    const epub = buildEpub({ ...input, chapters: [{ name: 'tasks', title: 't', ...xhtmlChapterOfHtml(fragment, { checked: '已定', unchecked: '待跟進' }) }] });
    const xhtml = strFromU8(unzipSync(epub)['OEBPS/tasks.xhtml']!);
    expect(xhtml).toContain('<span class="task-box" role="checkbox" aria-checked="true" aria-disabled="true" aria-label="已定"></span> a');
    expect(xhtml).toContain('<span class="task-box" role="checkbox" aria-checked="false" aria-disabled="true" aria-label="待跟進"></span> b');
  });
});

describe('epubIdentifier', () => {
  it('is a urn:uuid that depends on the parts only', () => {
    expect(epubIdentifier(['a', 'b'])).toBe(epubIdentifier(['a', 'b']));
    expect(epubIdentifier(['a', 'b'])).not.toBe(epubIdentifier(['ab']));
    expect(epubIdentifier(['a'])).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
