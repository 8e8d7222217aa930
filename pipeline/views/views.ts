// View models: pure functions from the validated dataset to what each brief prints, every value ready to place —
// dates, times, durations and lists already worded by the locale, absent fields already "not recorded" — so the
// templates hold no logic and no words. Text stays raw here; the Markdown renderer escapes every value it places.
import { comparePartialDates, dateSpan, formatUtcOffset, inZone, partialDate, zonedInstant } from '../data/dates.ts';
import { formatCount, formatDate, formatDateRange, formatDuration, formatList, formatMonthDay, formatYearSpan } from './format.ts';
import type { Change, RecordKind } from '../data/compare.ts';
import { editionDataset, editionsOf, isOwnEdition } from '../data/convert.ts';
import { fill, type BriefName, type Locale } from './locale.ts';
import type { Lang } from '../data/names.ts';
import type { ForeignPassage } from '../data/script.ts';
import { langOfScript, scriptOf } from '../data/script.ts';
import { mapDatasetText } from '../data/text-fields.ts';
import { typesetText } from './typeset.ts';
import type { Citation, Dataset, Dialogue, DialogueEvent, Outcome, OutcomeStatus, Participation, Person, Role, SessionTime, Side, SourceRemark } from '../data/schema.ts';

/** Statuses that leave work to do; their items print as unchecked boxes, and their groups come first. */
export const FOLLOW_UP_STATUSES: readonly OutcomeStatus[] = ['to-be-implemented', 'to-be-negotiated', 'explored', 'keep-communicating'];
const SETTLED_STATUSES: readonly OutcomeStatus[] = ['agreed', 'shared-view', 'reaffirmed', 'position-stated'];
const SIDES: readonly Side[] = ['china', 'us'];

export interface Footnote {
  label: string;
  text: string;
  url: string | null;
  /** The source's language where it is not the data's (an English page's title), else null. */
  lang: string | null;
  /** What stands between the text and the URL: a space after Latin text, the locale's separator after Chinese. */
  urlSeparator: string;
}

/** Collects the citations a brief uses as footnotes; the renderer lists them in the order a reader meets them. */
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
    if (source.file) parts.push(fill(this.locale.source_file, { file: source.file }));
    const foreign = source.language.toLowerCase() !== this.dataset.publication.language.toLowerCase() && !source.language.toLowerCase().startsWith('zh');
    const text = parts.join(this.locale.footnote_separator);
    const urlSeparator = /[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]$/u.test(text) ? this.locale.footnote_separator : ' ';
    return { label, text, url: source.url ?? null, lang: foreign ? source.language : null, urlSeparator };
  }

  all(): Footnote[] {
    return [...this.byLabel.values()];
  }
}

/** What a brief says of itself: every sentence either a locale pattern filled from the data, or the data's own. */
export interface BriefText {
  title: string;
  description: string;
  intro: string;
  keywords: string[];
}

interface Common {
  lang: string;
  name: BriefName;
  brief: BriefText;
  footnotes: Footnote[];
}

export interface Note {
  text: string;
  cites: string[];
}

/** The facts of the series as a whole, computed once: its name, the years it spans, its last date. */
export interface SeriesFacts {
  series: string;
  span: string;
  /** The last day the dataset speaks of, YYYY-MM-DD: the briefs' date instead of the clock. */
  latest: string;
}

/** Every dated record of the dataset: rounds, sessions, events, the mechanism's steps, role periods excluded. */
function datesOf(data: Dataset): string[] {
  const m = data.mechanism;
  return [
    ...data.dialogues.flatMap((d) => [d.start, d.end, ...(d.sessions ?? []).map((s) => s.date)]),
    ...data.events.map((e) => e.date),
    m.agreed?.date,
    m.launched?.date,
    ...(m.relations ?? []).map((r) => r.date),
  ].filter((d): d is string => d !== undefined);
}

export function seriesFacts(data: Dataset, locale: Locale): SeriesFacts {
  const days = datesOf(data).map((d) => dateSpan(partialDate(d)));
  const first = Math.min(...days.map((s) => s[0]));
  const last = Math.max(...days.map((s) => s[1]));
  const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
  return {
    series: data.publication.short_title,
    span: formatYearSpan(locale, Number(iso(first).slice(0, 4)), Number(iso(last).slice(0, 4))),
    latest: iso(last),
  };
}

function briefText(name: BriefName, data: Dataset, locale: Locale, facts: SeriesFacts, extra: string[] = []): BriefText {
  const labels = locale.briefs[name];
  const values = { series: facts.series, span: facts.span };
  return {
    title: fill(labels.title, values),
    description: fill(labels.description, values),
    intro: [labels.intro, ...extra].join(''),
    keywords: [...new Set([...(data.publication.keywords ?? []), facts.series, labels.keyword])],
  };
}


/** An entry's lines and summary, with its citations on the summary, or on the last line where it has none. */
function entryBody(meta: string[], summary: string | undefined, cites: string[], fallback: string): Pick<ChronologyEntry, 'meta' | 'summary'> {
  if (summary !== undefined) return { meta: meta.map((text) => ({ text, cites: [] })), summary: { text: summary, cites } };
  const lines = meta.length ? meta : [fallback];
  return { meta: lines.map((text, i) => ({ text, cites: i === lines.length - 1 ? cites : [] })), summary: null };
}

function roleOf(people: Map<string, Person>, p: Participation): { person: Person; role: Role } {
  const person = people.get(p.person)!;
  return { person, role: person.roles.find((r) => r.id === p.role)! };
}

function participantLabel(people: Map<string, Person>, p: Participation): string {
  const { person, role } = roleOf(people, p);
  return `${role.title}${person.name}`;
}

/**
 * The citations of the explicit zh-Hans forms a converted edition prints in these names (布什 cites the page that
 * gives it), so the roster, where each person is introduced, cites the form as well as the name.
 */
function formSources(printed: Dataset, lang: Lang, names: readonly string[]): Citation[] {
  if (isOwnEdition(printed, lang)) return [];
  return (printed.publication.zh_hans ?? []).filter((f) => names.some((n) => n.includes(f.form))).map((f) => f.source);
}

function notes(remarks: readonly SourceRemark[] | undefined, footnotes: Footnotes): Note[] {
  return (remarks ?? []).map((r) => ({ text: r.text, cites: footnotes.cite([r.source]) }));
}

/** True when the source is in the language the data is written in, so its words can be quoted as its own. */
function quotable(data: Dataset, citation: Citation): boolean {
  const source = data.sources.find((s) => s.id === citation.id);
  const base = (tag: string) => tag.toLowerCase();
  return source !== undefined && base(source.language) === base(data.publication.language);
}

// ---------- chronology ----------

export interface SessionRow {
  id: string;
  cells: string[];
}

export interface SessionTable {
  heading: string;
  zoneNote: string;
  columns: string[];
  rows: SessionRow[];
  notes: { label: string; text: string; cites: string[] }[];
}

export interface ChronologyEntry {
  id: string;
  heading: string;
  /** Place, people and the like, one line each; the entry's citation rides on its summary, else on its last line. */
  meta: Note[];
  summary: Note | null;
  facts: Note[];
  remarks: Note[];
  sessions: SessionTable | null;
}

export interface ChronologyView extends Common {
  years: { year: string; heading: string; entries: ChronologyEntry[] }[];
}

interface TimePoint {
  date: string;
  time: string;
  approximate: boolean;
}

function timeText(locale: Locale, point: TimePoint | null, rowDate: string): string {
  if (!point) return locale.not_recorded;
  const when = point.date === rowDate ? point.time : fill(locale.dates.time_with_date, { date: formatMonthDay(locale, point.date), time: point.time });
  return `${point.approximate ? locale.approximately : ''}${when}`;
}

/** Rounds whose sessions have local times in a zone other than the reference: their times are also converted. */
function hasConvertedTimes(d: Dialogue, locale: Locale): boolean {
  return (d.sessions ?? []).some((s) => s.start || s.end) && (d.time_zone ?? locale.reference_zone.id) !== locale.reference_zone.id;
}

function sessionTable(d: Dialogue, locale: Locale, footnotes: Footnotes): SessionTable | null {
  if (!d.sessions || d.sessions.length === 0) return null;
  const reference = locale.reference_zone;
  const zone = d.time_zone ?? reference.id;
  const labels = locale.chronology;
  const point = (date: string, t: SessionTime | undefined) => {
    if (!t) return null;
    const instant = zonedInstant(date, t.time, zone);
    const b = inZone(instant, reference.id);
    const approximate = t.approximate ?? false;
    return { local: { date, time: t.time, approximate }, reference: { date: b.date, time: b.time, approximate }, instant };
  };
  const converted = zone !== reference.id;
  const rows = d.sessions.map((s): SessionRow => {
    const start = point(s.date, s.start);
    const end = point(s.date, s.end);
    const approximate = Boolean(start?.local.approximate || end?.local.approximate);
    const duration = start && end ? `${approximate ? locale.approximately : ''}${formatDuration(locale, Math.round((end.instant - start.instant) / 60_000))}` : locale.not_recorded;
    return {
      id: s.id,
      cells: [
        fill(labels.session, { n: s.ordinal }),
        formatDate(locale, s.date),
        timeText(locale, start?.local ?? null, s.date),
        timeText(locale, end?.local ?? null, s.date),
        ...(converted ? [timeText(locale, start?.reference ?? null, s.date), timeText(locale, end?.reference ?? null, s.date)] : []),
        duration,
      ],
    };
  });
  // The offsets in force on the round's first day (the zone note states them once for the table).
  const first = d.sessions[0]!;
  const noon = zonedInstant(partialDate(first.date).precision === 'day' ? first.date : d.start, '12:00', zone);
  const offset = (z: string) => formatUtcOffset(inZone(noon, z).offsetMinutes);
  return {
    heading: labels.sessions,
    zoneNote: fill(labels.zone_note, { zone, offset: offset(zone), reference_name: reference.name, reference_zone: reference.id, reference_offset: offset(reference.id) }),
    columns: [
      labels.sessions,
      labels.date,
      labels.local_start,
      labels.local_end,
      ...(converted ? [fill(labels.reference_start, { zone: reference.name }), fill(labels.reference_end, { zone: reference.name })] : []),
      labels.duration,
    ],
    rows,
    notes: d.sessions
      .filter((s) => s.summary)
      .map((s) => ({ label: fill(labels.session, { n: s.ordinal }), text: s.summary!, cites: footnotes.cite([s.source]) })),
  };
}

export function chronologyView(data: Dataset, locale: Locale, facts: SeriesFacts = seriesFacts(data, locale)): ChronologyView {
  const labelValue = (label: string, value: string) => `${label}${locale.label_separator}${value}`;
  const footnotes = new Footnotes(data, locale);
  const people = new Map(data.people.map((p) => [p.id, p]));
  const places = new Map(data.places.map((p) => [p.id, p]));
  const dialogues = new Map(data.dialogues.map((d) => [d.id, d]));
  const labels = locale.chronology;
  const kinds = labels.kinds;
  const placeNames = (ids: readonly string[]) => ids.map((id) => places.get(id)!.name);
  const heading = (start: string, end: string | null | undefined, kind: string, title: string) =>
    fill(labels.entry_heading, { date: formatDateRange(locale, start, end), kind, title });

  const entries: { start: string; entry: ChronologyEntry }[] = [];
  const m = data.mechanism;
  const firstRound = data.dialogues[0];
  const mechanismDate = m.launched?.date ?? m.agreed?.date ?? firstRound?.start;
  if (mechanismDate !== undefined) {
    const kind = m.launched ? kinds.launch : m.agreed ? kinds.agreed : kinds.mechanism;
    const summary = m.basis && m.purpose ? labels.launch_summary.basis_purpose : m.basis ? labels.launch_summary.basis : m.purpose ? labels.launch_summary.purpose : undefined;
    const relation = (r: NonNullable<typeof m.relations>[number]) => {
      const text = fill(labels.relations[r.kind], { name: r.name });
      return r.date ? fill(labels.relation_dated, { relation: text, date: formatDate(locale, r.date) }) : text;
    };
    entries.push({
      start: mechanismDate,
      entry: {
        id: m.id,
        heading: heading(mechanismDate, null, kind, m.name),
        ...entryBody(
          [
            ...(m.agreed ? [labelValue(labels.agreed, formatDate(locale, m.agreed.date))] : []),
            ...(m.launched && m.agreed ? [labelValue(labels.launched, formatDate(locale, m.launched.date))] : []),
            ...(firstRound ? [labelValue(labels.first_round, formatDateRange(locale, firstRound.start, firstRound.end))] : []),
            ...(m.relations ?? []).map(relation),
          ],
          summary ? fill(summary, { basis: m.basis ?? '', purpose: m.purpose ?? '' }) : undefined,
          footnotes.cite([m.source, m.agreed?.source, m.launched?.source, ...(m.relations ?? []).map((r) => r.source)]),
          labelValue(labels.date, formatDate(locale, mechanismDate)),
        ),
        facts: [],
        remarks: notes(m.source_remarks, footnotes),
        sessions: null,
      },
    });
  }
  for (const d of data.dialogues) {
    const delegates = [...(d.co_chairs ?? []), ...(d.delegations?.china ?? []), ...(d.delegations?.us ?? [])];
    const unique = delegates.filter((p, i) => delegates.findIndex((q) => q.person === p.person) === i);
    const ordinalLabel = quotable(data, d.source) ? labels.ordinal_quoted : labels.ordinal;
    const ordinal = d.ordinal_in_source === undefined ? undefined : quotable(data, d.source) ? fill(locale.quotation, { text: d.ordinal_in_source }) : d.ordinal_in_source;
    entries.push({
      start: d.start,
      entry: {
        id: d.id,
        heading: heading(d.start, d.end, kinds.round, d.name),
        ...entryBody(
          [
            labelValue(labels.place, formatList(locale, placeNames(d.places))),
            ...(ordinal ? [labelValue(ordinalLabel, ordinal)] : []),
            ...(d.invited_by ? [fill(locale.invited_by, { side: locale.side_countries[d.invited_by] })] : []),
            ...(unique.length ? [labelValue(labels.participants, formatList(locale, unique.map((p) => participantLabel(people, p))))] : []),
          ],
          d.summary,
          footnotes.cite([d.source]),
          labelValue(labels.date, formatDateRange(locale, d.start, d.end)),
        ),
        facts: (d.facts ?? []).map((f) => ({ text: f.text, cites: footnotes.cite([f.source]) })),
        remarks: notes(d.source_remarks, footnotes),
        sessions: sessionTable(d, locale, footnotes),
      },
    });
  }
  for (const e of data.events) {
    const round = e.dialogue ? dialogues.get(e.dialogue)! : undefined;
    entries.push({
      start: e.date,
      entry: {
        id: e.id,
        heading: heading(e.date, null, kinds[e.kind], e.title),
        ...entryBody(
          [
            ...(e.place ? [labelValue(labels.place, formatList(locale, placeNames([e.place])))] : []),
            ...(round ? [labelValue(labels.concerns, fill(locale.roster.occasion, { date: formatDateRange(locale, round.start, round.end), title: round.name }))] : []),
            ...(e.participants.length ? [labelValue(labels.participants, formatList(locale, e.participants.map((p) => participantLabel(people, p))))] : []),
          ],
          e.summary,
          footnotes.cite([e.source]),
          labelValue(labels.date, formatDate(locale, e.date)),
        ),
        facts: [],
        remarks: notes(e.source_remarks, footnotes),
        sessions: null,
      },
    });
  }
  // Stable: by date at its precision, then in the order above (the mechanism before a round of the same month).
  const ordered = entries
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => comparePartialDates(a.start, b.start) || a.i - b.i);
  const years: ChronologyView['years'] = [];
  for (const { start, entry } of ordered) {
    const year = String(partialDate(start).year);
    const last = years[years.length - 1];
    if (last?.year === year) last.entries.push(entry);
    else years.push({ year, heading: fill(labels.year_heading, { year }), entries: [entry] });
  }
  const converted = data.dialogues.filter((d) => hasConvertedTimes(d, locale));
  const convertedNote = converted.length
    ? [fill(locale.briefs.chronology.converted_times!, { places: formatList(locale, [...new Set(converted.flatMap((d) => placeNames(d.places)))]), zone: locale.reference_zone.name })]
    : [];
  return { lang: locale.lang, name: 'chronology', brief: briefText('chronology', data, locale, facts, convertedNote), years, footnotes: footnotes.all() };
}

// ---------- roster ----------

export interface PersonView {
  id: string;
  name: string;
  /** "（原文異寫：安東尼·布林肯）", or null. */
  variants: string | null;
  nameEn: string;
  /** The English name's language tag, or null when it is not recorded (then nameEn is the locale's 未記載). */
  nameEnLang: string | null;
  nameEnCites: string[];
  roles: Note[];
  occasions: string[];
  cites: string[];
}

export interface RoundDelegations {
  id: string;
  heading: string;
  coChairs: string;
  columns: [string, string];
  rows: { china: string; us: string }[];
  cites: string[];
}

export interface RosterView extends Common {
  /** What the roster says when the sources name no one; null otherwise. */
  empty: string | null;
  sides: { id: Side; heading: string; people: PersonView[] }[];
  rounds: RoundDelegations[];
}

/** A role with its period: "國務委員（2008年12月所見）", "國務卿（2009年1月至2013年2月）". */
export function roleText(locale: Locale, role: Role): string {
  const labels = locale.roster;
  const from = formatDate(locale, role.from);
  if (role.until === undefined) return fill(labels.role_since, { title: role.title, from });
  if (role.until === role.from) return fill(labels.role_seen, { title: role.title, date: from });
  return fill(labels.role_period, { title: role.title, from, until: formatDate(locale, role.until) });
}

export function rosterView(data: Dataset, locale: Locale, facts: SeriesFacts = seriesFacts(data, locale)): RosterView {
  const labelValue = (label: string, value: string) => `${label}${locale.label_separator}${value}`;
  const footnotes = new Footnotes(data, locale);
  const people = new Map(data.people.map((p) => [p.id, p]));
  const places = new Map(data.places.map((p) => [p.id, p]));
  const labels = locale.roster;
  const takesPart = (list: readonly Participation[] | undefined, id: string) => (list ?? []).some((p) => p.person === id);
  const firstSeen = (p: Person) => p.roles.map((r) => r.from).sort(comparePartialDates)[0]!;
  const occasion = (start: string, end: string | null | undefined, title: string) => fill(labels.occasion, { date: formatDateRange(locale, start, end), title });

  const sides = SIDES.map((side) => ({
    id: side,
    heading: locale.sides[side],
    people: data.people
      .filter((p) => p.side === side)
      .sort((a, b) => comparePartialDates(firstSeen(a), firstSeen(b)) || a.id.localeCompare(b.id))
      .map((p): PersonView => {
        const occasions = [
          ...data.dialogues
            .filter((d) => takesPart(d.co_chairs, p.id) || takesPart(d.delegations?.china, p.id) || takesPart(d.delegations?.us, p.id))
            .map((d) => occasion(d.start, d.end, d.name)),
          ...data.events.filter((e) => takesPart(e.participants, p.id)).map((e) => occasion(e.date, null, e.title)),
        ];
        const variantsLabel = quotable(data, p.source) ? labels.variants_quoted : labels.variants;
        return {
          id: p.id,
          name: p.name,
          variants: p.name_variants?.length ? fill(locale.parenthetical, { text: labelValue(variantsLabel, formatList(locale, p.name_variants)) }) : null,
          nameEn: p.name_en ?? locale.not_recorded,
          nameEnLang: p.name_en ? 'en' : null,
          nameEnCites: footnotes.cite([p.name_en_source]),
          roles: [...p.roles]
            .sort((a, b) => comparePartialDates(a.from, b.from))
            .map((r) => ({ text: roleText(locale, r), cites: footnotes.cite([r.source]) })),
          occasions: occasions.length ? occasions : [labels.none],
          cites: footnotes.cite([p.source, ...formSources(data, locale.lang, [p.name, ...(p.name_variants ?? [])])]),
        };
      }),
  })).filter((s) => s.people.length > 0);

  const rounds = data.dialogues.map((d): RoundDelegations => {
    const china = (d.delegations?.china ?? []).map((p) => participantLabel(people, p));
    const us = (d.delegations?.us ?? []).map((p) => participantLabel(people, p));
    const length = Math.max(china.length, us.length, 1);
    return {
      id: d.id,
      heading: fill(labels.round_heading, { date: formatDateRange(locale, d.start, d.end), title: d.name, places: formatList(locale, d.places.map((id) => places.get(id)!.name)) }),
      coChairs: labelValue(labels.co_chairs, formatList(locale, (d.co_chairs ?? []).map((p) => participantLabel(people, p)))),
      columns: [fill(labels.delegation, { side: locale.sides.china }), fill(labels.delegation, { side: locale.sides.us })],
      // A side with no one named reads "not recorded" in its first row, never an empty cell.
      rows: Array.from({ length }, (_, i) => ({
        china: china[i] ?? (i === 0 ? locale.not_recorded : ''),
        us: us[i] ?? (i === 0 ? locale.not_recorded : ''),
      })),
      cites: footnotes.cite([d.source]),
    };
  });
  return {
    lang: locale.lang,
    name: 'roster',
    brief: briefText('roster', data, locale, facts),
    empty: data.people.length === 0 ? locale.briefs.roster.empty! : null,
    sides,
    rounds,
    footnotes: footnotes.all(),
  };
}

// ---------- checklist ----------

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

export interface ChecklistView extends Common {
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

export type BriefView = ChronologyView | RosterView | ChecklistView;

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

export function briefView(name: BriefName, data: Dataset, locale: Locale, facts: SeriesFacts = seriesFacts(data, locale)): BriefView {
  if (name === 'chronology') return chronologyView(data, locale, facts);
  if (name === 'roster') return rosterView(data, locale, facts);
  return checklistView(data, locale, facts);
}

/** What the publication says of itself: the index, the cover, the dossier and the metadata of every file. */
export interface PublicationView {
  lang: string;
  title: string;
  description: string;
  publisher: string;
  keywords: string[];
  dossierTitle: string;
  dossierDescription: string;
  coverLines: string[];
  asOf: string;
  /** YYYY-MM-DD of `asOf`. */
  date: string;
  /** The numbered edition this build publishes: the first of publication.yaml's editions, else 1 dated by the data. */
  edition: { id: string; date: string; label: string };
  briefs: Record<BriefName, BriefText>;
}

function editionOf(data: Dataset, locale: Locale, facts: SeriesFacts): PublicationView['edition'] {
  const current = data.publication.editions?.[0];
  const id = current?.id ?? '1';
  const date = current?.date ?? facts.latest;
  return { id, date, label: fill(locale.edition_label, { id, date: formatDate(locale, date) }) };
}

export function publicationView(data: Dataset, locale: Locale, facts: SeriesFacts = seriesFacts(data, locale)): PublicationView {
  const p = data.publication;
  const values = { series: facts.series, span: facts.span, title: p.title };
  return {
    lang: locale.lang,
    title: p.title,
    description: fill(locale.site_description, values),
    publisher: p.publisher,
    keywords: [...new Set([...(p.keywords ?? []), facts.series])],
    dossierTitle: fill(locale.dossier.title, values),
    dossierDescription: locale.dossier.description,
    coverLines: [
      ...(p.cover_lines ?? []),
      fill(locale.dossier.span, values),
      fill(locale.dossier.counts, { rounds: data.dialogues.length, events: data.events.length, outcomes: data.outcomes.length }),
    ],
    asOf: fill(locale.data_as_of, { date: formatDate(locale, facts.latest) }),
    date: facts.latest,
    edition: editionOf(data, locale, facts),
    briefs: {
      chronology: briefText('chronology', data, locale, facts),
      roster: briefText('roster', data, locale, facts),
      checklist: briefText('checklist', data, locale, facts),
    },
  };
}

// ---------- changes ----------

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
