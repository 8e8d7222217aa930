// Finishing a printed PDF so that two builds give the same bytes and readers get the document's metadata: dates
// from the data, tagged elements' node ids renumbered in document order, outline titles Chromium doubled mended, a
// new Info dictionary, XMP, catalog, artifacts (pdf-artifacts.ts) and list-item bodies, and the whole file written
// out once, packed into object streams (packPdf).
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { artifactStreams, PDF_DEFLATE } from './pdf-artifacts.ts';
import { dictEntry, objectDict, pdfArrayItems, refNumber, withDictEntry, XrefReader, type PdfObject } from './pdf-objects.ts';

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
 * Finishes a PDF as Chromium printed it, object by object and never as a parsed document (a 700-page dossier stays
 * cheap):
 * - at the same length, so no offset moves: the clock in the old Info dictionary becomes the data's date, and the
 *   per-run DOM node numbers that name tagged elements are renumbered in document order (see renumberNodeIds);
 * - as new objects over the printed ones: a new Info dictionary (title, author, subject, keywords, dates), the same
 *   metadata as an XMP stream, the catalog with the language, the metadata and the outline panel open, and a
 *   document id hashed from the content;
 * - in a tagged PDF, also: each page's content stream again, with what no structure element holds
 *   (the page background, the running header and footer, decoration) marked as artifacts (see markArtifacts), and
 *   a body (LBody) for every list item that lacks one (see listBodies);
 * - then the file is written out once, whole: every object at its latest version, packed (see packPdf).
 */
export function finishPdf(raw: Uint8Array, meta: PdfMetadata): { pdf: Uint8Array; pages: number } {
  const pdf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const date = pdfDate(meta.date);
  for (const [at, length] of numbersAfter(pdf, '(D:')) if (length >= 14) pdf.write(date.slice(2, 16), at, 'latin1');
  renumberNodeIds(pdf);

  const tail = /trailer\s*<<([\s\S]*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$/.exec(pdf.toString('latin1', Math.max(0, pdf.length - 2048)));
  if (!tail) throw new Error('no trailer at the end of the printed PDF');
  const field = (name: string) => Number(new RegExp(`/${name} (\\d+)`).exec(tail[1]!)?.[1]);
  const [size, root, info] = [field('Size'), field('Root'), field('Info')];
  let next = size;
  /** The objects finishing adds or changes, by number, over those of the print. */
  const objects = new Map<number, PdfObject>();
  const set = (num: number, value: string) => objects.set(num, { value });

  const metadata = next++;
  const xmp = Buffer.from(xmpPacket(meta), 'utf8');
  objects.set(metadata, { value: `<</Type /Metadata\n/Subtype /XML\n/Length ${xmp.length}>>`, stream: xmp });
  const catalog = objectDict(pdf, root)
    .replace(/\/Lang \((?:[^()\\]|\\.)*\)/, '')
    .replace(/\/PageMode \/\w+/, '')
    .replace(/\/Metadata \d+ 0 R/, '')
    .replace(/>>$/, `/Lang (${pdfLang(meta.lang)})\n/Metadata ${metadata} 0 R\n/PageMode /UseOutlines>>`);
  set(root, catalog);
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
  set(info, `<<${infoDict}>>`);
  for (const [num, dict] of meta.headings ? outlineTitleFixes(pdf, catalog, new Set(meta.headings)) : []) set(num, dict);

  const reader = new XrefReader(pdf);
  const structTreeRoot = refNumber(/\/StructTreeRoot (\d+ 0 R)/.exec(catalog)?.[1]);
  if (structTreeRoot !== undefined) {
    for (const [num, o] of artifactStreams(reader)) objects.set(num, o);
    const { changed, added } = listBodies(reader, structTreeRoot, next);
    for (const [num, dict] of [...changed, ...added]) set(num, dict);
  }
  const id = createHash('sha256').update(pdf).update(JSON.stringify(meta)).digest('hex').slice(0, 32);
  return { pdf: new Uint8Array(packPdf(reader, objects, { root, info, id: `/ID [<${id}> <${id}>]` })), pages };
}

/** Objects packed into one object stream: enough to compress well, few enough to read one quickly. */
const OBJECTS_PER_STREAM = 200;

/**
 * The finished PDF written out whole and small (ISO 32000-1 §7.5.7, §7.5.8): every object at its latest version, so
 * what incremental updates superseded is gone; dictionaries and arrays — the structure tree, the outline, fonts'
 * dictionaries, which Chromium writes as plain text — packed into Flate-compressed object streams; streams copied as
 * they are; a compressed cross-reference stream with the trailer's entries. Deterministic: zlib at a fixed level gives the
 * same bytes for the same objects.
 */
export function packPdf(reader: XrefReader, updates: ReadonlyMap<number, PdfObject>, trailer: { root: number; info?: number; id?: string }): Buffer {
  const { root, info, id } = trailer;
  const numbers = [...new Set([...reader.numbers(), ...updates.keys()])].sort((a, b) => a - b);
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
    const o = updates.get(num) ?? reader.object(num);
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
    const data = deflateSync(Buffer.from(head + bodies.join('\n') + '\n', 'latin1'), PDF_DEFLATE);
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
  const xref = deflateSync(rows, PDF_DEFLATE);
  const xrefAt = at;
  write(
    Buffer.concat([
      Buffer.from(
        `${xrefNum} 0 obj\n<</Type /XRef /Size ${size} /W [1 4 2] /Root ${root} 0 R${Number.isInteger(info) ? ` /Info ${info} 0 R` : ''}${id ? ` ${id}` : ''} /Filter /FlateDecode /Length ${xref.length}>>\nstream\n`,
        'latin1',
      ),
      xref,
      Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1'),
    ]),
  );
  return Buffer.concat(chunks);
}
