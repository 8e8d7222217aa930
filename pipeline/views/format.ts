// Dates, times, durations, spans and lists worded by a locale. Pure: the locale gives every word and separator, the
// data gives every number; nothing here knows a language.
import { partialDate } from '../data/dates.ts';
import { fill, type Locale } from './locale.ts';

/** A date at its own precision: 2005年, 2008年12月, 2021年3月18日. */
export function formatDate(locale: Locale, text: string): string {
  const d = partialDate(text);
  const p = locale.dates;
  if (d.precision === 'year') return fill(p.year, { year: d.year });
  if (d.precision === 'month') return fill(p.month, { year: d.year, month: d.month! });
  return fill(p.day, { year: d.year, month: d.month!, day: d.day! });
}

/** A range printed as a range, its end dropping what it shares with the start: 2021年3月18日至19日. */
export function formatDateRange(locale: Locale, start: string, end?: string | null): string {
  if (end === undefined || end === null || end === start) return formatDate(locale, start);
  const s = partialDate(start);
  const e = partialDate(end);
  const p = locale.dates;
  let shortEnd: string;
  if (s.precision === 'day' && e.precision === 'day' && s.year === e.year) {
    shortEnd = s.month === e.month ? fill(p.end_day, { day: e.day! }) : fill(p.end_month_day, { month: e.month!, day: e.day! });
  } else if (s.precision === 'month' && e.precision === 'month' && s.year === e.year) {
    shortEnd = fill(p.end_month, { month: e.month! });
  } else {
    shortEnd = formatDate(locale, end);
  }
  return fill(p.range, { start: formatDate(locale, start), end: shortEnd });
}

/** A month and day without the year, for a time whose date differs from its row's: 3月19日. */
export function formatMonthDay(locale: Locale, text: string): string {
  const d = partialDate(text);
  return fill(locale.dates.month_day, { month: d.month!, day: d.day! });
}

/** The years a dataset spans: 2004–2021年, or 2025年. */
export function formatYearSpan(locale: Locale, first: number, last: number): string {
  return first === last ? fill(locale.dates.year, { year: first }) : fill(locale.dates.year_span, { first, last });
}

/** A duration: 2小時15分鐘, 45分鐘, 3小時. */
export function formatDuration(locale: Locale, minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const p = locale.durations;
  if (hours === 0) return fill(p.minutes, { minutes: rest });
  if (rest === 0) return fill(p.hours, { hours });
  return fill(p.hours_minutes, { hours, minutes: rest });
}

/** Items joined with the locale's separator, or "not recorded" for none. */
export function formatList(locale: Locale, items: readonly string[]): string {
  return items.length ? items.join(locale.list_separator) : locale.not_recorded;
}

/** A count with its measure word: 12項. */
export const formatCount = (locale: Locale, count: number): string => fill(locale.count, { count });
