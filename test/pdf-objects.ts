// The objects of a PDF as text, for tests: the finished PDFs keep their dictionaries in compressed object streams,
// so a search of the raw bytes finds nothing there. pdf-lib reads object streams; each object is printed as PDF
// syntax (streams as their dictionaries). Loading is the caller's, so that a PDF read in several ways is loaded once.
import { type PDFDocument, PDFRawStream } from 'pdf-lib';

export function pdfObjectsText(pdf: PDFDocument): string {
  return pdf.context
    .enumerateIndirectObjects()
    .map(([ref, obj]) => `${ref.toString()} ${obj instanceof PDFRawStream ? obj.dict.toString() : obj.toString()}`)
    .join('\n');
}
