// Markdown to an HTML fragment with unified: GFM tables, task lists and footnotes, CJK-friendly emphasis, heading
// ids and a table of contents. Raw HTML in the Markdown is dropped, never passed through.
import type { Element, ElementContent, Root } from 'hast';
import type { Heading as MdastHeading, Root as MdastRoot } from 'mdast';
import { gfmFootnoteFromMarkdown, gfmFootnoteToMarkdown } from 'mdast-util-gfm-footnote';
import { gfmTableFromMarkdown, gfmTableToMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown, gfmTaskListItemToMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfmFootnote } from 'micromark-extension-gfm-footnote';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import { toString } from 'hast-util-to-string';
import rehypeSlug from 'rehype-slug';
import { toHtml } from 'hast-util-to-html';
import remarkCjkFriendly from 'remark-cjk-friendly';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { kept } from '../data/memo.ts';
import { isType, walk } from './walk.ts';
import { xhtmlChapterOf, type TaskLabels, type XhtmlChapter } from './xhtml-chapter.ts';
import { rehypeKeepTogether, remarkLanguageSpans } from './typography.ts';
import type { Locale } from '../views/locale.ts';

export interface Heading {
  depth: number;
  id: string;
  text: string;
}

export interface HtmlFragment {
  /** The body, starting with the brief's h1; the table of contents sits after the introduction. */
  html: string;
  title: string;
  headings: Heading[];
  /** Its EPUB chapter, when asked for (HtmlOptions.chapter). */
  chapter?: XhtmlChapter;
}

const el = (tagName: string, properties: Element['properties'], children: ElementContent[]): Element => ({
  type: 'element',
  tagName,
  properties,
  children,
});

const MAX_TOC_ENTRIES = 24;

const isElement = isType<Element>('element');

/** A heading ending in ` {#id}` (as Pandoc writes it) gets that id; the marker is not part of its text. */
function remarkHeadingIds() {
  return (tree: MdastRoot) => {
    walk(tree, isType<MdastHeading>('heading'), (node) => {
      const last = node.children[node.children.length - 1];
      if (last?.type !== 'text') return;
      const m = /\s*\{#([A-Za-z][\w-]*)\}$/.exec(last.value);
      if (!m) return;
      last.value = last.value.slice(0, m.index);
      node.data = { ...node.data, hProperties: { ...node.data?.hProperties, id: m[1] } };
    });
  };
}

/**
 * The parts of GFM the templates use — tables, task lists, footnotes — and nothing else. GFM's autolink literals
 * (bare `www.`, `https://` and e-mail addresses become links) are left out on purpose: they are recognised after
 * escapes are resolved, so no escaping of data text could keep a URL in a fact from swallowing the citation after
 * it; without the construct, data text stays text by construction. Strikethrough is not needed either.
 */
function remarkGfmParts(this: unknown) {
  const data = (this as { data(): Record<string, unknown[]> }).data();
  const add = (field: string, value: unknown) => (data[field] ??= []).push(value);
  add('micromarkExtensions', gfmTable());
  add('micromarkExtensions', gfmTaskListItem());
  add('micromarkExtensions', gfmFootnote());
  add('fromMarkdownExtensions', gfmTableFromMarkdown());
  add('fromMarkdownExtensions', gfmTaskListItemFromMarkdown());
  add('fromMarkdownExtensions', gfmFootnoteFromMarkdown());
  add('toMarkdownExtensions', gfmTableToMarkdown());
  add('toMarkdownExtensions', gfmTaskListItemToMarkdown());
  add('toMarkdownExtensions', gfmFootnoteToMarkdown());
}

/** Collects h2–h3 into a nested <nav> inserted after the paragraph that follows the h1. */
/** Every heading with an id, in document order. */
function headingsOf(tree: Root): Heading[] {
  const headings: Heading[] = [];
  walk(tree, isElement, (node) => {
    const depth = /^h([1-6])$/.exec(node.tagName)?.[1];
    if (depth && node.properties.id) headings.push({ depth: Number(depth), id: String(node.properties.id), text: toString(node).trim() });
  });
  return headings;
}

function rehypeToc(options: { label: string; headings: readonly Heading[] }) {
  return (tree: Root) => {
    // Sections and their entries; a long brief lists its sections only, so the contents stay one page.
    const withEntries = options.headings.filter((h) => h.depth === 2 || h.depth === 3);
    const entries = withEntries.length <= MAX_TOC_ENTRIES ? withEntries : withEntries.filter((h) => h.depth === 2);
    if (entries.length === 0) return;
    const items: Element[] = [];
    let current: Element | undefined;
    for (const h of entries) {
      const link = el('li', {}, [el('a', { href: `#${h.id}` }, [{ type: 'text', value: h.text }])]);
      if (h.depth === 2 || !current) {
        items.push(link);
        current = link;
      } else {
        let sub = current.children.find((c): c is Element => c.type === 'element' && c.tagName === 'ol');
        if (!sub) {
          sub = el('ol', {}, []);
          current.children.push(sub);
        }
        sub.children.push(link);
      }
    }
    // Named by its label and the brief's title, so the contents of the briefs bound in one dossier are told apart.
    const top = options.headings.find((h) => h.depth === 1);
    const nav = el('nav', { className: ['toc'], ariaLabelledBy: ['toc-label', ...(top ? [top.id] : [])] }, [
      el('h2', { id: 'toc-label', className: ['toc-label'] }, [{ type: 'text', value: options.label }]),
      el('ol', {}, items),
    ]);
    const elements = tree.children;
    const h1 = elements.findIndex((c) => c.type === 'element' && c.tagName === 'h1');
    let at = h1 + 1;
    while (at < elements.length && elements[at]!.type === 'text') at++;
    if (at < elements.length && (elements[at] as Element).tagName === 'p') at++;
    elements.splice(at, 0, { type: 'text', value: '\n' }, nav);
  };
}

/**
 * A word joiner before every note mark, so that CJK text, which may break anywhere, never leaves a mark alone at the
 * start of a line.
 */
function rehypeGlueNoteMarks() {
  return (tree: Root) => {
    walk<Element, Root | Element>(tree, isElement, (node, index, parent) => {
      if (node.tagName !== 'sup' || !parent || index === undefined) return;
      const ref = node.children.find((c): c is Element => c.type === 'element' && c.properties.dataFootnoteRef !== undefined);
      if (!ref) return;
      const before = parent.children[index - 1];
      if (before?.type === 'text') before.value += '\u2060';
      else {
        parent.children.splice(index, 0, { type: 'text', value: '\u2060' });
        return index + 2;
      }
      return undefined;
    });
  };
}

/**
 * The checklist's two boxes as SVG, drawn to the stylesheet's measures (the colours are its --ink, --paper and
 * --accent: an image does not see the page's custom properties). The box is 0.95em of the 13.33px font that form
 * controls used to have, 16 units here: a 1.5px border with 2px corners, and for a settled item a filled box with a
 * white tick, an L of 0.12em strokes turned 45°.
 */
const TASK_BOX_SVG = {
  followUp:
    "<svg xmlns='http://www.w3.org/2000/svg' width='16' height='16' viewBox='0 0 16 16'>" +
    "<rect x='0.95' y='0.95' width='14.11' height='14.11' rx='1.58' fill='#fff' stroke='#1d1d1f' stroke-width='1.89'/></svg>",
  settled:
    "<svg xmlns='http://www.w3.org/2000/svg' width='16' height='16' viewBox='0 0 16 16'>" +
    "<rect width='16' height='16' rx='2.53' fill='#8a1c1c'/>" +
    "<path d='M6.27 12H10.99V2.91' fill='none' stroke='#fff' stroke-width='2.02' transform='rotate(45 9.14 7.96)'/></svg>",
};

/** A data: URL of SVG text, in base64: shorter than percent-encoding its quotes, spaces and # signs. */
const svgDataUrl = (svg: string): string => `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;

/**
 * GFM task items arrive as `<input type="checkbox" disabled>`: a form control with no accessible name, which a
 * tagged PDF marks up as a form field without a widget. Each becomes an image with alternate text from the locale
 * (the item is settled, or needs following up), which readers announce, the PDF tags as a Figure with /Alt, and
 * an e-book shows as it is; `data-checked` keeps the state in a form that styles and tests can select on.
 */
function rehypeTaskBoxes(options: { settled: string; followUp: string }) {
  const src = { settled: svgDataUrl(TASK_BOX_SVG.settled), followUp: svgDataUrl(TASK_BOX_SVG.followUp) };
  return (tree: Root) => {
    walk<Element, Root | Element>(tree, isElement, (node, index, parent) => {
      if (node.tagName !== 'input' || node.properties.type !== 'checkbox' || !parent || index === undefined) return;
      const checked = node.properties.checked === true;
      parent.children[index] = el(
        'img',
        { className: ['task-box'], src: checked ? src.settled : src.followUp, alt: checked ? options.settled : options.followUp, dataChecked: String(checked) },
        [],
      );
    });
  };
}

/** GFM column alignment arrives as the obsolete `align` attribute; a class carries it to the stylesheet instead. */
function rehypeAlignToClass() {
  return (tree: Root) => {
    walk(tree, isElement, (node) => {
      const align = node.properties.align;
      if ((node.tagName === 'td' || node.tagName === 'th') && typeof align === 'string') {
        delete node.properties.align;
        node.properties.className = [`align-${align}`];
      }
    });
  };
}

/** Prefixes every id and every in-document reference to one, so several briefs can share one document. */
function rehypePrefixIds(options: { prefix: string }) {
  const { prefix } = options;
  return (tree: Root) => {
    if (!prefix) return;
    walk(tree, isElement, (node) => {
      const p = node.properties;
      if (typeof p.id === 'string') p.id = prefix + p.id;
      if (typeof p.href === 'string' && p.href.startsWith('#')) p.href = `#${prefix}${p.href.slice(1)}`;
      for (const key of ['ariaDescribedBy', 'ariaLabelledBy'] as const) {
        const v = p[key];
        if (Array.isArray(v)) p[key] = v.map((id) => prefix + String(id));
        else if (typeof v === 'string') p[key] = [prefix + v];
      }
    });
  };
}

export interface HtmlOptions {
  /** Insert a table of contents after the introduction (default true). */
  toc?: boolean;
  /** A prefix for every id, for a document that holds several briefs. */
  idPrefix?: string;
  /** Also make the fragment's EPUB chapter (from the same tree, once the HTML is written), naming boxes so. */
  chapter?: { taskLabels?: TaskLabels };
}

/** The processor for a locale: GFM, CJK-friendly emphasis, heading ids, aligned cells as classes. */
function processorFor(locale: Locale) {
  return unified()
    .use(remarkParse)
    .use(remarkGfmParts)
    .use(remarkCjkFriendly)
    .use(remarkLanguageSpans)
    .use(remarkHeadingIds)
    .use(remarkRehype, {
      footnoteLabel: locale.sources,
      footnoteLabelTagName: 'h2',
      footnoteLabelProperties: { className: ['footnotes-label'] },
      footnoteBackLabel: locale.footnote_back,
      // The default ↩ is not in the bundled CJK fonts; ↑ is.
      footnoteBackContent: '↑',
    })
    .use(rehypeAlignToClass)
    .use(rehypeTaskBoxes, { settled: locale.checklist.settled, followUp: locale.checklist.follow_up })
    .use(rehypeGlueNoteMarks)
    .use(rehypeKeepTogether, { locale })
    .use(rehypeSlug)
    .freeze();
}

/**
 * One frozen processor per locale: building one (micromark's extensions, the keep-together pattern) cost more than
 * most briefs take to parse. Every plugin keeps its state per tree, so sharing one is safe; a locale is read-only.
 */
const processors = new WeakMap<Locale, ReturnType<typeof processorFor>>();

/** Markdown to a HAST tree, by the locale's processor. */
function toHast(markdown: string, locale: Locale): Root {
  const processor = kept(processors, locale, () => processorFor(locale));
  return processor.runSync(processor.parse(markdown)) as Root;
}

function fragmentOf(tree: Root, locale: Locale, options: HtmlOptions): HtmlFragment {
  const prefix = options.idPrefix ?? '';
  const headings = headingsOf(tree);
  // The contents go in before the ids are prefixed, so that a brief's part of the dossier, contents and all, is the
  // brief as it prints on its own, ids aside.
  if (options.toc ?? true) rehypeToc({ label: locale.toc, headings })(tree);
  rehypePrefixIds({ prefix })(tree);
  const title = headings.find((h) => h.depth === 1)?.text ?? '';
  const html = `${toHtml(tree).trim()}\n`;
  // Last: the chapter takes the tree over.
  return { html, title, headings: headings.map((h) => ({ ...h, id: prefix + h.id })), ...(options.chapter ? { chapter: xhtmlChapterOf(tree, options.chapter.taskLabels) } : {}) };
}

/** Pure: Markdown text in, HTML fragment and its outline out. */
export function markdownToHtml(markdown: string, locale: Locale, options: HtmlOptions = {}): HtmlFragment {
  return fragmentOf(toHast(markdown, locale), locale, options);
}

/** Several renderings of one Markdown text (the brief, and its part of the dossier), parsed once. */
export function markdownToHtmlVariants(markdown: string, locale: Locale, variants: readonly HtmlOptions[]): HtmlFragment[] {
  const tree = toHast(markdown, locale);
  return variants.map((v, i) => fragmentOf(i === variants.length - 1 ? tree : structuredClone(tree), locale, v));
}
