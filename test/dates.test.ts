// Partial dates, ranges, times, zones and durations.
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateRange, formatDuration } from '../pipeline/views/format.ts';
import { loadLocale } from '../pipeline/views/locale.ts';
import { TEMPLATES } from './render.ts';
import {
  comparePartialDates,
  formatUtcOffset,
  inZone,
  isIanaZone,
  parsePartialDate,
  zonedInstant,
} from '../pipeline/data/dates.ts';


// Worded by the zh-Hant locale (format.ts); the dates module itself knows no language.
const locale = await loadLocale(TEMPLATES, 'zh-Hant');

describe('partial dates', () => {
  it('parse at their own precision', () => {
    expect(parsePartialDate('2008')).toEqual({ year: 2008, precision: 'year' });
    expect(parsePartialDate('2008-12')).toEqual({ year: 2008, month: 12, precision: 'month' });
    expect(parsePartialDate('2021-03-18')).toEqual({ year: 2021, month: 3, day: 18, precision: 'day' });
  });

  it('reject dates that do not exist instead of rolling over', () => {
    expect(parsePartialDate('2021-02-30')).toEqual({ error: 'day 30 does not exist in 2021-02, which has 28 days' });
    expect(parsePartialDate('2020-02-29')).toMatchObject({ day: 29 });
    expect(parsePartialDate('2021-13')).toMatchObject({ error: 'month 13 does not exist' });
    expect(parsePartialDate('2021-3-1')).toHaveProperty('error');
    expect(parsePartialDate('21-03-01')).toHaveProperty('error');
  });

  it('sort by the first day they stand for, a month before the days of that month', () => {
    const dates = ['2021-03-18', '2008-12', '2008-01-17', '2004-11', '2008-12-01', '2005'];
    expect([...dates].sort(comparePartialDates)).toEqual(['2004-11', '2005', '2008-01-17', '2008-12', '2008-12-01', '2021-03-18']);
  });

  it('print in Traditional Chinese at their precision, never padded', () => {
    expect(formatDate(locale, '2008-12')).toBe('2008年12月');
    expect(formatDate(locale, '2005')).toBe('2005年');
    expect(formatDate(locale, '2005-08-01')).toBe('2005年8月1日');
  });

  it('print ranges as ranges, dropping what the end shares with the start', () => {
    expect(formatDateRange(locale, '2021-03-18', '2021-03-19')).toBe('2021年3月18日至19日');
    expect(formatDateRange(locale, '2007-06-30', '2007-07-01')).toBe('2007年6月30日至7月1日');
    expect(formatDateRange(locale, '2007-12-31', '2008-01-01')).toBe('2007年12月31日至2008年1月1日');
    expect(formatDateRange(locale, '2008-12')).toBe('2008年12月');
    expect(formatDateRange(locale, '2008-11', '2008-12')).toBe('2008年11月至12月');
  });
});

describe('times and zones', () => {
  it('know IANA names and refuse abbreviations and typos', () => {
    expect(isIanaZone('America/Anchorage')).toBe(true);
    expect(isIanaZone('Asia/Shanghai')).toBe(true);
    expect(isIanaZone('AKDT')).toBe(false);
    expect(isIanaZone('America/Anchorge')).toBe(false);
  });

  it('convert Anchorage daylight time (UTC−8 after 14 March 2021) to Beijing time (UTC+8)', () => {
    const end1 = zonedInstant('2021-03-18', '17:00', 'America/Anchorage');
    expect(new Date(end1).toISOString()).toBe('2021-03-19T01:00:00.000Z');
    expect(inZone(end1, 'Asia/Shanghai')).toEqual({ date: '2021-03-19', time: '09:00', offsetMinutes: 480 });
    expect(inZone(end1, 'America/Anchorage').offsetMinutes).toBe(-480);
    const close = zonedInstant('2021-03-19', '12:02', 'America/Anchorage');
    expect(inZone(close, 'Asia/Shanghai')).toMatchObject({ date: '2021-03-20', time: '04:02' });
  });

  it('use standard time before the DST change (UTC−9 in February)', () => {
    const t = zonedInstant('2021-02-18', '17:00', 'America/Anchorage');
    expect(inZone(t, 'Asia/Shanghai')).toMatchObject({ date: '2021-02-19', time: '10:00' });
    expect(formatUtcOffset(inZone(t, 'America/Anchorage').offsetMinutes)).toBe('UTC−9');
  });

  it('print offsets and durations', () => {
    expect(formatUtcOffset(480)).toBe('UTC+8');
    expect(formatUtcOffset(-480)).toBe('UTC−8');
    expect(formatUtcOffset(330)).toBe('UTC+5:30');
    expect(formatDuration(locale, 135)).toBe('2小時15分鐘');
    expect(formatDuration(locale, 45)).toBe('45分鐘');
    expect(formatDuration(locale, 180)).toBe('3小時');
  });
});
