// PDF: print an HTML file, its table of contents numbered from its parts' own PDFs (or from a first print), and
// finish the file with document metadata, fixed dates and a content-derived id so that two builds give the same bytes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';
import type { Page, PDFOptions } from 'puppeteer';
import { loadFonts, type Printer } from './browser.ts';
import { boundContentsPages, type BoundPart, type ContentsTarget } from './contents-pages.ts';

export type Paper = 'a4' | 'letter';

export interface PdfMetadata {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  lang: string;
  /** The document's date, from the data (never the clock). */
  date: Date;
  creator: string;
  /** The edition's identifier (XMP Media Management's VersionID), when the build publishes one. */
  version?: string;
  /** The text of every heading, which the outline's titles must match (see outlineTitleFixes). */
  headings?: readonly string[];
}

/**
 * Reads objects of a PDF as Chromium (Skia) writes it: one classic cross-reference table, so an object's offset is
 * one look-up, and the few dictionaries needed are read as text. Enough for the page tree and the named
 * destinations without loading a 700-page document whole.
 */
class XrefReader {
  private readonly offsets = new Map<number, number>();
  readonly root: number;

  constructor(private readonly pdf: Buffer) {
    const tail = pdf.toString('latin1', Math.max(0, pdf.length - 1024));
    let start = Number(/startxref\s*(\d+)\s*%%EOF\s*$/.exec(tail)?.[1]);
    let root = NaN;
    // The newest section first; an incremental update's /Prev leads to the one before, whose entries it overrides.
    for (let sections = 0; Number.isInteger(start) && sections < 16; sections++) {
      if (pdf.toString('latin1', start, start + 4) !== 'xref') throw new Error('no classic cross-reference table');
      let at = start + 4;
      for (;;) {
        const sub = /^\s*(\d+)\s+(\d+)[ \t]*\r?\n/.exec(pdf.toString('latin1', at, at + 64));
        if (!sub) break;
        at += sub[0].length;
        const [first, count] = [Number(sub[1]), Number(sub[2])];
        for (let i = 0; i < count; i++, at += 20) {
          const entry = pdf.toString('latin1', at, at + 20);
          if (entry[17] === 'n' && !this.offsets.has(first + i)) this.offsets.set(first + i, Number(entry.slice(0, 10)));
        }
      }
      const trailer = /trailer\s*<<([\s\S]*?)>>\s*startxref/.exec(pdf.toString('latin1', at, at + 1024))?.[1] ?? '';
      if (Number.isNaN(root)) root = Number(/\/Root (\d+) 0 R/.exec(trailer)?.[1]);
      start = Number(/\/Prev (\d+)/.exec(trailer)?.[1]);
    }
    if (!Number.isInteger(root)) throw new Error('no /Root in the trailer');
    this.root = root;
  }

  dict(num: number): string {
    const offset = this.offsets.get(num);
    if (offset === undefined) throw new Error(`object ${num} is not in the cross-reference table`);
    return objectDict(this.pdf, num, offset);
  }

  /**
   * Object `num` read with a real parser (strings and hex strings skipped, so a `>>` inside one does not end the
   * dictionary): its value's text, and the data of the stream that follows it, if one does (a direct /Length only).
   */
  object(num: number): { value: string; stream?: Buffer } {
    const offset = this.offsets.get(num);
    if (offset === undefined) throw new Error(`object ${num} is not in the cross-reference table`);
    for (let window = 1024; ; window *= 4) {
      const end = Math.min(this.pdf.length, offset + window);
      const text = this.pdf.toString('latin1', offset, end);
      const head = /^\s*\d+\s+\d+\s+obj\b/.exec(text);
      if (!head) throw new Error(`object ${num} does not start with "${num} 0 obj"`);
      let valueEnd: number;
      try {
        valueEnd = skipPdfValue(text, head[0].length);
      } catch (err) {
        if (err instanceof TruncatedPdfText && end < this.pdf.length) continue;
        throw err;
      }
      const value = text.slice(skipPdfSpace(text, head[0].length), valueEnd);
      const after = /^\s*stream(?:\r\n|\n)/.exec(text.slice(valueEnd, valueEnd + 16));
      if (!after) return { value };
      const length = dictEntry(value, 'Length');
      if (!length || !/^\d+$/.test(length.text)) throw new Error(`object ${num}: a stream without a direct /Length`);
      const start = offset + valueEnd + after[0].length;
      return { value, stream: this.pdf.subarray(start, start + Number(length.text)) };
    }
  }

  /** Every object number the cross-reference sections list, in order. */
  numbers(): number[] {
    return [...this.offsets.keys()].sort((a, b) => a - b);
  }

  /** Page object numbers in page order. */
  pages(): number[] {
    const out: number[] = [];
    const walk = (num: number) => {
      const node = this.dict(num);
      if (/\/Type \/Pages\b/.test(node)) {
        const kids = /\/Kids \[([^\]]*)\]/.exec(node)?.[1] ?? '';
        for (const m of kids.matchAll(/(\d+) 0 R/g)) walk(Number(m[1]));
      } else out.push(num);
    };
    walk(Number(/\/Pages (\d+) 0 R/.exec(this.dict(this.root))![1]));
    return out;
  }
}

const decodeName = (name: string) => name.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** A printed PDF's layout: its page count, and the page (1-based) of each named destination (ids links point at). */
export interface PdfLayout {
  pages: number;
  destinations: Map<string, number>;
}

/** The layout of a PDF: read straight off the cross-reference table as Chromium writes it, else through pdf.js. */
export async function pdfLayout(pdf: Uint8Array): Promise<PdfLayout> {
  const buffer = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  try {
    const reader = new XrefReader(buffer);
    const dests = /\/Dests (\d+) 0 R/.exec(reader.dict(reader.root))?.[1];
    const pageNumbers = reader.pages();
    const pageIndex = new Map(pageNumbers.map((num, i) => [num, i + 1]));
    const destinations = new Map<string, number>();
    for (const m of dests ? reader.dict(Number(dests)).matchAll(/\/([^\s/[\]<>()]+)\s*\[\s*(\d+) 0 R/g) : []) {
      const page = pageIndex.get(Number(m[2]));
      if (page !== undefined) destinations.set(decodeName(m[1]!), page);
    }
    return { pages: pageNumbers.length, destinations };
  } catch {
    return pdfLayoutByPdfjs(pdf);
  }
}

/** Page numbers (1-based) of the named destinations: element ids that links point at. */
export const destinationPages = async (pdf: Uint8Array): Promise<Map<string, number>> => (await pdfLayout(pdf)).destinations;

/** The same, through pdf.js: slower and hungrier, for a PDF laid out other than the way Chromium writes it. */
export async function pdfLayoutByPdfjs(pdf: Uint8Array): Promise<PdfLayout> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: pdf.slice(), verbosity: 0, isEvalSupported: false }).promise;
  try {
    const dests = (await doc.getDestinations()) as Record<string, [unknown, ...unknown[]]>;
    const destinations = new Map<string, number>();
    for (const [name, dest] of Object.entries(dests)) {
      destinations.set(name, (await doc.getPageIndex(dest[0] as { num: number; gen: number })) + 1);
    }
    return { pages: doc.numPages, destinations };
  } finally {
    await doc.destroy();
  }
}

export const destinationPagesByPdfjs = async (pdf: Uint8Array): Promise<Map<string, number>> => (await pdfLayoutByPdfjs(pdf)).destinations;

/** Writes page numbers into the reserved `span.toc-page` of every contents entry of the loaded page. */
async function setTocPages(page: Page, pages: Map<string, number>): Promise<void> {
  await page.evaluate((entries: [string, number][]) => {
    const byId = new Map(entries);
    for (const span of Array.from(document.querySelectorAll<HTMLSpanElement>('nav.toc a[href^="#"] span.toc-page'))) {
      const id = decodeURIComponent(span.closest('a')!.getAttribute('href')!.slice(1));
      span.textContent = byId.has(id) ? String(byId.get(id)) : '';
    }
  }, [...pages]);
}

const PAPER_CSS: Record<Paper, string> = { a4: '@page { size: A4; }', letter: '@page { size: letter; }' };

export interface PdfJob {
  name: string;
  file: string;
  paper: Paper;
  metadata: PdfMetadata;
  /**
   * The text of the running header and footer (the @page margin boxes) of the document, whose font faces are loaded
   * before printing. Without it, the `content` strings of the page's own @page rules are read instead. Either way
   * the characters of the page counters (digits, for decimal ones) are added.
   */
  marginText?: string;
  /** The parts of a bound document (the dossier's briefs), in order, each with its own PDF's layout where there is one. */
  parts?: readonly PrintedPart[];
}

/** Where a CSS string that starts (at its quote) at `start` ends, and its value with the escapes resolved. */
function readCssString(css: string, start: number): { value: string; end: number } {
  const quote = css[start];
  let i = start + 1;
  for (; i < css.length; i++) {
    const c = css[i];
    if (c === '\\') i++;
    else if (c === quote) return { value: unescapeCss(css.slice(start + 1, i)), end: i + 1 };
    else if (c === '\n') break; // an unclosed string ends at the line's end
  }
  return { value: unescapeCss(css.slice(start + 1, i)), end: i };
}

/**
 * The value of CSS string text with its escapes resolved: `\A ` a line break, `\3C ` "<" (hex escapes take one
 * whitespace after them), `\"` a quote; an escaped line break is nothing.
 */
export function unescapeCss(text: string): string {
  return text.replace(/\\(?:([0-9a-fA-F]{1,6})(?:\r\n|[ \t\r\n\f])?|(\r\n|[\r\n\f])|([\s\S])|$)/g, (_, hex?: string, _newline?: string, char?: string) => {
    if (hex) {
      const cp = parseInt(hex, 16);
      return cp === 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ? '\uFFFD' : String.fromCodePoint(cp);
    }
    return char ?? '';
  });
}

/** CSS without its comments (strings kept whole, so a "/*" inside one stays). */
function stripCssComments(css: string): string {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < css.length; ) {
    const c = css[i];
    if (c === '"' || c === "'") i = readCssString(css, i).end;
    else if (c === '/' && css[i + 1] === '*') {
      parts.push(css.slice(from, i), ' ');
      const close = css.indexOf('*/', i + 2);
      i = from = close < 0 ? css.length : close + 2;
    } else i++;
  }
  parts.push(css.slice(from));
  return parts.join('');
}

interface CssItem {
  /** A declaration or statement (`name: value`, `@import "x.css"`), or the prelude of a block. */
  prelude: string;
  /** The text between the block's braces; absent for a declaration or statement. */
  body?: string;
}

/** The declarations, statements and blocks of one level of (comment-free) CSS: a sheet, or a block's body. */
function cssItems(css: string): CssItem[] {
  const items: CssItem[] = [];
  let start = 0;
  let parens = 0;
  const end = (at: number) => {
    const prelude = css.slice(start, at).trim();
    if (prelude) items.push({ prelude });
  };
  for (let i = 0; i < css.length; ) {
    const c = css[i];
    if (c === '"' || c === "'") {
      i = readCssString(css, i).end;
      continue;
    }
    if (c === '(') parens++;
    else if (c === ')') parens = Math.max(0, parens - 1);
    else if (parens === 0 && (c === ';' || c === '}')) {
      end(i);
      start = i + 1;
    } else if (parens === 0 && c === '{') {
      // The matching brace, strings skipped.
      let depth = 1;
      let j = i + 1;
      while (j < css.length && depth > 0) {
        const d = css[j];
        if (d === '"' || d === "'") {
          j = readCssString(css, j).end;
          continue;
        }
        if (d === '{') depth++;
        else if (d === '}') depth--;
        j++;
      }
      items.push({ prelude: css.slice(start, i).trim(), body: css.slice(i + 1, depth === 0 ? j - 1 : j) });
      i = start = j;
      continue;
    }
    i++;
  }
  end(css.length);
  return items;
}

/** A declaration's lower-case name and its value without `!important`; undefined for anything else. */
function declaration(item: CssItem): [string, string] | undefined {
  if (item.body !== undefined || item.prelude.startsWith('@')) return undefined;
  const colon = item.prelude.indexOf(':');
  if (colon < 0) return undefined;
  return [item.prelude.slice(0, colon).trim().toLowerCase(), item.prelude.slice(colon + 1).replace(/!\s*important\s*$/i, '').trim()];
}

/** The characters a counter style draws numbers with; decimal for a style not listed. */
const COUNTER_GLYPHS: Record<string, string> = {
  decimal: '0123456789',
  'decimal-leading-zero': '0123456789',
  'lower-roman': 'ivxlcdm',
  'upper-roman': 'IVXLCDM',
  'lower-alpha': 'abcdefghijklmnopqrstuvwxyz',
  'lower-latin': 'abcdefghijklmnopqrstuvwxyz',
  'upper-alpha': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  'upper-latin': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  'lower-greek': 'αβγδεζηθικλμνξοπρστυφχψω',
  'cjk-decimal': '〇一二三四五六七八九',
  'cjk-ideographic': '零一二三四五六七八九十百千萬',
  'trad-chinese-informal': '零一二三四五六七八九十百千萬',
  'trad-chinese-formal': '零壹貳參肆伍陸柒捌玖拾佰仟萬',
  'simp-chinese-informal': '零一二三四五六七八九十百千万',
  'simp-chinese-formal': '零壹贰叁肆伍陆柒捌玖拾佰仟万',
  none: '',
};

/** What a `content` value draws: its strings, and the glyphs of its counters (as `counters`, the separator too). */
function contentParts(value: string): { text: string; counters: string } {
  let text = '';
  let counters = '';
  for (let i = 0; i < value.length; ) {
    const c = value[i];
    if (c === '"' || c === "'") {
      const s = readCssString(value, i);
      text += s.value;
      i = s.end;
      continue;
    }
    const fn = /^(counters?)\(/i.exec(value.slice(i));
    if (fn && !/[\w-]/.test(value[i - 1] ?? '')) {
      // The arguments: a name, for counters() a separator string, then an optional style.
      const args: string[] = [];
      let j = i + fn[0].length;
      let arg = '';
      while (j < value.length && value[j] !== ')') {
        if (value[j] === '"' || value[j] === "'") {
          const s = readCssString(value, j);
          text += s.value;
          arg += '"';
          j = s.end;
        } else if (value[j] === ',') {
          args.push(arg.trim());
          arg = '';
          j++;
        } else arg += value[j++];
      }
      args.push(arg.trim());
      const style = (args[fn[1]!.toLowerCase() === 'counters' ? 2 : 1] ?? 'decimal').toLowerCase();
      counters += COUNTER_GLYPHS[style] ?? COUNTER_GLYPHS.decimal;
      i = j + 1;
      continue;
    }
    i++;
  }
  return { text, counters };
}

/** What the @page rules of some CSS put in the page margins, and the fonts they set it in. */
export interface PageMarginCss {
  /** The strings of the margin boxes' `content`, escapes resolved. */
  text: string;
  /** The characters the page counters of that content can draw (digits, for decimal counters). */
  counters: string;
  /** `font-family` values of the @page rules and their margin boxes (from `font` shorthands too), as written. */
  families: string[];
  /** `font-weight` values, as numbers or keywords. */
  weights: string[];
  /** `font-style` values. */
  styles: string[];
}

const WIDE_KEYWORDS = /^(?:inherit|initial|unset|revert|revert-layer)$/i;

/**
 * Reads the @page rules of a stylesheet (in @media, @supports, @layer and @container blocks too): the text their
 * margin boxes (@top-center, @bottom-center, …) draw, and every font they name. A page context's font applies to its
 * margin boxes, so both are collected; the cascade between rules is not worked out, so this is a superset.
 */
export function pageMarginCss(css: string): PageMarginCss {
  const out: PageMarginCss = { text: '', counters: '', families: [], weights: [], styles: [] };
  const fonts = (body: string, margin: boolean) => {
    for (const item of cssItems(body)) {
      const decl = declaration(item);
      if (!decl) continue;
      const [name, value] = decl;
      if (WIDE_KEYWORDS.test(value)) continue;
      if (name === 'font-family') out.families.push(value);
      else if (name === 'font-weight') out.weights.push(value);
      else if (name === 'font-style') out.styles.push(value);
      else if (name === 'font') {
        // [style || variant || weight || stretch]? size[/line-height]? family
        const m = /^((?:[^\s"']+\s+)*?)((?:xx?-)?(?:small|large)|xxx-large|medium|smaller|larger|(?:\d*\.)?\d+(?:[a-z]+|%)|calc\([^)]*\)|var\([^)]*\))(?:\s*\/\s*[^\s"']+)?\s+(.+)$/i.exec(value);
        if (m) {
          out.families.push(m[3]!.trim());
          for (const word of m[1]!.trim().split(/\s+/)) {
            if (/^(?:bold|bolder|lighter|\d{1,4})$/i.test(word)) out.weights.push(word);
            else if (/^(?:italic|oblique)$/i.test(word)) out.styles.push(word);
          }
        }
      } else if (name === 'content' && margin) {
        const parts = contentParts(value);
        out.text += parts.text;
        out.counters += parts.counters;
      }
    }
  };
  const walk = (text: string) => {
    for (const item of cssItems(text)) {
      if (item.body === undefined) continue;
      const at = /^@([\w-]+)/.exec(item.prelude)?.[1]?.toLowerCase();
      if (at === 'page') {
        fonts(item.body, false);
        for (const box of cssItems(item.body)) if (box.body !== undefined && box.prelude.startsWith('@')) fonts(box.body, true);
      } else if (at === 'media' || at === 'supports' || at === 'layer' || at === 'container' || at === 'scope') {
        walk(item.body);
      }
    }
  };
  walk(stripCssComments(css));
  return out;
}

/** The `@import`ed URLs of a stylesheet, as written. */
function cssImports(css: string): string[] {
  return cssItems(stripCssComments(css))
    .filter((item) => item.body === undefined && /^@import\b/i.test(item.prelude))
    .flatMap((item) => {
      const rest = item.prelude.slice(7).trim();
      if (rest.startsWith('"') || rest.startsWith("'")) return [readCssString(rest, 0).value];
      const url = /^url\(\s*(?:(["'])((?:\\.|(?!\1).)*)\1|([^)\s]*))\s*\)/i.exec(rest);
      return url ? [unescapeCss(url[2] ?? url[3] ?? '')] : [];
    });
}

/**
 * The text of every stylesheet of the loaded page, in document order: each <style> element as written, and each
 * linked sheet that loaded (with its @imports, depth first) read from its file, since a page cannot read the rules
 * of a file: sheet.
 */
async function pageStyleSheets(page: Page): Promise<string[]> {
  const sheets = await page.evaluate(() =>
    Array.from(document.querySelectorAll('style, link[rel~="stylesheet" i]')).map((el) =>
      el instanceof HTMLLinkElement ? { href: el.sheet ? el.href : '', text: '' } : { href: '', text: el.textContent ?? '' },
    ),
  );
  const base = page.url();
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (text: string, url: string, depth: number) => {
    if (depth < 8) for (const href of cssImports(text)) addFile(new URL(href, url).href, depth + 1);
    out.push(text);
  };
  const addFile = (url: string, depth: number) => {
    if (!url.startsWith('file:') || seen.has(url)) return;
    seen.add(url);
    let text: string;
    try {
      text = readFileSync(fileURLToPath(url), 'utf8');
    } catch {
      return; // a sheet that did not load is reported by the printer
    }
    add(text, url, depth);
  };
  for (const sheet of sheets) {
    if (sheet.href) addFile(sheet.href, 0);
    else add(sheet.text, base, 0);
  }
  return out;
}

/** A font-family value with its var() references replaced by the root element's custom properties. */
function resolveVars(value: string, vars: Record<string, string>): string {
  let out = value;
  for (let round = 0; round < 8 && /var\(/i.test(out); round++) {
    out = out.replace(/var\(\s*(--[\w-]+)\s*(?:,\s*((?:[^()]|\([^()]*\))*))?\)/gi, (_, name: string, fallback?: string) => vars[name]?.trim() || fallback?.trim() || '');
  }
  return out.trim();
}

/**
 * Loads the font faces the page margins need before anything is printed. Chromium loads a subset face (a
 * unicode-range slice) only when laid-out body text uses one of its characters; the margin boxes are laid out while
 * printing, too late to start a load, and text whose face is still loading is not drawn. So a header or footer whose
 * characters the body never uses came out blank. Each family, weight and style the @page rules name (and the root
 * element's, which margin boxes inherit) is loaded for the margin text; returns the loads that failed.
 */
export async function loadMarginFonts(page: Page, marginText?: string): Promise<string[]> {
  const margin = pageMarginCss((await pageStyleSheets(page)).join('\n'));
  const chars = [...new Set(`${marginText ?? margin.text}${margin.counters}`)].filter((c) => c.trim() !== '').join('');
  if (!chars) return [];
  const names = [...new Set(margin.families.join(' ').match(/--[\w-]+/g) ?? [])];
  // The root's font as the screen has it (a root font set only for print is not seen): switching the page to print
  // media just to read it would relayout and repaint the whole document while the fonts load.
  const root = await page.evaluate((custom: string[]) => {
    const style = getComputedStyle(document.documentElement);
    return {
      family: style.fontFamily,
      weight: style.fontWeight,
      style: style.fontStyle,
      vars: Object.fromEntries(custom.map((name) => [name, style.getPropertyValue(name)])),
    };
  }, names);
  const families = new Set([root.family, ...margin.families.map((f) => resolveVars(f, root.vars))].filter((f) => f !== ''));
  const weight = (w: string) => ({ normal: '400', bold: '700', bolder: '700', lighter: '300' })[w.toLowerCase()] ?? w;
  const weights = new Set([root.weight, ...margin.weights].map(weight));
  const styles = new Set([root.style, ...margin.styles].map((s) => (/^oblique\b/i.test(s) ? 'oblique' : s.toLowerCase())));
  const fonts: string[] = [];
  for (const family of families) for (const w of weights) for (const s of styles) fonts.push(`${s} ${w} 16px ${family}`);
  return loadFonts(page, fonts, chars);
}

/** Where each contents entry of the loaded page points, and which of `parts` (CSS selectors) holds its target. */
async function contentsTargets(page: Page, parts: readonly string[]): Promise<ContentsTarget[]> {
  return page.evaluate((selectors: string[]) => {
    const elements = selectors.map((s) => document.querySelector(s));
    return Array.from(document.querySelectorAll('nav.toc a[href^="#"]'))
      .filter((a) => a.querySelector('span.toc-page'))
      .map((a) => {
        const id = decodeURIComponent(a.getAttribute('href')!.slice(1));
        const target = document.getElementById(id);
        return { id, part: target ? elements.findIndex((e) => e?.contains(target)) : -1 };
      });
  }, [...parts]);
}

/** A part of a bound document as the printer is given it: its element, its ids' prefix, its own PDF's layout if it has one. */
export interface PrintedPart {
  selector: string;
  idPrefix: string;
  own?: PdfLayout;
}

/**
 * The contents' page numbers of a bound document without printing it whole: its parts' own PDFs place their
 * headings, and one print of what is left (the cover, the contents, parts with no PDF of their own) places the rest.
 * Undefined when that cannot place every entry.
 */
async function pagesFromParts(page: Page, print: (options: PDFOptions) => Promise<Uint8Array>, parts: readonly PrintedPart[], options: PDFOptions): Promise<Map<string, number> | undefined> {
  const targets = await contentsTargets(page, parts.map((p) => p.selector));
  const bound: BoundPart[] = parts.map((p) => ({ idPrefix: p.idPrefix, ...(p.own ? { own: p.own } : {}) }));
  const hidden = parts.filter((p) => p.own).map((p) => p.selector);
  const style = await page.addStyleTag({ content: `${hidden.join(', ')} { display: none !important; }` });
  const rest = await pdfLayout(await print({ ...options, tagged: false, outline: false }));
  await style.evaluate((node) => node.remove());
  return boundContentsPages(bound, targets, rest);
}

/**
 * Prints `job.file`. Chromium has no target-counter(), so a contents with page numbers (one whose entries reserve a
 * `span.toc-page`, as the dossier's do) has them written in before the print: from its parts' own PDFs where the job
 * names them (pagesFromParts), checked against the print's own destinations. Otherwise, or when the check fails, a
 * first pass measures where the headings fall and the next prints with the numbers; the reserved width keeps the
 * layout, and a further pass runs only if a heading moved all the same. `passes` counts the prints of the whole
 * document.
 */
export async function printPdf(printer: Printer, job: PdfJob): Promise<{ pdf: Uint8Array; pages: number; passes: number; layout: PdfLayout }> {
  const options: PDFOptions = { preferCSSPageSize: true, printBackground: true, tagged: true, outline: true, timeout: 300_000 };
  return printer.withPage({ name: job.name, file: job.file }, async (page, print) => {
    await page.addStyleTag({ content: PAPER_CSS[job.paper] });
    // Before the first print: a margin box whose font faces are not loaded yet prints blank. A face file that fails
    // to load fails the print through the printer's own request check; a font string Chromium cannot parse only
    // leaves that family to Chromium's own loading.
    await loadMarginFonts(page, job.marginText);
    const numbered = await page.evaluate(() => document.querySelector('nav.toc a[href^="#"] span.toc-page') !== null);
    if (!numbered) {
      const raw = await print(options);
      return { ...finishPdf(raw, job.metadata), passes: 1, layout: await pdfLayout(raw) };
    }
    let passes = 0;
    let pages = job.parts?.some((p) => p.own) ? await pagesFromParts(page, print, job.parts, options) : undefined;
    if (!pages) {
      // The measuring pass only places the headings: untagged and without an outline it prints a third faster, and
      // the layout is the same.
      pages = await destinationPages(await print({ ...options, tagged: false, outline: false }));
      passes++;
    }
    let pdf: Uint8Array | undefined;
    let layout: PdfLayout | undefined;
    for (let pass = 0; pass < 3; pass++) {
      await setTocPages(page, pages);
      pdf = await print(options);
      passes++;
      layout = await pdfLayout(pdf);
      const moved = [...pages].some(([id, n]) => layout!.destinations.get(id) !== n);
      pages = layout.destinations;
      if (!moved) break;
    }
    return { ...finishPdf(pdf!, job.metadata), passes, layout: layout! };
  });
}

/**
 * Outline items whose title Chromium doubled, each with its dictionary mended. Chromium titles a bookmark with the
 * text of its heading's layout fragments, so a heading that is laid out once at a page's foot and again at the top
 * of the next reads twice ("2008年2008年"). A title that is exactly some heading's text twice over, and is not itself
 * a heading's text, is given that heading's text back.
 */
function outlineTitleFixes(pdf: Buffer, catalog: string, headings: ReadonlySet<string>): [number, string][] {
  const outlines = /\/Outlines (\d+) 0 R/.exec(catalog)?.[1];
  if (!outlines) return [];
  const reader = new XrefReader(pdf);
  const fixes: [number, string][] = [];
  const seen = new Set<number>();
  const stack = [Number(outlines)];
  while (stack.length) {
    const num = stack.pop()!;
    if (seen.has(num)) continue;
    seen.add(num);
    const dict = reader.dict(num);
    for (const key of ['First', 'Next']) {
      const next = new RegExp(`/${key} (\\d+) 0 R`).exec(dict)?.[1];
      if (next) stack.push(Number(next));
    }
    const hex = /\/Title <FEFF([0-9A-Fa-f]*)>/.exec(dict)?.[1];
    if (!hex) continue;
    const title = Buffer.from(hex, 'hex').swap16().toString('utf16le');
    const half = title.slice(0, title.length / 2);
    if (title.length % 2 === 0 && half + half === title && headings.has(half) && !headings.has(title)) {
      fixes.push([num, dict.replace(/\/Title <[0-9A-Fa-f]*>/, `/Title ${pdfText(half)}`)]);
    }
  }
  return fixes;
}

/** A PDF text string: UTF-16BE with a byte-order mark, in hex, so any script goes in unescaped. */
function pdfText(text: string): string {
  const bytes = Buffer.from(`\uFEFF${text}`, 'utf16le').swap16();
  return `<${bytes.toString('hex').toUpperCase()}>`;
}

const pdfDate = (date: Date) => `D:${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/** The dictionary text of object `num` (generation 0): from its `<<` to the matching `>>`. */
function objectDict(pdf: Buffer, num: number, offset?: number): string {
  const start = offset ?? pdf.lastIndexOf(`\n${num} 0 obj`);
  if (start < 0) throw new Error(`object ${num} not found`);
  const open = pdf.indexOf('<<', start);
  let depth = 0;
  for (let i = open; i < pdf.length - 1; i++) {
    if (pdf[i] === 0x3c && pdf[i + 1] === 0x3c) {
      depth++;
      i++;
    } else if (pdf[i] === 0x3e && pdf[i + 1] === 0x3e) {
      depth--;
      i++;
      if (depth === 0) return pdf.toString('latin1', open, i + 1);
    }
  }
  throw new Error(`object ${num} is not a dictionary`);
}

/** Every place `marker` starts, followed by its decimal digits: [position of the first digit, digit count]. */
function numbersAfter(pdf: Buffer, marker: string): [number, number][] {
  const found: [number, number][] = [];
  for (let at = pdf.indexOf(marker); at >= 0; at = pdf.indexOf(marker, at + 1)) {
    const first = at + marker.length;
    let end = first;
    while (end < pdf.length && pdf[end]! >= 0x30 && pdf[end]! <= 0x39) end++;
    if (end > first) found.push([first, end - first]);
  }
  return found;
}

/** The `/Names [...]` arrays of a tagged PDF's IDTree (Skia writes one leaf): where each one's entries start and end. */
function idTreeLeaves(pdf: Buffer): { start: number; end: number }[] | undefined {
  const leaves: { start: number; end: number }[] = [];
  for (let at = pdf.indexOf('/Names ['); at >= 0; at = pdf.indexOf('/Names [', at + 1)) {
    const start = at + '/Names ['.length;
    if (pdf.toString('latin1', start, start + 5) !== '(node') continue; // another name tree
    const end = pdf.indexOf(']', start);
    if (end < 0) return undefined;
    const text = pdf.toString('latin1', start, end);
    if ([...text.matchAll(/\(node\d+\) \d+ \d+ R/g)].map((m) => m[0]).join(' ') !== text) return undefined;
    leaves.push({ start, end });
  }
  return leaves;
}

/** Sorts an IDTree leaf's entries by their (renumbered) keys, in place, and sets its /Limits to match. */
function sortIdTreeLeaf(pdf: Buffer, leaf: { start: number; end: number }): void {
  const entries = [...pdf.toString('latin1', leaf.start, leaf.end).matchAll(/\(node(\d+)\) \d+ \d+ R/g)].sort((a, b) => Number(a[1]) - Number(b[1]));
  pdf.write(entries.map((m) => m[0]).join(' '), leaf.start, 'latin1');
  // Skia writes the leaf as <</Limits [(first) (last)]\n/Names [...]>>.
  const head = pdf.toString('latin1', Math.max(0, leaf.start - 64), leaf.start);
  const limits = /\/Limits \[\((node\d+)\) \((node\d+)\)\]\s*\/Names \[$/.exec(head);
  const [first, last] = [entries[0]?.[0], entries[entries.length - 1]?.[0]];
  if (!limits || !first || !last) return;
  const at = leaf.start - head.length + limits.index + '/Limits ['.length;
  const key = (entry: string) => entry.slice(0, entry.indexOf(')') + 1);
  if (key(first).length === limits[1]!.length + 2 && key(last).length === limits[2]!.length + 2) pdf.write(`${key(first)} ${key(last)}`, at, 'latin1');
}

/**
 * Renumbers, in place and at the same length, the DOM node numbers that Chromium names tagged elements with
 * (`/ID (node00000012)`, the table headers' references to them, the IDTree): 1, 2, 3, … in the order the elements
 * come in the structure tree, that is in document order. Chromium hands the numbers out as it goes, and a paint
 * between loads can number one element before the others in one run and not in the next, so their own order is not
 * the same from print to print; the document order is. The IDTree, a name tree sorted by those numbers, is sorted
 * again. Should the IDTree not be laid out as expected, the numbers are renumbered in their own order instead,
 * which keeps it sorted.
 */
function renumberNodeIds(pdf: Buffer): void {
  const all = numbersAfter(pdf, '(node');
  if (!all.length) return;
  const read = ([at, n]: [number, number]) => Number(pdf.toString('latin1', at, at + n));
  const numeric = [...new Set(all.map(read))].sort((a, b) => a - b);
  const declared = [...new Set(numbersAfter(pdf, '/ID (node').map(read))];
  const known = new Set(declared);
  let order = [...declared, ...numeric.filter((id) => !known.has(id))];
  const leaves = idTreeLeaves(pdf);
  let rank = new Map(order.map((id, i) => [id, i + 1]));
  if (!leaves || leaves.length > 1 || all.some(([at, n]) => String(rank.get(read([at, n]))).length > n)) {
    order = numeric;
    rank = new Map(order.map((id, i) => [id, i + 1]));
  }
  const moved = order.some((id, i) => id !== numeric[i]);
  for (const [at, n] of all) pdf.write(String(rank.get(read([at, n]))).padStart(n, '0'), at, 'latin1');
  if (moved) for (const leaf of leaves ?? []) sortIdTreeLeaf(pdf, leaf);
}

/** Thrown when PDF text ends inside an object: read a larger window of the file and try again. */
class TruncatedPdfText extends Error {}

/** The class of each byte in PDF syntax (ISO 32000-1 §7.2.2): white space, delimiter, or regular (0). */
const PDF_CHAR = new Uint8Array(256);
const [PDF_SPACE, PDF_DELIMITER] = [1, 2];
for (const c of '\0\t\n\f\r ') PDF_CHAR[c.charCodeAt(0)] = PDF_SPACE;
for (const c of '()<>[]{}/%') PDF_CHAR[c.charCodeAt(0)] = PDF_DELIMITER;
/** The class of the character at `i` of latin1 text (where every code is under 256). */
const pdfChar = (s: string, i: number) => PDF_CHAR[s.charCodeAt(i) & 0xff]!;

/** Past the white space and comments at `i`. */
function skipPdfSpace(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (PDF_CHAR[c & 0xff] === PDF_SPACE) i++;
    else if (c === 0x25) while (i < s.length && s[i] !== '\n' && s[i] !== '\r') i++;
    else break;
  }
  return i;
}

/** Past a literal string starting at its "(": parentheses nest, a backslash escapes the next character. */
function skipPdfLiteral(s: string, i: number): number {
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  throw new TruncatedPdfText('a string runs past the text');
}

/** Past the run of regular characters at `i` (a number, a keyword, or a name's characters after its slash). */
function skipPdfRegular(s: string, i: number): number {
  while (i < s.length && pdfChar(s, i) === 0) i++;
  return i;
}

/**
 * Past the PDF object that starts at `i` (after white space): a dictionary, array, string, name, number,
 * keyword, or an indirect reference `12 0 R` taken whole.
 */
function skipPdfValue(s: string, i: number): number {
  i = skipPdfSpace(s, i);
  if (i >= s.length) throw new TruncatedPdfText('an object runs past the text');
  const c = s[i];
  if (c === '(') return skipPdfLiteral(s, i);
  if (c === '<' && s[i + 1] === '<') {
    for (i += 2; ; i = skipPdfValue(s, i)) {
      i = skipPdfSpace(s, i);
      if (i >= s.length) throw new TruncatedPdfText('a dictionary runs past the text');
      if (s.startsWith('>>', i)) return i + 2;
    }
  }
  if (c === '<') {
    const end = s.indexOf('>', i);
    if (end < 0) throw new TruncatedPdfText('a hex string runs past the text');
    return end + 1;
  }
  if (c === '[') {
    for (i += 1; ; i = skipPdfValue(s, i)) {
      i = skipPdfSpace(s, i);
      if (i >= s.length) throw new TruncatedPdfText('an array runs past the text');
      if (s[i] === ']') return i + 1;
    }
  }
  if (c === '/') return skipPdfRegular(s, i + 1);
  const end = skipPdfRegular(s, i);
  if (end === i) throw new Error(`unexpected "${c}" in a PDF object`);
  const ref = /^[ \t\r\n]+\d+[ \t\r\n]+R(?![^\s()<>[\]{}/%])/.exec(s.slice(end, end + 24));
  if (ref && /^\d+$/.test(s.slice(i, end)) && end + ref[0].length <= s.length) return end + ref[0].length;
  return end;
}

/** The items of an array's text, each as its own text. */
function pdfArrayItems(array: string): string[] {
  const items: string[] = [];
  for (let i = skipPdfSpace(array, 1); array[i] !== ']'; i = skipPdfSpace(array, i)) {
    const end = skipPdfValue(array, i);
    items.push(array.slice(i, end));
    i = end;
  }
  return items;
}

/** A top-level entry of a dictionary's text: its value's text and where the value starts and ends. */
function dictEntry(dict: string, key: string): { text: string; start: number; end: number } | undefined {
  let i = skipPdfSpace(dict, 2);
  while (i < dict.length && !dict.startsWith('>>', i)) {
    const keyEnd = skipPdfValue(dict, i);
    const name = dict.slice(i, keyEnd);
    const start = skipPdfSpace(dict, keyEnd);
    const end = skipPdfValue(dict, start);
    if (name === `/${key}`) return { text: dict.slice(start, end), start, end };
    i = skipPdfSpace(dict, end);
  }
  return undefined;
}

/** The keys of a dictionary's top level, with their slashes. */
function dictKeys(dict: string): string[] {
  const keys: string[] = [];
  for (let i = skipPdfSpace(dict, 2); i < dict.length && !dict.startsWith('>>', i); ) {
    const keyEnd = skipPdfValue(dict, i);
    keys.push(dict.slice(i, keyEnd));
    i = skipPdfSpace(dict, skipPdfValue(dict, keyEnd));
  }
  return keys;
}

/** A dictionary's text with an entry set: its value replaced where it is, or the entry added at the end. */
function withDictEntry(dict: string, key: string, value: string): string {
  const entry = dictEntry(dict, key);
  if (entry) return dict.slice(0, entry.start) + value + dict.slice(entry.end);
  return `${dict.slice(0, dict.lastIndexOf('>>'))}\n/${key} ${value}>>`;
}

/** The object number of an indirect reference's text (`12 0 R`), else undefined. */
const refNumber = (text: string | undefined): number | undefined => {
  const m = text === undefined ? null : /^(\d+)\s+0\s+R$/.exec(text);
  return m ? Number(m[1]) : undefined;
};

// ---------------------------------------------------------------------------------------------------------------
// Content streams: what the structure tree does not hold becomes an artifact.

/** An operator of a content stream: where its operands start, where it ends, and (for BMC and BDC) its operands. */
interface ContentOp {
  op: string;
  start: number;
  end: number;
  operands?: string[];
}

/**
 * The operators of a content stream. Undefined for what this reader does not take apart (an inline image, whose
 * data is not PDF syntax; operands with no operator after them): such a page is left as it was printed.
 */
function contentOps(s: string): ContentOp[] | undefined {
  try {
    return contentOpsOrThrow(s);
  } catch {
    return undefined; // a string or an array that runs past the end, a stray delimiter
  }
}

function contentOpsOrThrow(s: string): ContentOp[] | undefined {
  const ops: ContentOp[] = [];
  let start = -1;
  for (let i = skipPdfSpace(s, 0); i < s.length; i = skipPdfSpace(s, i)) {
    const c = s.charCodeAt(i);
    if (start < 0) start = i;
    // An operand: a string, hex string, dictionary, array or name; a number; true, false or null.
    if (c === 0x28 || c === 0x3c || c === 0x5b || c === 0x2f) {
      i = skipPdfValue(s, i);
      continue;
    }
    if (pdfChar(s, i) !== 0) return undefined; // a stray ")", ">", "]", "{" or "}"
    const end = skipPdfRegular(s, i);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      i = end;
      continue;
    }
    const word = s.slice(i, end);
    const at = i;
    i = end;
    if (word === 'true' || word === 'false' || word === 'null') continue;
    if (word === 'BI' || word === 'ID' || word === 'EI') return undefined;
    const op: ContentOp = { op: word, start, end };
    if (word === 'BMC' || word === 'BDC') {
      op.operands = [];
      for (let j = skipPdfSpace(s, start); j < at; j = skipPdfSpace(s, j)) {
        const k = skipPdfValue(s, j);
        op.operands.push(s.slice(j, k));
        j = k;
      }
    }
    ops.push(op);
    start = -1;
  }
  return start < 0 ? ops : undefined;
}

const PATH_CONSTRUCTION = new Set(['m', 'l', 'c', 'v', 'y', 'h', 're']);
const PATH_PAINTING = new Set(['S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*']);
const TEXT_SHOWING = new Set(['Tj', 'TJ', "'", '"']);
/**
 * What two artifact runs are not joined across: marked content, which must nest, and a graphics state save or
 * restore, which need not (ISO 32000-1 §14.6) but keeps each artifact inside one q … Q, as tools that move content
 * by its graphics state expect.
 */
const JOIN_STOPS = new Set(['BMC', 'BDC', 'EMC', 'q', 'Q']);

/** A run of operators [from, to] (indices) to mark as one artifact. */
interface ArtifactRun {
  from: number;
  to: number;
  /** The marked-content sequence it sits in (the index of its BMC or BDC), or -1. */
  container: number;
  /** The text object it sits in (the index of its BT), or -1 outside text. */
  text: number;
}

/**
 * Where the content that no structure element holds is painted: each painting operator outside every
 * marked-content sequence with an MCID (and outside every /Artifact) gives the run of its whole graphics object
 * (a path from its first segment, a text object from BT to ET when no marked content starts or ends inside it,
 * else the text-showing operator alone), and runs are joined when only operators that neither mark content nor
 * save or restore the graphics state lie between them, in the same sequence and text object. Undefined when the stream's marked content, text objects and paths
 * do not nest as ISO 32000 asks, or a path is left unfinished: then the page is not touched.
 */
function artifactRuns(ops: ContentOp[]): ArtifactRun[] | undefined {
  // The end of every text object, and whether marked content starts or ends inside it.
  const textEnd = new Map<number, { et: number; marked: boolean }>();
  for (let i = 0, bt = -1, marked = false; i < ops.length; i++) {
    const op = ops[i]!.op;
    if (op === 'BT') {
      if (bt >= 0) return undefined;
      [bt, marked] = [i, false];
    } else if (op === 'ET') {
      if (bt < 0) return undefined;
      textEnd.set(bt, { et: i, marked });
      bt = -1;
    } else if (op === 'BMC' || op === 'BDC' || op === 'EMC') marked = true;
  }
  const runs: ArtifactRun[] = [];
  // Marked content and text objects nest within each other: a stack of both, checked at every end.
  const stack: { kind: 'mc' | 'text'; at: number; covered: boolean }[] = [];
  let path = -1;
  let bt = -1;
  const add = (run: ArtifactRun) => {
    const last = runs[runs.length - 1];
    if (last && last.container === run.container && last.text === run.text && run.from <= last.to) last.to = Math.max(last.to, run.to);
    else runs.push(run);
  };
  for (let i = 0; i < ops.length; i++) {
    const { op, operands } = ops[i]!;
    let covered = false;
    let container = -1;
    for (let k = stack.length - 1; k >= 0; k--) {
      const e = stack[k]!;
      covered ||= e.covered;
      if (container < 0 && e.kind === 'mc') container = e.at;
    }
    if (path >= 0 && !PATH_CONSTRUCTION.has(op) && !PATH_PAINTING.has(op) && op !== 'n' && op !== 'W' && op !== 'W*') return undefined;
    if (op === 'BMC' || op === 'BDC') {
      const [tag, properties] = operands ?? [];
      // An inline property list shows its MCID; a named one (in the page's /Properties) may hold one: not touched.
      const mcid = properties === undefined ? false : !properties.startsWith('<<') || dictEntry(properties, 'MCID') !== undefined;
      stack.push({ kind: 'mc', at: i, covered: tag === '/Artifact' || mcid });
    } else if (op === 'EMC') {
      if (stack.pop()?.kind !== 'mc') return undefined;
    } else if (op === 'BT') {
      stack.push({ kind: 'text', at: i, covered: false });
      bt = i;
    } else if (op === 'ET') {
      if (stack.pop()?.kind !== 'text') return undefined;
      bt = -1;
    } else if (PATH_CONSTRUCTION.has(op)) {
      if (path < 0) path = i;
    } else if (PATH_PAINTING.has(op) || op === 'n') {
      if (PATH_PAINTING.has(op) && !covered) add({ from: path < 0 ? i : path, to: i, container, text: bt });
      path = -1;
    } else if (!covered && (op === 'sh' || op === 'Do')) {
      add({ from: i, to: i, container, text: bt });
    } else if (!covered && TEXT_SHOWING.has(op)) {
      const object = textEnd.get(bt);
      if (!object) return undefined;
      add(object.marked ? { from: i, to: i, container, text: bt } : { from: bt, to: object.et, container, text: -1 });
    }
  }
  if (stack.length || path >= 0) return undefined;
  // Join runs with only unmarked operators between them, in the same sequence and text object.
  const joined: ArtifactRun[] = [];
  for (const run of runs) {
    const last = joined[joined.length - 1];
    let join = last !== undefined && last.container === run.container && last.text === run.text;
    for (let k = (last?.to ?? 0) + 1; join && k < run.from; k++) join = !JOIN_STOPS.has(ops[k]!.op);
    if (join) last!.to = Math.max(last!.to, run.to);
    else joined.push({ ...run });
  }
  return joined;
}

/**
 * A page's content stream with everything the structure tree does not hold inside `/Artifact BMC … EMC`, or
 * undefined when there is nothing to mark or the stream cannot be read safely. Chromium draws the page background
 * and the @page margin boxes (the running header and footer) first, each in its own q … Q outside any marked
 * content, and some decoration (dotted leaders, the tick of a checked box) between the tagged sequences: none of
 * it is tagged, nor marked as an artifact, so a reader of the structure could not tell it from lost content.
 * The result is checked again before it is used: every painting operator marked, nothing else changed.
 */
export function markArtifacts(content: string): string | undefined {
  const ops = contentOps(content);
  if (!ops) return undefined;
  const runs = artifactRuns(ops);
  if (!runs?.length) return undefined;
  let out = '';
  let at = 0;
  for (const run of runs) {
    const from = ops[run.from]!.start;
    const to = ops[run.to]!.end;
    out += `${content.slice(at, from)}/Artifact BMC\n${content.slice(from, to)}\nEMC`;
    at = to;
  }
  out += content.slice(at);
  const again = contentOps(out);
  const rest = again && artifactRuns(again);
  if (!again || !rest || rest.length > 0 || again.length !== ops.length + 2 * runs.length) return undefined;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The structure tree: list items get their bodies.

/**
 * Structure elements to add and to change so that every list item holds a label and a body (ISO 32000-1
 * §14.8.4.3.3: an LI's children are Lbl and LBody). Chromium gives an LI its marker as an Lbl, when the list shows
 * one, and puts the item's content straight into the LI. Each such LI gets one new LBody holding its children
 * after the leading Lbl elements, in order; their /P points to it. Only LIs whose children are all structure
 * elements are changed: an LI that holds marked content or an object reference itself is left as it is, since
 * its parent-tree entries would have to change too. New objects are numbered from `next` in the order of the tree.
 */
function listBodies(reader: XrefReader, structTreeRoot: number, next: number): { changed: Map<number, string>; added: [number, string][] } {
  const changed = new Map<number, string>();
  const added: [number, string][] = [];
  const elements = new Map<number, string>();
  const element = (num: number): string | undefined => {
    if (!elements.has(num)) {
      const { value, stream } = reader.object(num);
      const isElement = !stream && value.startsWith('<<') && dictEntry(value, 'S') !== undefined && (dictEntry(value, 'Type')?.text ?? '/StructElem') === '/StructElem';
      elements.set(num, isElement ? value : '');
    }
    return elements.get(num) || undefined;
  };
  const kids = (dict: string): string[] => {
    const k = dictEntry(dict, 'K')?.text;
    return k === undefined ? [] : k.startsWith('[') ? pdfArrayItems(k) : [k];
  };
  const seen = new Set<number>();
  const stack = kids(reader.object(structTreeRoot).value).reverse();
  while (stack.length) {
    const num = refNumber(stack.pop());
    if (num === undefined || seen.has(num)) continue;
    seen.add(num);
    const dict = element(num);
    if (!dict) continue;
    const children = kids(dict);
    stack.push(...[...children].reverse());
    if (dictEntry(dict, 'S')?.text !== '/LI' || children.length === 0) continue;
    const nums = children.map(refNumber);
    if (nums.some((n) => n === undefined || !element(n))) continue;
    const roles = nums.map((n) => dictEntry(element(n!)!, 'S')?.text);
    if (roles.includes('/LBody')) continue;
    let labels = 0;
    while (roles[labels] === '/Lbl') labels++;
    const body = nums.slice(labels) as number[];
    if (body.length === 0) continue;
    const lbody = next++;
    added.push([lbody, `<</Type /StructElem\n/S /LBody\n/P ${num} 0 R\n/K [${body.map((n) => `${n} 0 R`).join(' ')}]>>`]);
    const items = [...nums.slice(0, labels).map((n) => `${n} 0 R`), `${lbody} 0 R`];
    changed.set(num, withDictEntry(changed.get(num) ?? dict, 'K', items.length === 1 ? items[0]! : `[${items.join(' ')}]`));
    for (const n of body) changed.set(n, withDictEntry(changed.get(n) ?? element(n)!, 'P', `${lbody} 0 R`));
  }
  return { changed, added };
}

// ---------------------------------------------------------------------------------------------------------------
// XMP: the document metadata again, as the catalog's /Metadata stream.

/** Text for XML character data and attribute values: markup characters escaped, characters XML 1.0 lacks dropped. */
const xmlText = (text: string): string =>
  text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/**
 * The XMP packet (ISO 16684-1) of a document: the Info dictionary's entries in their XMP properties, with the same
 * values (title, author, subject, keywords, creator, producer, dates) and the language. The dates are the data's,
 * as in the Info dictionary; the same metadata gives the same bytes.
 */
export function xmpPacket(meta: PdfMetadata): string {
  const date = meta.date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const alt = (text: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${xmlText(text)}</rdf:li></rdf:Alt>`;
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '  <rdf:Description rdf:about=""',
    '    xmlns:dc="http://purl.org/dc/elements/1.1/"',
    '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
    '    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"',
    '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/">',
    '   <dc:format>application/pdf</dc:format>',
    `   <dc:title>${alt(meta.title)}</dc:title>`,
    `   <dc:creator><rdf:Seq><rdf:li>${xmlText(meta.author)}</rdf:li></rdf:Seq></dc:creator>`,
    `   <dc:description>${alt(meta.subject)}</dc:description>`,
    `   <dc:subject><rdf:Bag>${meta.keywords.map((k) => `<rdf:li>${xmlText(k)}</rdf:li>`).join('')}</rdf:Bag></dc:subject>`,
    `   <dc:language><rdf:Bag><rdf:li>${xmlText(pdfLang(meta.lang))}</rdf:li></rdf:Bag></dc:language>`,
    `   <pdf:Keywords>${xmlText(meta.keywords.join(' '))}</pdf:Keywords>`,
    `   <pdf:Producer>${xmlText(meta.creator)}</pdf:Producer>`,
    `   <xmp:CreatorTool>${xmlText(meta.creator)}</xmp:CreatorTool>`,
    `   <xmp:CreateDate>${date}</xmp:CreateDate>`,
    `   <xmp:ModifyDate>${date}</xmp:ModifyDate>`,
    `   <xmp:MetadataDate>${date}</xmp:MetadataDate>`,
    ...(meta.version === undefined ? [] : [`   <xmpMM:VersionID>${xmlText(meta.version)}</xmpMM:VersionID>`]),
    '  </rdf:Description>',
    ' </rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('\n');
}

/** A language tag as the catalog's /Lang and the XMP give it: letters, digits and hyphens only. */
const pdfLang = (lang: string) => lang.replace(/[^A-Za-z0-9-]/g, '');

/**
 * Finishes a PDF as Chromium printed it, in place and without parsing it whole (a 700-page dossier stays cheap):
 * - at the same length, so no offset moves: the clock in the old Info dictionary becomes the data's date, and the
 *   per-run DOM node numbers that name tagged elements are renumbered in document order (see renumberNodeIds);
 * - appended as an incremental update: a new Info dictionary (title, author, subject, keywords, dates), the same
 *   metadata as an XMP stream, the catalog with the language, the metadata and the outline panel open, and a
 *   trailer with a document id hashed from the content;
 * - in a tagged PDF, in the same update: each page's content stream again, with what no structure element holds
 *   (the page background, the running header and footer, decoration) marked as artifacts (see markArtifacts), and
 *   a body (LBody) for every list item that lacks one (see listBodies).
 */
export function finishPdf(raw: Uint8Array, meta: PdfMetadata): { pdf: Uint8Array; pages: number } {
  const pdf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const date = pdfDate(meta.date);
  for (const [at, length] of numbersAfter(pdf, '(D:')) if (length >= 14) pdf.write(date.slice(2, 16), at, 'latin1');
  renumberNodeIds(pdf);

  const tail = /trailer\s*<<([\s\S]*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$/.exec(pdf.toString('latin1', Math.max(0, pdf.length - 2048)));
  if (!tail) throw new Error('no trailer at the end of the printed PDF');
  const field = (name: string) => Number(new RegExp(`/${name} (\\d+)`).exec(tail[1]!)?.[1]);
  const [size, root, info, previous] = [field('Size'), field('Root'), field('Info'), Number(tail[2])];
  let next = size;
  /** Objects of the update, by number: the text after `N 0 obj\n` up to `\nendobj`. */
  const objects = new Map<number, string | Buffer>();

  const metadata = next++;
  const xmp = Buffer.from(xmpPacket(meta), 'utf8');
  objects.set(metadata, Buffer.concat([Buffer.from(`<</Type /Metadata\n/Subtype /XML\n/Length ${xmp.length}>>\nstream\n`, 'latin1'), xmp, Buffer.from('\nendstream', 'latin1')]));
  const catalog = objectDict(pdf, root)
    .replace(/\/Lang \((?:[^()\\]|\\.)*\)/, '')
    .replace(/\/PageMode \/\w+/, '')
    .replace(/\/Metadata \d+ 0 R/, '')
    .replace(/>>$/, `/Lang (${pdfLang(meta.lang)})\n/Metadata ${metadata} 0 R\n/PageMode /UseOutlines>>`);
  objects.set(root, catalog);
  const pages = Number(/\/Count (\d+)/.exec(objectDict(pdf, Number(/\/Pages (\d+) 0 R/.exec(catalog)![1])))![1]);
  const infoDict = [
    `/Title ${pdfText(meta.title)}`,
    `/Author ${pdfText(meta.author)}`,
    `/Subject ${pdfText(meta.subject)}`,
    `/Keywords ${pdfText(meta.keywords.join(' '))}`,
    `/Creator ${pdfText(meta.creator)}`,
    `/Producer ${pdfText(meta.creator)}`,
    `/CreationDate (${date})`,
    `/ModDate (${date})`,
  ].join('\n');
  objects.set(info, `<<${infoDict}>>`);
  for (const [num, dict] of meta.headings ? outlineTitleFixes(pdf, catalog, new Set(meta.headings)) : []) objects.set(num, dict);

  const structTreeRoot = refNumber(/\/StructTreeRoot (\d+ 0 R)/.exec(catalog)?.[1]);
  if (structTreeRoot !== undefined) {
    const reader = new XrefReader(pdf);
    for (const [num, stream] of artifactStreams(reader)) objects.set(num, stream);
    const { changed, added } = listBodies(reader, structTreeRoot, next);
    for (const [num, dict] of [...changed, ...added]) objects.set(num, dict);
    next += added.length;
  }
  const id = createHash('sha256').update(pdf).update(JSON.stringify(meta)).digest('hex').slice(0, 32);

  const chunks: Buffer[] = [Buffer.from('\n', 'latin1')];
  let at = pdf.length + 1;
  const write = (chunk: string | Buffer) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    chunks.push(bytes);
    at += bytes.length;
  };
  const offsets = new Map<number, number>();
  const numbers = [...objects.keys()].sort((a, b) => a - b);
  for (const num of numbers) {
    offsets.set(num, at);
    write(`${num} 0 obj\n`);
    write(objects.get(num)!);
    write('\nendobj\n');
  }
  const xrefAt = at;
  let xref = 'xref\n';
  for (const num of numbers) xref += `${num} 1\n${String(offsets.get(num)).padStart(10, '0')} 00000 n \n`;
  xref += `trailer\n<</Size ${next}\n/Root ${root} 0 R\n/Info ${info} 0 R\n/Prev ${previous}\n/ID [<${id}> <${id}>]>>\nstartxref\n${xrefAt}\n%%EOF\n`;
  write(xref);
  return { pdf: new Uint8Array(packPdf(Buffer.concat([pdf, ...chunks]))), pages };
}

/** Objects packed into one object stream: enough to compress well, few enough to read one quickly. */
const OBJECTS_PER_STREAM = 200;

/**
 * The finished PDF written out whole and small (ISO 32000-1 §7.5.7, §7.5.8): every object at its latest version, so
 * what incremental updates superseded is gone; dictionaries and arrays — the structure tree, the outline, fonts'
 * dictionaries, which Chromium writes as plain text — packed into Flate-compressed object streams; streams copied as
 * they are; a compressed cross-reference stream with the trailer's entries. Deterministic: zlib at level 9 gives the
 * same bytes for the same objects.
 */
export function packPdf(pdf: Buffer): Buffer {
  const reader = new XrefReader(pdf);
  const tail = /trailer\s*<<([\s\S]*?)>>\s*startxref\s*\d+\s*%%EOF\s*$/.exec(pdf.toString('latin1', Math.max(0, pdf.length - 2048)));
  if (!tail) throw new Error('no trailer to pack');
  const trailer = tail[1]!;
  const root = /\/Root (\d+) 0 R/.exec(trailer)![1];
  const info = /\/Info (\d+) 0 R/.exec(trailer)?.[1];
  const id = /\/ID\s*\[[^\]]*\]/.exec(trailer)?.[0];
  const numbers = reader.numbers();
  const chunks: Buffer[] = [Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n', 'latin1')];
  let at = chunks[0]!.length;
  const write = (b: Buffer) => {
    chunks.push(b);
    at += b.length;
  };
  // Where each object ends up: [1, offset] written directly, [2, stream, index] inside an object stream.
  const entries = new Map<number, [1, number] | [2, number, number]>();
  const packed: { num: number; value: string }[] = [];
  for (const num of numbers) {
    const o = reader.object(num);
    if (o.stream) {
      entries.set(num, [1, at]);
      write(Buffer.concat([Buffer.from(`${num} 0 obj\n${o.value}\nstream\n`, 'latin1'), o.stream, Buffer.from('\nendstream\nendobj\n', 'latin1')]));
    } else packed.push({ num, value: o.value });
  }
  let next = (numbers.at(-1) ?? 0) + 1;
  for (let i = 0; i < packed.length; i += OBJECTS_PER_STREAM) {
    const group = packed.slice(i, i + OBJECTS_PER_STREAM);
    const bodies: string[] = [];
    const header: string[] = [];
    let offset = 0;
    group.forEach(({ num, value }, index) => {
      header.push(`${num} ${offset}`);
      bodies.push(value);
      offset += Buffer.byteLength(value, 'latin1') + 1;
      entries.set(num, [2, next, index]);
    });
    const head = `${header.join(' ')}\n`;
    const data = deflateSync(Buffer.from(head + bodies.join('\n') + '\n', 'latin1'), { level: 9 });
    entries.set(next, [1, at]);
    write(Buffer.concat([Buffer.from(`${next} 0 obj\n<</Type /ObjStm /N ${group.length} /First ${Buffer.byteLength(head, 'latin1')} /Filter /FlateDecode /Length ${data.length}>>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream\nendobj\n', 'latin1')]));
    next++;
  }
  // The cross-reference stream is the last object; its own entry points at itself.
  const xrefNum = next;
  entries.set(xrefNum, [1, at]);
  const size = xrefNum + 1;
  const rows = Buffer.alloc(size * 7);
  for (let num = 0; num < size; num++) {
    const e = entries.get(num);
    const row = num * 7;
    if (!e) {
      rows.writeUInt8(0, row);
      rows.writeUInt32BE(0, row + 1);
      rows.writeUInt16BE(num === 0 ? 65535 : 0, row + 5);
    } else if (e[0] === 1) {
      rows.writeUInt8(1, row);
      rows.writeUInt32BE(e[1], row + 1);
      rows.writeUInt16BE(0, row + 5);
    } else {
      rows.writeUInt8(2, row);
      rows.writeUInt32BE(e[1], row + 1);
      rows.writeUInt16BE(e[2], row + 5);
    }
  }
  const xref = deflateSync(rows, { level: 9 });
  const xrefAt = at;
  write(
    Buffer.concat([
      Buffer.from(
        `${xrefNum} 0 obj\n<</Type /XRef /Size ${size} /W [1 4 2] /Root ${root} 0 R${info ? ` /Info ${info} 0 R` : ''}${id ? ` ${id}` : ''} /Filter /FlateDecode /Length ${xref.length}>>\nstream\n`,
        'latin1',
      ),
      xref,
      Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1'),
    ]),
  );
  return Buffer.concat(chunks);
}

/**
 * The page content streams that markArtifacts changes, as new stream objects under their old numbers: Flate
 * streams only (a stream with other filters or parameters is left as it is), compressed again with zlib at level 9,
 * whose output depends on the input alone (for one build of zlib: the one Node bundles, as Chromium's own streams
 * depend on the zlib it bundles).
 */
function artifactStreams(reader: XrefReader): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  const seen = new Set<number>();
  /** A value's text, an indirect reference resolved. */
  const resolve = (text: string | undefined) => {
    const ref = refNumber(text);
    return ref === undefined ? text : reader.object(ref).value;
  };
  for (const page of reader.pages()) {
    const pageDict = reader.object(page).value;
    const num = refNumber(dictEntry(pageDict, 'Contents')?.text);
    if (num === undefined || seen.has(num)) continue; // an array of streams: not rewritten
    // A form XObject with its own structure content (/StructParents) must not be drawn inside an artifact: a page
    // that uses one is left as it is. (Chromium draws none; an image XObject is plain content.)
    const resources = resolve(dictEntry(pageDict, 'Resources')?.text);
    const xobjects = resources?.startsWith('<<') ? resolve(dictEntry(resources, 'XObject')?.text) : undefined;
    if (xobjects?.startsWith('<<') && dictKeys(xobjects).some((key) => dictEntry(resolve(dictEntry(xobjects, key.slice(1))?.text) ?? '', 'StructParents'))) continue;
    seen.add(num);
    const { value, stream } = reader.object(num);
    if (!stream || dictEntry(value, 'Filter')?.text !== '/FlateDecode' || dictKeys(value).some((k) => k !== '/Filter' && k !== '/Length')) continue;
    let content: string;
    try {
      content = inflateSync(stream).toString('latin1');
    } catch {
      continue;
    }
    const marked = markArtifacts(content);
    if (marked === undefined) continue;
    const data = deflateSync(Buffer.from(marked, 'latin1'), { level: 9 });
    out.push([num, Buffer.concat([Buffer.from(`<</Filter /FlateDecode\n/Length ${data.length}>>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')])]);
  }
  return out;
}
