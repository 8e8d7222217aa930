// The I/O edge of validation: reads a dataset folder and hands the texts to the pure validator.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from './diagnostics.ts';
import type { DataFileName, Dataset } from './schema.ts';
import { DATA_FILE_NAMES, validateSources, type ValidationResult } from './validate.ts';
import { parseYamlSource, type YamlSource } from './yaml-source.ts';

export interface LoadedDataset extends ValidationResult {
  /** The raw text of every data file that was read, by file name (for hashing and for tests). */
  texts: Map<string, string>;
}

/** What a dataset holds, in one line: the figure the validate and build commands print. */
export function datasetCounts(d: Dataset): string {
  const roles = d.people.reduce((n, p) => n + p.roles.length, 0);
  return `${d.dialogues.length} rounds, ${d.events.length} events, ${d.people.length} people, ${roles} roles, ${d.outcomes.length} outcomes, ${d.sources.length} sources`;
}

/** Validates a dataset given as file name → text. Pure; file names outside the known set are reported. */
export function validateTexts(texts: ReadonlyMap<string, string>): LoadedDataset {
  const extra: Diagnostic[] = [];
  const sources = new Map<DataFileName, YamlSource>();
  for (const name of DATA_FILE_NAMES) {
    const text = texts.get(name);
    if (text === undefined) {
      extra.push({ file: name, line: 1, column: 1, severity: 'error', message: `missing data file (expected ${name} in the data folder)`, rule: 'missing-file' });
    } else {
      sources.set(name, parseYamlSource(name, text));
    }
  }
  for (const name of [...texts.keys()].sort()) {
    if (!(DATA_FILE_NAMES as string[]).includes(name)) {
      extra.push({ file: name, line: 1, column: 1, severity: 'error', message: `unknown data file (expected only ${DATA_FILE_NAMES.join(', ')})`, rule: 'unknown-file' });
    }
  }
  return { ...validateSources(sources, extra), texts: new Map(texts) };
}

/** Reads every YAML file of a dataset folder. */
export async function readDataFolder(dir: string): Promise<Map<string, string>> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n), 'utf8')] as const)));
}

/** Reads and validates the dataset in `dir`. Never throws for a data problem: those are diagnostics. */
export async function loadDataset(dir: string): Promise<LoadedDataset> {
  let texts: Map<string, string>;
  try {
    texts = await readDataFolder(dir);
  } catch {
    const d: Diagnostic = { file: '.', line: 1, column: 1, severity: 'error', message: `cannot read the data folder (expected a folder holding ${DATA_FILE_NAMES.join(', ')})`, rule: 'missing-folder' };
    return { diagnostics: [d], texts: new Map() };
  }
  return validateTexts(texts);
}
