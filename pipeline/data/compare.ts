// What changed between two editions' datasets: record by record, matched by their stable ids (so a reordered file
// is no change), field by field. Pure: the caller loads both datasets (earlier.ts); the views word the changes.
import type { Dataset } from './schema.ts';

/** The kinds of record a change can be about, in the order the changes page lists them. */
export const RECORD_KINDS = ['mechanism', 'round', 'session', 'event', 'person', 'role', 'outcome', 'category', 'place', 'source'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export interface Change {
  change: 'added' | 'removed' | 'corrected';
  record: RecordKind;
  id: string;
  /** For a correction: the field, its value before and after (absent where the field was absent). */
  field?: string;
  before?: unknown;
  after?: unknown;
}

type Keyed = { id: string } & Record<string, unknown>;

/** Every record of a dataset by kind, each with the fields a change is judged on (nested records apart). */
function recordsOf(data: Dataset): Map<RecordKind, Keyed[]> {
  const plain = (value: object, nested: string[] = []): Keyed =>
    Object.fromEntries(Object.entries(value).filter(([k]) => !nested.includes(k))) as Keyed;
  return new Map<RecordKind, Keyed[]>([
    ['mechanism', [plain(data.mechanism)]],
    ['round', data.dialogues.map((d) => plain(d, ['sessions']))],
    ['session', data.dialogues.flatMap((d) => (d.sessions ?? []).map((s) => ({ ...plain(s), round: d.id })))],
    ['event', data.events.map((e) => plain(e))],
    ['person', data.people.map((p) => plain(p, ['roles']))],
    ['role', data.people.flatMap((p) => p.roles.map((r) => ({ ...plain(r), person: p.id })))],
    ['outcome', data.outcomes.map((o) => plain(o))],
    ['category', data.categories.map((c) => plain(c))],
    ['place', data.places.map((p) => plain(p))],
    ['source', data.sources.map((s) => plain(s))],
  ]);
}

/** A value as compared: objects with their keys sorted, so `{a, b}` and `{b, a}` are the same value. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * The changes from `before` to `after`: records added (in `after`'s order), corrected field by field, and removed
 * (in `before`'s order), kind by kind. Identical datasets, or the same records in another order, give none.
 */
export function compareDatasets(before: Dataset, after: Dataset): Change[] {
  const old = recordsOf(before);
  const now = recordsOf(after);
  const changes: Change[] = [];
  for (const record of RECORD_KINDS) {
    const was = new Map(old.get(record)!.map((r) => [r.id, r]));
    const is = new Map(now.get(record)!.map((r) => [r.id, r]));
    for (const [id, r] of is) {
      const prior = was.get(id);
      if (!prior) {
        changes.push({ change: 'added', record, id });
        continue;
      }
      const fields = [...new Set([...Object.keys(prior), ...Object.keys(r)])].filter((f) => f !== 'id');
      for (const field of fields) {
        if (canonical(prior[field]) === canonical(r[field])) continue;
        changes.push({ change: 'corrected', record, id, field, ...(prior[field] !== undefined ? { before: prior[field] } : {}), ...(r[field] !== undefined ? { after: r[field] } : {}) });
      }
    }
    for (const id of was.keys()) if (!is.has(id)) changes.push({ change: 'removed', record, id });
  }
  return changes;
}
