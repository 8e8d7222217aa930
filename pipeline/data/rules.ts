// Every rule a message can name: what it means, why it matters, how to fix it. Rule ids never change, so users can
// search for them; the messages carry them, the README's table is made from this list, and the fixture test reads
// it to demand a broken dataset for every rule the data can break.

/** Where a rule is checked: in one data file, across the dataset, on the data folder, in a template. */
export type RuleScope = 'file' | 'dataset' | 'folder' | 'template';

export interface Rule {
  scope: RuleScope;
  what: string;
  why: string;
  fix: string;
}

const rule = (scope: RuleScope, what: string, why: string, fix: string): Rule => ({ scope, what, why, fix });

export const RULES = {
  // ---- reading a file
  'missing-file': rule('file', 'a data file is missing', 'every dataset has the same eight files', 'add the file; an empty list is allowed where nothing is recorded'),
  'unknown-file': rule('file', 'a YAML file the dataset does not know', 'a misnamed file would be silently ignored', 'rename it to one of the data files, or move it out of the folder'),
  'not-a-file': rule('file', 'a data file is a folder, FIFO, device or socket', 'reading it could hang or never end; it is never opened', 'put a regular YAML file under that name'),
  'unreadable-file': rule('file', 'a data file cannot be read (permissions, a link to nothing)', 'its records would be missing', 'fix its permissions or the link'),
  'file-too-large': rule('file', 'a data file is larger than 16 MiB', 'a file that size is not a dataset but a mistake, and would exhaust memory', 'check what the file holds; split a real dataset'),
  'invalid-utf8': rule('file', 'bytes that are not UTF-8', 'the text would print as replacement characters', 'save the file as UTF-8'),
  'yaml-syntax': rule('file', 'YAML that does not parse', 'nothing of the file can be read', 'fix the syntax at the place given; quote text holding ": "'),
  'duplicate-key': rule('file', 'a key given twice in one mapping', 'one of the two values would be lost', 'keep one of them'),
  'no-tabs': rule('file', 'a tab character', 'YAML indentation must not use tabs, and tabs look like spaces', 'use spaces'),
  'multiple-documents': rule('file', 'more than one YAML document in a file', 'only the first would be read', 'keep one document per file'),
  'yaml-warning': rule('file', 'YAML the parser accepts but doubts (an unknown tag)', 'the value may not be what was meant', 'remove the tag or quote the value'),
  'too-deep': rule('file', 'collections nested more than 100 levels deep', 'no record nests that deep; parsing it would exhaust the stack', 'check the brackets and indentation'),
  'alias-limit': rule('file', 'aliases that expand to more than 10,000 nodes', 'an alias bomb would exhaust memory', 'write the repeated values out, or reuse fewer'),
  // ---- one file against its schema
  'wrong-type': rule('file', 'a value of the wrong type', 'the briefs expect text, a list or a mapping there', 'write the type expected; quote a bare year such as "2008"'),
  'required-field': rule('file', 'a required field is missing', 'the briefs cannot print the record without it', 'add the field'),
  'unknown-field': rule('file', 'a field the schema does not know', 'a misspelt field would be silently ignored', 'use the field the message suggests'),
  'invalid-date': rule('file', 'a date that is malformed or does not exist', 'the briefs would print a date that never was', 'write YYYY, YYYY-MM or YYYY-MM-DD at the precision the source gives'),
  'invalid-time': rule('file', 'a time that is not HH:MM', 'times are converted between zones', 'write a 24-hour time with a leading zero, 00:00–23:59'),
  'invalid-zone': rule('file', 'a time zone that is not an IANA name', 'abbreviations such as CST are ambiguous', 'write a name such as America/Anchorage'),
  'invalid-enum': rule('file', 'a value outside its closed set', 'the briefs know only these values', 'use the value the message suggests'),
  'invalid-id': rule('file', 'an id that is not kebab-case ASCII', 'ids become anchors and file names', 'use lower-case letters, digits and single hyphens'),
  'invalid-pattern': rule('file', 'a value that does not have its form (a URL, a language tag)', 'it would be printed or linked wrongly', 'write it in the form the message gives'),
  'empty-list': rule('file', 'an empty list where at least one item is needed', 'a record without it says nothing', 'add the items, or leave the record out'),
  'empty-text': rule('file', 'an empty text', 'the briefs would print nothing there', 'write the text, or leave the field out where it is optional'),
  'out-of-range': rule('file', 'a number out of its range', 'ordinals start at 1', 'write a number in range'),
  'repeated-item': rule('file', 'an item listed twice', 'the briefs would print it twice', 'keep one'),
  // ---- across files
  'duplicate-id': rule('dataset', 'an id used twice', 'references must name one record', 'rename one of the two'),
  'unresolved-reference': rule('dataset', 'a reference to an id that does not exist', 'the briefs would print a hole', 'use the id the message suggests, or add the record'),
  'wrong-reference-kind': rule('dataset', 'a reference to a record of the wrong kind', 'a place cannot stand for a person', 'refer to a record of the kind expected'),
  'missing-section': rule('dataset', 'a citation of a sectioned source without a section', 'a reader could not find the passage', 'add the section'),
  'source-kind-field': rule('dataset', 'a source without the field its kind needs (file, url)', 'a reader could not find the source', 'add the file name or the URL'),
  'missing-citation': rule('dataset', 'an English name without the source that gives it', 'every fact cites its source', 'add name_en_source'),
  'orphan-citation': rule('dataset', 'a citation of an English name that is not given', 'it supports nothing', 'add name_en, or remove the citation'),
  'wrong-side': rule('dataset', 'a person in the other side’s delegation', 'the roster would print them on the wrong side', 'move them, or correct their side'),
  'role-person-mismatch': rule('dataset', 'a role that belongs to someone else', 'the roster would give the person another’s title', 'cite one of the person’s own roles'),
  'role-not-held': rule('dataset', 'a role cited on an occasion outside its period', 'the briefs would give a title the person did not hold then', 'move the role’s from or until, or add a role'),
  'end-before-start': rule('dataset', 'an end before its start (a round, a session, a role)', 'no period ends before it begins', 'swap or correct the dates'),
  'session-outside-dialogue': rule('dataset', 'a session dated outside its round', 'sessions are part of their round', 'correct the session’s or the round’s date'),
  'missing-time-zone': rule('dataset', 'local times without the round’s time zone', 'times cannot be converted without it', 'add time_zone to the round'),
  'time-needs-day': rule('dataset', 'a time on a date without a day', 'a time needs a day to fall on', 'give the full date, or leave the time out'),
  'chronological-order': rule('dataset', 'a record listed after a later one', 'the files read as a history', 'move it into date order'),
  'missing-glyph': rule('dataset', 'a character no bundled font can draw', 'every machine must print the same glyphs, and none would print this one', 'write the character another way (a common form, or in words)'),
  'wrong-script': rule('dataset', 'a character of the other script: Simplified-only in a zh-Hant edition, Traditional-only in a zh-Hans one (by OpenCC’s tables)', 'an edition in one script that prints the other’s characters reads as a careless paste, and a reader’s search misses it', 'write the character the message suggests; list a quotation of a source in the other script under verbatim in publication.yaml'),
  'unprintable-character': rule('dataset', 'a control character, lone surrogate or noncharacter in text', 'it prints as nothing or as a replacement box', 'remove it (a double-quoted "\\0" or "\\uD800" writes one)'),
  'unused-source': rule('dataset', 'a source nothing cites (a warning)', 'usually a typo in a citation', 'cite it or remove it'),
  'unused-place': rule('dataset', 'a place nothing refers to (a warning)', 'usually a typo in a reference', 'refer to it or remove it'),
  'unreferenced-person': rule('dataset', 'a person who takes part in nothing (a warning)', 'usually a typo in a participation', 'cite them or remove them'),
  // ---- the data folder (one line each, no position)
  'missing-folder': rule('folder', 'the data folder does not exist', 'there is nothing to read', 'give --data a dataset folder'),
  'not-a-folder': rule('folder', 'the data folder is a file', 'a dataset is a folder of YAML files', 'give --data the folder, not a file in it'),
  'unreadable-folder': rule('folder', 'the data folder cannot be read', 'there is nothing to read', 'fix its permissions'),
  // ---- templates
  'template-syntax': rule('template', 'a template that does not parse', 'no brief can be rendered', 'fix the Handlebars syntax at the place given'),
  'template-runtime': rule('template', 'a template that names a field the view does not have', 'the brief would print nothing there', 'use a field of the view (test/views.test.ts shows them)'),
  'template-raw-output': rule('template', '{{{raw}}} output in a Markdown template', 'data text could become markup', 'write {{value}}, which escapes it'),
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];

/** The rules a broken dataset can break: each needs a fixture in test/fixtures/invalid/. */
export const DATA_RULE_IDS = RULE_IDS.filter((id) => RULES[id].scope === 'file' || RULES[id].scope === 'dataset');

/** The catalog as the README's table of rules: `npm run rules` prints it, and a test keeps the README's copy equal. */
export function rulesTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = Object.entries(RULES).map(([id, r]) => `| \`${id}\` | ${r.scope} | ${cell(r.what)} | ${cell(r.why)} | ${cell(r.fix)} |`);
  return ['| rule | where | what | why | how to fix |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
