/**
 * Wall-clock arithmetic in a named IANA time zone, so the schedule says "03:30 every day" in the
 * user's own time across daylight-saving changes, and tests can check any zone (Berlin, New York,
 * Lord Howe with its 30-minute shift) in one process without touching `process.env.TZ`.
 *
 * A day is a calendar day, not 24 hours: "tomorrow at 03:30" is 23 or 25 hours away on the days
 * the clocks change. A wall time that does not exist (the hour skipped in spring) moves forward by
 * the size of the gap, as JavaScript's own Date does; a wall time that happens twice (the hour
 * repeated in autumn) means its first occurrence.
 */

export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
  hour: number;
  minute: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone the computer is set to now (it can change while the app runs, so ask each time). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError for a zone name the runtime does not know. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

export function toWallTime(utcMs: number, timeZone: string): WallTime & { second: number } {
  const parts = formatter(timeZone).formatToParts(new Date(utcMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const part = parts.find((p) => p.type === type);
    return part ? Number(part.value) : 0;
  };
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Local time minus UTC at this instant, in ms (whole seconds; sub-second offsets do not exist). */
function offsetAt(utcMs: number, timeZone: string): number {
  const w = toWallTime(utcMs, timeZone);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - Math.floor(utcMs / 1000) * 1000;
}

/** The instant the wall clock of `timeZone` shows `wall` (see the module comment for gaps and overlaps). */
export function fromWallTime(wall: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // Real zones change offset at most once within a couple of days, so the offsets a day either
  // side are the only candidates.
  const before = offsetAt(asUtc - DAY_MS, timeZone);
  const after = offsetAt(asUtc + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => asUtc - offset)
    .filter((t) => asUtc - offsetAt(t, timeZone) === t)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) return first;
  // In a gap: read the wall time with the offset in force before the change, which lands after it.
  return asUtc - before;
}

/** Calendar date `days` after the given one (negative goes back), month and year carried. */
export function addDays(
  date: Pick<WallTime, 'year' | 'month' | 'day'>,
  days: number,
): Pick<WallTime, 'year' | 'month' | 'day'> {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The same day of the month `months` later; a day the target month lacks (31 January plus one
 * month) becomes its last day rather than spilling into the month after.
 */
export function addMonths(
  date: Pick<WallTime, 'year' | 'month' | 'day'>,
  months: number,
): Pick<WallTime, 'year' | 'month' | 'day'> {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}
