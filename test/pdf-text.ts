// A PDF's text as a reader's search sees it, through pdf.js: the text items of each line, joined as they are.
import { readFileSync } from 'node:fs';

export async function pdfLines(file: string): Promise<string[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(readFileSync(file)), verbosity: 0 }).promise;
  const lines: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    let line = '';
    for (const item of (await (await doc.getPage(i)).getTextContent()).items) {
      if (!('str' in item)) continue;
      line += item.str;
      if (item.hasEOL) {
        lines.push(line);
        line = '';
      }
    }
    if (line) lines.push(line);
  }
  await doc.destroy();
  return lines;
}

/** The language and title a PDF says it is in: its catalog's /Lang (as pdf.js reads it) and its XMP dc:language. */
export async function pdfLanguage(file: string): Promise<{ lang: string | undefined; xmp: unknown }> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(readFileSync(file)), verbosity: 0 }).promise;
  try {
    const { info, metadata } = await doc.getMetadata();
    return { lang: (info as { Language?: string }).Language, xmp: metadata?.get('dc:language') };
  } finally {
    await doc.destroy();
  }
}
