// The script guard's tables are OpenCC's own, the same version opencc-js converts with, and they tell a character of
// both scripts from one of only one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Converter } from 'opencc-js';
import { describe, expect, it } from 'vitest';
import { foreignScriptCharacters, onlyInScript, readTable, scriptOf } from '../pipeline/data/script.ts';
import { ROOT } from './helpers.ts';

describe('the script tables', () => {
  it('are the tables opencc-js converts with: each entry\'s first candidate is its conversion, and the versions match', () => {
    const s2t = Converter({ from: 'cn', to: 't' });
    const t2s = Converter({ from: 't', to: 'cn' });
    for (const [name, convert] of [['STCharacters', s2t], ['TSCharacters', t2s]] as const) {
      const table = readTable(name);
      expect(table.size, name).toBeGreaterThan(3000);
      const differing = [...table].filter(([key, candidates]) => [...key].length === 1 && convert(key) !== candidates[0]);
      // A handful of characters differ because a variant table runs after the character table in the preset.
      expect(differing.length, `${name}: ${differing.slice(0, 10).map(([k, c]) => `${k}→${convert(k)} (table ${c.join(' ')})`).join(', ')}`).toBeLessThan(table.size / 100);
    }
    const version = (JSON.parse(readFileSync(join(ROOT, 'node_modules/opencc-js/package.json'), 'utf8')) as { version: string }).version;
    expect(readFileSync(join(ROOT, 'pipeline/data/opencc-tables.ts'), 'utf8')).toContain(`package ${version} ships them`);
  });

  it('keep every candidate, so a character of both scripts is never taken for one of only one', () => {
    expect(readTable('STCharacters').get('干')).toEqual(['幹', '乾', '干', '榦']);
    for (const both of '干台后里余乾於峰') {
      expect(onlyInScript('Hans').has(both.codePointAt(0)!), both).toBe(false);
      expect(onlyInScript('Hant').has(both.codePointAt(0)!), both).toBe(false);
    }
    expect(foreignScriptCharacters('中美发展们國', 'Hant').map((c) => c.char)).toEqual(['发', '们']);
    expect(foreignScriptCharacters('中美发展们國', 'Hans').map((c) => c.char)).toEqual(['國']);
  });

  it('reads the script of a language tag by subtag or region', () => {
    expect(['zh-Hant', 'zh-TW', 'zh-HK', 'zh-Hans', 'zh-CN', 'zh-SG', 'zh', 'en'].map(scriptOf)).toEqual(['Hant', 'Hant', 'Hant', 'Hans', 'Hans', 'Hans', undefined, undefined]);
  });
});
