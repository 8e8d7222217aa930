// data/ — the dataset: its schema (schema.ts), reading YAML with positions (yaml-source.ts, load.ts), validation and
// the rule catalog (validate.ts, schema-validators.ts, cross-file-rules.ts, rules.ts), positioned messages and error
// classes (diagnostics.ts), partial dates, glyph coverage (glyphs.ts, coverage.ts), scripts and OpenCC conversion (script.ts,
// opencc-tables.ts, convert.ts), earlier editions and what changed (earlier.ts, compare.ts), and the one way the
// stages keep what they derive (memo.ts). Imports nothing of the pipeline's but itself.
export { loadDataset } from './load.ts';
export { RULES } from './rules.ts';
