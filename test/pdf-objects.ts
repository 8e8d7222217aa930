// The objects of a PDF as text, for tests: the finished PDFs keep their dictionaries in compressed object streams,
// so a search of the raw bytes finds nothing there. pdf-lib reads object streams; each object is printed as PDF
// syntax (streams as their dictionaries).
import { PDFDocument, PDFRawStream } from 'pdf-lib';

export async function pdfObjectsText(pdf: Uint8Array): Promise<string> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  return doc.context
    .enumerateIndirectObjects()
    .map(([ref, obj]) => `${ref.toString()} ${obj instanceof PDFRawStream ? obj.dict.toString() : obj.toString()}`)
    .join('\n');
}
