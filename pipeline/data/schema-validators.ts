// The schemas' Ajv validators: compiled once per process, or, where the command line keeps them (.cache/schemas),
// read back as Ajv's standalone code, which loads in a few milliseconds against the best part of a hundred to
// compile. The only file I/O of validation, kept here at its edge; validate.ts asks for `validators()`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _, Ajv, type ValidateFunction } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import AJV_PACKAGE from 'ajv/package.json' with { type: 'json' };
import { isIanaZone, parseLocalTime, parsePartialDate } from './dates.ts';
import { DATA_FILE_NAMES, dataFiles, type DataFileName } from './schema.ts';

// Ajv's standalone code generator, from the same Ajv as the instance it reads (a copy loaded from elsewhere, as a
// require() from a bundle finds, takes the instance's code for plain objects). A CommonJS module: its function is
// the default export, or the default export's `default`.
const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ?? standaloneModule) as (ajv: Ajv, refs: Record<string, string>) => string;

const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true } as const;
/** The formats the schemas name, as Ajv takes them (and as its standalone code looks them up). */
const FORMATS: Record<string, { type: 'string'; validate: (s: string) => boolean }> = {
  'partial-date': { type: 'string', validate: (s) => !('error' in parsePartialDate(s)) },
  'local-time': { type: 'string', validate: (s) => !('error' in parseLocalTime(s)) },
  'iana-zone': { type: 'string', validate: isIanaZone },
};

let compiled: Map<DataFileName, ValidateFunction> | undefined;
let keptIn: string | undefined;

/**
 * Where the validators are kept between runs (the command line sets it): compiling them takes longer than validating
 * a dataset. Without it, they are compiled in every process.
 */
export function keepCompiledSchemas(dir: string | undefined): void {
  keptIn = dir;
  compiled = undefined;
}

/** Each data file's validator, made once per process. */
export function validators(): Map<DataFileName, ValidateFunction> {
  compiled ??= compiledValidators(keptIn);
  return compiled;
}

const exportName = (name: DataFileName) => name.replace(/\W/g, '_');

/**
 * The validators in a kept file, or undefined when it holds no working set of them. The file is the body of a
 * function of the formats and a require, which finds Ajv's runtime helpers from here, wherever the file is; it is
 * read afresh every time (a require would keep the first text it read for the process).
 */
export function readKeptValidators(file: string): Map<DataFileName, ValidateFunction> | undefined {
  try {
    const make = new Function('formats', 'require', readFileSync(file, 'utf8')) as (formats: typeof FORMATS, require: NodeJS.Require) => Record<string, ValidateFunction>;
    const made = make(FORMATS, createRequire(import.meta.url));
    if (DATA_FILE_NAMES.every((name) => typeof made[exportName(name)] === 'function')) return new Map(DATA_FILE_NAMES.map((name) => [name, made[exportName(name)]!]));
  } catch {
    // A damaged file: the caller compiles them again.
  }
  return undefined;
}

/**
 * Each data file's validator: from `cacheDir` when a file there holds them (named by a hash of the schemas, Ajv's
 * version and its options), else compiled and, with a `cacheDir`, written there for the next run. Either way the
 * same code validates.
 */
export function compiledValidators(cacheDir: string | undefined): Map<DataFileName, ValidateFunction> {
  const key = createHash('sha256').update(JSON.stringify({ ajv: AJV_PACKAGE.version, options: AJV_OPTIONS, formats: Object.keys(FORMATS), schemas: dataFiles })).digest('hex').slice(0, 16);
  const file = cacheDir && join(cacheDir, `validators-${key}.js`);
  const kept = file && existsSync(file) ? readKeptValidators(file) : undefined;
  if (kept) return kept;
  const ajv = new Ajv({ ...AJV_OPTIONS, ...(file ? { code: { source: true, formats: _`formats` } } : {}) });
  for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
  for (const name of DATA_FILE_NAMES) ajv.addSchema(dataFiles[name], name);
  const made = new Map(DATA_FILE_NAMES.map((name) => [name, ajv.getSchema(name)!]));
  if (file) {
    try {
      const code = standaloneCode(ajv, Object.fromEntries(DATA_FILE_NAMES.map((name) => [exportName(name), name])));
      mkdirSync(cacheDir, { recursive: true });
      // Written aside and renamed: a run that starts meanwhile reads the whole file or none.
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, `"use strict";\nconst exports = {};\n${code.replace(/^"use strict";/, '')}\nreturn exports;\n`);
      renameSync(tmp, file);
    } catch {
      // A cache that cannot be written costs the next run the compiling, nothing else.
    }
  }
  return made;
}
