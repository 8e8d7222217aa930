// The zh-Hans edition's text: the data's Traditional Chinese converted by OpenCC (Taiwan standard with phrases →
// mainland Simplified with phrases), once, in the dataset the views start from, so every printed string is converted
// exactly once and nothing else is. Where mainland usage differs beyond characters — transliterated names above all
// (布希 → 布什) — publication.yaml's `zh_hans` forms, each cited, win over OpenCC.
import { Converter } from 'opencc-js';
import type { Dataset, Publication } from './schema.ts';
import { mapDatasetText } from './typography.ts';

export type ExplicitForm = NonNullable<Publication['zh_hans']>[number];

let taiwanToMainland: ((text: string) => string) | undefined;

/** Corner brackets as GB/T 15834 writes quotation marks: 「」 → “”, 『』 → ‘’. */
const MAINLAND_QUOTES: Record<string, string> = { '「': '“', '」': '”', '『': '‘', '』': '’' };

/**
 * Traditional text as mainland Simplified. Each explicit term is set aside (as private-use markers OpenCC leaves
 * alone) before OpenCC runs, and its form put back after, so the form wins even inside a longer OpenCC phrase.
 */
export function toSimplified(text: string, forms: readonly ExplicitForm[] = []): string {
  const convert = (taiwanToMainland ??= Converter({ from: 'twp', to: 'cn' }));
  const ordered = [...forms].sort((a, b) => b.term.length - a.term.length || a.term.localeCompare(b.term));
  let marked = text;
  ordered.forEach((f, i) => {
    marked = marked.split(f.term).join(`\uE000${i}\uE001`);
  });
  const converted = convert(marked).replace(/\uE000(\d+)\uE001/g, (_: string, i: string) => ordered[Number(i)]!.form);
  return converted.replace(/[「」『』]/g, (q: string) => MAINLAND_QUOTES[q]!);
}

/** The dataset as the zh-Hans edition prints it: every text field converted, ids, dates and URLs untouched. */
export function simplifiedDataset(data: Dataset): Dataset {
  const forms = data.publication.zh_hans ?? [];
  return mapDatasetText(data, (text) => toSimplified(text, forms));
}

/** Names the zh-Hans edition prints with no explicit form: OpenCC's reading of them is for an editor to review. */
export function namesWithoutExplicitForm(data: Dataset): { name: string; printed: string }[] {
  const forms = data.publication.zh_hans ?? [];
  const names = [...data.people.flatMap((p) => [p.name, ...(p.name_variants ?? [])]), ...data.places.map((p) => p.name)];
  return [...new Set(names)]
    .filter((name) => !forms.some((f) => name.includes(f.term)))
    .map((name) => ({ name, printed: toSimplified(name, forms) }));
}
