// views/ — view models: the data as each brief prints it, every value worded by the locale (views.ts, format.ts,
// locale.ts), typeset (typeset.ts) and in its edition's script; the names review of the zh-Hans edition. Imports data/.
export { briefView, changesView, printedDataset, publicationView } from './views.ts';
export { loadLocale, type Locale } from './locale.ts';
