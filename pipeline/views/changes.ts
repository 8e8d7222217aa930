// The changes page's view (修訂說明): what was added, corrected and removed since the earlier edition's dataset.
import type { Change, RecordKind } from '../data/compare.ts';
import type { Citation, Dataset, OutcomeStatus, Side } from '../data/schema.ts';
import { Footnotes, type Footnote } from './footnotes.ts';
import { formatDate, formatDateRange, formatList } from './format.ts';
import { fill, type Locale } from './locale.ts';

export interface ChangeItem {
  text: string;
  cites: string[];
}

export interface ChangesView {
  lang: string;
  title: string;
  intro: string;
  /** Added, corrected and removed, each a heading and its items; groups with nothing are left out. */
  groups: { id: string; heading: string; items: ChangeItem[] }[];
  /** What the page says when the two datasets hold the same records. */
  none: string | null;
  footnotes: Footnote[];
}

const DATE_FIELDS = new Set(['start', 'end', 'date', 'from', 'until']);

/**
 * The changes page (修訂說明) of an edition: every change from the earlier dataset to this one in words a reader
 * understands — what was added, what was corrected with its value before and after, what was removed — each with
 * the citation of its record (a removed record's from the earlier dataset). `before` and `after` are the edition's
 * printed datasets, so names and text read as the edition prints them.
 */
export function changesView(changes: readonly Change[], before: Dataset, after: Dataset, locale: Locale, editions: { since: string; edition: string }): ChangesView {
  const labels = locale.changes;
  // A removed record cites a source the earlier dataset had.
  const sources = [...after.sources, ...before.sources.filter((s) => !after.sources.some((a) => a.id === s.id))];
  const footnotes = new Footnotes({ ...after, sources }, locale);
  const datasets = { before, after };

  const recordOf = (data: Dataset, kind: RecordKind, id: string): (Record<string, unknown> & { source?: Citation }) | undefined => {
    const all: Record<RecordKind, readonly { id: string }[]> = {
      mechanism: [data.mechanism],
      round: data.dialogues,
      session: data.dialogues.flatMap((d) => (d.sessions ?? []).map((s) => ({ ...s, round: d.id }))),
      event: data.events,
      person: data.people,
      role: data.people.flatMap((p) => p.roles.map((r) => ({ ...r, person: p.id }))),
      outcome: data.outcomes,
      category: data.categories,
      place: data.places,
      source: data.sources,
    };
    return all[kind].find((r) => r.id === id) as (Record<string, unknown> & { source?: Citation }) | undefined;
  };
  const label = (data: Dataset, kind: RecordKind, id: string): string => {
    const r = recordOf(data, kind, id) as Record<string, string> | undefined;
    if (!r) return id;
    if (kind === 'round') return fill(labels.dated, { date: formatDateRange(locale, r.start!, r.end), text: r.name! });
    if (kind === 'event') return fill(labels.dated, { date: formatDate(locale, r.date!), text: r.title! });
    if (kind === 'session') return `${label(data, 'round', r.round!)}${fill(locale.chronology.session, { n: r.ordinal! })}`;
    if (kind === 'role') return fill(labels.role, { person: label(data, 'person', r.person!), title: r.title! });
    return r.name ?? r.title ?? r.text ?? id;
  };
  // A field's value as a reader reads it, in the dataset it belongs to; null where it cannot be said in a few words.
  const valueOf = (data: Dataset, field: string, value: unknown): string | null => {
    if (value === undefined) return locale.not_recorded;
    if (DATE_FIELDS.has(field) && typeof value === 'string') return formatDate(locale, value);
    if (field === 'status' && typeof value === 'string') return locale.checklist.statuses[value as OutcomeStatus] ?? value;
    if (field === 'side' && typeof value === 'string') return locale.sides[value as Side] ?? value;
    if ((field === 'places' || field === 'place') && (Array.isArray(value) || typeof value === 'string')) {
      return formatList(locale, [value].flat().map((id: string) => label(data, 'place', id)));
    }
    if (field === 'category' && typeof value === 'string') return label(data, 'category', value);
    if (field === 'context' && typeof value === 'string') return recordOf(data, 'round', value) ? label(data, 'round', value) : label(data, 'event', value);
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return formatList(locale, value);
    return null;
  };
  const citation = (data: Dataset, kind: RecordKind, id: string): Citation | undefined =>
    kind === 'source' ? { id } : (recordOf(data, kind, id)?.source as Citation | undefined);

  const items = (change: Change['change']) =>
    changes
      .filter((c) => c.change === change)
      .map((c): ChangeItem => {
        const data = change === 'removed' ? datasets.before : datasets.after;
        const record = labels.records[c.record];
        const name = label(data, c.record, c.id);
        if (c.change !== 'corrected') return { text: fill(labels.item, { record, label: name }), cites: footnotes.cite([citation(data, c.record, c.id)]) };
        const field = labels.fields[c.field as keyof typeof labels.fields] ?? labels.fields.other;
        const was = valueOf(before, c.field!, c.before);
        const is = valueOf(after, c.field!, c.after);
        const text = was !== null && is !== null ? fill(labels.corrected_item, { record, label: name, field, before: was, after: is }) : fill(labels.revised_item, { record, label: name, field });
        return { text, cites: footnotes.cite([citation(after, c.record, c.id)]) };
      });
  const groups = (['added', 'corrected', 'removed'] as const)
    .map((change) => ({ id: `changes-${change}`, heading: labels[change], items: items(change) }))
    .filter((g) => g.items.length > 0);
  return {
    lang: locale.lang,
    title: labels.title,
    intro: fill(labels.intro, editions),
    groups,
    none: changes.length === 0 ? labels.none : null,
    footnotes: footnotes.all(),
  };
}
