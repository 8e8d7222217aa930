// Validation: each file against its schema, then the rules that span files. Pure: parsed sources in, a typed
// dataset and every positioned message out, all at once.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { compareDiagnostics, describeValue, hasErrors, type Diagnostic, type Severity } from './diagnostics.ts';
import {
  comparePartialDates,
  dateSpan,
  isIanaZone,
  parseLocalTime,
  parsePartialDate,
  partialDate,
  rangeSpan,
  spansOverlap,
} from './dates.ts';
import { closest } from './closest.ts';
import type { RuleId } from './rules.ts';
import { dataFiles, type DataFileName, type Dataset } from './schema.ts';
import { locate, pointerToPath, type Path, type YamlSource } from './yaml-source.ts';

export const DATA_FILE_NAMES = Object.keys(dataFiles) as DataFileName[];

export interface ValidationResult {
  /** Present only when there is no error. */
  dataset?: Dataset;
  diagnostics: Diagnostic[];
}

let compiled: Map<DataFileName, ValidateFunction> | undefined;

function validators(): Map<DataFileName, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
  ajv.addFormat('partial-date', { type: 'string', validate: (s: string) => !('error' in parsePartialDate(s)) });
  ajv.addFormat('local-time', { type: 'string', validate: (s: string) => !('error' in parseLocalTime(s)) });
  ajv.addFormat('iana-zone', { type: 'string', validate: isIanaZone });
  compiled = new Map(DATA_FILE_NAMES.map((name) => [name, ajv.compile(dataFiles[name])]));
  return compiled;
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

function schemaDiagnostics(source: YamlSource, name: DataFileName): Diagnostic[] {
  const validate = validators().get(name)!;
  if (validate(source.value)) return [];
  const out: Diagnostic[] = [];
  for (const e of validate.errors ?? []) {
    const d = schemaDiagnostic(source, e);
    if (d && !out.some((o) => o.line === d.line && o.column === d.column && o.message === d.message)) out.push(d);
  }
  return out;
}

// ---------- rules across files ----------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const validDate = (v: unknown): string | undefined => {
  const s = str(v);
  return s !== undefined && !('error' in parsePartialDate(s)) ? s : undefined;
};

interface Reporter {
  report(file: DataFileName, path: Path, severity: Severity, message: string, rule: RuleId, key?: boolean): void;
  positionOf(file: DataFileName, path: Path): string;
}

/** Every record that has an id, with where it is, so references and duplicates can be checked. */
interface IdEntry {
  kind: string;
  file: DataFileName;
  path: Path;
  record: Obj;
}

/** The file that defines each kind of record, so a file that could not be read does not cascade into messages. */
const FILE_OF_KIND: Record<string, DataFileName> = {
  source: 'sources.yaml',
  place: 'places.yaml',
  person: 'people.yaml',
  role: 'people.yaml',
  mechanism: 'mechanism.yaml',
  dialogue: 'dialogues.yaml',
  session: 'dialogues.yaml',
  event: 'events.yaml',
  category: 'outcomes.yaml',
  outcome: 'outcomes.yaml',
};

function crossFileRules(values: Partial<Record<DataFileName, unknown>>, r: Reporter): void {
  const root = (name: DataFileName, key: string) => (isObj(values[name]) ? (values[name] as Obj)[key] : undefined);
  const sources = list(root('sources.yaml', 'sources'));
  const places = list(root('places.yaml', 'places'));
  const people = list(root('people.yaml', 'people'));
  const mechanism = root('mechanism.yaml', 'mechanism');
  const dialogues = list(root('dialogues.yaml', 'dialogues'));
  const events = list(root('events.yaml', 'events'));
  const outcomes = list(root('outcomes.yaml', 'outcomes'));
  const categories = list(root('outcomes.yaml', 'categories'));

  // Unique ids across the whole dataset.
  const ids = new Map<string, IdEntry>();
  const define = (kind: string, file: DataFileName, path: Path, record: unknown) => {
    if (!isObj(record)) return;
    const id = str(record.id);
    if (id === undefined) return;
    const first = ids.get(id);
    if (first) {
      r.report(file, [...path, 'id'], 'error', `duplicate id "${id}" (expected ids unique across the dataset; first defined at ${r.positionOf(first.file, [...first.path, 'id'])})`, 'duplicate-id');
      return;
    }
    ids.set(id, { kind, file, path, record });
  };
  sources.forEach((s, i) => define('source', 'sources.yaml', ['sources', i], s));
  places.forEach((p, i) => define('place', 'places.yaml', ['places', i], p));
  people.forEach((p, i) => {
    define('person', 'people.yaml', ['people', i], p);
    if (isObj(p)) list(p.roles).forEach((role, j) => define('role', 'people.yaml', ['people', i, 'roles', j], role));
  });
  define('mechanism', 'mechanism.yaml', ['mechanism'], mechanism);
  dialogues.forEach((d, i) => {
    define('dialogue', 'dialogues.yaml', ['dialogues', i], d);
    if (isObj(d)) list(d.sessions).forEach((s, j) => define('session', 'dialogues.yaml', ['dialogues', i, 'sessions', j], s));
  });
  events.forEach((e, i) => define('event', 'events.yaml', ['events', i], e));
  categories.forEach((c, i) => define('category', 'outcomes.yaml', ['categories', i], c));
  outcomes.forEach((o, i) => define('outcome', 'outcomes.yaml', ['outcomes', i], o));

  const kindsOf = (kinds: string[]) => kinds.map((k) => `${/^[aeiou]/.test(k) ? 'an' : 'a'} ${k}`).join(' or ');
  /** Checks that `id` names a record of one of `kinds`; returns it when it does. */
  const resolve = (file: DataFileName, path: Path, id: unknown, kinds: string[]): IdEntry | undefined => {
    const s = str(id);
    if (s === undefined) return undefined;
    const entry = ids.get(s);
    if (!entry) {
      // A reference into a file that is missing or unreadable is not this file's fault: that file has its message.
      if (kinds.some((k) => values[FILE_OF_KIND[k]!] === undefined)) return undefined;
      const near = closest(s, [...ids].filter(([, e]) => kinds.includes(e.kind)).map(([k]) => k));
      r.report(file, path, 'error', `unknown id "${s}"${near ? ` (did you mean "${near}"?)` : ''} (expected the id of ${kindsOf(kinds)})`, 'unresolved-reference');
      return undefined;
    }
    if (!kinds.includes(entry.kind)) {
      r.report(file, path, 'error', `"${s}" is ${kindsOf([entry.kind])} (expected the id of ${kindsOf(kinds)})`, 'wrong-reference-kind');
      return undefined;
    }
    return entry;
  };

  // Citations: the source exists, and the section exists where the source has sections.
  const cited = new Set<string>();
  const checkCitation = (file: DataFileName, path: Path, citation: unknown) => {
    if (!isObj(citation)) return;
    const entry = resolve(file, [...path, 'id'], citation.id, ['source']);
    if (!entry) return;
    cited.add(entry.record.id as string);
    const sections = list(entry.record.sections).filter(isObj).map((s) => str(s.id));
    const section = str(citation.section);
    if (sections.length > 0 && section === undefined) {
      r.report(file, path, 'error', `citation of "${entry.record.id}" has no section (expected one of: ${sections.join(', ')})`, 'missing-section');
    } else if (section !== undefined && !sections.includes(section)) {
      const expected = sections.length ? `one of: ${sections.join(', ')}` : 'no section: that source has none';
      r.report(file, [...path, 'section'], 'error', `unknown section "${section}" of source "${entry.record.id}" (expected ${expected})`, 'unresolved-reference');
    }
  };
  // Every "source" field of every record, wherever it sits.
  const walkCitations = (file: DataFileName, value: unknown, path: Path) => {
    if (Array.isArray(value)) value.forEach((v, i) => walkCitations(file, v, [...path, i]));
    else if (isObj(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'source' || k === 'name_en_source') checkCitation(file, [...path, k], v);
        else walkCitations(file, v, [...path, k]);
      }
    }
  };
  for (const name of DATA_FILE_NAMES) if (name !== 'sources.yaml') walkCitations(name, values[name], []);

  // Source records carry the field their kind needs.
  sources.forEach((s, i) => {
    if (!isObj(s)) return;
    if (s.kind === 'document' && s.file === undefined)
      r.report('sources.yaml', ['sources', i], 'error', 'document source without "file" (expected the file name of the document)', 'source-kind-field');
    if (s.kind === 'web-page' && s.url === undefined)
      r.report('sources.yaml', ['sources', i], 'error', 'web-page source without "url" (expected its https URL)', 'source-kind-field');
    const sectionIds = new Set<string>();
    list(s.sections).forEach((sec, j) => {
      const id = isObj(sec) ? str(sec.id) : undefined;
      if (id === undefined) return;
      if (sectionIds.has(id))
        r.report('sources.yaml', ['sources', i, 'sections', j, 'id'], 'error', `duplicate section id "${id}" (expected section ids unique within a source)`, 'duplicate-id');
      sectionIds.add(id);
    });
  });

  // English names come with the source that names them, and only with one.
  people.forEach((p, i) => {
    if (!isObj(p)) return;
    if (p.name_en !== undefined && p.name_en_source === undefined)
      r.report('people.yaml', ['people', i, 'name_en'], 'error', 'English name without "name_en_source" (expected a citation of the source that gives it)', 'missing-citation', true);
    if (p.name_en === undefined && p.name_en_source !== undefined)
      r.report('people.yaml', ['people', i, 'name_en_source'], 'error', '"name_en_source" without "name_en" (expected the English name it supports)', 'orphan-citation', true);
  });

  const usedPlaces = new Set<string>();
  const citedPeople = new Set<string>();
  /** A person cited in a role: the role is theirs, and the source shows it held within `span`. */
  const checkParticipation = (file: DataFileName, path: Path, value: unknown, span: [number, number] | undefined, side?: string) => {
    if (!isObj(value)) return;
    const person = resolve(file, [...path, 'person'], value.person, ['person']);
    const role = resolve(file, [...path, 'role'], value.role, ['role']);
    if (!person) return;
    citedPeople.add(person.record.id as string);
    // A side that is not a valid side has its own message; comparing it would only repeat it.
    if (side !== undefined && (person.record.side === 'china' || person.record.side === 'us') && person.record.side !== side)
      r.report(file, [...path, 'person'], 'error', `"${person.record.id}" is on the ${String(person.record.side)} side (expected a person of the ${side} side in this delegation)`, 'wrong-side');
    if (!role) return;
    const owned = list(person.record.roles).some((x) => isObj(x) && x.id === role.record.id);
    if (!owned) {
      r.report(file, [...path, 'role'], 'error', `role "${role.record.id}" belongs to someone else (expected one of the roles of "${person.record.id}")`, 'role-person-mismatch');
      return;
    }
    const held = heldSpan(role.record);
    if (span && held && !spansOverlap(held, span)) {
      const from = String(role.record.from);
      const until = role.record.until === undefined ? undefined : String(role.record.until);
      const shown = until === undefined ? `from ${from} on` : from === until ? `at ${from}` : `from ${from} until ${until}`;
      const remedy = span[1] < held[0] ? 'move its "from" back' : 'move its "until" on, or remove "until" if it is still held';
      r.report(
        file,
        [...path, 'role'],
        'error',
        `role "${role.record.id}" is shown held ${shown} (expected a role held at the time cited, ${describeSpan(span)}: if the sources show it held then, ${remedy}; if it is another office, add a role)`,
        'role-not-held',
      );
    }
  };

  // A role's period: from its first to its last date; no "until" means it runs on.
  people.forEach((p, i) => {
    if (!isObj(p)) return;
    list(p.roles).forEach((role, j) => {
      if (!isObj(role)) return;
      const from = validDate(role.from);
      const until = validDate(role.until);
      if (from !== undefined && until !== undefined && dateSpan(partialDate(until))[1] < dateSpan(partialDate(from))[0]) {
        r.report('people.yaml', ['people', i, 'roles', j, 'until'], 'error', `role ends ${until}, before it starts ${from} (expected "until" on or after "from")`, 'end-before-start');
      }
    });
  });

  const checkPlace = (file: DataFileName, path: Path, id: unknown) => {
    const entry = resolve(file, path, id, ['place']);
    if (entry) usedPlaces.add(entry.record.id as string);
  };

  // Rounds: dates, places, people, sessions, order.
  let previous: { span: [number, number]; path: Path } | undefined;
  dialogues.forEach((d, i) => {
    if (!isObj(d)) return;
    const base: Path = ['dialogues', i];
    const start = validDate(d.start);
    const end = validDate(d.end);
    let span: [number, number] | undefined;
    if (start !== undefined) {
      span = rangeSpan(start, end);
      if (end !== undefined && dateSpan(partialDate(end))[1] < dateSpan(partialDate(start))[0]) {
        r.report('dialogues.yaml', [...base, 'end'], 'error', `end ${end} is before start ${start} (expected an end on or after the start)`, 'end-before-start');
        span = undefined;
      }
    }
    if (span && previous && span[1] < previous.span[0]) {
      r.report('dialogues.yaml', [...base, 'start'], 'error', `round starting ${start} is listed after a later one (expected rounds in chronological order; previous at ${r.positionOf('dialogues.yaml', [...previous.path, 'start'])})`, 'chronological-order');
    }
    if (span) previous = { span, path: base };

    list(d.places).forEach((p, j) => checkPlace('dialogues.yaml', [...base, 'places', j], p));
    list(d.co_chairs).forEach((c, j) => checkParticipation('dialogues.yaml', [...base, 'co_chairs', j], c, span));
    if (isObj(d.delegations)) {
      for (const side of ['china', 'us'] as const) {
        list(d.delegations[side]).forEach((c, j) => checkParticipation('dialogues.yaml', [...base, 'delegations', side, j], c, span, side));
      }
    }

    const sessions = list(d.sessions);
    const hasTimes = sessions.some((s) => isObj(s) && (s.start !== undefined || s.end !== undefined));
    if (hasTimes && d.time_zone === undefined) {
      r.report('dialogues.yaml', base, 'error', 'sessions have local times but the round has no "time_zone" (expected an IANA zone such as America/Anchorage)', 'missing-time-zone');
    }
    let previousSession: { key: number; path: Path } | undefined;
    sessions.forEach((s, j) => {
      if (!isObj(s)) return;
      const sp: Path = [...base, 'sessions', j];
      const date = validDate(s.date);
      if (date === undefined) return;
      const sSpan = dateSpan(partialDate(date));
      // A coarser date (2021-03) that takes in the round is not outside it; only one that cannot fall in it is.
      if (span && !spansOverlap(sSpan, span)) {
        r.report('dialogues.yaml', [...sp, 'date'], 'error', `session on ${date} is outside its round (expected a date within ${describeSpan(span)})`, 'session-outside-dialogue');
      }
      const time = (t: unknown) => {
        const v = isObj(t) ? str(t.time) : undefined;
        const parsed = v === undefined ? undefined : parseLocalTime(v);
        return parsed && !('error' in parsed) ? parsed.hour * 60 + parsed.minute : undefined;
      };
      const startMin = time(s.start);
      const endMin = time(s.end);
      if ((startMin !== undefined || endMin !== undefined) && partialDate(date).precision !== 'day') {
        r.report('dialogues.yaml', [...sp, 'date'], 'error', `session with a time has a date of ${partialDate(date).precision} precision (expected a full date YYYY-MM-DD)`, 'time-needs-day');
      }
      if (startMin !== undefined && endMin !== undefined && endMin < startMin) {
        r.report('dialogues.yaml', [...sp, 'end', 'time'], 'error', `session ends at ${String((s.end as Obj).time)}, before it starts at ${String((s.start as Obj).time)} (expected an end on or after the start)`, 'end-before-start');
      }
      const key = sSpan[0] * 1440 + (startMin ?? endMin ?? 0);
      if (previousSession && key < previousSession.key) {
        r.report('dialogues.yaml', [...sp, 'date'], 'error', `session is listed after a later one (expected sessions in chronological order; previous at ${r.positionOf('dialogues.yaml', [...previousSession.path, 'date'])})`, 'chronological-order');
      }
      previousSession = { key, path: sp };
    });
  });

  // Editions: each id once, newest first.
  const publicationValue = root('publication.yaml', 'publication');
  const editions = isObj(publicationValue) ? list(publicationValue.editions) : [];
  const editionIds = new Map<string, number>();
  let laterEdition: { date: string; index: number } | undefined;
  editions.forEach((e, i) => {
    if (!isObj(e)) return;
    const base: Path = ['publication', 'editions', i];
    const id = str(e.id);
    if (id !== undefined && editionIds.has(id)) {
      r.report('publication.yaml', [...base, 'id'], 'error', `edition "${id}" is listed twice (expected each edition once; first at ${r.positionOf('publication.yaml', ['publication', 'editions', editionIds.get(id)!, 'id'])})`, 'duplicate-id');
    } else if (id !== undefined) editionIds.set(id, i);
    const date = validDate(e.date);
    if (date !== undefined && laterEdition && date > laterEdition.date) {
      r.report('publication.yaml', [...base, 'date'], 'error', `edition of ${date} is listed after an earlier one (expected editions newest first; that one at ${r.positionOf('publication.yaml', ['publication', 'editions', laterEdition.index, 'date'])})`, 'chronological-order');
    }
    if (date !== undefined) laterEdition = { date, index: i };
  });

  // Events: order, places, rounds, people.
  let previousEvent: { span: [number, number]; path: Path } | undefined;
  events.forEach((e, i) => {
    if (!isObj(e)) return;
    const base: Path = ['events', i];
    const date = validDate(e.date);
    const span = date !== undefined ? dateSpan(partialDate(date)) : undefined;
    if (span && previousEvent && span[1] < previousEvent.span[0]) {
      r.report('events.yaml', [...base, 'date'], 'error', `event on ${date} is listed after a later one (expected events in chronological order; previous at ${r.positionOf('events.yaml', [...previousEvent.path, 'date'])})`, 'chronological-order');
    }
    if (span) previousEvent = { span, path: base };
    if (e.place !== undefined) checkPlace('events.yaml', [...base, 'place'], e.place);
    if (e.dialogue !== undefined) resolve('events.yaml', [...base, 'dialogue'], e.dialogue, ['dialogue']);
    list(e.participants).forEach((p, j) => checkParticipation('events.yaml', [...base, 'participants', j], p, span));
  });

  // Outcomes tied to a round or an event, and to one of the file's categories.
  outcomes.forEach((o, i) => {
    if (!isObj(o)) return;
    resolve('outcomes.yaml', ['outcomes', i, 'context'], o.context, ['dialogue', 'event']);
    resolve('outcomes.yaml', ['outcomes', i, 'category'], o.category, ['category']);
  });

  // Warnings: records nothing uses, usually a sign of a typo elsewhere. Not while a file is missing or unreadable:
  // the records may well be used there, and that file already has its message.
  if (DATA_FILE_NAMES.some((name) => values[name] === undefined)) return;
  sources.forEach((s, i) => {
    const id = isObj(s) ? str(s.id) : undefined;
    if (id !== undefined && !cited.has(id))
      r.report('sources.yaml', ['sources', i, 'id'], 'warning', `source "${id}" is never cited (expected every source to support some fact)`, 'unused-source');
  });
  places.forEach((p, i) => {
    const id = isObj(p) ? str(p.id) : undefined;
    if (id !== undefined && !usedPlaces.has(id))
      r.report('places.yaml', ['places', i, 'id'], 'warning', `place "${id}" is never referred to (expected a round or event held there)`, 'unused-place');
  });
  people.forEach((p, i) => {
    const id = isObj(p) ? str(p.id) : undefined;
    if (id !== undefined && !citedPeople.has(id))
      r.report('people.yaml', ['people', i, 'id'], 'warning', `person "${id}" takes part in no round or event (expected a participation that cites them)`, 'unreferenced-person');
  });
}

/** The days a role is shown held: from the first day of "from" to the last of "until", open-ended without it. */
function heldSpan(role: Obj): [number, number] | undefined {
  const from = validDate(role.from);
  if (from === undefined) return undefined;
  const until = validDate(role.until);
  const span: [number, number] = [dateSpan(partialDate(from))[0], until === undefined ? Infinity : dateSpan(partialDate(until))[1]];
  // A period that ends before it starts has its own message; checking occasions against it would only repeat it.
  return span[1] < span[0] ? undefined : span;
}

function describeSpan([first, last]: [number, number]): string {
  const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
  return first === last ? iso(first) : `${iso(first)}..${iso(last)}`;
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
