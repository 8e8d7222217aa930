// The dataset as an edition prints it (in its script, typeset), and the passages it prints in the other script.
import { editionDataset, editionsOf, isOwnEdition } from '../data/convert.ts';
import type { Lang } from '../data/names.ts';
import type { Dataset } from '../data/schema.ts';
import { langOfScript, scriptOf, type ForeignPassage } from '../data/script.ts';
import { mapDatasetText } from '../data/text-fields.ts';
import { typesetText } from './typeset.ts';

/**
 * The dataset as an edition prints it: its text in the edition's script (converted by OpenCC for the other edition,
 * convert.ts), then typeset (full-width punctuation between Han characters) unless publication.yaml asks for
 * punctuation as written. Every view model starts from this, so every printed string is converted once.
 */
export function printedDataset(data: Dataset, lang: Lang = editionsOf(data)[0]!): Dataset {
  const inScript = editionDataset(data, lang);
  const punctuation = data.publication.punctuation ?? 'full-width';
  return punctuation === 'as-written' ? inScript : mapDatasetText(inScript, (text) => typesetText(text, punctuation));
}

/**
 * The passages an edition prints in the other script, each with its language: the data's verbatim quotations in
 * that script, and the titles of sources written in it where the edition prints the data as written. `printed` is
 * the edition's printed dataset, so the passages are the strings its views hold.
 */
export function foreignPassages(printed: Dataset, lang: Lang): ForeignPassage[] {
  const script = scriptOf(lang);
  const passages: ForeignPassage[] = (printed.publication.verbatim ?? []).filter((v) => scriptOf(v.language) !== script).map((v) => ({ text: v.text, lang: v.language }));
  if (isOwnEdition(printed, lang)) {
    for (const s of printed.sources) {
      const sourceScript = scriptOf(s.language);
      if (sourceScript !== undefined && sourceScript !== script) passages.push({ text: s.title, lang: langOfScript(sourceScript) });
    }
  }
  return passages;
}
