// The structure of the printed PDFs, for assistive technology and archival checkers: the checklist's boxes are
// figures with alternate text (not form fields without a widget), the catalog carries XMP metadata that agrees with
// the Info dictionary, everything the structure tree does not hold (page background, running header and footer,
// decoration) is marked as an artifact, every list item has a body, table headers have a scope, and the finishing
// that does all this gives the same bytes every time (the determinism test of editions.test.ts, over every file).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFRef, PDFString, type PDFObject } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLocale } from '../pipeline/views/locale.ts';
import { markArtifacts } from '../pipeline/print/pdf-artifacts.ts';
import { pdfArrayItems } from '../pipeline/print/pdf-objects.ts';
import { xmpPacket, type PdfMetadata } from '../pipeline/print/pdf-finish.ts';
import { FOLLOW_UP_STATUSES } from '../pipeline/views/checklist.ts';
import { realDataset, TEMPLATES } from './render.ts';
import { realBuild } from './shared-build.ts';

const NAMES = ['chronology', 'roster', 'checklist', 'dossier'] as const;
const dataset = await realDataset();
const locale = await loadLocale(TEMPLATES, 'zh-Hant');

/** A PDF text string's value: PDFDocEncoding or UTF-16BE with a byte-order mark. */
const textOf = (obj: PDFObject | undefined): string | undefined =>
  obj instanceof PDFString || obj instanceof PDFHexString ? obj.decodeText() : undefined;

interface StructElement {
  ref: PDFRef;
  dict: PDFDict;
  role: string;
  parent: PDFRef | undefined;
  kids: StructElement[];
}

/** The structure tree, every element with its role and its element children (marked content left out). */
function structureTree(doc: PDFDocument): StructElement[] {
  const root = doc.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict);
  const all: StructElement[] = [];
  const kidsOf = (dict: PDFDict): StructElement[] => {
    const k = dict.get(PDFName.of('K'));
    const items = k instanceof PDFArray ? k.asArray() : k ? [k] : [];
    const out: StructElement[] = [];
    for (const item of items) {
      if (!(item instanceof PDFRef)) continue;
      const kid = doc.context.lookup(item);
      if (!(kid instanceof PDFDict) || !kid.has(PDFName.of('S'))) continue;
      const parent = kid.get(PDFName.of('P'));
      const element: StructElement = { ref: item, dict: kid, role: String(kid.get(PDFName.of('S'))).slice(1), parent: parent instanceof PDFRef ? parent : undefined, kids: [] };
      all.push(element);
      element.kids = kidsOf(kid);
      out.push(element);
    }
    return out;
  };
  kidsOf(root);
  return all;
}

/** Every page's content, decoded. */
function pageContents(doc: PDFDocument): string[] {
  return doc.getPages().map((page) => {
    const contents = page.node.get(PDFName.of('Contents'));
    const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
    return refs.map((r) => inflateSync((doc.context.lookup(r as PDFRef) as PDFRawStream).contents).toString('latin1')).join('\n');
  });
}

/** Text by page, split into what marked content with an MCID holds, what /Artifact holds, and what neither does. */
async function markedText(pdf: Uint8Array): Promise<{ tagged: string; artifact: string; neither: string }[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: pdf.slice(), verbosity: 0 }).promise;
  const pages = [];
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      const page = { tagged: '', artifact: '', neither: '' };
      const stack: ('tagged' | 'artifact' | 'none')[] = [];
      for (const item of (await (await doc.getPage(n)).getTextContent({ includeMarkedContent: true })).items) {
        if ('type' in item) {
          if (item.type === 'beginMarkedContent' || item.type === 'beginMarkedContentProps') {
            // pdf.js gives the tag too, which its types leave out.
            stack.push((item as { tag?: string }).tag === 'Artifact' ? 'artifact' : item.id ? 'tagged' : 'none');
          } else if (item.type === 'endMarkedContent') stack.pop();
          continue;
        }
        const kind = stack.includes('artifact') ? 'artifact' : stack.includes('tagged') ? 'tagged' : 'neither';
        page[kind] += item.str;
      }
      pages.push({ tagged: page.tagged.replace(/\s+/g, ''), artifact: page.artifact.replace(/\s+/g, ''), neither: page.neither.replace(/\s+/g, '') });
    }
  } finally {
    await doc.destroy();
  }
  return pages;
}

const PATH_PAINTING = /(?:^|\s)(?:S|s|f\*?|F|B\*?|b\*?|sh|Do|Tj|TJ)$/;

/**
 * Painting operators outside marked content with an MCID and outside /Artifact, read line by line as Skia writes
 * content streams (one operator per line, marked content opened on a line of its own).
 */
function unmarkedPainting(content: string): string[] {
  const found: string[] = [];
  const stack: boolean[] = [];
  for (const line of content.split('\n')) {
    if (/\bBDC$/.test(line)) stack.push(/^\/Artifact\b/.test(line) || /\/MCID\s+\d+/.test(line));
    else if (/^\/\w+ BMC$/.test(line)) stack.push(line.startsWith('/Artifact '));
    else if (line === 'EMC') stack.pop();
    else if (PATH_PAINTING.test(line) && !stack.some(Boolean)) found.push(line);
  }
  return found;
}

describe('the structure of the printed PDFs', () => {
  let pdfs: Record<(typeof NAMES)[number], Uint8Array>;
  let docs: Record<(typeof NAMES)[number], PDFDocument>;
  beforeAll(async () => {
    pdfs = Object.fromEntries(NAMES.map((n) => [n, new Uint8Array(readFileSync(join(realBuild.outDir, 'zh-Hant', `${n}.pdf`)))])) as typeof pdfs;
    docs = Object.fromEntries(await Promise.all(NAMES.map(async (n) => [n, await PDFDocument.load(pdfs[n], { updateMetadata: false })] as const))) as typeof docs;
  });

  it('tag each checklist box as a figure with the locale\'s alternate text, and no form field', () => {
    const followUp = dataset.outcomes.filter((o) => FOLLOW_UP_STATUSES.includes(o.status)).length;
    for (const name of ['checklist', 'dossier'] as const) {
      const tree = structureTree(docs[name]);
      expect(tree.filter((e) => e.role === 'Form'), name).toEqual([]);
      const figures = tree.filter((e) => e.role === 'Figure').map((e) => textOf(e.dict.get(PDFName.of('Alt'))));
      expect(figures, name).toHaveLength(dataset.outcomes.length);
      expect(figures.filter((alt) => alt === locale.checklist.follow_up), name).toHaveLength(followUp);
      expect(figures.filter((alt) => alt === locale.checklist.settled), name).toHaveLength(dataset.outcomes.length - followUp);
    }
  });

  it('carry XMP metadata on the catalog that agrees with the Info dictionary, with the data\'s date', async () => {
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    for (const name of NAMES) {
      const doc = docs[name];
      const stream = doc.context.lookup(doc.catalog.get(PDFName.of('Metadata')));
      if (!(stream instanceof PDFRawStream)) throw new Error(`${name}: the catalog has no /Metadata stream`);
      expect(String(stream.dict.get(PDFName.of('Type'))), name).toBe('/Metadata');
      expect(String(stream.dict.get(PDFName.of('Subtype'))), name).toBe('/XML');
      expect(stream.dict.has(PDFName.of('Filter')), `${name}: the XMP is not compressed`).toBe(false);
      const xmp = Buffer.from(stream.contents).toString('utf8');
      const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
      const infoText = (key: string) => textOf(info.get(PDFName.of(key)));
      const creation = /^D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(infoText('CreationDate') ?? '');
      expect(creation, name).not.toBeNull();
      const iso = `${creation![1]}-${creation![2]}-${creation![3]}T${creation![4]}:${creation![5]}:${creation![6]}Z`;
      expect(iso).toBe('2021-03-22T00:00:00Z');
      expect(infoText('ModDate'), name).toBe(infoText('CreationDate'));
      const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      expect(xmp, name).toContain(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${escaped(infoText('Title')!)}</rdf:li></rdf:Alt></dc:title>`);
      expect(xmp, name).toContain(`<dc:creator><rdf:Seq><rdf:li>${escaped(infoText('Author')!)}</rdf:li></rdf:Seq></dc:creator>`);
      expect(xmp, name).toContain(`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escaped(infoText('Subject')!)}</rdf:li></rdf:Alt></dc:description>`);
      expect(xmp, name).toContain(`<pdf:Keywords>${escaped(infoText('Keywords')!)}</pdf:Keywords>`);
      expect(xmp, name).toContain(`<pdf:Producer>${escaped(infoText('Producer')!)}</pdf:Producer>`);
      expect(xmp, name).toContain(`<xmp:CreatorTool>${escaped(infoText('Creator')!)}</xmp:CreatorTool>`);
      expect(xmp, name).toContain('<dc:language><rdf:Bag><rdf:li>zh-Hant</rdf:li></rdf:Bag></dc:language>');
      for (const key of ['CreateDate', 'ModifyDate', 'MetadataDate']) expect(xmp, name).toContain(`<xmp:${key}>${iso}</xmp:${key}>`);

      const pdfjs = await getDocument({ data: pdfs[name].slice(), verbosity: 0 }).promise;
      try {
        const { metadata, info: pdfjsInfo } = await pdfjs.getMetadata();
        expect(metadata?.get('dc:title'), name).toBe((pdfjsInfo as { Title: string }).Title);
        expect(metadata?.get('dc:title'), name).toBe(infoText('Title'));
      } finally {
        await pdfjs.destroy();
      }
    }
  });

  it('mark the running header, the footer and all other untagged drawing as artifacts', async () => {
    for (const name of NAMES) {
      for (const [i, content] of pageContents(docs[name]).entries()) expect(unmarkedPainting(content), `${name} page ${i + 1}`).toEqual([]);
      const pages = await markedText(pdfs[name]);
      for (const [i, page] of pages.entries()) {
        expect(page.neither, `${name} page ${i + 1}: text neither tagged nor an artifact`).toBe('');
        // The footer counts pages; the dossier's cover has neither header nor footer.
        if (name !== 'dossier' || i > 0) expect(page.artifact, `${name} page ${i + 1}`).toContain(`第${i + 1}頁，共${pages.length}頁`);
        expect(page.tagged, `${name} page ${i + 1}`).not.toContain(`共${pages.length}頁`);
      }
    }
    // The running header is the brief's title: an artifact on every page, while the title in the body is tagged.
    for (const name of ['chronology', 'roster', 'checklist'] as const) {
      const title = textOf(docs[name].context.lookup(docs[name].context.trailerInfo.Info, PDFDict).get(PDFName.of('Title')))!;
      const pages = await markedText(pdfs[name]);
      expect(pages[0]!.tagged, name).toContain(title);
      for (const [i, page] of pages.entries()) expect(page.artifact, `${name} page ${i + 1}`).toContain(title);
    }
  });

  it('give every list item a body, after its label, as the parent of the item\'s content', () => {
    for (const name of NAMES) {
      const tree = structureTree(docs[name]);
      const items = tree.filter((e) => e.role === 'LI');
      expect(items.length, name).toBeGreaterThan(10);
      for (const li of items) {
        const roles = li.kids.map((k) => k.role);
        expect(roles.filter((r) => r === 'LBody'), `${name} ${li.ref}`).toHaveLength(1);
        expect(roles.join(' '), `${name} ${li.ref}`).toMatch(/^(Lbl )*LBody$/);
        for (const kid of li.kids) expect(kid.parent, `${name} ${kid.ref}`).toEqual(li.ref);
        const body = li.kids.find((k) => k.role === 'LBody')!;
        expect(body.kids.length, `${name} ${body.ref}`).toBeGreaterThan(0);
        for (const kid of body.kids) expect(kid.parent, `${name} ${kid.ref}`).toEqual(body.ref);
      }
    }
  });

  it('structure tables as rows of header and data cells, every header with a scope', () => {
    for (const name of NAMES) {
      const tree = structureTree(docs[name]);
      const tables = tree.filter((e) => e.role === 'Table');
      expect(tables.length, name).toBeGreaterThan(0);
      for (const table of tables) {
        const rows = table.kids.filter((k) => k.role === 'TR' || k.role === 'THead' || k.role === 'TBody' || k.role === 'TFoot');
        expect(rows.length, `${name} ${table.ref}`).toBe(table.kids.length);
      }
      const headers = tree.filter((e) => e.role === 'TH');
      expect(headers.length, name).toBeGreaterThan(0);
      for (const th of headers) {
        const attributes = th.dict.lookup(PDFName.of('A'));
        const list = attributes instanceof PDFArray ? attributes.asArray() : [attributes];
        const scopes = list.map((a) => (a instanceof PDFDict ? a.get(PDFName.of('Scope'))?.toString() : undefined)).filter(Boolean);
        expect(scopes, `${name} ${th.ref}`).toEqual(['/Column']);
      }
      for (const cell of tree.filter((e) => e.role === 'TH' || e.role === 'TD')) expect(tree.find((e) => e.kids.includes(cell))?.role, name).toBe('TR');
    }
  });
});

describe('the PDF object reader', () => {
  it('takes an indirect reference whole, and nothing else for one', () => {
    expect(pdfArrayItems('[12 0 R 5 -3 0 R 7\n0\r\nR 8 0 Rx 9 0 R/N 10 0 R]')).toEqual(['12 0 R', '5', '-3', '0', 'R', '7\n0\r\nR', '8', '0', 'Rx', '9 0 R', '/N', '10 0 R']);
    expect(pdfArrayItems('[1 2 3.5 (a) <00ff> 4 0 R<</A 1 0 R>>]')).toEqual(['1', '2', '3.5', '(a)', '<00ff>', '4 0 R', '<</A 1 0 R>>']);
  });
});

describe('markArtifacts', () => {
  it('wraps what no marked content holds, whole graphics objects at a time, and leaves tagged content alone', () => {
    const content = [
      'q', '1 1 1 rg', '0 0 10 10 re', 'f', 'Q',
      'q', 'BT', '/F1 9 Tf', '<0001> Tj', 'ET', 'BT', '<0002> Tj', 'ET', 'Q',
      '/P <</MCID 0 >>BDC', 'BT', '<0003> Tj', 'ET', 'EMC',
      '0 0 1 1 re', 'f', '2 0 1 1 re', 'f',
      'BT', '/Span <</MCID 1 >>BDC', '<0004> Tj', 'EMC', '<0005> Tj', 'ET',
    ].join('\n');
    expect(markArtifacts(content)).toBe(
      [
        'q', '1 1 1 rg', '/Artifact BMC', '0 0 10 10 re', 'f', 'EMC', 'Q',
        'q', '/Artifact BMC', 'BT', '/F1 9 Tf', '<0001> Tj', 'ET', 'BT', '<0002> Tj', 'ET', 'EMC', 'Q',
        '/P <</MCID 0 >>BDC', 'BT', '<0003> Tj', 'ET', 'EMC',
        '/Artifact BMC', '0 0 1 1 re', 'f', '2 0 1 1 re', 'f', 'EMC',
        // Inside a text object that holds tagged content, only the showing operator: marked content nests in BT … ET.
        'BT', '/Span <</MCID 1 >>BDC', '<0004> Tj', 'EMC', '/Artifact BMC', '<0005> Tj', 'EMC', 'ET',
      ].join('\n'),
    );
  });

  it('changes nothing that is tagged or an artifact already, nor a stream it cannot read safely', () => {
    expect(markArtifacts('/P <</MCID 0 >>BDC\n0 0 1 1 re\nf\nEMC\n/Artifact BMC\nBT\n(x) Tj\nET\nEMC')).toBeUndefined();
    // An inline image, a path left open, marked content that does not nest with a text object.
    expect(markArtifacts('BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI')).toBeUndefined();
    expect(markArtifacts('0 0 1 1 re\n/P <</MCID 0 >>BDC\nf\nEMC')).toBeUndefined();
    expect(markArtifacts('/P <</MCID 0 >>BDC\nBT\nEMC\n(x) Tj\nET')).toBeUndefined();
  });
});

describe('xmpPacket', () => {
  const meta: PdfMetadata = {
    title: 'A <b> & "c"',
    author: "O'Brien",
    subject: 'x\u0001y',
    keywords: ['k1', 'k&2'],
    lang: 'zh-Hant',
    date: new Date('2024-05-01T12:34:56Z'),
    creator: 'tool',
  };

  it('escapes markup, drops what XML cannot hold, and takes its dates from the metadata', () => {
    const xmp = xmpPacket(meta);
    expect(xmp).toContain('<rdf:li xml:lang="x-default">A &lt;b&gt; &amp; &quot;c&quot;</rdf:li>');
    expect(xmp).toContain('<rdf:li>O&apos;Brien</rdf:li>');
    expect(xmp).toContain('<rdf:li xml:lang="x-default">xy</rdf:li>');
    expect(xmp).toContain('<pdf:Keywords>k1 k&amp;2</pdf:Keywords>');
    expect(xmp).toContain('<xmp:CreateDate>2024-05-01T12:34:56Z</xmp:CreateDate>');
    expect(xmpPacket(meta)).toBe(xmp);
  });
});
