// The one schema of the dataset. TypeScript types come from it through `Static`, and the JSON Schema files in
// data/schema/ are generated from it (`npm run schema`); a test fails when those files are out of date.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** A closed set of strings as a plain JSON Schema `enum`, so a wrong value gets one clear message. */
function StringEnum<const T extends readonly string[]>(values: T, description: string) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description });
}

/** Ids are kebab-case ASCII so that they are stable in URLs, anchors and file names. */
export const Id = Type.String({
  pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$',
  description: 'A stable id: lower-case ASCII letters and digits in kebab-case, unique across the whole dataset.',
});

/** A date at the precision the source gives: a year, a month or a day. Never padded to a finer precision. */
export const PartialDate = Type.String({
  format: 'partial-date',
  description: 'An ISO 8601 calendar date at the precision the source gives: YYYY, YYYY-MM or YYYY-MM-DD.',
});

export const LocalTime = Type.String({
  format: 'local-time',
  description: 'A local wall-clock time, 24-hour HH:MM.',
});

export const TimeZone = Type.String({
  format: 'iana-zone',
  description: 'An IANA time-zone name, for example America/Anchorage.',
});

export const Side = StringEnum(['china', 'us'], 'Which side a person or party belongs to.');

const Text = (description: string) => Type.String({ minLength: 1, description });

/** A citation: every record names the source it comes from, and for the seed the section. */
export const Citation = Type.Object(
  {
    id: Type.String({ ...Id, description: 'The id of a record in sources.yaml.' }),
    section: Type.Optional(Type.String({ ...Id, description: 'The id of a section of that source.' })),
  },
  { additionalProperties: false, description: 'Where a fact comes from.' },
);

/** Something the source itself gets wrong or leaves unclear, kept next to the record it concerns. */
export const SourceRemark = Type.Object(
  {
    text: Text('What is inconsistent or unclear in the source, in the source language.'),
    source: Citation,
  },
  { additionalProperties: false },
);
const SourceRemarks = Type.Optional(Type.Array(SourceRemark, { description: 'Inconsistencies found in the source.' }));

/** A person cited in a given capacity: the role must be one the person is shown to hold at that time. */
export const Participation = Type.Object(
  {
    person: Type.String({ ...Id, description: 'The id of a person in people.yaml.' }),
    role: Type.String({ ...Id, description: 'The id of one of that person’s roles, held at the time.' }),
  },
  { additionalProperties: false },
);

// ---------- sources.yaml ----------
export const SourceSection = Type.Object(
  { id: Id, title: Text('The section heading as it stands in the source.') },
  { additionalProperties: false },
);

export const SourceRecord = Type.Object(
  {
    id: Id,
    kind: StringEnum(
      ['document', 'web-page'],
      'document: a text file supplied with the project; web-page: a public page named by its URL.',
    ),
    title: Text('The title of the source.'),
    language: Type.String({ pattern: '^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$', description: 'BCP 47 language tag.' }),
    file: Type.Optional(Text('For a document: its file name.')),
    url: Type.Optional(Type.String({ pattern: '^https://', description: 'For a web page: its https URL.' })),
    sections: Type.Optional(Type.Array(SourceSection, { minItems: 1 })),
  },
  { additionalProperties: false },
);

export const SourcesFile = Type.Object(
  { sources: Type.Array(SourceRecord, { minItems: 1 }) },
  { additionalProperties: false, title: 'sources.yaml' },
);

// ---------- places.yaml ----------
export const Place = Type.Object(
  {
    id: Id,
    name: Text('The place name in Traditional Chinese, as the source gives it.'),
    country: Text('The country, in Traditional Chinese.'),
    time_zone: Type.Optional(TimeZone),
    source: Citation,
  },
  { additionalProperties: false },
);

export const PlacesFile = Type.Object(
  { places: Type.Array(Place, { minItems: 1 }) },
  { additionalProperties: false, title: 'places.yaml' },
);

// ---------- people.yaml ----------
export const Role = Type.Object(
  {
    id: Id,
    title: Text('The title as the source gives it.'),
    as_of: Type.String({ ...PartialDate, description: 'A date (YYYY, YYYY-MM or YYYY-MM-DD) at which the source shows the role held.' }),
    source: Citation,
  },
  { additionalProperties: false },
);

export const Person = Type.Object(
  {
    id: Id,
    name: Text('The name in Traditional Chinese, as the source gives it.'),
    name_variants: Type.Optional(Type.Array(Text('Another form of the name used in the source.'))),
    name_en: Type.Optional(Text('The English name, where it is public knowledge; cite name_en_source.')),
    name_en_source: Type.Optional(Citation),
    side: Side,
    roles: Type.Array(Role, { minItems: 1 }),
    source: Citation,
  },
  { additionalProperties: false },
);

export const PeopleFile = Type.Object(
  { people: Type.Array(Person, { minItems: 1 }) },
  { additionalProperties: false, title: 'people.yaml' },
);

// ---------- mechanism.yaml ----------
export const Mechanism = Type.Object(
  {
    id: Id,
    name: Text('The name of the mechanism.'),
    name_variants: Type.Optional(Type.Array(Text('Another name the source uses.'))),
    launched: PartialDate,
    basis: Text('On what basis it was launched.'),
    purpose: Text('What the mechanism is for.'),
    source: Citation,
    source_remarks: SourceRemarks,
  },
  { additionalProperties: false },
);

export const MechanismFile = Type.Object(
  { mechanism: Mechanism },
  { additionalProperties: false, title: 'mechanism.yaml' },
);

// ---------- dialogues.yaml ----------
export const SessionTime = Type.Object(
  {
    time: LocalTime,
    approximate: Type.Optional(Type.Boolean({ description: 'True where the source says 許 or 左右 (about).' })),
  },
  { additionalProperties: false },
);

export const Session = Type.Object(
  {
    id: Id,
    ordinal: Type.Integer({ minimum: 1, description: 'The session’s number within its round, as the source gives it.' }),
    date: PartialDate,
    start: Type.Optional(SessionTime),
    end: Type.Optional(SessionTime),
    summary: Type.Optional(Text('What the source says of the session.')),
    source: Citation,
  },
  { additionalProperties: false },
);

export const Fact = Type.Object(
  { text: Text('A notable fact, in Traditional Chinese.'), source: Citation },
  { additionalProperties: false },
);

export const Dialogue = Type.Object(
  {
    id: Id,
    name: Text('The name the source gives this round.'),
    ordinal_in_source: Type.Optional(Text('The ordinal exactly as the source words it, where it gives one.')),
    start: PartialDate,
    end: Type.Optional(PartialDate),
    places: Type.Array(Type.String({ ...Id, description: 'The id of a place in places.yaml.' }), { minItems: 1 }),
    time_zone: Type.Optional(TimeZone),
    invited_by: Type.Optional(Side),
    co_chairs: Type.Optional(Type.Array(Participation, { minItems: 1 })),
    delegations: Type.Object(
      {
        china: Type.Array(Participation),
        us: Type.Array(Participation),
      },
      { additionalProperties: false },
    ),
    summary: Text('What the source says of the round.'),
    facts: Type.Optional(Type.Array(Fact)),
    sessions: Type.Optional(Type.Array(Session, { minItems: 1 })),
    source: Citation,
    source_remarks: SourceRemarks,
  },
  { additionalProperties: false },
);

export const DialoguesFile = Type.Object(
  { dialogues: Type.Array(Dialogue, { minItems: 1 }) },
  { additionalProperties: false, title: 'dialogues.yaml' },
);

// ---------- events.yaml ----------
export const EventKind = StringEnum(
  ['background', 'announcement', 'press-conference'],
  'background: an event that led to the mechanism; announcement and press-conference: about a round.',
);

export const Event = Type.Object(
  {
    id: Id,
    kind: EventKind,
    title: Text('A short title in Traditional Chinese.'),
    date: PartialDate,
    place: Type.Optional(Type.String({ ...Id, description: 'The id of a place in places.yaml.' })),
    dialogue: Type.Optional(Type.String({ ...Id, description: 'The id of the round this event concerns.' })),
    participants: Type.Array(Participation),
    summary: Text('What the source says of the event.'),
    source: Citation,
    source_remarks: SourceRemarks,
  },
  { additionalProperties: false },
);

export const EventsFile = Type.Object(
  { events: Type.Array(Event, { minItems: 1 }) },
  { additionalProperties: false, title: 'events.yaml' },
);

// ---------- outcomes.yaml ----------
export const OutcomeStatus = StringEnum(
  [
    'agreed',
    'shared-view',
    'to-be-implemented',
    'to-be-negotiated',
    'explored',
    'keep-communicating',
    'position-stated',
    'reaffirmed',
  ],
  'Where the item stands, as the source words it.',
);

/** The subjects of outcome items, in the order the checklist prints them. */
export const OUTCOME_CATEGORIES = [
  'dialogue-mechanism',
  'bilateral-relations',
  'core-interests',
  'taiwan',
  'climate',
  'consular-and-media',
  'sectoral-cooperation',
  'international-and-regional',
] as const;

export const OutcomeCategory = StringEnum(OUTCOME_CATEGORIES, 'The subject of the item.');

export const Outcome = Type.Object(
  {
    id: Id,
    context: Type.String({ ...Id, description: 'The id of the round or event that produced the item.' }),
    category: OutcomeCategory,
    status: OutcomeStatus,
    text: Text('The item, worded as the source words it.'),
    parties: Type.Array(Side, { minItems: 1, uniqueItems: true }),
    source: Citation,
  },
  { additionalProperties: false },
);

export const OutcomesFile = Type.Object(
  { outcomes: Type.Array(Outcome, { minItems: 1 }) },
  { additionalProperties: false, title: 'outcomes.yaml' },
);

/** Each data file and the schema it must match; the order is the order of validation and of messages. */
export const dataFiles = {
  'sources.yaml': SourcesFile,
  'places.yaml': PlacesFile,
  'people.yaml': PeopleFile,
  'mechanism.yaml': MechanismFile,
  'dialogues.yaml': DialoguesFile,
  'events.yaml': EventsFile,
  'outcomes.yaml': OutcomesFile,
} as const satisfies Record<string, TSchema>;

export type DataFileName = keyof typeof dataFiles;

export type Citation = Static<typeof Citation>;
export type SourceRemark = Static<typeof SourceRemark>;
export type Participation = Static<typeof Participation>;
export type SourceRecord = Static<typeof SourceRecord>;
export type Place = Static<typeof Place>;
export type Role = Static<typeof Role>;
export type Person = Static<typeof Person>;
export type Side = Static<typeof Side>;
export type Mechanism = Static<typeof Mechanism>;
export type SessionTime = Static<typeof SessionTime>;
export type Session = Static<typeof Session>;
export type Dialogue = Static<typeof Dialogue>;
export type EventKind = Static<typeof EventKind>;
export type DialogueEvent = Static<typeof Event>;
export type OutcomeStatus = Static<typeof OutcomeStatus>;
export type OutcomeCategory = Static<typeof OutcomeCategory>;
export type Outcome = Static<typeof Outcome>;

/** The whole validated dataset, as the later stages receive it. */
export interface Dataset {
  sources: SourceRecord[];
  places: Place[];
  people: Person[];
  mechanism: Mechanism;
  dialogues: Dialogue[];
  events: DialogueEvent[];
  outcomes: Outcome[];
}

/** The JSON Schema document written for one data file; `$id` is relative so the files work offline. */
export function jsonSchemaFor(file: DataFileName): Record<string, unknown> {
  const schema = JSON.parse(JSON.stringify(dataFiles[file])) as Record<string, unknown>;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: file.replace(/\.yaml$/, '.schema.json'),
    ...schema,
  };
}
