// Partial dates, local times and time zones. Pure functions: no clock, no machine time zone.

export type Precision = 'year' | 'month' | 'day';

export interface PartialDate {
  year: number;
  month?: number;
  day?: number;
  precision: Precision;
}

const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses YYYY, YYYY-MM or YYYY-MM-DD; a date that does not exist (2021-02-30) is an error, not a rollover. */
export function parsePartialDate(text: string): PartialDate | { error: string } {
  const m = PARTIAL_DATE.exec(text);
  if (!m) return { error: 'not of the form YYYY, YYYY-MM or YYYY-MM-DD' };
  const year = Number(m[1]);
  if (m[2] === undefined) return { year, precision: 'year' };
  const month = Number(m[2]);
  if (month < 1 || month > 12) return { error: `month ${m[2]} does not exist` };
  if (m[3] === undefined) return { year, month, precision: 'month' };
  const day = Number(m[3]);
  const last = daysInMonth(year, month);
  if (day < 1 || day > last) return { error: `day ${m[3]} does not exist in ${m[1]}-${m[2]}, which has ${last} days` };
  return { year, month, day, precision: 'day' };
}

/** Parses a date already known to be valid (the validator ran first). */
export function partialDate(text: string): PartialDate {
  const parsed = parsePartialDate(text);
  if ('error' in parsed) throw new Error(`invalid date ${JSON.stringify(text)}: ${parsed.error}`);
  return parsed;
}

/** The first and last day a partial date may stand for, as day numbers since 1970-01-01 (UTC). */
export function dateSpan(d: PartialDate): [number, number] {
  const day = (y: number, m: number, dd: number) => Date.UTC(y, m - 1, dd) / 86_400_000;
  if (d.precision === 'year') return [day(d.year, 1, 1), day(d.year, 12, 31)];
  if (d.precision === 'month') return [day(d.year, d.month!, 1), day(d.year, d.month!, daysInMonth(d.year, d.month!))];
  return [day(d.year, d.month!, d.day!), day(d.year, d.month!, d.day!)];
}

/** The span of a range given by a start and an optional end. */
export function rangeSpan(start: string, end?: string): [number, number] {
  const first = dateSpan(partialDate(start))[0];
  const last = dateSpan(partialDate(end ?? start))[1];
  return [first, last];
}

/** True when `inner` lies entirely inside `outer`. */
export function spanWithin(inner: [number, number], outer: [number, number]): boolean {
  return inner[0] >= outer[0] && inner[1] <= outer[1];
}

/** True when the two spans share at least one day. */
export function spansOverlap(a: [number, number], b: [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

const PRECISION_RANK: Record<Precision, number> = { year: 0, month: 1, day: 2 };

/** Orders partial dates by the first day they may stand for; a coarser date comes before a finer one on that day. */
export function comparePartialDates(a: string, b: string): number {
  const pa = partialDate(a);
  const pb = partialDate(b);
  const [fa] = dateSpan(pa);
  const [fb] = dateSpan(pb);
  if (fa !== fb) return fa - fb;
  return PRECISION_RANK[pa.precision] - PRECISION_RANK[pb.precision];
}

// ---------- times and zones ----------

export function parseLocalTime(text: string): { hour: number; minute: number } | { error: string } {
  const m = LOCAL_TIME.exec(text);
  if (!m) return { error: 'not a 24-hour time HH:MM between 00:00 and 23:59' };
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let f = zoneFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    zoneFormatters.set(zone, f);
  }
  return f;
}

/** True for a time-zone name the runtime's IANA database knows (`Asia/Shanghai`, not `CST`). */
export function isIanaZone(zone: string): boolean {
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+$/.test(zone) && zone !== 'UTC') return false;
  try {
    zoneFormatter(zone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallClockAt(epochMs: number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of zoneFormatter(zone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! };
}

/** The zone's offset from UTC in minutes at an instant. */
export function zoneOffsetMinutes(epochMs: number, zone: string): number {
  const w = wallClockAt(epochMs, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return Math.round((asUtc - Math.floor(epochMs / 60_000) * 60_000) / 60_000);
}

/** The instant of a local date and time in a zone (the later offset wins in a repeated hour). */
export function zonedInstant(date: string, time: string, zone: string): number {
  const d = partialDate(date);
  const t = parseLocalTime(time);
  if (d.precision !== 'day' || 'error' in t) throw new Error(`need a full date and time, got ${date} ${time}`);
  const naive = Date.UTC(d.year, d.month! - 1, d.day!, t.hour, t.minute);
  let instant = naive - zoneOffsetMinutes(naive, zone) * 60_000;
  instant = naive - zoneOffsetMinutes(instant, zone) * 60_000;
  return instant;
}

export interface ZonedTime {
  date: string; // YYYY-MM-DD
  time: string; // HH:MM
  offsetMinutes: number;
}

/** The wall-clock date and time of an instant in a zone. */
export function inZone(epochMs: number, zone: string): ZonedTime {
  const w = wallClockAt(epochMs, zone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${w.year}-${pad(w.month)}-${pad(w.day)}`,
    time: `${pad(w.hour)}:${pad(w.minute)}`,
    offsetMinutes: zoneOffsetMinutes(epochMs, zone),
  };
}

/** UTC−8, UTC+8, UTC+5:30: computed from the tz database, so it reads the same on every machine. */
export function formatUtcOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '−' : '+';
  const abs = Math.abs(offsetMinutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}
