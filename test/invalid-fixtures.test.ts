// The corpus of broken datasets: each case laid out as a real folder and read by the real loader, its messages —
// file, line and column — exactly as expected. Every rule a dataset can break has a case, read from the catalog.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../pipeline/data/diagnostics.ts';
import { loadDataset } from '../pipeline/data/load.ts';
import { DATA_RULE_IDS, rulesTable } from '../pipeline/data/rules.ts';
import { FIXTURES, invalidCaseNames, layOutInvalidCase, readExpected, ROOT } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-invalid-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the minimal fixture every invalid case starts from', () => {
  it('is valid, with no warning', async () => {
    const result = await loadDataset(join(FIXTURES, 'minimal'));
    expect(result.diagnostics.map((d) => formatDiagnostic(d, ''))).toEqual([]);
    expect(result.dataset).toBeDefined();
  });
});

const cases = invalidCaseNames();

describe('invalid fixtures', () => {
  it('cover every rule a dataset can break, as the rule catalog lists them', () => {
    const covered = new Set(cases.flatMap((c) => readExpected(c).map((l) => /\[([a-z0-9-]+)\]$/.exec(l)?.[1])));
    const missing = DATA_RULE_IDS.filter((rule) => !covered.has(rule));
    expect(missing, `no fixture in test/fixtures/invalid/ shows these rules`).toEqual([]);
  });

  it('are listed in the README as the catalog words them (npm run --silent rules prints the table)', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(rulesTable());
  });

  it.each(cases)('%s', async (name) => {
    const dir = join(work, name);
    layOutInvalidCase(name, dir);
    const expected = readExpected(name);
    const started = performance.now();
    const result = await loadDataset(dir);
    // Unusual files are refused without being read: a FIFO never blocks, /dev/zero is never read to its end.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.diagnostics.map((d) => formatDiagnostic(d, ''))).toEqual(expected);
    if (expected.some((l) => l.includes(': error: '))) expect(result.dataset).toBeUndefined();
  });
});
