// A brief's body as an EPUB chapter: the XML syntax of HTML, from the tree the brief's HTML was serialized from (a
// second parse of that HTML took more time than the rest of the book's making). print/epub.ts binds the chapters.
import type { Element, ElementContent, Parent, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { toString } from 'hast-util-to-string';

/** A chapter's XHTML body, its h2 sections (the nav document lists them) and its images (the book's metadata counts them). */
export interface XhtmlChapter {
  body: string;
  sections: { id: string; text: string }[];
  images: { withAlt: number; withoutAlt: number };
}

/** Accessible names for a checklist's boxes; without them a box says only whether it is checked. */
export interface TaskLabels {
  checked: string;
  unchecked: string;
}

/**
 * The chapter of a fragment's tree, which it takes over (changes in place). The in-page table of contents goes (the
 * nav document replaces it); the checklist's box images pass as they are (EPUBCheck takes their data: URLs) and
 * form-control checkboxes, which a fragment straight from GFM still has, become spans (print/epub.ts styles
 * span.task-box); note marks and the notes section get their EPUB semantics (EPUB 3 Structural Semantics Vocabulary:
 * noteref, footnotes). The notes themselves are not typed `footnote`: some reading systems hide such notes from the
 * text, and here they are the brief's list of sources. Every epub:type that has a DPUB-ARIA role gets that role too,
 * for assistive technologies, which read roles and not types (EPUB Accessibility Techniques 1.1 #roles-epub-type;
 * Ace's epub-type-has-matching-role): a note mark is a doc-noteref, a link back from a note a doc-backlink. The
 * `footnotes` type has no role to pair with (EPUB Type to ARIA Role Authoring Guide #sec-mappings: "No Role";
 * doc-footnote is one note, not a collection).
 */
export function xhtmlChapterOf(tree: Root, taskLabels?: TaskLabels): XhtmlChapter {
  const sections: XhtmlChapter['sections'] = [];
  const images = { withAlt: 0, withoutAlt: 0 };
  // Document order, a parent before its children (the sections come in reading order).
  const convert = (parent: Parent) => {
    parent.children = parent.children.flatMap((child): ElementContent[] => {
      if (child.type !== 'element') return [child as ElementContent];
      const node = child;
      const classes = (node.properties.className as string[] | undefined) ?? [];
      if (node.tagName === 'nav' && classes.includes('toc')) return [];
      if (node.tagName === 'input' && node.properties.type === 'checkbox') return [taskBox(node.properties.checked === true, taskLabels)];
      if (node.tagName === 'h2' && typeof node.properties.id === 'string') sections.push({ id: node.properties.id, text: toString(node).trim() });
      if (node.tagName === 'section' && node.properties.dataFootnotes !== undefined) node.properties['epub:type'] = 'footnotes';
      if (node.tagName === 'a' && node.properties.dataFootnoteRef !== undefined) {
        node.properties['epub:type'] = 'noteref';
        node.properties.role = 'doc-noteref';
      }
      if (node.tagName === 'a' && node.properties.dataFootnoteBackref !== undefined) node.properties.role = 'doc-backlink';
      if (node.tagName === 'img') images[typeof node.properties.alt === 'string' ? 'withAlt' : 'withoutAlt']++;
      xmlAttributes(node);
      convert(node);
      return [node];
    });
  };
  convert(tree);
  return { body: toHtml(tree, { closeSelfClosing: true }).trim(), sections, images };
}

/**
 * XML has no attribute without a value, and hast-util-to-html writes `true` bare. An attribute that is there without a
 * value (GFM's data-footnotes, data-footnote-ref) has the empty string for its value, as HTML reads a bare one; a
 * boolean attribute of HTML itself (checked, disabled) is refused: hast-util-to-html writes one bare whatever its
 * value, and a chapter has none (the checkboxes became spans above).
 */
function xmlAttributes(node: Element): void {
  for (const [key, value] of Object.entries(node.properties)) {
    if (value !== true) continue;
    if (!key.startsWith('data')) throw new Error(`<${node.tagName} ${key}> in a chapter: a boolean attribute cannot be written as XHTML`);
    node.properties[key] = '';
  }
}

/**
 * A form-control checkbox as readers can show it: an empty span the stylesheet draws, with the checkbox's role and
 * state. (The briefs' own boxes are images already: see rehypeTaskBoxes in markdown-to-html.ts.)
 */
function taskBox(checked: boolean, labels: TaskLabels | undefined): ElementContent {
  const properties: Element['properties'] = { className: ['task-box'], role: 'checkbox', ariaChecked: String(checked), ariaDisabled: 'true' };
  if (labels) properties.ariaLabel = checked ? labels.checked : labels.unchecked;
  return { type: 'element', tagName: 'span', properties, children: [] };
}
