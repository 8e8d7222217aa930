// Reading rendered HTML the way a test needs it: text, headings, tables, task items, links.
import type { Element, Root, Text } from 'hast';
import rehypeParse from 'rehype-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';

export interface ParsedHtml {
  root: Root;
  text: string;
  headings: string[];
  ids: string[];
  tables: string[][][];
  taskItems: { checked: boolean; text: string }[];
  footnoteRefs: string[];
  elements: (tag: string) => Element[];
}

const textOf = (node: Element | Root): string => {
  let out = '';
  visit(node, 'text', (t: Text) => {
    out += t.value;
  });
  return out.replace(/\u2060/g, '').replace(/\s+/g, ' ').trim();
};

export function fromHtml(html: string): ParsedHtml {
  const root = unified().use(rehypeParse).parse(html) as Root;
  const all: Element[] = [];
  visit(root, 'element', (e: Element) => {
    all.push(e);
  });
  const body = all.find((e) => e.tagName === 'body') ?? root;
  const elements = (tag: string) => all.filter((e) => e.tagName === tag);
  return {
    root,
    text: textOf(body),
    headings: all.filter((e) => /^h[1-6]$/.test(e.tagName)).map(textOf),
    ids: all.map((e) => e.properties.id).filter((id): id is string => typeof id === 'string'),
    tables: elements('table').map((t) => {
      const rows: string[][] = [];
      visit(t, 'element', (tr: Element) => {
        if (tr.tagName === 'tr') rows.push(tr.children.filter((c): c is Element => c.type === 'element').map(textOf));
      });
      return rows;
    }),
    taskItems: elements('li')
      .filter((li) => (li.properties.className as string[] | undefined)?.includes('task-list-item'))
      .map((li) => {
        // The box is an image (`img.task-box`, its state in data-checked); a plain GFM fragment still has an input.
        let checked = false;
        visit(li, 'element', (e: Element) => {
          if (e.tagName === 'img' && (e.properties.className as string[] | undefined)?.includes('task-box')) checked = e.properties.dataChecked === 'true';
          if (e.tagName === 'input') checked = e.properties.checked === true;
        });
        return { checked, text: textOf(li) };
      }),
    footnoteRefs: elements('a')
      .filter((a) => a.properties.dataFootnoteRef !== undefined)
      .map((a) => String(a.properties.href)),
    elements,
  };
}
