// Validation: each file against its schema, then the rules that span files (cross-file-rules.ts). Pure: parsed
// sources in, a typed dataset and every positioned message out, all at once (the schemas' validators are made once,
// by schema-validators.ts).
import type { ErrorObject } from 'ajv';
import { compareDiagnostics, describeValue, hasErrors, type Diagnostic } from './diagnostics.ts';
import { comparePartialDates, parsePartialDate } from './dates.ts';
import { closest } from './closest.ts';
import { crossFileRules, type Reporter } from './cross-file-rules.ts';
import type { RuleId } from './rules.ts';
import { DATA_FILE_NAMES, type DataFileName, type Dataset } from './schema.ts';
import { validators } from './schema-validators.ts';
import { locate, pointerToPath, type Path, type YamlSource } from './yaml-source.ts';
import { kept } from './memo.ts';

export { DATA_FILE_NAMES };

export interface ValidationResult {
  /** Present only when there is no error. */
  dataset?: Dataset;
  diagnostics: Diagnostic[];
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const s of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[s] : undefined;
  return v;
}

/** One Ajv error as a positioned message; `undefined` for errors that another message already covers. */
function schemaDiagnostic(source: YamlSource, e: ErrorObject): Diagnostic | undefined {
  const path = pointerToPath(e.instancePath);
  const found = valueAt(source.value, path);
  const field = path.length ? `"${path[path.length - 1]}"` : 'the file';
  const where = (p: Path, key = false) => locate(source, p, key);
  const make = (p: Path, message: string, rule: RuleId, key = false): Diagnostic => ({
    file: source.file,
    ...where(p, key),
    severity: 'error',
    message,
    rule,
  });
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      const hint = closest(extra, allowed);
      return make(
        [...path, extra],
        `unknown field "${extra}"${hint ? ` (did you mean "${hint}"?)` : ''} (expected one of: ${allowed.join(', ')})`,
        'unknown-field',
        true,
      );
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return make(path, `missing required field "${missing}" (expected it in this mapping)`, 'required-field');
    }
    case 'type': {
      const expected = String((e.params as { type: string }).type).replace(',', ' or ');
      const quoteHint =
        typeof found === 'number' && e.parentSchema && (e.parentSchema as { format?: string }).format === 'partial-date'
          ? '; quote a bare year, e.g. "2008"'
          : '';
      return make(path, `wrong type for ${field} (expected ${expected}${quoteHint}, found ${describeValue(found)})`, 'wrong-type');
    }
    case 'format': {
      const format = String((e.params as { format: string }).format);
      const text = String(found);
      if (format === 'partial-date') {
        const parsed = parsePartialDate(text);
        const why = 'error' in parsed ? parsed.error : 'invalid';
        return make(path, `invalid date "${text}": ${why} (expected an existing date YYYY, YYYY-MM or YYYY-MM-DD, found "${text}")`, 'invalid-date');
      }
      if (format === 'local-time') {
        return make(path, `invalid time "${text}" (expected a 24-hour time HH:MM, found "${text}")`, 'invalid-time');
      }
      return make(path, `unknown time zone "${text}" (expected an IANA time-zone name such as America/Anchorage, found "${text}")`, 'invalid-zone');
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const hint = typeof found === 'string' ? closest(found, allowed) : undefined;
      return make(
        path,
        `invalid value for ${field}${hint ? ` (did you mean "${hint}"?)` : ''} (expected one of: ${allowed.join(', ')}; found ${describeValue(found)})`,
        'invalid-enum',
      );
    }
    case 'pattern': {
      // Blank text: an empty one already has its message from minLength.
      if (e.schema === '\\S') return found === '' ? undefined : make(path, `blank text for ${field} (expected some text other than white space)`, 'empty-text');
      const description = (e.parentSchema as { description?: string }).description ?? `text matching ${e.schema}`;
      const isId = String(e.schema).startsWith('^[a-z0-9]');
      return make(
        path,
        `${isId ? 'invalid id' : `invalid value for ${field}`} (expected ${isId ? 'kebab-case: lower-case ASCII letters, digits and single hyphens' : description.replace(/\.$/, '')}, found ${describeValue(found)})`,
        isId ? 'invalid-id' : 'invalid-pattern',
      );
    }
    case 'minItems':
      return make(path, `empty list for ${field} (expected at least ${(e.params as { limit: number }).limit} item)`, 'empty-list');
    case 'minLength':
      return make(path, `empty text for ${field} (expected some text)`, 'empty-text');
    case 'minimum':
      return make(path, `value too small for ${field} (expected at least ${(e.params as { limit: number }).limit}, found ${describeValue(found)})`, 'out-of-range');
    case 'uniqueItems': {
      // At the second of the two equal items (Ajv gives their indexes in either order).
      const { i, j } = e.params as { i: number; j: number };
      return make([...path, Math.max(i, j)], `repeated item in ${field} (expected each item once)`, 'repeated-item');
    }
    default:
      // Misuse, not a data problem: a keyword added to the schema needs its own message here.
      throw new Error(`schema keyword "${e.keyword}" has no message in schemaDiagnostic (at ${source.file} ${e.instancePath})`);
  }
}

/**
 * Each parsed document's schema messages, by the schema it was checked against: a document is shared by every
 * validation of the same text (yaml-source.ts), and its value, made afresh each time, is always the same.
 */
const schemaMessages = new WeakMap<YamlSource['doc'], Map<DataFileName, readonly Diagnostic[]>>();

function schemaDiagnostics(source: YamlSource, name: DataFileName): Diagnostic[] {
  const byName = kept(schemaMessages, source.doc, () => new Map<DataFileName, readonly Diagnostic[]>());
  return kept(byName, name, () => checkSchema(source, name)).map((d) => ({ ...d }));
}

function checkSchema(source: YamlSource, name: DataFileName): Diagnostic[] {
  const validate = validators().get(name)!;
  if (validate(source.value)) return [];
  const out: Diagnostic[] = [];
  for (const e of validate.errors ?? []) {
    const d = schemaDiagnostic(source, e);
    if (d && !out.some((o) => o.line === d.line && o.column === d.column && o.message === d.message)) out.push(d);
  }
  return out;
}

/** Validates every data file and the rules across them. Pure: the caller reads the files. */
export function validateSources(sources: ReadonlyMap<DataFileName, YamlSource>, extra: Diagnostic[] = []): ValidationResult {
  const diagnostics: Diagnostic[] = [...extra];
  const values: Partial<Record<DataFileName, unknown>> = {};
  for (const name of DATA_FILE_NAMES) {
    const source = sources.get(name);
    if (!source) continue;
    diagnostics.push(...source.diagnostics);
    if (source.value === undefined && source.diagnostics.some((d) => d.severity === 'error')) continue;
    diagnostics.push(...schemaDiagnostics(source, name));
    values[name] = source.value;
  }
  const reporter: Reporter = {
    report(file, path, severity, message, rule, key = false) {
      const source = sources.get(file);
      const { line, column } = source ? locate(source, path, key) : { line: 1, column: 1 };
      diagnostics.push({ file, line, column, severity, message, rule });
    },
    positionOf(file, path) {
      const source = sources.get(file);
      const { line, column } = source ? locate(source, path) : { line: 1, column: 1 };
      return `${file}:${line}:${column}`;
    },
  };
  crossFileRules(values, reporter);
  diagnostics.sort(compareDiagnostics(DATA_FILE_NAMES));
  if (hasErrors(diagnostics)) return { diagnostics };
  return { dataset: toDataset(values), diagnostics };
}

function toDataset(values: Partial<Record<DataFileName, unknown>>): Dataset {
  const get = <T>(name: DataFileName, key: string) => (values[name] as Record<string, T>)[key]!;
  const dataset: Dataset = {
    publication: get('publication.yaml', 'publication'),
    sources: get('sources.yaml', 'sources'),
    places: get('places.yaml', 'places'),
    people: get('people.yaml', 'people'),
    mechanism: get('mechanism.yaml', 'mechanism'),
    dialogues: get('dialogues.yaml', 'dialogues'),
    events: get('events.yaml', 'events'),
    categories: get('outcomes.yaml', 'categories'),
    outcomes: get('outcomes.yaml', 'outcomes'),
  };
  // Stable order for every later stage, whatever order the editor left them in (already checked to be chronological).
  dataset.events = [...dataset.events].sort((a, b) => comparePartialDates(a.date, b.date));
  return dataset;
}
