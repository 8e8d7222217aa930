// The labels of one locale (templates/locales/<lang>.yaml). Every word a brief prints comes from here.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { OutcomeCategory, OutcomeStatus, Side } from './schema.ts';

import type { BriefName } from './options.ts';

export { BRIEF_NAMES, type BriefName } from './options.ts';

export interface BriefLabels {
  title: string;
  description: string;
  intro: string;
}

export interface Locale {
  lang: string;
  list_separator: string;
  not_recorded: string;
  approximately: string;
  site_title: string;
  site_description: string;
  author: string;
  keywords: string[];
  page_of: string;
  data_as_of: string;
  dossier: { title: string; description: string; contents: string };
  formats: Record<'md' | 'html' | 'pdf' | 'epub', string>;
  toc: string;
  sources: string;
  footnote_back: string;
  sides: Record<Side, string>;
  side_countries: Record<Side, string>;
  section_of: string;
  source_file: string;
  invited_by: string;
  remarks: string;
  facts: string;
  briefs: Record<BriefName, BriefLabels>;
  chronology: {
    kinds: Record<'background' | 'launch' | 'round' | 'announcement' | 'press-conference', string>;
    [label: string]: string | Record<string, string>;
  };
  roster: Record<string, string>;
  checklist: Record<string, string> & {
    statuses: Record<OutcomeStatus, string>;
    categories: Record<OutcomeCategory, string>;
  };
}

/** `{name}` placeholders filled from `values`; an unknown placeholder is a bug in the locale, so it throws. */
export function fill(pattern: string, values: Record<string, string | number>): string {
  return pattern.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`locale pattern "${pattern}" has no value for {${key}}`);
    return String(values[key]);
  });
}

export async function loadLocale(templatesDir: string, lang: string): Promise<Locale> {
  const text = await readFile(join(templatesDir, 'locales', `${lang}.yaml`), 'utf8');
  return parse(text) as Locale;
}
