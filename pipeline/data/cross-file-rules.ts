// The rules across files: what no one file's schema can check. Ids unique across the dataset, references that
// resolve, citations of sources and sections that exist, dates in order, roles held when they are cited, editions
// newest first, and warnings for records nothing uses. Each family of rules is one function below; crossFileRules
// runs them in a fixed order, which is the order their messages come in before they are sorted.
import type { Severity } from './diagnostics.ts';
import { dateSpan, parseLocalTime, parsePartialDate, partialDate, rangeSpan, spansOverlap } from './dates.ts';
import { closest } from './closest.ts';
import type { RuleId } from './rules.ts';
import { DATA_FILE_NAMES, type DataFileName } from './schema.ts';
import type { Path } from './yaml-source.ts';


type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const validDate = (v: unknown): string | undefined => {
  const s = str(v);
  return s !== undefined && !('error' in parsePartialDate(s)) ? s : undefined;
};

/** Where the rules send their messages, and how a message names the place of another record. */
export interface Reporter {
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

/**
 * What the families of rules share: the files' records (each list empty where its file is missing or unreadable),
 * every id found, and what the references checked so far used (for the warnings at the end).
 */
interface RuleContext {
  values: Partial<Record<DataFileName, unknown>>;
  r: Reporter;
  root: (name: DataFileName, key: string) => unknown;
  sources: unknown[];
  places: unknown[];
  people: unknown[];
  mechanism: unknown;
  dialogues: unknown[];
  events: unknown[];
  outcomes: unknown[];
  categories: unknown[];
  ids: Map<string, IdEntry>;
  /** Ids of the sources some citation names. */
  cited: Set<string>;
  /** Ids of the places some round or event is held at. */
  usedPlaces: Set<string>;
  /** Ids of the people some participation names. */
  citedPeople: Set<string>;
}

/** Runs every cross-file rule over the files that could be read, reporting through `r`. */
export function crossFileRules(values: Partial<Record<DataFileName, unknown>>, r: Reporter): void {
  const root = (name: DataFileName, key: string) => (isObj(values[name]) ? (values[name] as Obj)[key] : undefined);
  const sources = list(root('sources.yaml', 'sources'));
  const places = list(root('places.yaml', 'places'));
  const people = list(root('people.yaml', 'people'));
  const mechanism = root('mechanism.yaml', 'mechanism');
  const dialogues = list(root('dialogues.yaml', 'dialogues'));
  const events = list(root('events.yaml', 'events'));
  const outcomes = list(root('outcomes.yaml', 'outcomes'));
  const categories = list(root('outcomes.yaml', 'categories'));
  const c: RuleContext = {
    values,
    r,
    root,
    sources,
    places,
    people,
    mechanism,
    dialogues,
    events,
    outcomes,
    categories,
    ids: new Map(),
    cited: new Set(),
    usedPlaces: new Set(),
    citedPeople: new Set(),
  };
  // The ids first, since every reference is checked against them; the warnings last, once every use is known.
  uniqueIds(c);
  citationRules(c);
  sourceRules(c);
  englishNameRules(c);
  rolePeriodRules(c);
  roundRules(c);
  editionRules(c);
  eventRules(c);
  outcomeRules(c);
  unusedRecordWarnings(c);
}

/** Ids unique across the whole dataset: every record with an id goes into `c.ids`; a second use of one is reported. */
function uniqueIds(c: RuleContext): void {
  const { ids, r, sources, places, people, mechanism, dialogues, events, categories, outcomes } = c;
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
  categories.forEach((category, i) => define('category', 'outcomes.yaml', ['categories', i], category));
  outcomes.forEach((o, i) => define('outcome', 'outcomes.yaml', ['outcomes', i], o));
}

const kindsOf = (kinds: string[]) => kinds.map((k) => `${/^[aeiou]/.test(k) ? 'an' : 'a'} ${k}`).join(' or ');
/** Checks that `id` names a record of one of `kinds`; returns it when it does. */
function resolve(c: RuleContext, file: DataFileName, path: Path, id: unknown, kinds: string[]): IdEntry | undefined {
  const { ids, r, values } = c;
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
}

/** Citations: the source exists, and the section exists where the source has sections. */
function citationRules(c: RuleContext): void {
  const { cited, r, values } = c;
  const checkCitation = (file: DataFileName, path: Path, citation: unknown) => {
    if (!isObj(citation)) return;
    const entry = resolve(c, file, [...path, 'id'], citation.id, ['source']);
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
}

/** Source records carry the field their kind needs, and each section id once. */
function sourceRules(c: RuleContext): void {
  const { r, sources } = c;
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
}

/** English names come with the source that names them, and only with one. */
function englishNameRules(c: RuleContext): void {
  const { r, people } = c;
  people.forEach((p, i) => {
    if (!isObj(p)) return;
    if (p.name_en !== undefined && p.name_en_source === undefined)
      r.report('people.yaml', ['people', i, 'name_en'], 'error', 'English name without "name_en_source" (expected a citation of the source that gives it)', 'missing-citation', true);
    if (p.name_en === undefined && p.name_en_source !== undefined)
      r.report('people.yaml', ['people', i, 'name_en_source'], 'error', '"name_en_source" without "name_en" (expected the English name it supports)', 'orphan-citation', true);
  });
}

/** A person cited in a role: the role is theirs, and the source shows it held within `span`. */
function checkParticipation(c: RuleContext, file: DataFileName, path: Path, value: unknown, span: [number, number] | undefined, side?: string): void {
  const { citedPeople, r } = c;
  if (!isObj(value)) return;
  const person = resolve(c, file, [...path, 'person'], value.person, ['person']);
  const role = resolve(c, file, [...path, 'role'], value.role, ['role']);
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
}

/** A role's period: from its first to its last date; no "until" means it runs on. */
function rolePeriodRules(c: RuleContext): void {
  const { r, people } = c;
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
}

/** A place reference resolves; the place is then used. */
function checkPlace(c: RuleContext, file: DataFileName, path: Path, id: unknown): void {
  const entry = resolve(c, file, path, id, ['place']);
  if (entry) c.usedPlaces.add(entry.record.id as string);
}

/** Rounds: dates, places, people, sessions, order. */
function roundRules(c: RuleContext): void {
  const { r, dialogues } = c;
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

    list(d.places).forEach((p, j) => checkPlace(c, 'dialogues.yaml', [...base, 'places', j], p));
    list(d.co_chairs).forEach((chair, j) => checkParticipation(c, 'dialogues.yaml', [...base, 'co_chairs', j], chair, span));
    if (isObj(d.delegations)) {
      for (const side of ['china', 'us'] as const) {
        list(d.delegations[side]).forEach((member, j) => checkParticipation(c, 'dialogues.yaml', [...base, 'delegations', side, j], member, span, side));
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
}

/** Editions: each id once, newest first. */
function editionRules(c: RuleContext): void {
  const { r, root } = c;
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
}

/** Events: order, places, rounds, people. */
function eventRules(c: RuleContext): void {
  const { r, events } = c;
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
    if (e.place !== undefined) checkPlace(c, 'events.yaml', [...base, 'place'], e.place);
    if (e.dialogue !== undefined) resolve(c, 'events.yaml', [...base, 'dialogue'], e.dialogue, ['dialogue']);
    list(e.participants).forEach((p, j) => checkParticipation(c, 'events.yaml', [...base, 'participants', j], p, span));
  });
}

/** Outcomes tied to a round or an event, and to one of the file's categories. */
function outcomeRules(c: RuleContext): void {
  const { outcomes } = c;
  outcomes.forEach((o, i) => {
    if (!isObj(o)) return;
    resolve(c, 'outcomes.yaml', ['outcomes', i, 'context'], o.context, ['dialogue', 'event']);
    resolve(c, 'outcomes.yaml', ['outcomes', i, 'category'], o.category, ['category']);
  });
}

/**
 * Warnings: records nothing uses, usually a sign of a typo elsewhere. Not while a file is missing or unreadable:
 * the records may well be used there, and that file already has its message.
 */
function unusedRecordWarnings(c: RuleContext): void {
  const { cited, citedPeople, people, places, r, sources, usedPlaces, values } = c;
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
