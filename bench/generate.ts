// A synthetic dataset k times the size of data/: the same schema and the same kind of Traditional Chinese text.
// Copy c of every round, event, person and outcome is shifted 20·c years later (so the whole stays in order and
// every role is held when it is cited), gets ids suffixed -xc, and people get new names drawn from common surnames
// and from characters of the seed, so every character stays within the bundled fonts.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

type Obj = Record<string, unknown>;

const SURNAMES = '王李張劉陳楊黃趙吳周徐孫馬朱胡郭何林羅高';
const GIVEN = '立國明華建文平志偉成安和新永春東海中興德長美金信';
const YEAR_STEP = 20;

const shiftDate = (d: string, years: number) => `${Number(d.slice(0, 4)) + years}${d.slice(4)}`;

function renamed(c: number, i: number): string {
  const n = c * 97 + i * 13;
  return `${SURNAMES[n % SURNAMES.length]}${GIVEN[(n >> 1) % GIVEN.length]}${GIVEN[(n * 7 + 3) % GIVEN.length]}`;
}

/** Deep copy with every id (and reference to one) suffixed, every date shifted. */
function copyRecord(value: unknown, c: number, ids: Set<string>): unknown {
  if (c === 0) return structuredClone(value);
  if (Array.isArray(value)) return value.map((v) => copyRecord(v, c, ids));
  if (value && typeof value === 'object') {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value as Obj)) {
      if (k === 'source' || k === 'name_en_source') out[k] = v;
      else if (typeof v === 'string' && ids.has(v)) out[k] = `${v}-x${c}`;
      else if (typeof v === 'string' && ['start', 'end', 'date', 'from', 'until'].includes(k)) out[k] = shiftDate(v, YEAR_STEP * c);
      else out[k] = copyRecord(v, c, ids);
    }
    return out;
  }
  return value;
}

export async function generateDataset(sourceDir: string, scale: number, outDir: string): Promise<void> {
  const read = async (name: string) => parse(await readFile(join(sourceDir, name), 'utf8')) as Obj;
  const [publication, sources, places, people, mechanism, dialogues, events, outcomes] = (await Promise.all(
    ['publication', 'sources', 'places', 'people', 'mechanism', 'dialogues', 'events', 'outcomes'].map((n) => read(`${n}.yaml`)),
  )) as [Obj, Obj, Obj, Obj, Obj, Obj, Obj, Obj];
  const ids = new Set<string>();
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') {
      const o = v as Obj;
      if (typeof o.id === 'string') ids.add(o.id);
      Object.values(o).forEach(collect);
    }
  };
  for (const f of [people, dialogues, events, outcomes.outcomes]) collect(f); // not the categories: every copy shares them

  const many = (list: unknown[], withNames = false) =>
    Array.from({ length: scale }, (_, c) =>
      list.map((r, i) => {
        const copy = copyRecord(r, c, ids) as Obj;
        if (withNames && c > 0) {
          copy.name = renamed(c, i);
          delete copy.name_variants;
          delete copy.name_en;
          delete copy.name_en_source;
        }
        return copy;
      }),
    ).flat();

  const files: Record<string, Obj> = {
    'publication.yaml': publication,
    'sources.yaml': sources,
    'places.yaml': places,
    'mechanism.yaml': mechanism,
    'people.yaml': { people: many(people.people as unknown[], true) },
    'dialogues.yaml': { dialogues: many(dialogues.dialogues as unknown[]) },
    'events.yaml': { events: many(events.events as unknown[]) },
    'outcomes.yaml': { categories: outcomes.categories, outcomes: many(outcomes.outcomes as unknown[]) },
  };
  await mkdir(outDir, { recursive: true });
  for (const [name, value] of Object.entries(files)) {
    // Written out in full: shared objects as anchors and aliases would be a YAML feature the data does not need.
    await writeFile(join(outDir, name), stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }));
  }
}
