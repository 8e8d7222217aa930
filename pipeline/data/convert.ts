// The zh-Hans edition's text: the data's Traditional Chinese converted by OpenCC (Taiwan standard with phrases →
// mainland Simplified with phrases), once, in the dataset the views start from, so every printed string is converted
// exactly once and nothing else is. Where mainland usage differs beyond characters — transliterated names above all
// (布希 → 布什) — publication.yaml's `zh_hans` forms, each cited, win over OpenCC; its `verbatim` passages (quotations
// in their source's own script) and the titles of sources written in the other script print as written.
import { Converter } from 'opencc-js';
import type { Lang } from './names.ts';
import type { Dataset, Publication } from './schema.ts';
import { langOfScript, scriptOf } from './script.ts';
import { mapDatasetText } from './text-fields.ts';

export type ExplicitForm = NonNullable<Publication['zh_hans']>[number];
export type Verbatim = NonNullable<Publication['verbatim']>[number];

let taiwanToMainland: ((text: string) => string) | undefined;

/**
 * Punctuation as GB/T 15834 writes it where Taiwan's usage differs: corner brackets as quotation marks (「」 → “”,
 * 『』 → ‘’) and the hyphenation point some Taiwan texts use between the parts of a foreign name (‧ → ·).
 */
const MAINLAND_PUNCTUATION: Record<string, string> = { '「': '“', '」': '”', '『': '‘', '』': '’', '‧': '·' };

/**
 * Traditional text as mainland Simplified. Each explicit term and each passage kept as written is set aside (as
 * private-use markers OpenCC leaves alone) before OpenCC runs, and put back after, so a form wins even inside a
 * longer OpenCC phrase and a quotation is never touched.
 */
export function toSimplified(text: string, forms: readonly ExplicitForm[] = [], asWritten: readonly string[] = []): string {
  const convert = (taiwanToMainland ??= Converter({ from: 'twp', to: 'cn' }));
  const setAside = [...asWritten.map((t) => ({ term: t, form: t })), ...forms.map((f) => ({ term: f.term, form: f.form }))]
    // Longest first, so a passage holding a term is set aside whole; a passage wins over a form of the same text.
    .sort((a, b) => b.term.length - a.term.length || a.term.localeCompare(b.term));
  let marked = text;
  setAside.forEach((f, i) => {
    if (marked.includes(f.term)) marked = marked.split(f.term).join(`\uE000${i}\uE001`);
  });
  const restore = (s: string) => s.replace(/\uE000(\d+)\uE001/g, (_: string, i: string) => setAside[Number(i)]!.form);
  // Punctuation is changed outside the passages only: they are put back after it.
  return restore(convert(marked).replace(/[「」『』‧]/g, (q: string) => MAINLAND_PUNCTUATION[q]!));
}

/** The editions a dataset can make: its own language's, and zh-Hans from Traditional data. */
export function editionsOf(data: Dataset): Lang[] {
  const script = scriptOf(data.publication.language);
  return script === 'Hant' ? ['zh-Hant', 'zh-Hans'] : script === 'Hans' ? ['zh-Hans'] : ['zh-Hant'];
}

/** True when the edition prints the data's text as written (its own script), false when it converts it. */
export const isOwnEdition = (data: Dataset, lang: Lang): boolean => {
  const script = scriptOf(data.publication.language);
  return script === undefined || langOfScript(script) === lang;
};

/** The dataset's passages that print as written in every edition: its verbatim quotations. */
export const asWrittenPassages = (data: Dataset): string[] => (data.publication.verbatim ?? []).map((v) => v.text);

/**
 * The dataset as the zh-Hans edition prints it: every text field converted, ids, dates and URLs untouched; verbatim
 * passages, and the titles of sources whose language is in another script than the data's (their own words), as
 * written.
 */
export function simplifiedDataset(data: Dataset): Dataset {
  const forms = data.publication.zh_hans ?? [];
  const passages = asWrittenPassages(data);
  const converted = mapDatasetText(data, (text) => toSimplified(text, forms, passages));
  const dataScript = scriptOf(data.publication.language);
  converted.sources = converted.sources.map((s, i) => {
    const script = scriptOf(data.sources[i]!.language);
    return script !== undefined && script !== dataScript ? { ...s, title: data.sources[i]!.title } : s;
  });
  // The publisher's own words for this edition, as written.
  const { zh_hans_publication: own, ...publication } = converted.publication;
  converted.publication = { ...publication, ...own, ...(own ? { zh_hans_publication: own } : {}) };
  return converted;
}

/** The dataset in an edition's script: as it is for its own language's edition, converted for the other. */
export function editionDataset(data: Dataset, lang: Lang): Dataset {
  if (isOwnEdition(data, lang)) return data;
  if (lang === 'zh-Hans' && scriptOf(data.publication.language) === 'Hant') return simplifiedDataset(data);
  throw new Error(`no conversion of ${data.publication.language} data to a ${lang} edition`);
}

/** A name the zh-Hans edition prints with no explicit form: OpenCC's reading of it is for an editor to review. */
export interface NameToReview {
  name: string;
  printed: string;
  /** What it names: a person, a place, the mechanism, a round. */
  kind: 'person' | 'place' | 'mechanism' | 'round';
}

/** Names the zh-Hans edition prints with no explicit form, each once, in the order the data lists them. */
export function namesWithoutExplicitForm(data: Dataset): NameToReview[] {
  const forms = data.publication.zh_hans ?? [];
  const passages = asWrittenPassages(data);
  const names: { name: string; kind: NameToReview['kind'] }[] = [
    ...data.people.flatMap((p) => [p.name, ...(p.name_variants ?? [])].map((name) => ({ name, kind: 'person' as const }))),
    ...data.places.map((p) => ({ name: p.name, kind: 'place' as const })),
    { name: data.mechanism.name, kind: 'mechanism' },
    ...data.dialogues.flatMap((d) => (d.name ? [{ name: d.name, kind: 'round' as const }] : [])),
  ];
  const seen = new Set<string>();
  return names
    .filter(({ name }) => !seen.has(name) && seen.add(name) && !forms.some((f) => name.includes(f.term)) && !passages.includes(name))
    .map(({ name, kind }) => ({ name, printed: toSimplified(name, forms, passages), kind }));
}
