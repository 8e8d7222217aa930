// Chinese typography by the book, checked on what readers get: every fact findable by a reader's search in the PDFs
// and the EPUB, no half-width punctuation between Han characters, no ASCII space between Han and Latin, no line that
// starts with closing punctuation, and the punctuation switch that prints the data as written.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Element, Text } from 'hast';
import { SKIP, visit } from 'unist-util-visit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, defaultBuildOptions } from '../pipeline/build.ts';
import { formatDate, formatDateRange } from '../pipeline/format.ts';
import { loadLocale } from '../pipeline/locale.ts';
import { fullWidthPunctuation, keepTogetherPattern, typesetText } from '../pipeline/typography.ts';
import { printedDataset } from '../pipeline/views.ts';
import { ROOT } from './helpers.ts';
import { fromHtml } from './html.ts';
import { realDataset, renderAll, TEMPLATES } from './render.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-typography-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const locale = await loadLocale(TEMPLATES, 'zh-Hant');

/** A block's text as it sets: a line break is a line break, and note marks (superscripts) are not part of the line. */
function lineText(node: Element): string {
  let out = '';
  visit(node, (n) => {
    if (n.type === 'element' && (n as Element).tagName === 'sup') return SKIP;
    if (n.type === 'element' && (n as Element).tagName === 'br') out += '\n';
    if (n.type === 'text') out += (n as Text).value;
    return undefined;
  });
  return out;
}

/** A PDF's lines as pdf.js gives them to a reader's search: the text items of each line, joined as they are. */
async function pdfLines(file: string): Promise<string[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(readFileSync(file)), verbosity: 0 }).promise;
  const lines: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    let line = '';
    for (const item of (await (await doc.getPage(i)).getTextContent()).items) {
      if (!('str' in item)) continue;
      line += item.str;
      if (item.hasEOL) {
        lines.push(line);
        line = '';
      }
    }
    if (line) lines.push(line);
  }
  await doc.destroy();
  return lines;
}

describe('typesetting rules', () => {
  it('turns ASCII punctuation between Han characters full-width, and leaves URLs, times and Latin text alone', () => {
    expect(fullWidthPunctuation('應美方邀請,中共中央')).toBe('應美方邀請，中共中央');
    expect(fullWidthPunctuation('原文作「6月20至21日」,其他各次均作「日至」(如「12月7日至8日」)。')).toBe('原文作「6月20至21日」，其他各次均作「日至」（如「12月7日至8日」）。');
    expect(fullWidthPunctuation('中方正面回擊:“美國沒有資格”')).toBe('中方正面回擊：“美國沒有資格”');
    expect(fullWidthPunctuation('見 https://zh.wikipedia.org/wiki/中美 12:02, a:b (x)')).toBe('見 https://zh.wikipedia.org/wiki/中美 12:02, a:b (x)');
    expect(typesetText('甲,乙', 'as-written')).toBe('甲,乙');
  });

  it('keeps dates, ranges, times, durations and session numbers together, by the locale\'s own patterns', () => {
    const found = (s: string) => [...s.matchAll(keepTogetherPattern(locale))].map((m) => m[0]);
    expect(found('2021年3月18日至19日在安克雷奇')).toEqual(['2021年3月18日至19日']);
    expect(found('約3月19日11:45，約2小時15分鐘，第2場')).toEqual(['約3月19日11:45', '2小時15分鐘', '第2場']);
    expect(found('（2008年1月17日所見）')).toEqual(['2008年1月17日']);
  });
});

describe('what readers get from a build', async () => {
  const data = await realDataset();
  const printed = printedDataset(data);
  const out = join(work, 'out');
  let pdf: Record<string, string[]>;
  let epubText: string;
  let html: Record<string, string>;
  /** The text of each block (paragraph, list item, cell, heading) of each page: where spacing can be judged. */
  let blocks: Record<string, string[]>;
  beforeAll(async () => {
    await build({ ...defaultBuildOptions(), dataDir: join(ROOT, 'data'), templatesDir: TEMPLATES, outDir: out, formats: ['html', 'pdf', 'epub'] });
    pdf = {};
    html = {};
    blocks = {};
    for (const name of ['chronology', 'roster', 'checklist', 'dossier']) {
      pdf[name] = await pdfLines(join(out, 'zh-Hant', `${name}.pdf`));
      const doc = fromHtml(readFileSync(join(out, 'zh-Hant', `${name}.html`), 'utf8'));
      html[name] = doc.text;
      blocks[name] = ['p', 'li', 'td', 'th', 'h1', 'h2', 'h3', 'h4'].flatMap((tag) => doc.elements(tag).map(lineText));
    }
    const book = unzipSync(new Uint8Array(readFileSync(join(out, 'zh-Hant', 'briefs.epub'))));
    epubText = Object.entries(book).filter(([p]) => p.endsWith('.xhtml')).map(([, b]) => fromHtml(strFromU8(b)).text).join('\n');
  }, 180_000);

  /** Every fact a reader may search for: dates and ranges, times, people, places, as printed. */
  const facts = () => [
    ...data.dialogues.map((d) => formatDateRange(locale, d.start, d.end)),
    ...data.events.map((e) => formatDate(locale, e.date)),
    '2005年8月1日',
    '12:02',
    '約19:45',
    ...printed.people.map((p) => p.name),
    ...printed.places.map((p) => p.name),
  ];

  it('lets a reader\'s search find every fact in the PDFs and the EPUB, as written, whitespace untouched', () => {
    const whole = Object.fromEntries(Object.entries(pdf).map(([n, lines]) => [n, lines.join('')]));
    for (const fact of facts()) {
      expect(whole.dossier, fact).toContain(fact);
      expect(epubText, fact).toContain(fact);
    }
    for (const d of data.dialogues) expect(whole.chronology).toContain(formatDateRange(locale, d.start, d.end));
    for (const p of printed.people) expect(whole.roster).toContain(p.name);
    // No space slipped into a date: 2005 年 8 月 would defeat a search (pdf.js itself puts spaces between table cells).
    for (const text of Object.values(whole)) expect(text).not.toMatch(/\d{4} 年|\d 月|\d 日|年 \d+ ?月|月 \d+ ?日/u);
  });

  it('prints no half-width punctuation between Han characters', () => {
    for (const [name, text] of [...Object.entries(html), ['epub', epubText] as const]) {
      expect(text.match(/(?<=\p{Script=Han})[,:;?!()](?=\p{Script=Han})/gu), name).toBeNull();
    }
  });

  it('puts no ASCII space between Han characters and Latin letters or digits, anywhere in a block', () => {
    for (const [name, list] of Object.entries(blocks)) {
      const spaced = list.filter((text) => /\p{Script=Han} [A-Za-z0-9]|[A-Za-z0-9] \p{Script=Han}/u.test(text));
      expect(spaced, name).toEqual([]);
    }
  });

  it('starts no printed line with closing punctuation', () => {
    const closing = /^[，。、；：？！）」』】》〉,.;:?!)]/u;
    for (const [name, lines] of Object.entries(pdf)) {
      const bad = lines.filter((l) => closing.test(l.trimStart()));
      expect(bad, name).toEqual([]);
    }
  });

  it('marks English names and English source titles with their language', () => {
    const roster = readFileSync(join(out, 'zh-Hant', 'roster.html'), 'utf8');
    for (const p of data.people.filter((x) => x.name_en)) expect(roster).toContain(`<span lang="en" class="name">${p.name_en}</span>`);
    expect(roster).toMatch(/<span lang="en">Hu Jintao — Wikipedia<\/span>/);
  });
});

describe('the punctuation switch', () => {
  it('prints the data exactly as written with punctuation: as-written', async () => {
    const data = await realDataset();
    const asWritten = { ...data, publication: { ...data.publication, punctuation: 'as-written' as const } };
    const text = fromHtml((await renderAll(asWritten)).briefs.find((b) => b.name === 'chronology')!.html).text;
    expect(text).toContain('應美方邀請,中共中央政治局委員');
    const typeset = fromHtml((await renderAll(data)).briefs.find((b) => b.name === 'chronology')!.html).text;
    expect(typeset).toContain('應美方邀請，中共中央政治局委員');
  });
});
