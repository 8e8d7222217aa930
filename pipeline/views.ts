// View models: pure functions from the validated dataset to what each brief prints, so templates hold no logic.
// Text stays raw here; the Markdown renderer escapes every value it interpolates.
import { comparePartialDates, dateSpan, formatUtcOffset, inZone, partialDate, zonedInstant } from './dates.ts';
import { fill, type BriefLabels, type BriefName, type Locale } from './locale.ts';
import type {
  Citation,
  Dataset,
  Dialogue,
  DialogueEvent,
  Outcome,
  OutcomeCategory,
  OutcomeStatus,
  Participation,
  Person,
  SessionTime,
  Side,
  SourceRemark,
} from './schema.ts';
import { OUTCOME_CATEGORIES } from './schema.ts';

/** Beijing time, the reference every local time is also given in. */
export const REFERENCE_ZONE = 'Asia/Shanghai';

/** Statuses that leave work to do; their items print as unchecked boxes, and their groups come first. */
export const FOLLOW_UP_STATUSES: readonly OutcomeStatus[] = ['to-be-implemented', 'to-be-negotiated', 'explored', 'keep-communicating'];
const SETTLED_STATUSES: readonly OutcomeStatus[] = ['agreed', 'shared-view', 'reaffirmed', 'position-stated'];
const SIDES: readonly Side[] = ['china', 'us'];

export interface Footnote {
  label: string;
  text: string;
  url: string | null;
}

/** Collects the citations a brief uses, as footnotes numbered in order of first use. */
class Footnotes {
  private readonly byLabel = new Map<string, Footnote>();
  constructor(
    private readonly dataset: Dataset,
    private readonly locale: Locale,
  ) {}

  cite(citations: readonly (Citation | undefined)[]): string[] {
    const labels: string[] = [];
    for (const c of citations) {
      if (!c) continue;
      const label = c.section ? `${c.id}-${c.section}` : c.id;
      if (!this.byLabel.has(label)) this.byLabel.set(label, this.describe(c, label));
      if (!labels.includes(label)) labels.push(label);
    }
    return labels;
  }

  private describe(c: Citation, label: string): Footnote {
    const source = this.dataset.sources.find((s) => s.id === c.id)!;
    const section = c.section ? source.sections?.find((s) => s.id === c.section) : undefined;
    const parts = [source.kind === 'document' ? `《${source.title}》` : source.title];
    if (section) parts.push(fill(this.locale.section_of, { section: section.title }));
    if (source.file) parts.push(`${this.locale.source_file} ${source.file}`);
    return { label, text: parts.join(this.locale.list_separator === '、' ? ',' : ', '), url: source.url ?? null };
  }

  all(): Footnote[] {
    return [...this.byLabel.values()];
  }
}

interface Common {
  lang: string;
  name: BriefName;
  brief: BriefLabels;
  footnotes: Footnote[];
}

export interface Note {
  text: string;
  cites: string[];
}

// ---------- chronology ----------

export interface TimePoint {
  date: string;
  time: string;
  approximate: boolean;
}

export interface SessionRow {
  id: string;
  ordinal: number;
  date: string;
  localStart: TimePoint | null;
  localEnd: TimePoint | null;
  beijingStart: TimePoint | null;
  beijingEnd: TimePoint | null;
  durationMinutes: number | null;
  durationApproximate: boolean;
  summary: string | null;
  cites: string[];
}

export interface SessionTable {
  zone: string;
  offset: string;
  beijingZone: string;
  beijingOffset: string;
  rows: SessionRow[];
}

export interface ChronologyEntry {
  id: string;
  kind: string;
  start: string;
  end: string | null;
  title: string;
  places: string[];
  ordinal: string | null;
  invitedBy: string | null;
  concerns: { start: string; end: string | null; title: string } | null;
  participants: string[];
  summary: string;
  cites: string[];
  facts: Note[];
  remarks: Note[];
  sessions: SessionTable | null;
}

export interface ChronologyView extends Common {
  years: { year: string; entries: ChronologyEntry[] }[];
}

function participantLabel(people: Map<string, Person>, p: Participation): string {
  const person = people.get(p.person)!;
  const role = person.roles.find((r) => r.id === p.role)!;
  return `${role.title}${person.name}`;
}

function notes(remarks: readonly SourceRemark[] | undefined, footnotes: Footnotes): Note[] {
  return (remarks ?? []).map((r) => ({ text: r.text, cites: footnotes.cite([r.source]) }));
}

function sessionTable(d: Dialogue, footnotes: Footnotes): SessionTable | null {
  if (!d.sessions) return null;
  const zone = d.time_zone ?? REFERENCE_ZONE;
  const point = (date: string, t: SessionTime | undefined): { local: TimePoint; beijing: TimePoint; instant: number } | null => {
    if (!t) return null;
    const instant = zonedInstant(date, t.time, zone);
    const b = inZone(instant, REFERENCE_ZONE);
    const approximate = t.approximate ?? false;
    return { local: { date, time: t.time, approximate }, beijing: { date: b.date, time: b.time, approximate }, instant };
  };
  const rows = d.sessions.map((s): SessionRow => {
    const start = point(s.date, s.start);
    const end = point(s.date, s.end);
    return {
      id: s.id,
      ordinal: s.ordinal,
      date: s.date,
      localStart: start?.local ?? null,
      localEnd: end?.local ?? null,
      beijingStart: start?.beijing ?? null,
      beijingEnd: end?.beijing ?? null,
      durationMinutes: start && end ? Math.round((end.instant - start.instant) / 60_000) : null,
      durationApproximate: Boolean(start?.local.approximate || end?.local.approximate),
      summary: s.summary ?? null,
      cites: footnotes.cite([s.source]),
    };
  });
  // The offsets in force on the round's first day (the zone note states them once for the table).
  const first = d.sessions[0]!;
  const noon = zonedInstant(partialDate(first.date).precision === 'day' ? first.date : d.start, '12:00', zone);
  return {
    zone,
    offset: formatUtcOffset(inZone(noon, zone).offsetMinutes),
    beijingZone: REFERENCE_ZONE,
    beijingOffset: formatUtcOffset(inZone(noon, REFERENCE_ZONE).offsetMinutes),
    rows,
  };
}

export function chronologyView(data: Dataset, locale: Locale): ChronologyView {
  const footnotes = new Footnotes(data, locale);
  const people = new Map(data.people.map((p) => [p.id, p]));
  const places = new Map(data.places.map((p) => [p.id, p]));
  const dialogues = new Map(data.dialogues.map((d) => [d.id, d]));
  const kinds = locale.chronology.kinds;
  const placeNames = (ids: readonly string[]) => ids.map((id) => places.get(id)!.name);

  const entries: ChronologyEntry[] = [];
  const m = data.mechanism;
  entries.push({
    id: m.id,
    kind: kinds.launch,
    start: m.launched,
    end: null,
    title: m.name,
    places: [],
    ordinal: null,
    invitedBy: null,
    concerns: null,
    participants: [],
    summary: fill(locale.chronology.launch_summary as string, { basis: m.basis, purpose: m.purpose }),
    cites: footnotes.cite([m.source]),
    facts: [],
    remarks: notes(m.source_remarks, footnotes),
    sessions: null,
  });
  for (const d of data.dialogues) {
    const delegates = [...(d.co_chairs ?? []), ...d.delegations.china, ...d.delegations.us];
    const unique = delegates.filter((p, i) => delegates.findIndex((q) => q.person === p.person) === i);
    entries.push({
      id: d.id,
      kind: kinds.round,
      start: d.start,
      end: d.end ?? null,
      title: d.name,
      places: placeNames(d.places),
      ordinal: d.ordinal_in_source ?? null,
      invitedBy: d.invited_by ? fill(locale.invited_by, { side: locale.side_countries[d.invited_by] }) : null,
      concerns: null,
      participants: unique.map((p) => participantLabel(people, p)),
      summary: d.summary,
      cites: footnotes.cite([d.source]),
      facts: (d.facts ?? []).map((f) => ({ text: f.text, cites: footnotes.cite([f.source]) })),
      remarks: notes(d.source_remarks, footnotes),
      sessions: sessionTable(d, footnotes),
    });
  }
  for (const e of data.events) {
    const round = e.dialogue ? dialogues.get(e.dialogue)! : undefined;
    entries.push({
      id: e.id,
      kind: kinds[e.kind],
      start: e.date,
      end: null,
      title: e.title,
      places: e.place ? placeNames([e.place]) : [],
      ordinal: null,
      invitedBy: null,
      concerns: round ? { start: round.start, end: round.end ?? null, title: round.name } : null,
      participants: e.participants.map((p) => participantLabel(people, p)),
      summary: e.summary,
      cites: footnotes.cite([e.source]),
      facts: [],
      remarks: notes(e.source_remarks, footnotes),
      sessions: null,
    });
  }
  // Stable: by date at its precision, then by kind order above (launch before the round of the same month).
  const ordered = entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => comparePartialDates(a.e.start, b.e.start) || a.i - b.i)
    .map(({ e }) => e);
  const years: ChronologyView['years'] = [];
  for (const e of ordered) {
    const year = String(partialDate(e.start).year);
    const last = years[years.length - 1];
    if (last?.year === year) last.entries.push(e);
    else years.push({ year, entries: [e] });
  }
  return { lang: locale.lang, name: 'chronology', brief: locale.briefs.chronology, years, footnotes: footnotes.all() };
}

// ---------- roster ----------

export interface PersonView {
  id: string;
  name: string;
  variants: string[];
  nameEn: string | null;
  nameEnCites: string[];
  roles: { title: string; asOf: string; cites: string[] }[];
  rounds: { id: string; start: string; end: string | null; title: string }[];
  events: { id: string; date: string; title: string }[];
  cites: string[];
}

export interface RoundDelegations {
  id: string;
  start: string;
  end: string | null;
  title: string;
  places: string[];
  coChairs: string[];
  rows: { china: string; us: string }[];
  recorded: boolean;
  cites: string[];
}

export interface RosterView extends Common {
  sides: { id: Side; side: string; people: PersonView[] }[];
  rounds: RoundDelegations[];
}

export function rosterView(data: Dataset, locale: Locale): RosterView {
  const footnotes = new Footnotes(data, locale);
  const people = new Map(data.people.map((p) => [p.id, p]));
  const places = new Map(data.places.map((p) => [p.id, p]));
  const takesPart = (list: readonly Participation[] | undefined, id: string) => (list ?? []).some((p) => p.person === id);
  const firstSeen = (p: Person) => p.roles.map((r) => r.as_of).sort(comparePartialDates)[0]!;

  const sides = SIDES.map((side) => ({
    id: side,
    side: locale.sides[side],
    people: data.people
      .filter((p) => p.side === side)
      .sort((a, b) => comparePartialDates(firstSeen(a), firstSeen(b)) || a.id.localeCompare(b.id))
      .map(
        (p): PersonView => ({
          id: p.id,
          name: p.name,
          variants: p.name_variants ?? [],
          nameEn: p.name_en ?? null,
          nameEnCites: footnotes.cite([p.name_en_source]),
          roles: p.roles.map((r) => ({ title: r.title, asOf: r.as_of, cites: footnotes.cite([r.source]) })),
          rounds: data.dialogues
            .filter((d) => takesPart(d.co_chairs, p.id) || takesPart(d.delegations.china, p.id) || takesPart(d.delegations.us, p.id))
            .map((d) => ({ id: d.id, start: d.start, end: d.end ?? null, title: d.name })),
          events: data.events
            .filter((e) => takesPart(e.participants, p.id))
            .map((e) => ({ id: e.id, date: e.date, title: e.title })),
          cites: footnotes.cite([p.source]),
        }),
      ),
  }));

  const rounds = data.dialogues.map((d): RoundDelegations => {
    const china = d.delegations.china.map((p) => participantLabel(people, p));
    const us = d.delegations.us.map((p) => participantLabel(people, p));
    const length = Math.max(china.length, us.length);
    return {
      id: d.id,
      start: d.start,
      end: d.end ?? null,
      title: d.name,
      places: d.places.map((id) => places.get(id)!.name),
      coChairs: (d.co_chairs ?? []).map((p) => participantLabel(people, p)),
      rows: Array.from({ length }, (_, i) => ({ china: china[i] ?? '', us: us[i] ?? '' })),
      recorded: length > 0,
      cites: footnotes.cite([d.source]),
    };
  });
  return { lang: locale.lang, name: 'roster', brief: locale.briefs.roster, sides, rounds, footnotes: footnotes.all() };
}

// ---------- checklist ----------

export interface ChecklistItem {
  id: string;
  checked: boolean;
  text: string;
  parties: string[];
  context: { start: string; end: string | null; title: string };
  cites: string[];
}

export interface ChecklistGroup {
  id: OutcomeStatus;
  status: string;
  followUp: boolean;
  count: number;
  categories: { id: OutcomeCategory; category: string; count: number; items: ChecklistItem[] }[];
}

export interface ChecklistView extends Common {
  summary: { status: string; followUp: boolean; count: number }[];
  total: number;
  groups: ChecklistGroup[];
}

function contextOf(data: Dataset, o: Outcome): { start: string; end: string | null; title: string } {
  const d = data.dialogues.find((x) => x.id === o.context);
  if (d) return { start: d.start, end: d.end ?? null, title: d.name };
  const e = data.events.find((x) => x.id === o.context) as DialogueEvent;
  return { start: e.date, end: null, title: e.title };
}

export function checklistView(data: Dataset, locale: Locale): ChecklistView {
  const footnotes = new Footnotes(data, locale);
  const labels = locale.checklist;
  // Items in the order of their context's date, then as listed in the data.
  const contextStart = (o: Outcome) => contextOf(data, o).start;
  const outcomes = data.outcomes
    .map((o, i) => ({ o, i }))
    .sort((a, b) => comparePartialDates(contextStart(a.o), contextStart(b.o)) || a.i - b.i)
    .map(({ o }) => o);
  const groups: ChecklistGroup[] = [];
  for (const status of [...FOLLOW_UP_STATUSES, ...SETTLED_STATUSES]) {
    const inStatus = outcomes.filter((o) => o.status === status);
    if (inStatus.length === 0) continue;
    const followUp = FOLLOW_UP_STATUSES.includes(status);
    const categories = OUTCOME_CATEGORIES.map((category) => {
      const items = inStatus
        .filter((o) => o.category === category)
        .map(
          (o): ChecklistItem => ({
            id: o.id,
            checked: !followUp,
            text: o.text,
            parties: SIDES.filter((s) => o.parties.includes(s)).map((s) => locale.sides[s]),
            context: contextOf(data, o),
            cites: footnotes.cite([o.source]),
          }),
        );
      return { id: category, category: labels.categories[category], count: items.length, items };
    }).filter((c) => c.count > 0);
    groups.push({ id: status, status: labels.statuses[status], followUp, count: inStatus.length, categories });
  }
  return {
    lang: locale.lang,
    name: 'checklist',
    brief: locale.briefs.checklist,
    summary: groups.map((g) => ({ status: g.status, followUp: g.followUp, count: g.count })),
    total: outcomes.length,
    groups,
    footnotes: footnotes.all(),
  };
}

export type BriefView = ChronologyView | RosterView | ChecklistView;

/** The last day the dataset speaks of: the briefs' date, used for document metadata instead of the clock. */
export function latestDate(data: Dataset): string {
  const dates = [
    ...data.dialogues.flatMap((d) => [d.start, d.end, ...(d.sessions ?? []).map((s) => s.date)]),
    ...data.events.map((e) => e.date),
    data.mechanism.launched,
  ].filter((d): d is string => d !== undefined);
  const last = Math.max(...dates.map((d) => dateSpan(partialDate(d))[1]));
  return new Date(last * 86_400_000).toISOString().slice(0, 10);
}

export function briefView(name: BriefName, data: Dataset, locale: Locale): BriefView {
  if (name === 'chronology') return chronologyView(data, locale);
  if (name === 'roster') return rosterView(data, locale);
  return checklistView(data, locale);
}

