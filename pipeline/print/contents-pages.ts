// The page numbers of a bound document's contents (the dossier's), worked out before it is printed: each part that
// is laid out as a PDF printed on its own (a brief, contents and all) takes its page count and its headings' pages
// from that PDF; what has none (the cover and contents, the changes page) is measured by printing the document with
// those parts left out, which costs only the pages that remain. Pure: the printer does the printing (pdf.ts).

/** A part of the bound document, in document order; every part starts a page. */
export interface BoundPart {
  /** The part's ids are those of its own PDF with this prefix. */
  idPrefix: string;
  /** The part's own PDF, read: its page count and the pages of its named destinations. Absent, it is measured. */
  own?: { pages: number; destinations: ReadonlyMap<string, number> };
}

/** An entry of the contents: the id it points at, and the part that holds it (-1: before the first part). */
export interface ContentsTarget {
  id: string;
  part: number;
}

/** The print with every part that has its own PDF left out: its page count and the pages of its destinations. */
export interface MeasuringPrint {
  pages: number;
  destinations: ReadonlyMap<string, number>;
}

/**
 * The page of every contents target in the whole document, or undefined where the layout cannot be told this way
 * (a measured part none of whose entries printed, an entry its part's own PDF does not place). A part's first entry
 * is its title, which opens the part's first page even when its own PDF has no destination for it.
 */
export function boundContentsPages(parts: readonly BoundPart[], targets: readonly ContentsTarget[], measured: MeasuringPrint): Map<string, number> | undefined {
  const firstTarget = parts.map((_, i) => targets.find((t) => t.part === i));
  // Where each measured part starts in the measuring print: at its first entry.
  const measuredStart = parts.map((p, i) => {
    if (p.own) return undefined;
    const first = firstTarget[i];
    return first ? measured.destinations.get(first.id) : undefined;
  });
  if (parts.some((p, i) => !p.own && measuredStart[i] === undefined)) return undefined;
  const firstMeasured = measuredStart.find((s) => s !== undefined);
  const frontPages = firstMeasured === undefined ? measured.pages : firstMeasured - 1;
  const pagesOf = (i: number): number => {
    const own = parts[i]!.own;
    if (own) return own.pages;
    const next = measuredStart.slice(i + 1).find((s) => s !== undefined) ?? measured.pages + 1;
    return next - measuredStart[i]!;
  };
  const starts: number[] = [];
  for (let i = 0, at = frontPages + 1; i < parts.length; at += pagesOf(i), i++) starts.push(at);

  const pages = new Map<string, number>();
  for (const t of targets) {
    if (t.part < 0) {
      const page = measured.destinations.get(t.id);
      if (page === undefined) return undefined;
      pages.set(t.id, page);
      continue;
    }
    const part = parts[t.part]!;
    let inPart: number | undefined;
    if (part.own) {
      const ownId = t.id.startsWith(part.idPrefix) ? t.id.slice(part.idPrefix.length) : undefined;
      inPart = ownId === undefined ? undefined : (part.own.destinations.get(ownId) ?? (firstTarget[t.part] === t ? 1 : undefined));
    } else {
      const page = measured.destinations.get(t.id);
      inPart = page === undefined ? undefined : page - measuredStart[t.part]! + 1;
    }
    if (inPart === undefined) return undefined;
    pages.set(t.id, starts[t.part]! + inPart - 1);
  }
  return pages;
}
