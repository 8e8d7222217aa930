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

/** Text that prints: at least one character that is not white space. */
const Text = (description: string) => Type.String({ minLength: 1, pattern: '\\S', description });

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

// ---------- publication.yaml ----------
export const Publication = Type.Object(
  {
    title: Text('The publication’s name: the index page, the cover and the e-book carry it.'),
    short_title: Text('The series’ short name, as brief titles use it (for example 中美戰略對話 → 中美戰略對話年表).'),
    publisher: Text('Who publishes the briefs: the author of the PDFs and the e-book.'),
    language: Type.String({ pattern: '^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$', description: 'BCP 47 tag of the language the data’s text is written in.' }),
    cover_lines: Type.Optional(Type.Array(Text('A line printed under the title on the cover.'))),
    keywords: Type.Optional(Type.Array(Text('A keyword for document metadata.'), { uniqueItems: true })),
    zh_hans: Type.Optional(
      Type.Array(
        Type.Object(
          {
            term: Text('A name or term as the data writes it (Traditional Chinese).'),
            form: Text('How the zh-Hans edition writes it, where mainland usage differs beyond characters (布希 → 布什).'),
            source: Citation,
          },
          { additionalProperties: false },
        ),
        { description: 'Explicit zh-Hans forms of names and terms, each cited; they win over OpenCC’s conversion.' },
      ),
    ),
    editions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Type.String({ pattern: '^[0-9A-Za-z][0-9A-Za-z.-]*$', description: 'The edition’s identifier, printed as 第{id}版: 1, 2, 2026.1.' }),
            date: Type.Optional(
              Type.String({ ...PartialDate, pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'The day the edition was published, YYYY-MM-DD; absent, the last day the data speaks of.' }),
            ),
            tag: Type.Optional(Type.String({ pattern: '^[^\\s~^:?*\\[\\\\]+$', description: 'The git tag the edition was released under (v1): the feed compares each edition with the one before it.' })),
          },
          { additionalProperties: false },
        ),
        {
          minItems: 1,
          description: 'Every edition published, newest first: the first is the one a build makes. Absent: edition 1, dated by the data.',
        },
      ),
    ),
    zh_hans_publication: Type.Optional(
      Type.Object(
        {
          title: Type.Optional(Text('The title of the zh-Hans edition.')),
          short_title: Type.Optional(Text('The series’ short name in the zh-Hans edition.')),
          publisher: Type.Optional(Text('The publisher as the zh-Hans edition names it.')),
          cover_lines: Type.Optional(Type.Array(Text('A cover line of the zh-Hans edition.'))),
          keywords: Type.Optional(Type.Array(Text('A keyword of the zh-Hans edition’s metadata.'), { uniqueItems: true })),
        },
        {
          additionalProperties: false,
          description:
            'The publisher’s own words for the zh-Hans edition, printed as written, where OpenCC’s reading is not what the publisher calls it (Taiwan’s 簡報 reads 演示文稿, a slide deck). Not facts: no citation. Absent fields are converted.',
        },
      ),
    ),
    verbatim: Type.Optional(
      Type.Array(
        Type.Object(
          {
            text: Text('A passage exactly as the data’s text quotes it, in the script its source writes it (a Simplified headline in Traditional data).'),
            language: Type.String({
              pattern: '^zh-(?:Hant|Hans)$',
              description: 'The script of the passage: zh-Hans or zh-Hant. It prints as written, marked with this language, in every edition.',
            }),
            source: Citation,
          },
          { additionalProperties: false },
        ),
        { description: 'Quotations in a source’s other script: printed as written in every edition (never converted), exempt from the script check.' },
      ),
    ),
    punctuation: Type.Optional(
      StringEnum(
        ['full-width', 'as-written'],
        'full-width (the default): ASCII , : ; ( ) ? ! between Han characters print as their full-width forms; as-written: text prints exactly as the data has it.',
      ),
    ),
  },
  { additionalProperties: false },
);

export const PublicationFile = Type.Object(
  { publication: Publication },
  { additionalProperties: false, title: 'publication.yaml' },
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
    from: Type.String({
      ...PartialDate,
      description: 'The first date (YYYY, YYYY-MM or YYYY-MM-DD) the sources show the role held. Where a source shows it on one occasion only, from and until are that date.',
    }),
    until: Type.Optional(
      Type.String({ ...PartialDate, description: 'The last date the sources show the role held; absent when the role is open-ended.' }),
    ),
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
    roles: Type.Array(Role, { minItems: 1, description: 'Every role the sources show the person holding, each over its period.' }),
    source: Citation,
  },
  { additionalProperties: false },
);

export const PeopleFile = Type.Object(
  { people: Type.Array(Person) },
  { additionalProperties: false, title: 'people.yaml' },
);

// ---------- mechanism.yaml ----------
/** A dated step in the mechanism's life, with the source that dates it. */
export const DatedStep = (description: string) =>
  Type.Object({ date: PartialDate, source: Citation }, { additionalProperties: false, description });

export const RelationKind = StringEnum(
  ['merged-from', 'predecessor', 'successor', 'merged-into'],
  'merged-from: a dialogue merged into this one; predecessor: one it replaced; successor: one that replaced it; merged-into: one it was merged into.',
);

export const MechanismRelation = Type.Object(
  {
    kind: RelationKind,
    name: Text('The name of the other mechanism.'),
    date: Type.Optional(PartialDate),
    source: Citation,
  },
  { additionalProperties: false },
);

export const Mechanism = Type.Object(
  {
    id: Id,
    name: Text('The name of the mechanism.'),
    name_variants: Type.Optional(Type.Array(Text('Another name the source uses.'))),
    agreed: Type.Optional(DatedStep('When the sides agreed to set the mechanism up.')),
    launched: Type.Optional(DatedStep('When the mechanism was formally launched (its first round is read from dialogues.yaml).')),
    basis: Type.Optional(Text('On what basis it was set up.')),
    purpose: Type.Optional(Text('What the mechanism is for.')),
    relations: Type.Optional(Type.Array(MechanismRelation, { description: 'Other mechanisms it grew from or into.' })),
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
    co_chairs: Type.Optional(Type.Array(Participation, { description: 'Absent where the sources name none.' })),
    delegations: Type.Optional(
      Type.Object(
        {
          china: Type.Optional(Type.Array(Participation)),
          us: Type.Optional(Type.Array(Participation)),
        },
        { additionalProperties: false, description: 'Members of each side’s delegation the sources name.' },
      ),
    ),
    summary: Type.Optional(Text('What the source says of the round, beyond its date, place and co-chairs.')),
    facts: Type.Optional(Type.Array(Fact)),
    sessions: Type.Optional(Type.Array(Session)),
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
  ['background', 'announcement', 'press-conference', 'meeting', 'statement'],
  'background: an event that led to the mechanism; announcement, press-conference, meeting, statement: about a round or the series.',
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
    summary: Type.Optional(Text('What the source says of the event.')),
    source: Citation,
    source_remarks: SourceRemarks,
  },
  { additionalProperties: false },
);

export const EventsFile = Type.Object(
  { events: Type.Array(Event) },
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

/** A subject of outcome items; the checklist prints categories in the order the file lists them. */
export const OutcomeCategory = Type.Object(
  { id: Id, name: Text('The subject’s name, as the briefs print it.') },
  { additionalProperties: false },
);

export const Outcome = Type.Object(
  {
    id: Id,
    context: Type.String({ ...Id, description: 'The id of the round or event that produced the item.' }),
    category: Type.String({ ...Id, description: 'The id of one of the categories listed in this file.' }),
    status: OutcomeStatus,
    text: Text('The item, worded as the source words it.'),
    parties: Type.Array(Side, { minItems: 1, uniqueItems: true }),
    source: Citation,
  },
  { additionalProperties: false },
);

export const OutcomesFile = Type.Object(
  {
    categories: Type.Array(OutcomeCategory, { description: 'The subjects outcome items are grouped by, in printing order.' }),
    outcomes: Type.Array(Outcome),
  },
  { additionalProperties: false, title: 'outcomes.yaml' },
);

/** Each data file and the schema it must match; the order is the order of validation and of messages. */
export const dataFiles = {
  'publication.yaml': PublicationFile,
  'sources.yaml': SourcesFile,
  'places.yaml': PlacesFile,
  'people.yaml': PeopleFile,
  'mechanism.yaml': MechanismFile,
  'dialogues.yaml': DialoguesFile,
  'events.yaml': EventsFile,
  'outcomes.yaml': OutcomesFile,
} as const satisfies Record<string, TSchema>;

/** Every data file, in the schema's order. */
export const DATA_FILE_NAMES = Object.keys(dataFiles) as DataFileName[];

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
export type MechanismRelation = Static<typeof MechanismRelation>;
export type RelationKind = Static<typeof RelationKind>;
export type Publication = Static<typeof Publication>;
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
  publication: Publication;
  sources: SourceRecord[];
  places: Place[];
  people: Person[];
  mechanism: Mechanism;
  dialogues: Dialogue[];
  events: DialogueEvent[];
  categories: OutcomeCategory[];
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
