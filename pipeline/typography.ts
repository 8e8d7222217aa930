// Chinese typography at render time, by the Ministry of Education's 《重訂標點符號手冊》 and W3C's Requirements for
// Chinese Text Layout (clreq): full-width punctuation between Han characters, dates and times kept on one line,
// foreign words marked with their language. The data stays as its source wrote it; only what is printed changes.
import type { Element, ElementContent, Root, Text } from 'hast';
import type { Html, Nodes, Parent, PhrasingContent, Root as MdastRoot } from 'mdast';
import { SKIP, visit } from 'unist-util-visit';
import type { Locale } from './locale.ts';

const HAN = '\\p{Script=Han}';
/** A Han character or CJK punctuation (「」、。…): what counts as Chinese on either side of a mark. */
const CJK = '[\\p{Script=Han}\\u3000-\\u303F\\uFF00-\\uFFEF\\u2014\\u2018-\\u201D\\u2026]';
const FULL_WIDTH: Record<string, string> = { ',': '，', ':': '：', ';': '；', '?': '？', '!': '！', '(': '（', ')': '）' };
const BETWEEN = new RegExp(`(?<=${CJK})[,:;?!](?=${CJK}|$)`, 'gu');
const PAREN = new RegExp(`\\(([^()]*)\\)`, 'gu');
const HAS_HAN = new RegExp(HAN, 'u');

/**
 * ASCII , : ; ? ! between Han characters (or after one, at the end) as their full-width forms, and ASCII parentheses
 * as full-width ones where either side of them, or what they hold, is Chinese. A URL, a time (12:02) or Latin text
 * keeps its ASCII marks: they stand between digits or letters, not between Han characters.
 */
export function fullWidthPunctuation(text: string): string {
  const paired = text.replace(PAREN, (whole, inner: string, at: number) => {
    const before = text[at - 1] ?? '';
    const after = text[at + whole.length] ?? '';
    return HAS_HAN.test(before) || HAS_HAN.test(after) || HAS_HAN.test(inner) ? `（${inner}）` : whole;
  });
  return paired.replace(BETWEEN, (mark) => FULL_WIDTH[mark]!);
}

/** Whether printed text is typeset (the default) or printed exactly as the data has it: publication.yaml decides. */
export type Punctuation = 'full-width' | 'as-written';

export const typesetText = (text: string, punctuation: Punctuation): string => (punctuation === 'full-width' ? fullWidthPunctuation(text) : text);

/** The fields of the dataset that hold prose or names, which print as text (not ids, dates, URLs, file names). */
const TEXT_FIELDS = new Set(['name', 'name_variants', 'title', 'basis', 'purpose', 'summary', 'text', 'ordinal_in_source', 'country', 'short_title', 'publisher', 'cover_lines', 'keywords']);

/**
 * The dataset with every text field passed through `convert`, once, before any view wording is added around it: the
 * one place where printed data text is changed (typeset here; converted to another script by the zh-Hans edition).
 */
export function mapDatasetText<T>(data: T, convert: (text: string) => string): T {
  const walk = (value: unknown, key: string | undefined): unknown => {
    if (typeof value === 'string') return key !== undefined && TEXT_FIELDS.has(key) ? convert(value) : value;
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  return walk(data, undefined) as T;
}

/**
 * What must never be split across lines, as patterns made from the locale's own date and duration patterns:
 * 2021年3月18日至19日, 約19:45, 第2場, 2小時15分鐘.
 */
export function keepTogetherPattern(locale: Locale): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const fromPattern = (p: string) => escape(p).replace(/\\\{\w+\\\}/g, '\\d+');
  const d = locale.dates;
  const date = [d.day, d.month, d.month_day, d.year].map(fromPattern).join('|');
  const ends = [d.end_month_day, d.end_day, d.end_month, d.day, d.month, d.year].map(fromPattern).join('|');
  const range = `(?:${date})(?:${escape(d.range.replace('{start}', '').replace('{end}', ''))}(?:${ends}))?`;
  const durations = Object.values(locale.durations).map(fromPattern).join('|');
  const session = fromPattern(locale.chronology.session);
  const clock = '\\d{1,2}:\\d{2}';
  const dated = escape(d.time_with_date).replace('\\{date\\}', `(?:${fromPattern(d.month_day)})`).replace('\\{time\\}', clock);
  const time = `${escape(locale.approximately)}?(?:${dated}|${clock})`;
  return new RegExp(`${time}|${range}|${durations}|${session}`, 'gu');
}

/** Wraps what must stay on one line in `<span class="nowrap">`, in every text node outside links' own spans. */
export function rehypeKeepTogether(options: { locale: Locale }) {
  const pattern = keepTogetherPattern(options.locale);
  return (tree: Root) => {
    visit(tree, 'text', (node: Text, index, parent) => {
      if (!parent || index === undefined || (parent.type === 'element' && isNowrap(parent))) return;
      const parts: ElementContent[] = [];
      let last = 0;
      for (const m of node.value.matchAll(pattern)) {
        if (m[0].length < 3) continue; // a bare "2年" is not worth a span
        if (m.index > last) parts.push({ type: 'text', value: node.value.slice(last, m.index) });
        parts.push({ type: 'element', tagName: 'span', properties: { className: ['nowrap'] }, children: [{ type: 'text', value: m[0] }] });
        last = m.index + m[0].length;
      }
      if (parts.length === 0) return;
      if (last < node.value.length) parts.push({ type: 'text', value: node.value.slice(last) });
      (parent.children as ElementContent[]).splice(index, 1, ...parts);
      return [SKIP, index + parts.length];
    });
  };
}

const isNowrap = (e: Element | Root) => e.type === 'element' && ((e.properties.className as string[] | undefined) ?? []).includes('nowrap');

/** The one piece of raw HTML the templates may write: a span naming the language of the words it holds. */
const LANG_OPEN = /^<span lang="([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)"(?: class="name")?>$/;

/**
 * Turns `<span lang="en">…</span>` written by a template helper into a span element with its language; every other
 * piece of raw HTML is dropped, as remark-rehype drops it. Data text cannot write these: it is escaped.
 */
export function remarkLanguageSpans() {
  return (tree: MdastRoot) => {
    visit(tree, (node: Nodes) => {
      if (!('children' in node)) return;
      const parent = node as Parent;
      for (let i = 0; i < parent.children.length; i++) {
        const open = parent.children[i];
        const m = open?.type === 'html' ? LANG_OPEN.exec((open as Html).value) : null;
        if (!m) continue;
        const close = parent.children.findIndex((c, j) => j > i && c.type === 'html' && (c as Html).value === '</span>');
        if (close < 0) continue;
        const inner = parent.children.slice(i + 1, close) as PhrasingContent[];
        const isName = (open as Html).value.includes('class="name"');
        const span = {
          type: 'emphasis',
          children: inner,
          data: { hName: 'span', hProperties: { lang: m[1], ...(isName ? { className: ['name'] } : {}) } },
        } as unknown as PhrasingContent;
        parent.children.splice(i, close - i + 1, span);
      }
    });
  };
}
