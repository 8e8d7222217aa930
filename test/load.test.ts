// The loader on files as editors and tools write them: a byte-order mark, anchors reused honestly, bytes that are not
// UTF-8 located where they stand.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../pipeline/data/diagnostics.ts';
import { decodeUtf8, validateTexts } from '../pipeline/data/load.ts';
import { FIXTURES, readYamlFiles } from './helpers.ts';

const minimal = readYamlFiles(join(FIXTURES, 'minimal'));
const messages = (files: Map<string, string | Uint8Array>) => validateTexts(files).diagnostics.map((d) => formatDiagnostic(d, ''));

describe('the loader', () => {
  it('accepts a byte-order mark, as YAML 1.2 does and Windows editors write it', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(minimal.get('places.yaml')!)]);
    expect(messages(new Map<string, string | Uint8Array>([...minimal, ['places.yaml', bom]]))).toEqual([]);
  });

  it('accepts one anchor reused many times (an honest file, not an alias bomb)', () => {
    const places = Array.from({ length: 150 }, (_, i) => `  - { id: place-${i}, name: 地${i}, country: 中國, source: *rounds }`).join('\n');
    const text = `places:\n  - { id: beijing, name: 北京, country: 中國, source: &rounds { id: seed, section: rounds } }\n  - { id: anchorage, name: 安克雷奇, country: 美國, time_zone: America/Anchorage, source: *rounds }\n${places}\n`;
    const result = validateTexts(new Map([...minimal, ['places.yaml', text]]));
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.dataset!.places).toHaveLength(152);
  });

  it('places bytes that are not UTF-8 at their line and column', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('a: 1\nname: 中美'), 0xc3, 0x28, ...new TextEncoder().encode('對話\n')]);
    const decoded = decodeUtf8('x.yaml', bytes);
    expect('problem' in decoded && decoded.problem).toMatchObject({ line: 2, column: 9, rule: 'invalid-utf8' });
    expect('problem' in decoded && decoded.problem.message).toContain('found bytes C3 28');
    // Overlong forms and surrogates are not UTF-8 either.
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) expect('problem' in decodeUtf8('x', new Uint8Array(bad))).toBe(true);
    expect(decodeUtf8('x', new TextEncoder().encode('中美𠀀😀'))).toEqual({ text: '中美𠀀😀' });
  });
});
