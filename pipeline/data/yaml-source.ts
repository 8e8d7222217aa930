// A YAML file parsed with its positions kept, so every later message can point at the offending node.
import { Composer, isMap, isScalar, isSeq, LineCounter, Parser, parseDocument, visit, YAMLParseError, type CST, type Document, type Node } from 'yaml';
import type { Diagnostic } from './diagnostics.ts';
import type { RuleId } from './rules.ts';

export type Path = readonly (string | number)[];

export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The plain value, or undefined where the file could not be parsed. */
  value: unknown;
  diagnostics: Diagnostic[];
}

/**
 * Limits on what a data file may ask of the parser, generous for any honest dataset (documented in the README):
 * - an alias may be resolved into at most this many nodes in all (one anchor reused 10,000 times; an alias bomb is
 *   refused long before it costs memory);
 * - collections may nest at most this deep (the data's own schema nests six levels).
 */
export const MAX_ALIAS_NODES = 10_000;
export const MAX_NESTING = 100;

const YAML_RULES: Record<string, RuleId> = {
  DUPLICATE_KEY: 'duplicate-key',
  TAB_AS_INDENT: 'no-tabs',
  MULTIPLE_DOCS: 'multiple-documents',
};

/** A syntax message of a text, before it is known which file holds the text. */
type Problem = Omit<Diagnostic, 'file'>;

/** The line and column of an offset, read from the text itself (right even where the parser never ran). */
function positionIn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** Parses one data file. Pure: text in, document and syntax messages out. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const { doc, lineCounter, problems, composed } = parsed(text);
  const diagnostics: Diagnostic[] = problems.map((p) => ({ file, ...p }));
  let value: unknown;
  if (composed && doc.errors.length === 0) {
    // Made afresh for every caller: the dataset's objects are the caller's to keep or change.
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_NODES });
    } catch (err) {
      if (!(err instanceof ReferenceError)) throw err;
      const message = `aliases expand to more than ${MAX_ALIAS_NODES} nodes (expected at most ${MAX_ALIAS_NODES}; write the repeated values out, or reuse fewer)`;
      diagnostics.push({ file, ...positionIn(text, firstAlias(doc) ?? 0), severity: 'error', message, rule: 'alias-limit' });
    }
  }
  return { file, text, doc, lineCounter, value, diagnostics };
}

interface ParsedText {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  problems: readonly Problem[];
  /** False where the text was refused before composing (nested too deep): it has no value. */
  composed: boolean;
}

/**
 * The parse of a text, kept for the last few texts: a dataset is mostly files that did not change since the last
 * validation (in the dev loop, in the tests). Later stages only read the document and its line counter (positions,
 * string values), so sharing them is safe; large files are not kept, so memory stays bounded.
 */
const PARSED_TEXTS = 32;
const PARSED_MAX_CHARS = 256 * 1024;
const parsedTexts = new Map<string, ParsedText>();

function parsed(text: string): ParsedText {
  const kept = parsedTexts.get(text);
  if (kept) {
    // Most recently used last, so the files that stay the same stay kept.
    parsedTexts.delete(text);
    parsedTexts.set(text, kept);
    return kept;
  }
  const result = parseText(text);
  if (text.length <= PARSED_MAX_CHARS) {
    if (parsedTexts.size >= PARSED_TEXTS) parsedTexts.delete(parsedTexts.keys().next().value!);
    parsedTexts.set(text, result);
  }
  return result;
}

function parseText(text: string): ParsedText {
  const problems: Problem[] = [];
  const push = (offset: number, message: string, rule: RuleId) => problems.push({ ...positionIn(text, offset), severity: 'error', message, rule });

  // Deeper nesting than any dataset needs would exhaust the composer's stack: measured on the parser's flat token
  // stream first, and refused with where it goes too deep. The same tokens are then composed: the text is parsed once.
  const lineCounter = new LineCounter();
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const deep = tooDeepAt(tokens);
  if (deep !== undefined) {
    push(deep, `collections nested more than ${MAX_NESTING} levels deep (expected at most ${MAX_NESTING}; the data's own records nest six)`, 'too-deep');
    return { doc: parseDocument('', { lineCounter: new LineCounter() }), lineCounter: new LineCounter(), problems, composed: false };
  }
  // YAML 1.2 allows a byte-order mark and Windows editors write one: it is not part of the text.
  const doc = composeDocument(tokens, text.length, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  // Tabs look like spaces to a reader and YAML forbids them in indentation: one message per line that has one.
  let lineStart = 0;
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab >= 0) push(lineStart + tab, 'tab character (expected spaces; YAML indentation must not use tabs)', 'no-tabs');
    lineStart += line.length + 1;
  }
  // After a tab in the indentation the parser can only guess the structure: what it reports further on follows
  // from the tab, and goes away with it.
  const tabAt = doc.errors.find((e) => e.code === 'TAB_AS_INDENT')?.pos[0];
  for (const e of doc.errors) {
    const rule = YAML_RULES[e.code] ?? 'yaml-syntax';
    if (rule === 'no-tabs') continue; // already reported above, once per line
    if (tabAt !== undefined && e.pos[0] > tabAt) continue;
    const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const what = rule === 'duplicate-key' ? `duplicate key (expected each key once in a mapping): ${message}` : `YAML syntax error: ${message}`;
    const offset = /^Flow (map|sequence)\b/.test(message) ? (flowOpeningEndingAt(doc, e.pos[0]) ?? e.pos[0]) : e.pos[0];
    push(offset, what, rule);
  }
  for (const w of doc.warnings) problems.push({ ...positionIn(text, w.pos[0]), severity: 'warning', message: w.message.split('\n')[0]!, rule: 'yaml-warning' });
  return { doc, lineCounter, problems, composed: true };
}

/** YAML's parseDocument over tokens already read: the first document, and an error for any second one. */
function composeDocument(tokens: readonly CST.Token[], length: number, options: ConstructorParameters<typeof Composer>[0]): Document.Parsed {
  let doc: Document.Parsed | undefined;
  for (const next of new Composer(options).compose(tokens, true, length)) {
    if (!doc) doc = next;
    else if (doc.options.logLevel !== 'silent') {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  // compose(…, forceDoc) always ends with a document.
  return doc!;
}

/** The offset where collections first nest deeper than MAX_NESTING, read from the parser's tokens without recursion. */
function tooDeepAt(tokens: readonly CST.Token[]): number | undefined {
  const stack: { node: unknown; depth: number }[] = [];
  for (const token of tokens) stack.push({ node: token, depth: 0 });
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const t = node as { type?: string; offset?: number };
    const inner = t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection' ? depth + 1 : depth;
    if (inner > MAX_NESTING) return t.offset ?? 0;
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (child !== null && typeof child === 'object') stack.push({ node: child, depth: inner });
  }
  return undefined;
}

function firstAlias(doc: Document.Parsed): number | undefined {
  let at: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      at = node.range?.[0];
      return visit.BREAK;
    },
  });
  return at;
}

/** Where an unclosed `{` or `[` opens: the parser notices it only where the closing bracket should have been. */
function flowOpeningEndingAt(doc: Document.Parsed, offset: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Collection(_key, node) {
      if (node.flow && node.range?.[1] === offset) {
        start = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return start;
}

export interface Located {
  line: number;
  column: number;
}

/**
 * The position of the node at `path`; with `key`, the position of the key of its last segment (where a typo'd or
 * extra key is). Falls back to the nearest existing ancestor, so a message always has a place.
 */
export function locate(source: YamlSource, path: Path, key = false): Located {
  let node: unknown = source.doc.contents;
  let offset = (source.doc.contents as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === String(segment));
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      if (last && key && keyNode?.range) {
        offset = keyNode.range[0];
        break;
      }
      node = pair.value;
      const range = (pair.value as Node | null)?.range ?? keyNode?.range;
      if (range) offset = range[0];
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      node = item;
      if (item.range) offset = item.range[0];
    } else {
      break;
    }
  }
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

/** Splits a JSON Pointer (as Ajv reports paths) into segments, numbers for list indexes. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
