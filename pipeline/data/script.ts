// The script of an edition, and the characters that exist in only one script, decided by OpenCC's own character
// tables (opencc-tables.ts: the tables opencc-js is built from, with every candidate kept — opencc-js keeps only the
// first, so 干 → 幹 would make 干 look Simplified-only when OpenCC lists 干 → 幹 乾 干 榦).
// A Simplified character is Simplified-only when its own entry in STCharacters does not list itself among its
// Traditional forms (们 → 們, but 干 → … 干 …) and no regional standard writes it (TWVariants, HKVariants: OpenCC's
// Traditional 峯 is Taiwan's 峰, so 峰 is Traditional too); a Traditional character is Traditional-only likewise by
// TSCharacters (發 → 发, but 乾 → 干 乾). Characters in none of the tables are common to both scripts.
import * as tables from './opencc-tables.ts';

export type Script = 'Hant' | 'Hans';

/** The script a language tag is written in, for Chinese tags that say it (by subtag or by region), else none. */
export function scriptOf(tag: string): Script | undefined {
  const parts = tag.toLowerCase().split('-');
  if (parts[0] !== 'zh') return undefined;
  if (parts.includes('hant')) return 'Hant';
  if (parts.includes('hans')) return 'Hans';
  if (parts.some((p) => ['tw', 'hk', 'mo'].includes(p))) return 'Hant';
  if (parts.some((p) => ['cn', 'sg', 'my'].includes(p))) return 'Hans';
  return undefined;
}

export const otherScript = (script: Script): Script => (script === 'Hant' ? 'Hans' : 'Hant');

/** The language tag the briefs print for a script. */
export const langOfScript = (script: Script): 'zh-Hant' | 'zh-Hans' => (script === 'Hant' ? 'zh-Hant' : 'zh-Hans');

const onlyCache = new Map<Script, Set<number>>();
const tableCache = new Map<string, Map<string, string[]>>();

type TableName = keyof typeof tables;

/** The entries of one OpenCC character table: key → its candidates, in the table's order. */
export function readTable(name: TableName): Map<string, string[]> {
  const cached = tableCache.get(name);
  if (cached) return cached;
  const table = new Map<string, string[]>();
  for (const line of tables[name].split('\n')) {
    const [key, values] = line.split('\t');
    if (key && values) table.set(key, values.split(' '));
  }
  tableCache.set(name, table);
  return table;
}

/** The characters that exist only in `script`: OpenCC converts them, and never to themselves. */
export function onlyInScript(script: Script): ReadonlySet<number> {
  let set = onlyCache.get(script);
  if (!set) {
    set = new Set<number>();
    for (const [key, candidates] of readTable(script === 'Hans' ? 'STCharacters' : 'TSCharacters')) {
      if ([...key].length === 1 && !candidates.includes(key)) set.add(key.codePointAt(0)!);
    }
    if (script === 'Hans') {
      // What Taiwan's or Hong Kong's standard writes is Traditional, whatever OpenCC's own Traditional form is.
      for (const file of ['TWVariants', 'HKVariants'] as const) for (const forms of readTable(file).values()) for (const f of forms) set.delete(f.codePointAt(0)!);
    }
    onlyCache.set(script, set);
  }
  return set;
}

/** A character of `text` that exists only in the other script than `script`, with its index, each once. */
export interface ForeignCharacter {
  char: string;
  /** Index in UTF-16 units of its first occurrence. */
  index: number;
}

/** The characters of `text` that a `script` edition must not print: those that exist only in the other script. */
export function foreignScriptCharacters(text: string, script: Script): ForeignCharacter[] {
  const foreign = onlyInScript(otherScript(script));
  const found: ForeignCharacter[] = [];
  const seen = new Set<number>();
  let index = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (foreign.has(cp) && !seen.has(cp)) {
      seen.add(cp);
      found.push({ char: ch, index });
    }
    index += ch.length;
  }
  return found;
}

/** What OpenCC makes of a character in the other script: the forms a message can suggest (發 → 发). */
export function formsInOtherScript(char: string, script: Script): string[] {
  const table = readTable(script === 'Hans' ? 'STCharacters' : 'TSCharacters');
  return table.get(char) ?? [];
}

/** A passage the data quotes in another script than the page's: it prints inside a span naming its language. */
export interface ForeignPassage {
  text: string;
  lang: string;
}
