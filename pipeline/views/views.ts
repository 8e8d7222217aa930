// The view models' old single-module path, kept while build/editions.ts and render/ (briefs.ts, render-markdown.ts)
// still import it: every name is re-exported from the module that now holds it. New code imports from index.ts or
// from the module itself.
export type { BriefCommon } from './brief-parts.ts';
export { briefView, type BriefView } from './brief-view.ts';
export { changesView, type ChangeItem, type ChangesView } from './changes.ts';
export { checklistView, FOLLOW_UP_STATUSES, type ChecklistGroup, type ChecklistItem, type ChecklistView } from './checklist.ts';
export { chronologyView, type ChronologyEntry, type ChronologyView, type SessionRow, type SessionTable } from './chronology.ts';
export type { Footnote, Note } from './footnotes.ts';
export { foreignPassages, printedDataset } from './printed.ts';
export { roleText, rosterView, type PersonView, type RosterView, type RoundDelegations } from './roster.ts';
export { publicationView, seriesFacts, type BriefText, type PublicationView, type SeriesFacts } from './series.ts';
