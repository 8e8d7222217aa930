// What the brief views share: the fields every brief view has, the two sides in print order, participants as the
// briefs name them, and whether a source's words can be quoted as its own.
import type { Citation, Dataset, Participation, Person, Role, Side } from '../data/schema.ts';
import type { Footnote } from './footnotes.ts';
import type { BriefName } from './locale.ts';
import type { BriefText } from './series.ts';

/** The sides in the order the briefs print them. */
export const SIDES: readonly Side[] = ['china', 'us'];

/** The fields every brief view has: its language and name, what it says of itself, its footnotes. */
export interface BriefCommon {
  lang: string;
  name: BriefName;
  brief: BriefText;
  footnotes: Footnote[];
}

function roleOf(people: Map<string, Person>, p: Participation): { person: Person; role: Role } {
  const person = people.get(p.person)!;
  return { person, role: person.roles.find((r) => r.id === p.role)! };
}


/** A participant as the briefs name them: the role's title, then the person's name. */
export function participantLabel(people: Map<string, Person>, p: Participation): string {
  const { person, role } = roleOf(people, p);
  return `${role.title}${person.name}`;
}

/** True when the source is in the language the data is written in, so its words can be quoted as its own. */
export function quotable(data: Dataset, citation: Citation): boolean {
  const source = data.sources.find((s) => s.id === citation.id);
  const base = (tag: string) => tag.toLowerCase();
  return source !== undefined && base(source.language) === base(data.publication.language);
}
