// The roster's view: each side's people with their roles and occasions, then each round's delegations.
import { comparePartialDates } from '../data/dates.ts';
import { isOwnEdition } from '../data/convert.ts';
import type { Lang } from '../data/names.ts';
import type { Citation, Dataset, Participation, Person, Role, Side } from '../data/schema.ts';
import { participantLabel, quotable, SIDES, type BriefCommon } from './brief-parts.ts';
import { Footnotes, type Note } from './footnotes.ts';
import { formatDate, formatDateRange, formatList } from './format.ts';
import { fill, type Locale } from './locale.ts';
import { briefText, seriesFacts, type SeriesFacts } from './series.ts';

export interface PersonView {
  id: string;
  name: string;
  /** "（原文異寫：安東尼·布林肯）", or null. */
  variants: string | null;
  nameEn: string;
  /** The English name's language tag, or null when it is not recorded (then nameEn is the locale's 未記載). */
  nameEnLang: string | null;
  nameEnCites: string[];
  roles: Note[];
  occasions: string[];
  cites: string[];
}

export interface RoundDelegations {
  id: string;
  heading: string;
  coChairs: string;
  columns: [string, string];
  rows: { china: string; us: string }[];
  cites: string[];
}

export interface RosterView extends BriefCommon {
  /** What the roster says when the sources name no one; null otherwise. */
  empty: string | null;
  sides: { id: Side; heading: string; people: PersonView[] }[];
  rounds: RoundDelegations[];
}

/** A role with its period: "國務委員（2008年12月所見）", "國務卿（2009年1月至2013年2月）". */
export function roleText(locale: Locale, role: Role): string {
  const labels = locale.roster;
  const from = formatDate(locale, role.from);
  if (role.until === undefined) return fill(labels.role_since, { title: role.title, from });
  if (role.until === role.from) return fill(labels.role_seen, { title: role.title, date: from });
  return fill(labels.role_period, { title: role.title, from, until: formatDate(locale, role.until) });
}

export function rosterView(data: Dataset, locale: Locale, facts: SeriesFacts = seriesFacts(data, locale)): RosterView {
  const labelValue = (label: string, value: string) => `${label}${locale.label_separator}${value}`;
  const footnotes = new Footnotes(data, locale);
  const people = new Map(data.people.map((p) => [p.id, p]));
  const places = new Map(data.places.map((p) => [p.id, p]));
  const labels = locale.roster;
  const takesPart = (list: readonly Participation[] | undefined, id: string) => (list ?? []).some((p) => p.person === id);
  const firstSeen = (p: Person) => p.roles.map((r) => r.from).sort(comparePartialDates)[0]!;
  const occasion = (start: string, end: string | null | undefined, title: string) => fill(labels.occasion, { date: formatDateRange(locale, start, end), title });

  const sides = SIDES.map((side) => ({
    id: side,
    heading: locale.sides[side],
    people: data.people
      .filter((p) => p.side === side)
      .sort((a, b) => comparePartialDates(firstSeen(a), firstSeen(b)) || a.id.localeCompare(b.id))
      .map((p): PersonView => {
        const occasions = [
          ...data.dialogues
            .filter((d) => takesPart(d.co_chairs, p.id) || takesPart(d.delegations?.china, p.id) || takesPart(d.delegations?.us, p.id))
            .map((d) => occasion(d.start, d.end, d.name)),
          ...data.events.filter((e) => takesPart(e.participants, p.id)).map((e) => occasion(e.date, null, e.title)),
        ];
        const variantsLabel = quotable(data, p.source) ? labels.variants_quoted : labels.variants;
        return {
          id: p.id,
          name: p.name,
          variants: p.name_variants?.length ? fill(locale.parenthetical, { text: labelValue(variantsLabel, formatList(locale, p.name_variants)) }) : null,
          nameEn: p.name_en ?? locale.not_recorded,
          nameEnLang: p.name_en ? 'en' : null,
          nameEnCites: footnotes.cite([p.name_en_source]),
          roles: [...p.roles]
            .sort((a, b) => comparePartialDates(a.from, b.from))
            .map((r) => ({ text: roleText(locale, r), cites: footnotes.cite([r.source]) })),
          occasions: occasions.length ? occasions : [labels.none],
          cites: footnotes.cite([p.source, ...formSources(data, locale.lang, [p.name, ...(p.name_variants ?? [])])]),
        };
      }),
  })).filter((s) => s.people.length > 0);

  const rounds = data.dialogues.map((d): RoundDelegations => {
    const china = (d.delegations?.china ?? []).map((p) => participantLabel(people, p));
    const us = (d.delegations?.us ?? []).map((p) => participantLabel(people, p));
    const length = Math.max(china.length, us.length, 1);
    return {
      id: d.id,
      heading: fill(labels.round_heading, { date: formatDateRange(locale, d.start, d.end), title: d.name, places: formatList(locale, d.places.map((id) => places.get(id)!.name)) }),
      coChairs: labelValue(labels.co_chairs, formatList(locale, (d.co_chairs ?? []).map((p) => participantLabel(people, p)))),
      columns: [fill(labels.delegation, { side: locale.sides.china }), fill(labels.delegation, { side: locale.sides.us })],
      // A side with no one named reads "not recorded" in its first row, never an empty cell.
      rows: Array.from({ length }, (_, i) => ({
        china: china[i] ?? (i === 0 ? locale.not_recorded : ''),
        us: us[i] ?? (i === 0 ? locale.not_recorded : ''),
      })),
      cites: footnotes.cite([d.source]),
    };
  });
  return {
    lang: locale.lang,
    name: 'roster',
    brief: briefText('roster', data, locale, facts),
    empty: data.people.length === 0 ? locale.briefs.roster.empty! : null,
    sides,
    rounds,
    footnotes: footnotes.all(),
  };
}

/**
 * The citations of the explicit zh-Hans forms a converted edition prints in these names (布什 cites the page that
 * gives it), so the roster, where each person is introduced, cites the form as well as the name.
 */
function formSources(printed: Dataset, lang: Lang, names: readonly string[]): Citation[] {
  if (isOwnEdition(printed, lang)) return [];
  return (printed.publication.zh_hans ?? []).filter((f) => names.some((n) => n.includes(f.form))).map((f) => f.source);
}
