// What the briefs say, driven by the dataset: everything in data/ appears, at the precision the data gives.
import { fromHtml } from './html.ts';
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateRange } from '../pipeline/views/format.ts';
import { printedDataset } from '../pipeline/views/printed.ts';
import { roleText } from '../pipeline/views/roster.ts';
import { realDataset, renderAll } from './render.ts';

// The data as the briefs print it: its text typeset (full-width punctuation between Han characters).
const dataset = printedDataset(await realDataset());
const { briefs, locale } = await renderAll(dataset);
const brief = (name: string) => briefs.find((b) => b.name === name)!;
/** The text a reader sees, whitespace collapsed, without the joiners that glue note marks. */
const visibleText = (html: string) => fromHtml(html).text;
const texts = Object.fromEntries(briefs.map((b) => [b.name, visibleText(b.html)]));

describe('the chronology', () => {
  const text = texts.chronology!;
  it('has every round with its dates at their precision and its places', () => {
    for (const d of dataset.dialogues) {
      expect(text).toContain(formatDateRange(locale, d.start, d.end));
      for (const id of d.places) expect(text).toContain(dataset.places.find((p) => p.id === id)!.name);
    }
    expect(text).toMatch(/2008年12月\s對話/);
    expect(text).not.toMatch(/2008年12月\d+日/);
    expect(text).toContain('2021年3月18日至19日');
  });

  it('has every event, and the sessions with local and Beijing times, durations and "not recorded"', () => {
    for (const e of dataset.events) expect(text).toContain(formatDate(locale, e.date));
    expect(text).toContain('America/Anchorage（UTC−8）');
    expect(text).toMatch(/第2場\s*2021年3月18日\s*約19:45\s*約22:00\s*約3月19日11:45\s*約3月19日14:00\s*約2小時15分鐘/);
    expect(text).toMatch(/第3場\s*2021年3月19日\s*未記載\s*12:02\s*未記載\s*3月20日04:02\s*未記載/);
  });

  it('lists entries in date order', () => {
    const headings = brief('chronology').headings.filter((h) => h.depth === 3).map((h) => h.text);
    expect(headings[0]).toMatch(/^2004年11月/);
    expect(headings.at(-1)).toMatch(/^2021年3月22日/);
    expect(headings.findIndex((h) => h.startsWith('2008年12月'))).toBeGreaterThan(headings.findIndex((h) => h.startsWith('2008年1月17日')));
  });
});

describe('the roster', () => {
  const text = texts.roster!;
  it('has every person with their names and every role', () => {
    for (const p of dataset.people) {
      expect(text).toContain(p.name);
      if (p.name_en) expect(text).toContain(p.name_en);
      for (const r of p.roles) expect(text).toContain(roleText(locale, r));
    }
  });

  it('groups people by side and shows both delegations of every round side by side', () => {
    const h3 = brief('roster').headings.filter((h) => h.depth === 3).map((h) => h.text);
    expect(h3.slice(0, 2)).toEqual([locale.sides.china, locale.sides.us]);
    const all = fromHtml(brief('roster').html).tables;
    // One table per side (every person of that side), then one per round.
    expect(all).toHaveLength(2 + dataset.dialogues.length);
    for (const [i, side] of (['china', 'us'] as const).entries()) {
      expect(all[i]!.slice(1).map((row) => row[0])).toEqual(
        expect.arrayContaining(dataset.people.filter((p) => p.side === side).map((p) => expect.stringContaining(p.name))),
      );
      expect(all[i]!).toHaveLength(1 + dataset.people.filter((p) => p.side === side).length);
    }
    const tables = all.slice(2);
    for (const t of tables) expect(t.every((row) => row.length === 2)).toBe(true);
    expect(tables.at(-1)!.slice(1)).toEqual([
      ['中共中央政治局委員、中央外事工作委員會辦公室主任楊潔篪', '美國國務卿布林肯'],
      ['國務委員兼外長王毅', '總統國家安全事務助理沙利文'],
    ]);
    expect(tables[0]!.slice(1)).toEqual([[locale.not_recorded, locale.not_recorded]]);
  });
});

describe('the checklist', () => {
  const text = texts.checklist!;
  it('has every outcome once, checked unless it needs follow-up', () => {
    const items = fromHtml(brief('checklist').html).taskItems;
    expect(items).toHaveLength(dataset.outcomes.length);
    for (const o of dataset.outcomes) {
      const item = items.find((i) => i.text.startsWith(o.text));
      expect(item, o.id).toBeDefined();
      const followUp = ['to-be-implemented', 'to-be-negotiated', 'explored', 'keep-communicating'].includes(o.status);
      expect(item!.checked, o.id).toBe(!followUp);
    }
  });

  it('counts each status group and the total', () => {
    for (const [status, label] of Object.entries(locale.checklist.statuses)) {
      const n = dataset.outcomes.filter((o) => o.status === status).length;
      if (n > 0) expect(text).toMatch(new RegExp(`${label}(（待跟進）)?：${n}項`));
    }
    expect(text).toMatch(new RegExp(`合計\\s*${dataset.outcomes.length}`));
  });
});

describe('every brief', () => {
  it('ends with its sources, and every note mark links to one', () => {
    for (const b of briefs) {
      const doc = fromHtml(b.html);
      expect(doc.headings.at(-1)).toBe(locale.sources);
      expect(doc.footnoteRefs.length).toBeGreaterThan(0);
      for (const ref of doc.footnoteRefs) expect(doc.ids, `${b.name}: ${ref}`).toContain(ref.slice(1));
    }
  });

  it('is a standalone zh-Hant document with title and description and no external resource', () => {
    for (const b of briefs) {
      expect(b.html).toMatch(/^<!DOCTYPE html>\n<html lang="zh-Hant">/);
      expect(b.html).toContain(`<title>${b.title}</title>`);
      expect(b.html).toMatch(/<meta name="description" content="[^"]+">/);
      // Links to the sources are fine; anything the page would load is not.
      expect(b.html).not.toMatch(/\ssrc="(https?:)?\/\//);
      expect(b.html).not.toMatch(/<link[^>]+href="(https?:)?\/\//);
      expect(b.html).not.toMatch(/@import|url\(/);
    }
  });
});
