/**
 * Text exports carry wall-clock times without a zone. We read them in the importing machine's
 * zone unless the caller names one: what a person sees on the phone is what they expect to see.
 */
export interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

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

/** Offset (ms) of `timeZone` from UTC at instant `utcMs`. */
function zoneOffset(utcMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(utcMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** Throws RangeError for an unknown zone name (Intl's own check). */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

export function wallClockToUtc(w: WallClock, timeZone?: string): number {
  if (!timeZone) {
    const d = new Date(2000, 0, 1, 0, 0, 0, 0);
    // setFullYear, not the constructor: the constructor maps years 0-99 to 1900-1999.
    d.setFullYear(w.year, w.month - 1, w.day);
    d.setHours(w.hour, w.minute, w.second, 0);
    return d.getTime();
  }
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const first = zoneOffset(naive, timeZone);
  let t = naive - first;
  const second = zoneOffset(t, timeZone);
  if (second !== first) t = naive - second;
  return t;
}

export function formatWallClock(w: WallClock): string {
  const p = (n: number, l = 2) => String(n).padStart(l, '0');
  return `${p(w.year, 4)}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}:${p(w.second)}`;
}

/** The store accepts times from 1970 up to (not including) 2200. */
export const MAX_TIME = Date.UTC(2200, 0, 1);

export function isStorableTime(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= 0 && ms < MAX_TIME;
}
