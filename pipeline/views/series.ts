// The series as a whole: its facts (name, span, last date), what each brief says of itself in the series' words,
// and the publication view — the index, cover, dossier and file metadata.
import { dateSpan, partialDate } from '../data/dates.ts';
import type { Dataset } from '../data/schema.ts';
import { formatDate, formatYearSpan } from './format.ts';
import { fill, type BriefName, type Locale } from './locale.ts';

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

/** What a brief says of itself: every sentence either a locale pattern filled from the data, or the data's own. */
export interface BriefText {
  title: string;
  description: string;
  intro: string;
  keywords: string[];
}

/** A brief's title, description, intro and keywords: the locale's patterns filled with the series' facts. */
export function briefText(name: BriefName, data: Dataset, locale: Locale, facts: SeriesFacts, extra: string[] = []): BriefText {
  const labels = locale.briefs[name];
  const values = { series: facts.series, span: facts.span };
  return {
    title: fill(labels.title, values),
    description: fill(labels.description, values),
    intro: [labels.intro, ...extra].join(''),
    keywords: [...new Set([...(data.publication.keywords ?? []), facts.series, labels.keyword])],
  };
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
