// The view models, tested directly: every value arrives worded and ready to print, facts from the data and words
// from the locale, and a brief with nothing to list says so.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateRange, formatDuration, formatList, formatYearSpan } from '../pipeline/views/format.ts';
import { loadLocale, type Locale } from '../pipeline/views/locale.ts';
import { checklistView } from '../pipeline/views/checklist.ts';
import { chronologyView } from '../pipeline/views/chronology.ts';
import { roleText, rosterView } from '../pipeline/views/roster.ts';
import { publicationView, seriesFacts } from '../pipeline/views/series.ts';
import { FIXTURES, readYamlFiles } from './helpers.ts';
import { datasetFromTexts, realDataset, TEMPLATES } from './render.ts';

const locale = await loadLocale(TEMPLATES, 'zh-Hant');
const real = await realDataset();

/** The minimal fixture with some of its files' text edited: `[file, from, to]`. */
async function minimalWith(...edits: [string, string, string][]) {
  const texts = readYamlFiles(join(FIXTURES, 'minimal'));
  for (const [file, from, to] of edits) {
    const text = texts.get(file)!;
    expect(text, `${file} holds ${from}`).toContain(from);
    texts.set(file, text.replace(from, to));
  }
  return datasetFromTexts(texts);
}

describe('formatting by the locale', () => {
  it('takes every word and separator from the locale, every number from the data', () => {
    const other = structuredClone(locale) as Locale;
    other.dates = { ...other.dates, year: 'Y{year}', month: '{month}/{year}', day: '{day}.{month}.{year}', range: '{start} – {end}', end_day: '{day}', year_span: '{first}–{last}' };
    other.durations = { hours_minutes: '{hours} h {minutes} min', hours: '{hours} h', minutes: '{minutes} min' };
    other.list_separator = ' / ';
    other.not_recorded = 'n/a';
    expect(formatDate(other, '2005')).toBe('Y2005');
    expect(formatDate(other, '2008-12')).toBe('12/2008');
    expect(formatDateRange(other, '2021-03-18', '2021-03-19')).toBe('18.3.2021 – 19');
    expect(formatDuration(other, 135)).toBe('2 h 15 min');
    expect(formatList(other, ['a', 'b'])).toBe('a / b');
    expect(formatList(other, [])).toBe('n/a');
    expect(formatYearSpan(other, 2004, 2021)).toBe('2004–2021');
  });

  it('words zh-Hant dates at their own precision, ranges dropping what the end shares', () => {
    expect(formatDate(locale, '2008-12')).toBe('2008年12月');
    expect(formatDateRange(locale, '2021-03-18', '2021-03-19')).toBe('2021年3月18日至19日');
    expect(formatDateRange(locale, '2007-06-30', '2007-07-01')).toBe('2007年6月30日至7月1日');
    expect(formatDateRange(locale, '2007-12-31', '2008-01-01')).toBe('2007年12月31日至2008年1月1日');
    expect(formatDateRange(locale, '2008-11', '2008-12')).toBe('2008年11月至12月');
    expect(formatYearSpan(locale, 2025, 2025)).toBe('2025年');
  });
});

describe('the series as a whole', () => {
  it('is computed from the data: its name, the years it spans, its last day', () => {
    expect(seriesFacts(real, locale)).toEqual({ series: '中美戰略對話', span: '2004–2021年', latest: '2021-03-22' });
  });

  it('words the publication from publication.yaml and the data, never from the locale alone', async () => {
    const p = publicationView(real, locale);
    expect(p.title).toBe(real.publication.title);
    expect(p.publisher).toBe(real.publication.publisher);
    expect(p.description).toBe('中美戰略對話（2004–2021年）三份簡報：年表、與會人員名冊、成果清單。');
    expect(p.dossierTitle).toBe('中美戰略對話簡報合輯');
    expect(p.asOf).toBe('資料截至2021年3月22日');
    expect(p.coverLines).toEqual(['2004–2021年', '收錄7輪對話、3項相關事件、44項成果']);
    expect(p.briefs.chronology.title).toBe('中美戰略對話年表');
    // A new round a year later changes every sentence that states the span.
    const later = await minimalWith(['dialogues.yaml', 'start: 2021-03-18\n    end: 2021-03-19', 'start: 2022-03-18\n    end: 2022-03-19'], ['dialogues.yaml', 'date: 2021-03-18', 'date: 2022-03-18'], ['events.yaml', 'date: 2021-03-11', 'date: 2022-03-11']);
    expect(publicationView(later, locale).description).toContain('2005–2022年');
  });
});

describe('the chronology view', () => {
  const view = chronologyView(real, locale);
  const entries = view.years.flatMap((y) => y.entries);

  it('hands over headings, dates and lines already worded', () => {
    expect(view.brief.title).toBe('中美戰略對話年表');
    expect(view.years.map((y) => y.heading)).toEqual(['2004年', '2005年', '2006年', '2007年', '2008年', '2021年']);
    expect(entries.find((e) => e.id === 'dialogue-2008-12')!.heading).toBe('2008年12月　對話：中美戰略對話');
    expect(entries.find((e) => e.id === 'dialogue-2021-03')!.meta.map((m) => m.text)).toContain('應美國邀請');
  });

  it('gives the mechanism its agreed and launch dates and its first round, each cited', () => {
    const m = entries.find((e) => e.id === 'strategic-dialogue')!;
    expect(m.heading).toBe('2005年8月　機制啟動：中美高層戰略對話');
    expect(m.meta.map((l) => l.text)).toEqual(['商定：2004年11月', '正式啟動：2005年8月', '首輪對話：2005年8月1日']);
    expect(m.summary!.cites).toEqual(['seed-meeting', 'seed-background']);
  });

  it('says which rounds have converted times, from the data', () => {
    expect(view.brief.intro).toMatch(/美國阿拉斯加州安克雷奇各場會議另列北京時間。$/);
    const session2 = entries.find((e) => e.id === 'dialogue-2021-03')!.sessions!.rows[1]!;
    expect(session2.cells).toEqual(['第2場', '2021年3月18日', '約19:45', '約22:00', '約3月19日11:45', '約3月19日14:00', '約2小時15分鐘']);
  });

  it('shows no converted column and says nothing of conversion where every time is already in the reference zone', async () => {
    const data = await minimalWith(['dialogues.yaml', 'time_zone: America/Anchorage', 'time_zone: Asia/Shanghai']);
    const v = chronologyView(data, locale);
    expect(v.brief.intro).toBe(locale.briefs.chronology.intro);
    const table = v.years.flatMap((y) => y.entries).find((e) => e.sessions)!.sessions!;
    expect(table.columns).toEqual(['場次', '日期', '開始（當地時間）', '結束（當地時間）', '時長']);
  });

  it('quotes the ordinal as the source words it only when the source is in the data\'s language', async () => {
    const quoted = entries.find((e) => e.id === 'dialogue-2005-08')!.meta.map((m) => m.text);
    expect(quoted).toContain('原文序數：「首次」');
    const data = await minimalWith(['dialogues.yaml', 'name: 戰略對話', 'name: 戰略對話\n    ordinal_in_source: 第一次'], ['dialogues.yaml', 'source: { id: seed, section: rounds }\n  - id: round-2021', 'source: { id: web }\n  - id: round-2021']);
    const lines = chronologyView(data, locale).years.flatMap((y) => y.entries).find((e) => e.id === 'round-2008')!.meta.map((m) => m.text);
    expect(lines).toContain('序數：第一次');
  });

  it('keeps an entry\'s citation when it has no summary, on its last line', async () => {
    const data = await minimalWith(['dialogues.yaml', '    summary: 交換意見。\n', '']);
    const entry = chronologyView(data, locale).years.flatMap((y) => y.entries).find((e) => e.id === 'round-2008')!;
    expect(entry.summary).toBeNull();
    expect(entry.meta.at(-1)!.cites).toEqual(['seed-rounds']);
  });

  it('lists a relation to another mechanism with its date', async () => {
    const data = await minimalWith(['mechanism.yaml', '  basis: 共識\n', '  basis: 共識\n  relations:\n    - { kind: successor, name: 後續對話, date: 2009-04, source: { id: web } }\n']);
    const m = chronologyView(data, locale).years.flatMap((y) => y.entries).find((e) => e.id === 'mechanism')!;
    expect(m.meta.map((l) => l.text)).toContain('後續機制：後續對話（2009年4月）');
  });
});

describe('the roster view', () => {
  it('prints a role once with its period, whatever the number of rounds that cite it', async () => {
    const data = await minimalWith(
      ['people.yaml', '        from: 2021-03-18\n', '        from: 2008-12\n        until: 2021-03-19\n'],
      ['dialogues.yaml', '      china: []\n      us:\n        - { person: person-b, role: person-b-role }', '      china: []\n      us:\n        - { person: person-b, role: person-b-role }'],
      ['dialogues.yaml', '      us: []\n', '      us:\n        - { person: person-b, role: person-b-role }\n'],
    );
    const b = rosterView(data, locale).sides.find((s) => s.id === 'us')!.people[0]!;
    expect(b.roles.map((r) => r.text)).toEqual(['國務卿（2008年12月至2021年3月19日）']);
    expect(b.occasions).toEqual(['2008年12月 戰略對話', '2021年3月18日至19日 高層戰略對話']);
  });

  it('prints each of two roles over two periods, in order', async () => {
    const data = await minimalWith([
      'people.yaml',
      '      - id: person-a-role\n',
      '      - id: person-a-later\n        title: 副總理\n        from: 2023-03\n        source: { id: seed, section: rounds }\n      - id: person-a-role\n',
    ]);
    const a = rosterView(data, locale).sides.find((s) => s.id === 'china')!.people[0]!;
    expect(a.roles.map((r) => r.text)).toEqual(['國務委員（2008年12月起）', '副總理（2023年3月起）']);
  });

  it('words the three kinds of period', () => {
    const role = { id: 'r', title: '國務委員', source: { id: 's' } };
    expect(roleText(locale, { ...role, from: '2008-12', until: '2008-12' })).toBe('國務委員（2008年12月所見）');
    expect(roleText(locale, { ...role, from: '2009-01', until: '2013-02' })).toBe('國務委員（2009年1月至2013年2月）');
    expect(roleText(locale, { ...role, from: '2013-03' })).toBe('國務委員（2013年3月起）');
  });

  it('says so when the sources name no one, and writes "not recorded" for an unnamed delegation', async () => {
    const data = await datasetFromTexts(readYamlFiles(join(FIXTURES, 'single-round')));
    const v = rosterView(data, locale);
    expect(v.empty).toBe(locale.briefs.roster.empty);
    expect(v.sides).toEqual([]);
    expect(v.rounds[0]!.rows).toEqual([{ china: '未記載', us: '未記載' }]);
    expect(v.rounds[0]!.coChairs).toBe('共同主持：未記載');
  });
});

describe('the checklist view', () => {
  it('groups by status, then by the data\'s own categories in their order, with counts worded', () => {
    const v = checklistView(real, locale);
    expect(v.empty).toBeNull();
    expect(v.total).toBe(real.outcomes.length);
    const group = v.groups.find((g) => g.id === 'to-be-implemented')!;
    expect(group.heading).toBe('待落實（待跟進）：7項');
    const order = real.categories.map((c) => c.id);
    const ids = group.categories.map((c) => c.id);
    expect(ids).toEqual([...ids].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    expect(group.categories[0]!.heading).toBe('對話機制：1項');
    expect(group.categories[0]!.items[0]!.meta).toBe('相關方：中方、美方；出處場合：2008年1月17日至18日 中美戰略對話');
  });

  it('says in words that there is nothing to check, rather than a total of 0', async () => {
    const data = await datasetFromTexts(readYamlFiles(join(FIXTURES, 'single-round')));
    const v = checklistView(data, locale);
    expect(v.empty).toBe('尚無成果項目：來源未載任何一次對話或場合的成果。');
    expect(v.groups).toEqual([]);
  });
});
