// The build: validate, render the briefs, print them, write every output in one step at the end.
import { resolve } from 'node:path';
import { briefOutputs, readTemplates, renderBriefs, type Format } from './briefs.ts';
import { DiagnosticError } from './diagnostics.ts';
import { loadDataset } from './load.ts';
import { BRIEF_NAMES, loadLocale, type BriefName } from './locale.ts';
import { writeOutputs } from './output.ts';

export const ALL_FORMATS: readonly Format[] = ['md', 'html', 'pdf', 'epub'];

export interface BuildOptions {
  dataDir: string;
  outDir: string;
  templatesDir: string;
  only: readonly BriefName[];
  formats: readonly Format[];
  /** Prints progress lines; the CLI passes its own writer, tests pass nothing. */
  log?: (line: string) => void;
}

export interface BuildResult {
  written: string[];
  counts: string;
}

export const defaultBuildOptions = (): BuildOptions => ({
  dataDir: 'data',
  outDir: 'output',
  templatesDir: resolve('templates'),
  only: BRIEF_NAMES,
  formats: ALL_FORMATS,
});

/** Runs a build. Data problems throw a DiagnosticError before anything is written. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const loaded = await loadDataset(options.dataDir);
  if (!loaded.dataset) throw new DiagnosticError(loaded.diagnostics, options.dataDir);
  const d = loaded.dataset;
  const counts = `${d.dialogues.length} rounds, ${d.events.length} events, ${d.people.length} people, ${d.people.reduce((n, p) => n + p.roles.length, 0)} roles, ${d.outcomes.length} outcomes, ${d.sources.length} sources`;
  const [locale, templates] = await Promise.all([loadLocale(options.templatesDir, 'zh-Hant'), readTemplates(options.templatesDir)]);
  const briefs = renderBriefs(d, locale, templates, options.only);
  const files = briefOutputs(briefs, locale, templates, options.formats);
  await writeOutputs(options.outDir, files);
  return { written: files.map((f) => f.path), counts };
}
