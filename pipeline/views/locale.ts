// The words of one language (templates/locales/<lang>.yaml): labels and phrasing patterns only. Facts come from the
// dataset; the view models fill the patterns' {placeholders} with them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { EventKind, OutcomeStatus, RelationKind, Side } from '../data/schema.ts';

import type { RecordKind } from '../data/compare.ts';
import type { BriefName, Lang } from '../data/names.ts';

export { BRIEF_NAMES, type BriefName } from '../data/names.ts';

export interface BriefLabels {
  /** Patterns over {series}: the brief's title, its one-line description. */
  title: string;
  description: string;
  intro: string;
  keyword: string;
  /** What a brief with nothing to list says instead. */
  empty?: string;
  converted_times?: string;
}

export interface Locale {
  lang: Lang;
  /** What the index calls this language's edition (繁體中文版). */
  edition_name: string;
  /** The numbered edition a build publishes: 第{id}版（{date}）. */
  edition_label: string;
  /** The label of an edition folder's SHA256SUMS on the index. */
  checksums: string;
  list_separator: string;
  item_separator: string;
  not_recorded: string;
  approximately: string;
  quotation: string;
  parenthetical: string;
  label_separator: string;
  count: string;
  dates: Record<'year' | 'month' | 'day' | 'range' | 'end_day' | 'end_month_day' | 'end_month' | 'month_day' | 'year_span' | 'time_with_date', string>;
  durations: Record<'hours_minutes' | 'hours' | 'minutes', string>;
  site_description: string;
  page_of: string;
  data_as_of: string;
  dossier: { footer: string; title: string; description: string; contents: string; span: string; counts: string };
  epub_accessibility: string;
  formats: Record<'md' | 'html' | 'pdf' | 'epub', string>;
  toc: string;
  sources: string;
  footnote_back: string;
  footnote_separator: string;
  sides: Record<Side, string>;
  side_countries: Record<Side, string>;
  section_of: string;
  source_file: string;
  invited_by: string;
  remarks: string;
  facts: string;
  /** The zone every local time is also given in, and what readers call it. */
  reference_zone: { id: string; name: string };
  briefs: Record<BriefName, BriefLabels>;
  chronology: {
    kinds: Record<EventKind | 'agreed' | 'launch' | 'mechanism' | 'round', string>;
    launch_summary: Record<'basis_purpose' | 'basis' | 'purpose', string>;
    relations: Record<RelationKind, string>;
  } & Record<
    | 'year_heading' | 'entry_heading' | 'agreed' | 'launched' | 'first_round' | 'relation_dated' | 'place' | 'ordinal'
    | 'ordinal_quoted' | 'sessions' | 'session' | 'date' | 'local_start' | 'local_end' | 'reference_start'
    | 'reference_end' | 'duration' | 'zone_note' | 'concerns' | 'participants',
    string
  >;
  roster: Record<
    | 'by_side' | 'by_round' | 'name' | 'english_name' | 'variants' | 'variants_quoted' | 'roles' | 'role_seen'
    | 'role_period' | 'role_since' | 'role_until' | 'rounds' | 'co_chairs' | 'delegation' | 'none' | 'occasion'
    | 'round_heading',
    string
  >;
  changes: {
    title: string;
    intro: string;
    none: string;
    /** The feed's word for the first edition, and for an edition whose changes cannot be computed (no git tags). */
    first: string;
    unrecorded: string;
    added: string;
    corrected: string;
    removed: string;
    /** A record named with its date: "2006年11月8日 中美戰略對話". */
    dated: string;
    role: string;
    item: string;
    corrected_item: string;
    revised_item: string;
    records: Record<RecordKind, string>;
    fields: Record<'start' | 'end' | 'date' | 'from' | 'until' | 'places' | 'place' | 'name' | 'name_variants' | 'name_en' | 'title' | 'status' | 'text' | 'summary' | 'category' | 'context' | 'side' | 'parties' | 'ordinal' | 'other', string>;
  };
  checklist: Record<
    | 'summary' | 'status' | 'category' | 'count' | 'total' | 'parties' | 'context' | 'item_meta' | 'context_of'
    | 'group_heading' | 'follow_up_status' | 'follow_up' | 'settled',
    string
  > & { statuses: Record<OutcomeStatus, string> };
}

/** `{name}` placeholders filled from `values`; an unknown placeholder is a bug in the locale, so it throws. */
export function fill(pattern: string, values: Record<string, string | number>): string {
  return pattern.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`locale pattern "${pattern}" has no value for {${key}}`);
    return String(values[key]);
  });
}

/** A locale file's text, parsed. */
export const parseLocale = (text: string): Locale => parse(text) as Locale;

export async function loadLocale(templatesDir: string, lang: Lang): Promise<Locale> {
  return parseLocale(await readFile(join(templatesDir, 'locales', `${lang}.yaml`), 'utf8'));
}
