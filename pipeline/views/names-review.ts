// The zh-Hans edition's review list: every name it prints as OpenCC converts it, with no explicit form in
// publication.yaml. Transliterated names are where mainland usage differs beyond characters (布希 → 布什), so an editor
// reads this list and adds a cited `zh_hans` form wherever OpenCC's reading is not how the mainland writes the name.
import { namesWithoutExplicitForm } from '../data/convert.ts';
import type { Dataset } from '../data/schema.ts';

/** The file the build writes in the zh-Hans edition's folder. */
export const NAMES_REVIEW = 'names-review.md';

const KIND_WORD = { person: 'person', place: 'place', mechanism: 'mechanism', round: 'round' } as const;

/** The review list as Markdown: one table row per name, as the data writes it and as the zh-Hans edition prints it. */
export function namesReview(data: Dataset): string {
  const names = namesWithoutExplicitForm(data);
  const forms = data.publication.zh_hans ?? [];
  const cell = (text: string) => text.replace(/[\\|]/g, (c) => `\\${c}`);
  return [
    '# zh-Hans names to review',
    '',
    `${names.length} names print in the zh-Hans edition as OpenCC converts them, with no explicit form; ${forms.length} have one`,
    '(publication.yaml, `zh_hans`). Where the mainland writes a name otherwise, add its form there with a citation.',
    '',
    '| as the data writes it | as zh-Hans prints it | kind |',
    '| --- | --- | --- |',
    ...names.map((n) => `| ${cell(n.name)} | ${cell(n.printed)} | ${KIND_WORD[n.kind]} |`),
    '',
  ].join('\n');
}
