/**
 * Text exports carry wall-clock times without a zone. We read them in the importing machine's
 * zone unless the caller names one: what a person sees on the phone is what they expect to see.
 */
import { assertTimeZone, fromWallTime } from '../../node/local-time.js';

export interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Throws RangeError for an unknown zone name (Intl's own check). */
export { assertTimeZone };

export function wallClockToUtc(w: WallClock, timeZone?: string): number {
  if (!timeZone) {
    const d = new Date(2000, 0, 1, 0, 0, 0, 0);
    // setFullYear, not the constructor: the constructor maps years 0-99 to 1900-1999.
    d.setFullYear(w.year, w.month - 1, w.day);
    d.setHours(w.hour, w.minute, w.second, 0);
    return d.getTime();
  }
  // Zone offsets are whole minutes, so the seconds add on after the minute is placed.
  return fromWallTime(w, timeZone) + w.second * 1000;
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
