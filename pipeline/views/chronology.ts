// The chronology's view: the mechanism, the rounds (with their session tables) and the events, in date order and
// grouped by year.
import { comparePartialDates, formatUtcOffset, inZone, partialDate, zonedInstant } from '../data/dates.ts';
import type { Dataset, Dialogue, SessionTime } from '../data/schema.ts';
import { participantLabel, quotable, type BriefCommon } from './brief-parts.ts';
import { Footnotes, notes, type Note } from './footnotes.ts';
import { formatDate, formatDateRange, formatDuration, formatList, formatMonthDay } from './format.ts';
import { fill, type Locale } from './locale.ts';
import { briefText, seriesFacts, type SeriesFacts } from './series.ts';

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

export interface ChronologyView extends BriefCommon {
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

/** An entry's lines and summary, with its citations on the summary, or on the last line where it has none. */
function entryBody(meta: string[], summary: string | undefined, cites: string[], fallback: string): Pick<ChronologyEntry, 'meta' | 'summary'> {
  if (summary !== undefined) return { meta: meta.map((text) => ({ text, cites: [] })), summary: { text: summary, cites } };
  const lines = meta.length ? meta : [fallback];
  return { meta: lines.map((text, i) => ({ text, cites: i === lines.length - 1 ? cites : [] })), summary: null };
}
