// The data's validators kept between runs (Ajv's standalone code in .cache/schemas): the code read back from the
// file validates as the code Ajv compiles in the process, error for error, on every fixture.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledValidators, readKeptValidators } from '../pipeline/data/schema-validators.ts';
import { DATA_FILE_NAMES } from '../pipeline/data/validate.ts';
import { FIXTURES, invalidCase, invalidCaseNames, ROOT } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'briefs-schemas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the kept validators', () => {
  it('are written on the first run, read on the next, and report what freshly compiled ones report', () => {
    const compiled = compiledValidators(undefined);
    compiledValidators(dir);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^validators-[0-9a-f]{16}\.js$/);
    const kept = compiledValidators(dir);
    // Read back, not compiled again: the file is what runs (a marker in it shows).
    const file = join(dir, files[0]!);
    writeFileSync(file, readFileSync(file, 'utf8').replace('const exports = {};', 'const exports = { marked: true };'));
    const marked = compiledValidators(dir);
    expect(readFileSync(file, 'utf8')).toContain('marked: true');
    const datasets: Map<string, string>[] = [join(ROOT, 'data'), join(FIXTURES, 'minimal'), join(FIXTURES, 'single-round')].map((d) => new Map(DATA_FILE_NAMES.filter((n) => existsSync(join(d, n))).map((n) => [n, readFileSync(join(d, n), 'utf8')] as const)));
    datasets.push(...invalidCaseNames().map((name) => invalidCase(name).texts));
    let errors = 0;
    for (const texts of datasets) {
      for (const [name, text] of texts) {
        if (!DATA_FILE_NAMES.includes(name as (typeof DATA_FILE_NAMES)[number])) continue;
        let value: unknown;
        try {
          value = parse(text);
        } catch {
          continue; // YAML that does not parse never reaches a schema
        }
        const results = [compiled, kept, marked].map((v) => {
          const validate = v.get(name as (typeof DATA_FILE_NAMES)[number])!;
          return { valid: validate(value), errors: JSON.stringify(validate.errors ?? null) };
        });
        expect(results[1], name).toEqual(results[0]);
        expect(results[2], name).toEqual(results[0]);
        if (!results[0]!.valid) errors++;
      }
    }
    // The fixtures do reach the schemas' errors.
    expect(errors).toBeGreaterThan(10);
  });

  it('are kept by the command line as it runs (the bundle) in code that loads, and read, not written, on its next run', () => {
    const kept = join(ROOT, '.cache', 'schemas');
    const validate = () => execFileSync(process.execPath, ['pipeline/cli/launch.mjs', 'validate', '--data', join(FIXTURES, 'minimal')], { cwd: ROOT, encoding: 'utf8' });
    validate();
    const files = readdirSync(kept).filter((f) => /^validators-[0-9a-f]{16}\.js$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    const newest = files.map((f) => join(kept, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
    const read = readKeptValidators(newest);
    expect(read && [...read.keys()]).toEqual(DATA_FILE_NAMES);
    // The code the command line wrote validates: a file that is not a dataset's is refused.
    expect(read!.get('dialogues.yaml')!({})).toBe(false);
    const written = statSync(newest).mtimeMs;
    validate();
    expect(statSync(newest).mtimeMs).toBe(written);
  });

  it('are compiled again, and written over, when the file is damaged', () => {
    const file = join(dir, readdirSync(dir)[0]!);
    writeFileSync(file, 'return 1 +;');
    const validators = compiledValidators(dir);
    expect(validators.get('dialogues.yaml')!({})).toBe(false);
    expect(readFileSync(file, 'utf8')).toMatch(/^"use strict";\nconst exports = \{\};\n/);
  });
});
