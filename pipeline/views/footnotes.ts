// Footnotes: the citations a view prints, each described once (title, section, file, URL) and labelled, and the
// notes that carry them. Every brief view and the changes view collect theirs here.
import type { Citation, Dataset, SourceRemark } from '../data/schema.ts';
import { fill, type Locale } from './locale.ts';

export interface Footnote {
  label: string;
  text: string;
  url: string | null;
  /** The source's language where it is not the data's (an English page's title), else null. */
  lang: string | null;
  /** What stands between the text and the URL: a space after Latin text, the locale's separator after Chinese. */
  urlSeparator: string;
}


/** Collects the citations a brief uses as footnotes; the renderer lists them in the order a reader meets them. */
export class Footnotes {
  private readonly byLabel = new Map<string, Footnote>();
  constructor(
    private readonly dataset: Dataset,
    private readonly locale: Locale,
  ) {}

  cite(citations: readonly (Citation | undefined)[]): string[] {
    const labels: string[] = [];
    for (const c of citations) {
      if (!c) continue;
      const label = c.section ? `${c.id}-${c.section}` : c.id;
      if (!this.byLabel.has(label)) this.byLabel.set(label, this.describe(c, label));
      if (!labels.includes(label)) labels.push(label);
    }
    return labels;
  }

  private describe(c: Citation, label: string): Footnote {
    const source = this.dataset.sources.find((s) => s.id === c.id)!;
    const section = c.section ? source.sections?.find((s) => s.id === c.section) : undefined;
    const parts = [source.kind === 'document' ? `《${source.title}》` : source.title];
    if (section) parts.push(fill(this.locale.section_of, { section: section.title }));
    if (source.file) parts.push(fill(this.locale.source_file, { file: source.file }));
    const foreign = source.language.toLowerCase() !== this.dataset.publication.language.toLowerCase() && !source.language.toLowerCase().startsWith('zh');
    const text = parts.join(this.locale.footnote_separator);
    const urlSeparator = /[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]$/u.test(text) ? this.locale.footnote_separator : ' ';
    return { label, text, url: source.url ?? null, lang: foreign ? source.language : null, urlSeparator };
  }

  all(): Footnote[] {
    return [...this.byLabel.values()];
  }
}

export interface Note {
  text: string;
  cites: string[];
}

/** The source remarks of a record as notes, each citing its source. */
export function notes(remarks: readonly SourceRemark[] | undefined, footnotes: Footnotes): Note[] {
  return (remarks ?? []).map((r) => ({ text: r.text, cites: footnotes.cite([r.source]) }));
}
