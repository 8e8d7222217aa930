// The checklist's view: the outcomes grouped by status (work still to do first), then by category.
import { comparePartialDates } from '../data/dates.ts';
import type { Dataset, DialogueEvent, Outcome, OutcomeStatus } from '../data/schema.ts';
import { SIDES, type BriefCommon } from './brief-parts.ts';
import { Footnotes } from './footnotes.ts';
import { formatCount, formatDateRange, formatList } from './format.ts';
import { fill, type Locale } from './locale.ts';
import { briefText, seriesFacts, type SeriesFacts } from './series.ts';

/** Statuses that leave work to do; their items print as unchecked boxes, and their groups come first. */
export const FOLLOW_UP_STATUSES: readonly OutcomeStatus[] = ['to-be-implemented', 'to-be-negotiated', 'explored', 'keep-communicating'];
const SETTLED_STATUSES: readonly OutcomeStatus[] = ['agreed', 'shared-view', 'reaffirmed', 'position-stated'];

export interface ChecklistItem {
  id: string;
  checked: boolean;
  text: string;
  meta: string;
  cites: string[];
}

export interface ChecklistGroup {
  id: OutcomeStatus;
  heading: string;
  categories: { id: string; heading: string; items: ChecklistItem[] }[];
}

export interface ChecklistView extends BriefCommon {
  /** What the checklist says when there is no item; null otherwise. */
  empty: string | null;
  summary: { status: string; count: number }[];
  total: number;
  groups: ChecklistGroup[];
}

function contextOf(data: Dataset, o: Outcome): { start: string; end: string | null; title: string } {
  const d = data.dialogues.find((x) => x.id === o.context);
  if (d) return { start: d.start, end: d.end ?? null, title: d.name };
  const e = data.events.find((x) => x.id === o.context) as DialogueEvent;
  return { start: e.date, end: null, title: e.title };
}

export function checklistView(data: Dataset, locale: Locale, facts: SeriesFacts = seriesFacts(data, locale)): ChecklistView {
  const footnotes = new Footnotes(data, locale);
  const labels = locale.checklist;
  // Items in the order of their context's date, then as listed in the data.
  const contextStart = (o: Outcome) => contextOf(data, o).start;
  const outcomes = data.outcomes
    .map((o, i) => ({ o, i }))
    .sort((a, b) => comparePartialDates(contextStart(a.o), contextStart(b.o)) || a.i - b.i)
    .map(({ o }) => o);
  const statusLabel = (status: OutcomeStatus) =>
    FOLLOW_UP_STATUSES.includes(status) ? fill(labels.follow_up_status, { status: labels.statuses[status] }) : labels.statuses[status];
  const groups: ChecklistGroup[] = [];
  const summary: ChecklistView['summary'] = [];
  for (const status of [...FOLLOW_UP_STATUSES, ...SETTLED_STATUSES]) {
    const inStatus = outcomes.filter((o) => o.status === status);
    if (inStatus.length === 0) continue;
    const followUp = FOLLOW_UP_STATUSES.includes(status);
    const categories = data.categories
      .map((category) => {
        const items = inStatus
          .filter((o) => o.category === category.id)
          .map((o): ChecklistItem => {
            const context = contextOf(data, o);
            return {
              id: o.id,
              checked: !followUp,
              text: o.text,
              meta: fill(labels.item_meta, {
                parties_label: labels.parties,
                parties: formatList(locale, SIDES.filter((s) => o.parties.includes(s)).map((s) => locale.sides[s])),
                context_label: labels.context,
                context: fill(labels.context_of, { date: formatDateRange(locale, context.start, context.end), title: context.title }),
              }),
              cites: footnotes.cite([o.source]),
            };
          });
        return { id: category.id, heading: fill(labels.group_heading, { status: category.name, count: formatCount(locale, items.length) }), items };
      })
      .filter((c) => c.items.length > 0);
    groups.push({ id: status, heading: fill(labels.group_heading, { status: statusLabel(status), count: formatCount(locale, inStatus.length) }), categories });
    summary.push({ status: statusLabel(status), count: inStatus.length });
  }
  return {
    lang: locale.lang,
    name: 'checklist',
    brief: briefText('checklist', data, locale, facts),
    empty: outcomes.length === 0 ? locale.briefs.checklist.empty! : null,
    summary,
    total: outcomes.length,
    groups,
    footnotes: footnotes.all(),
  };
}
