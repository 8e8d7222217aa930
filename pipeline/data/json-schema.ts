// The JSON Schema files editors use (data/schema/*.schema.json), generated from pipeline/data/schema.ts.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonSchemaFor, type DataFileName } from './schema.ts';
import { DATA_FILE_NAMES } from './validate.ts';

export const schemaFileName = (file: DataFileName) => file.replace(/\.yaml$/, '.schema.json');

/** The text of every schema file, keyed by its name. Pure. */
export function renderJsonSchemas(): Map<string, string> {
  return new Map(DATA_FILE_NAMES.map((f) => [schemaFileName(f), `${JSON.stringify(jsonSchemaFor(f), null, 2)}\n`]));
}

/** Writes the schema files; returns the names that changed. */
export async function writeJsonSchemas(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const changed: string[] = [];
  for (const [name, text] of renderJsonSchemas()) {
    const path = join(dir, name);
    const old = await readFile(path, 'utf8').catch(() => undefined);
    if (old !== text) {
      await writeFile(path, text);
      changed.push(name);
    }
  }
  return changed;
}
