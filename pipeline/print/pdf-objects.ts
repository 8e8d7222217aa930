// Reading PDF objects without loading the file whole: the cross-reference table as Chromium (Skia) writes it
// (XrefReader), and a small lexer for PDF syntax (skipPdfValue and friends) that reads and edits a dictionary's or an
// array's text: dictEntry, dictKeys, withDictEntry, pdfArrayItems, refNumber.

/** An object of a PDF: its value's text, and the data of its stream if it is one. */
export interface PdfObject {
  value: string;
  stream?: Buffer;
}

/**
 * Reads objects of a PDF as Chromium (Skia) writes it: one classic cross-reference table, so an object's offset is
 * one look-up, and the few dictionaries needed are read as text. Enough for the page tree and the named
 * destinations without loading a 700-page document whole.
 */
export class XrefReader {
  private readonly offsets = new Map<number, number>();
  /** Each object as read: finishing reads the structure tree's elements, then packs every object (see packPdf). */
  private readonly read = new Map<number, PdfObject>();
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
  object(num: number): PdfObject {
    let read = this.read.get(num);
    if (!read) {
      read = this.readObject(num);
      this.read.set(num, read);
    }
    return read;
  }

  private readObject(num: number): PdfObject {
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
      // Read again from the bytes rather than sliced from the window: a slice would keep the whole window alive for as
      // long as the value is (a 700-page dossier's objects, packed, held ten times their size).
      const value = this.pdf.toString('latin1', offset + skipPdfSpace(text, head[0].length), offset + valueEnd);
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

/** The dictionary text of object `num` (generation 0): from its `<<` to the matching `>>`. */
export function objectDict(pdf: Buffer, num: number, offset?: number): string {
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

/** Thrown when PDF text ends inside an object: read a larger window of the file and try again. */
class TruncatedPdfText extends Error {}

/** The class of each byte in PDF syntax (ISO 32000-1 §7.2.2): white space, delimiter, or regular (0). */
const PDF_CHAR = new Uint8Array(256);
const [PDF_SPACE, PDF_DELIMITER] = [1, 2];
for (const c of '\0\t\n\f\r ') PDF_CHAR[c.charCodeAt(0)] = PDF_SPACE;
for (const c of '()<>[]{}/%') PDF_CHAR[c.charCodeAt(0)] = PDF_DELIMITER;
/** The class of the character at `i` of latin1 text (where every code is under 256). */
export const pdfChar = (s: string, i: number) => PDF_CHAR[s.charCodeAt(i) & 0xff]!;

/** Past the white space and comments at `i`. */
export function skipPdfSpace(s: string, i: number): number {
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
export function skipPdfRegular(s: string, i: number): number {
  while (i < s.length && pdfChar(s, i) === 0) i++;
  return i;
}

/**
 * Past the PDF object that starts at `i` (after white space): a dictionary, array, string, name, number,
 * keyword, or an indirect reference `12 0 R` taken whole.
 */
export function skipPdfValue(s: string, i: number): number {
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
  return referenceEnd(s, i, end) ?? end;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isBlank = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

/**
 * Past an indirect reference `12 0 R` whose first number is the token [i, end), or undefined. Read character by
 * character: a content stream's arrays hold thousands of numbers, and none is a reference.
 */
function referenceEnd(s: string, i: number, end: number): number | undefined {
  for (let k = i; k < end; k++) if (!isDigit(s.charCodeAt(k))) return undefined;
  let k = end;
  if (!isBlank(s.charCodeAt(k))) return undefined;
  while (isBlank(s.charCodeAt(k))) k++;
  const generation = k;
  while (isDigit(s.charCodeAt(k))) k++;
  if (k === generation || !isBlank(s.charCodeAt(k))) return undefined;
  while (isBlank(s.charCodeAt(k))) k++;
  if (s.charCodeAt(k) !== 0x52 || (k + 1 < s.length && pdfChar(s, k + 1) === 0)) return undefined;
  return k + 1;
}

/** The items of an array's text, each as its own text. */
export function pdfArrayItems(array: string): string[] {
  const items: string[] = [];
  for (let i = skipPdfSpace(array, 1); array[i] !== ']'; i = skipPdfSpace(array, i)) {
    const end = skipPdfValue(array, i);
    items.push(array.slice(i, end));
    i = end;
  }
  return items;
}

/** A top-level entry of a dictionary's text: its value's text and where the value starts and ends. */
export function dictEntry(dict: string, key: string): { text: string; start: number; end: number } | undefined {
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
export function dictKeys(dict: string): string[] {
  const keys: string[] = [];
  for (let i = skipPdfSpace(dict, 2); i < dict.length && !dict.startsWith('>>', i); ) {
    const keyEnd = skipPdfValue(dict, i);
    keys.push(dict.slice(i, keyEnd));
    i = skipPdfSpace(dict, skipPdfValue(dict, keyEnd));
  }
  return keys;
}

/** A dictionary's text with an entry set: its value replaced where it is, or the entry added at the end. */
export function withDictEntry(dict: string, key: string, value: string): string {
  const entry = dictEntry(dict, key);
  if (entry) return dict.slice(0, entry.start) + value + dict.slice(entry.end);
  return `${dict.slice(0, dict.lastIndexOf('>>'))}\n/${key} ${value}>>`;
}

/** The object number of an indirect reference's text (`12 0 R`), else undefined. */
export const refNumber = (text: string | undefined): number | undefined => {
  const m = text === undefined ? null : /^(\d+)\s+0\s+R$/.exec(text);
  return m ? Number(m[1]) : undefined;
};
