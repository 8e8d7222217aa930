// Markdown to an HTML fragment with unified: GFM (tables, task lists, footnotes), CJK-friendly emphasis, heading
// ids and a table of contents. Raw HTML in the Markdown is dropped, never passed through.
import type { Element, ElementContent, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import rehypeSlug from 'rehype-slug';
import rehypeStringify from 'rehype-stringify';
import remarkCjkFriendly from 'remark-cjk-friendly';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified, type Processor } from 'unified';
import { visit } from 'unist-util-visit';
import type { Locale } from './locale.ts';

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
}

const el = (tagName: string, properties: Element['properties'], children: ElementContent[]): Element => ({
  type: 'element',
  tagName,
  properties,
  children,
});

/** Collects h2–h3 into a nested <nav> inserted after the paragraph that follows the h1. */
function rehypeToc(options: { label: string; headings: Heading[] }) {
  return (tree: Root) => {
    visit(tree, 'element', (node: Element) => {
      const depth = /^h([1-6])$/.exec(node.tagName)?.[1];
      if (depth && node.properties.id) options.headings.push({ depth: Number(depth), id: String(node.properties.id), text: toString(node).trim() });
    });
    const entries = options.headings.filter((h) => h.depth === 2 || h.depth === 3);
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
    const nav = el('nav', { className: ['toc'], ariaLabelledBy: ['toc-label'] }, [
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

function processor(locale: Locale, headings: Heading[]): Processor<Root, Root, Root, Root, string> {
  return unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkCjkFriendly)
    .use(remarkRehype, {
      footnoteLabel: locale.sources,
      footnoteLabelTagName: 'h2',
      footnoteLabelProperties: { className: ['footnotes-label'] },
      footnoteBackLabel: locale.footnote_back,
    })
    .use(rehypeSlug)
    .use(rehypeToc, { label: locale.toc, headings })
    .use(rehypeStringify) as unknown as Processor<Root, Root, Root, Root, string>;
}

/** Pure: Markdown text in, HTML fragment and its outline out. */
export function markdownToHtml(markdown: string, locale: Locale): HtmlFragment {
  const headings: Heading[] = [];
  const html = String(processor(locale, headings).processSync(markdown));
  const title = headings.find((h) => h.depth === 1)?.text ?? '';
  return { html: `${html.trim()}\n`, title, headings };
}
