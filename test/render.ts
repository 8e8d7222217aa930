// Builds briefs in memory for the tests, from data/ or from any dataset given as texts.
import { join } from 'node:path';
import { readTemplates, renderBriefs, type RenderedBrief } from '../pipeline/render/briefs.ts';
import { formatDiagnostic } from '../pipeline/data/diagnostics.ts';
import { loadDataset, validateTexts } from '../pipeline/data/load.ts';
import { loadLocale, type Locale } from '../pipeline/views/locale.ts';
import type { Lang } from '../pipeline/data/names.ts';
import type { Dataset } from '../pipeline/data/schema.ts';
import { ROOT } from './helpers.ts';

export const TEMPLATES = join(ROOT, 'templates');

export async function datasetFromTexts(texts: ReadonlyMap<string, string | Uint8Array>): Promise<Dataset> {
  const result = validateTexts(texts);
  if (!result.dataset) throw new Error(result.diagnostics.map((d) => formatDiagnostic(d, '')).join('\n'));
  return result.dataset;
}

export async function realDataset(): Promise<Dataset> {
  const result = await loadDataset(join(ROOT, 'data'));
  if (!result.dataset) throw new Error(result.diagnostics.map((d) => formatDiagnostic(d, '')).join('\n'));
  return result.dataset;
}

export async function renderAll(dataset: Dataset, lang: Lang = 'zh-Hant'): Promise<{ briefs: RenderedBrief[]; locale: Locale }> {
  const [locale, templates] = await Promise.all([loadLocale(TEMPLATES, lang), readTemplates(TEMPLATES)]);
  return { briefs: renderBriefs({ data: dataset, locale, templates, withChapters: true }), locale };
}
