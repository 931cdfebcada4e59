/**
 * Dates, times, sizes and durations as people read them, in the system's locale (Electron and
 * Chromium give Intl the OS language). "numeric" hours follow the locale: "4:28 PM" in the US,
 * "16:28" in Germany, never a leading zero the system would not show.
 */
let time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'long' });
const shortDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'short' });
const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dayThisYear = new Intl.DateTimeFormat(undefined, { month: 'long', day: 'numeric' });
const dayLong = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});
let dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Settings' time format: the locale's own (undefined), or 12- or 24-hour whatever the locale.
 * Views format as they render, so a section shown after the change uses it.
 */
export function setHourCycle(cycle: 'h12' | 'h23' | undefined): void {
  const hourCycle = cycle ? { hourCycle: cycle } : {};
  time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', ...hourCycle });
  dateTime = new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...hourCycle,
  });
}
const monthYear = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export const formatTime = (ms: number) => time.format(ms);
export const formatDay = (ms: number) => dayLong.format(ms);
export const formatDate = (ms: number) => day.format(ms);
export const formatDateTime = (ms: number) => dateTime.format(ms);
export const formatMonth = (ms: number) => monthYear.format(ms);

/** Midnight (local time) of the day holding `ms`. */
export function startOfDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whole calendar days from `ms`'s day to `now`'s day (0 = same day), DST-proof. */
export function daysAgo(ms: number, now = Date.now()): number {
  const a = new Date(startOfDay(ms));
  const b = new Date(startOfDay(now));
  return Math.round(
    (Date.UTC(b.getFullYear(), b.getMonth(), b.getDate()) -
      Date.UTC(a.getFullYear(), a.getMonth(), a.getDate())) /
      86_400_000,
  );
}

/** "Yesterday" in the locale's words, capitalised as a label. */
function capitalised(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

/**
 * The chat list's and search results' date: the time today, "Yesterday", the weekday within a
 * week, the date otherwise (as WhatsApp, Signal and Telegram do).
 */
export function formatListTime(ms: number, now = Date.now()): string {
  const ago = daysAgo(ms, now);
  if (ago <= 0) return time.format(ms);
  if (ago === 1) return capitalised(relative.format(-1, 'day'));
  if (ago < 7) return weekday.format(ms);
  return shortDate.format(ms);
}

/** The conversation's day separator: "Today", "Yesterday", a weekday, or the date. */
export function formatDayLabel(ms: number, now = Date.now()): string {
  const ago = daysAgo(ms, now);
  if (ago === 0 || ago === 1) return capitalised(relative.format(-ago, 'day'));
  if (ago > 1 && ago < 7) return weekday.format(ms);
  return new Date(ms).getFullYear() === new Date(now).getFullYear()
    ? dayThisYear.format(ms)
    : day.format(ms);
}

export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** A play length as a player shows it (shared with the exported archive). */
export { formatClock } from '../../../shared/message-labels';

const count = new Intl.NumberFormat();
export const formatCount = (n: number) => count.format(n);

/** "1 message", "2,480 messages". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count.format(n)} ${n === 1 ? one : many}`;
}
