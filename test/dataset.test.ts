// The real dataset: valid, faithful to its sources, and pointing editors at an up-to-date JSON Schema.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../pipeline/data/diagnostics.ts';
import { renderJsonSchemas } from '../pipeline/data/json-schema.ts';
import { loadDataset } from '../pipeline/data/load.ts';
import { DATA_FILE_NAMES } from '../pipeline/data/validate.ts';
import { ROOT } from './helpers.ts';

const DATA = join(ROOT, 'data');

describe('data/', () => {
  it('validates clean: no error and no warning', async () => {
    const result = await loadDataset(DATA);
    expect(result.diagnostics.map((d) => formatDiagnostic(d, 'data'))).toEqual([]);
    expect(result.dataset).toBeDefined();
  });

  it('holds every round of the seed, with month precision kept for December 2008', async () => {
    const { dataset } = await loadDataset(DATA);
    const rounds = dataset!.dialogues.map((d) => [d.start, d.end ?? null]);
    expect(rounds).toEqual([
      ['2005-08-01', null],
      ['2005-12-07', '2005-12-08'],
      ['2006-11-08', null],
      ['2007-06-20', '2007-06-21'],
      ['2008-01-17', '2008-01-18'],
      ['2008-12', null],
      ['2021-03-18', '2021-03-19'],
    ]);
  });

  it('cites, in every record of every file, a source that exists and a section of it that exists', () => {
    const sources = parse(readFileSync(join(DATA, 'sources.yaml'), 'utf8')).sources as { id: string; sections?: { id: string }[] }[];
    const byId = new Map(sources.map((s) => [s.id, s]));
    let citations = 0;
    const walk = (value: unknown, where: string): void => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
      else if (value && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        // A record is anything with an id, except the sources themselves, the seed's sections, the checklist's
        // categories (the publisher's own grouping, not a fact) and the publication's editions (its own record).
        const own = ['sources.yaml', 'outcomes.yaml.categories', 'publication.yaml.publication.editions'];
        if (typeof record.id === 'string' && !own.some((prefix) => where.startsWith(prefix))) {
          expect(record.source, `${where} (${record.id}) cites no source`).toBeDefined();
        }
        for (const [k, v] of Object.entries(record)) {
          if (k === 'source' || k === 'name_en_source') {
            const c = v as { id: string; section?: string };
            const source = byId.get(c.id);
            expect(source, `${where}.${k} cites unknown source ${c.id}`).toBeDefined();
            if (source?.sections) expect(source.sections.map((s) => s.id), `${where}.${k}`).toContain(c.section);
            citations++;
          } else walk(v, `${where}.${k}`);
        }
      }
    };
    for (const name of DATA_FILE_NAMES) walk(parse(readFileSync(join(DATA, name), 'utf8')), name);
    expect(citations).toBeGreaterThan(100);
  });

  it('has a seed source whose file is the seed, and quotes only text that stands in it', () => {
    // The seed travels with the data (data/sources/), so a clone anywhere can check what the data quotes.
    const sources = parse(readFileSync(join(DATA, 'sources.yaml'), 'utf8')).sources as { id: string; file?: string }[];
    const seedPath = join(DATA, 'sources', sources.find((s) => s.id === 'seed')!.file!);
    expect(existsSync(seedPath), `${seedPath} is missing`).toBe(true);
    const seed = readFileSync(seedPath, 'utf8');
    const people = parse(readFileSync(join(DATA, 'people.yaml'), 'utf8')).people as { name: string; name_variants?: string[]; roles: { title: string }[] }[];
    for (const p of people) {
      for (const n of [p.name, ...(p.name_variants ?? [])]) expect(seed, `name ${n}`).toContain(n);
    }
    const places = parse(readFileSync(join(DATA, 'places.yaml'), 'utf8')).places as { name: string }[];
    for (const p of places) expect(seed, `place ${p.name}`).toContain(p.name);
  });
});

describe('data/schema/', () => {
  it('is what pipeline/data/schema.ts generates (run `npm run schema` after changing the schema)', () => {
    for (const [name, text] of renderJsonSchemas()) {
      const path = join(DATA, 'schema', name);
      expect(existsSync(path), `${path} is missing`).toBe(true);
      expect(readFileSync(path, 'utf8'), `${name} is out of date`).toBe(text);
    }
  });

  it('is named by a yaml-language-server modeline at the top of each data file', () => {
    for (const name of DATA_FILE_NAMES) {
      const first = readFileSync(join(DATA, name), 'utf8').split('\n')[0];
      expect(first).toBe(`# yaml-language-server: $schema=schema/${name.replace('.yaml', '.schema.json')}`);
    }
  });
});
