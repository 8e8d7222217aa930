// Chinese typography at render time, by the Ministry of Education's 《重訂標點符號手冊》 and W3C's Requirements for
// Chinese Text Layout (clreq): full-width punctuation between Han characters, dates and times kept on one line,
// foreign words marked with their language. The data stays as its source wrote it; only what is printed changes.
import type { Element, ElementContent, Root, Text } from 'hast';
import type { Html, Nodes, Parent, PhrasingContent, Root as MdastRoot } from 'mdast';
import { isType, walk } from './walk.ts';
import type { Locale } from '../views/locale.ts';

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
    walk<Text, Root | Element>(tree, isType<Text>('text'), (node, index, parent) => {
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
      return index + parts.length;
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
    walk<Nodes>(tree, null, (node) => {
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
