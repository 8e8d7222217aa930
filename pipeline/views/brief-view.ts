// Any brief's view by its name: the chronology's, the roster's or the checklist's.
import type { Dataset } from '../data/schema.ts';
import { checklistView, type ChecklistView } from './checklist.ts';
import { chronologyView, type ChronologyView } from './chronology.ts';
import type { BriefName, Locale } from './locale.ts';
import { rosterView, type RosterView } from './roster.ts';
import { seriesFacts, type SeriesFacts } from './series.ts';

export type BriefView = ChronologyView | RosterView | ChecklistView;

export function briefView(name: BriefName, data: Dataset, locale: Locale, facts: SeriesFacts = seriesFacts(data, locale)): BriefView {
  if (name === 'chronology') return chronologyView(data, locale, facts);
  if (name === 'roster') return rosterView(data, locale, facts);
  return checklistView(data, locale, facts);
}
