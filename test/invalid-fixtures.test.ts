// The corpus of broken datasets: each case's messages, with file, line and column, exactly as expected.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../pipeline/diagnostics.ts';
import { validateTexts } from '../pipeline/load.ts';
import { invalidCase, invalidCaseNames, FIXTURES, readYamlFiles } from './helpers.ts';
import { join } from 'node:path';

describe('the minimal fixture every invalid case starts from', () => {
  it('is valid, with no warning', () => {
    const result = validateTexts(readYamlFiles(join(FIXTURES, 'minimal')));
    expect(result.diagnostics.map((d) => formatDiagnostic(d, ''))).toEqual([]);
    expect(result.dataset).toBeDefined();
  });
});

const cases = invalidCaseNames();

describe('invalid fixtures', () => {
  it('are at least 25 and cover every rule the validator has', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    const rules = new Set(cases.flatMap((c) => invalidCase(c).expected.map((l) => /\[([a-z-]+)\]$/.exec(l)?.[1])));
    for (const rule of [
      'yaml-syntax', 'duplicate-key', 'no-tabs', 'no-bom', 'missing-file', 'unknown-file',
      'wrong-type', 'required-field', 'unknown-field', 'invalid-date', 'invalid-time', 'invalid-zone', 'invalid-enum',
      'invalid-id', 'invalid-pattern', 'empty-list', 'empty-text', 'out-of-range', 'repeated-item',
      'duplicate-id', 'unresolved-reference', 'wrong-reference-kind', 'missing-section', 'source-kind-field',
      'missing-citation', 'orphan-citation', 'wrong-side', 'role-person-mismatch', 'role-not-held',
      'end-before-start', 'session-outside-dialogue', 'missing-time-zone', 'time-needs-day', 'chronological-order',
      'unused-source', 'unused-place', 'unreferenced-person',
    ]) {
      expect(rules, `no fixture covers [${rule}]`).toContain(rule);
    }
  });

  it.each(cases)('%s', (name) => {
    const { texts, expected } = invalidCase(name);
    const result = validateTexts(texts);
    expect(result.diagnostics.map((d) => formatDiagnostic(d, ''))).toEqual(expected);
    if (expected.some((l) => l.includes(': error: '))) expect(result.dataset).toBeUndefined();
  });
});
