// Chinese typography by the book, checked on what readers get: every fact findable by a reader's search in the PDFs
// and the EPUB, no half-width punctuation between Han characters, no ASCII space between Han and Latin, no line that
// starts with closing punctuation, and the punctuation switch that prints the data as written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Element, Text } from 'hast';
import { SKIP, visit } from 'unist-util-visit';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDate, formatDateRange } from '../pipeline/views/format.ts';
import { loadLocale } from '../pipeline/views/locale.ts';
import { keepTogetherPattern } from '../pipeline/render/typography.ts';
import { fullWidthPunctuation, typesetText } from '../pipeline/views/typeset.ts';
import { printedDataset } from '../pipeline/views/printed.ts';
import { toSimplified } from '../pipeline/data/convert.ts';
import { fromHtml } from './html.ts';
import { pdfLines } from './pdf-text.ts';
import { realDataset, renderAll, TEMPLATES } from './render.ts';
import { realBuild } from './shared-build.ts';

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

const data = await realDataset();
// The shared build of both editions, for every check of what readers get.
const readersOut = realBuild.outDir;

describe.each(['zh-Hant', 'zh-Hans'] as const)('what readers get from a build, %s edition', async (lang) => {
  const edition = await loadLocale(TEMPLATES, lang);
  const printed = printedDataset(data, lang);
  let pdf: Record<string, string[]>;
  let epubText: string;
  let html: Record<string, string>;
  /** The text of each block (paragraph, list item, cell, heading) of each page: where spacing can be judged. */
  let blocks: Record<string, string[]>;
  beforeAll(async () => {
    pdf = {};
    html = {};
    blocks = {};
    for (const name of ['chronology', 'roster', 'checklist', 'dossier']) {
      pdf[name] = await pdfLines(join(readersOut, lang, `${name}.pdf`));
      const doc = fromHtml(readFileSync(join(readersOut, lang, `${name}.html`), 'utf8'));
      html[name] = doc.text;
      blocks[name] = ['p', 'li', 'td', 'th', 'h1', 'h2', 'h3', 'h4'].flatMap((tag) => doc.elements(tag).map(lineText));
    }
    const book = unzipSync(new Uint8Array(readFileSync(join(readersOut, lang, 'briefs.epub'))));
    epubText = Object.entries(book).filter(([p]) => p.endsWith('.xhtml')).map(([, b]) => fromHtml(strFromU8(b)).text).join('\n');
  }, 120_000);

  /**
   * Every fact a reader may search for — dates and ranges, times, people, places — as the zh-Hant edition prints
   * them; the zh-Hans edition must print each as OpenCC converts it, with the data's explicit forms.
   */
  const facts = () => {
    const hant = [
      ...data.dialogues.map((d) => formatDateRange(locale, d.start, d.end)),
      ...data.events.map((e) => formatDate(locale, e.date)),
      '2005年8月1日',
      '12:02',
      '約19:45',
      ...printedDataset(data).people.map((p) => p.name),
      ...printedDataset(data).places.map((p) => p.name),
    ];
    return lang === 'zh-Hant' ? hant : hant.map((f) => toSimplified(f, data.publication.zh_hans));
  };

  it('lets a reader\'s search find every fact in the PDFs and the EPUB, whitespace untouched', () => {
    const whole = Object.fromEntries(Object.entries(pdf).map(([n, lines]) => [n, lines.join('')]));
    for (const fact of facts()) {
      expect(whole.dossier, fact).toContain(fact);
      expect(epubText, fact).toContain(fact);
    }
    if (lang === 'zh-Hans') expect(facts()).toEqual(expect.arrayContaining(['约19:45', '胡锦涛', '布什', '美国阿拉斯加州安克雷奇']));
    for (const d of data.dialogues) expect(whole.chronology).toContain(formatDateRange(edition, d.start, d.end));
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
    const closing = /^[，。、；：？！）」』】》〉”’,.;:?!)]/u;
    for (const [name, lines] of Object.entries(pdf)) {
      const bad = lines.filter((l) => closing.test(l.trimStart()));
      expect(bad, name).toEqual([]);
    }
  });

  it('quotes as its script does: corner brackets in zh-Hant, GB/T 15834 marks in zh-Hans', () => {
    const text = Object.values(html).join('\n') + epubText;
    if (lang === 'zh-Hant') {
      // The seed's own “” (in a quotation of a speech) are kept as written; every quotation the briefs make is 「」.
      expect(text).toContain('「');
    } else {
      expect(text).toContain('“');
      expect(text).not.toMatch(/[「」『』]/u);
    }
  });

  it('marks English names and English source titles with their language', () => {
    const roster = readFileSync(join(readersOut, lang, 'roster.html'), 'utf8');
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
