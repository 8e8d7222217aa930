// The page margins' text and fonts: the @page rules of a page's stylesheets read as CSS (a small tokenizer:
// strings, comments, blocks, declarations; `content` values with their counters), so the font faces of the running
// header and footer can be loaded before printing (loadMarginFonts). Chromium would otherwise print them blank.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer-core';
import { loadFonts } from './browser.ts';

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
