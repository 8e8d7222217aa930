// views/ — view models: the data as each brief prints it, every value worded by the locale (format.ts, locale.ts),
// typeset (typeset.ts) and in its edition's script (printed.ts). By what they view: the series and the publication
// (series.ts), each brief (chronology.ts, roster.ts, checklist.ts; brief-view.ts picks one by name, brief-parts.ts and
// footnotes.ts are what they share), the changes page (changes.ts); the names review of the zh-Hans edition
// (names-review.ts). Imports data/.
export { briefView, type BriefView } from './brief-view.ts';
export { changesView, type ChangesView } from './changes.ts';
export type { Footnote } from './footnotes.ts';
export { foreignPassages, printedDataset } from './printed.ts';
export { publicationView, seriesFacts, type PublicationView, type SeriesFacts } from './series.ts';
export { loadLocale, type Locale } from './locale.ts';
