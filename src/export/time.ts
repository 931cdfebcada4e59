import { fromWallTime, toWallTime } from '../node/local-time.js';

/**
 * Dates and times as an archive shows them, in one named time zone (an export says which), so the
 * same archive reads the same on any computer. Day and month boundaries are that zone's
 * midnights. Formatting a time zone is costly per call, so the last few days looked up are
 * remembered: a chat's messages come in order, and most share their day with the one before.
 */
export class ArchiveClock {
  private readonly time: Intl.DateTimeFormat;
  private readonly day: Intl.DateTimeFormat;
  private readonly month: Intl.DateTimeFormat;
  private readonly full: Intl.DateTimeFormat;
  private readonly date: Intl.DateTimeFormat;
  /** The last few days looked up: neighbours, quotes and runs move between a couple of days. */
  private cache: { start: number; end: number; key: string; month: string }[] = [];

  constructor(
    readonly timeZone: string,
    readonly locale?: string,
  ) {
    this.time = new Intl.DateTimeFormat(locale, { timeZone, hour: 'numeric', minute: '2-digit' });
    this.day = new Intl.DateTimeFormat(locale, {
      timeZone,
      weekday: 'long',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
    });
    this.month = new Intl.DateTimeFormat(locale, {
      timeZone: 'UTC',
      month: 'long',
      year: 'numeric',
    });
    this.full = new Intl.DateTimeFormat(locale, {
      timeZone,
      dateStyle: 'medium',
      timeStyle: 'long',
    });
    this.date = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium' });
  }

  /** "15:58" or "3:58 PM", as the locale writes a time. */
  formatTime(ms: number): string {
    return this.time.format(ms);
  }

  /** "Thursday, 20 June 2019": a day separator. */
  formatDay(ms: number): string {
    return this.day.format(ms);
  }

  /** "20 Jun 2019". */
  formatDate(ms: number): string {
    return this.date.format(ms);
  }

  /** "20 Jun 2019, 15:58:47 CEST": the exact time, for the title of every time shown. */
  formatFull(ms: number): string {
    return this.full.format(ms);
  }

  /** "June 2019" for a month key "2019-06". */
  formatMonth(monthKey: string): string {
    const [y, m] = monthKey.split('-').map(Number);
    return this.month.format(Date.UTC(y ?? 1970, (m ?? 1) - 1, 15));
  }

  private locate(ms: number): { key: string; month: string } {
    for (const c of this.cache) if (ms >= c.start && ms < c.end) return c;
    const w = toWallTime(ms, this.timeZone);
    const start = fromWallTime(
      { year: w.year, month: w.month, day: w.day, hour: 0, minute: 0 },
      this.timeZone,
    );
    const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
    const end = fromWallTime(
      {
        year: next.getUTCFullYear(),
        month: next.getUTCMonth() + 1,
        day: next.getUTCDate(),
        hour: 0,
        minute: 0,
      },
      this.timeZone,
    );
    const p = (n: number, l = 2) => String(n).padStart(l, '0');
    const month = `${p(w.year, 4)}-${p(w.month)}`;
    // A day whose midnight does not exist (a few zones skip it) still holds `ms`.
    const day = {
      start: Math.min(start, ms),
      end: Math.max(end, ms + 1),
      key: `${month}-${p(w.day)}`,
      month,
    };
    this.cache.unshift(day);
    if (this.cache.length > 8) this.cache.pop();
    return day;
  }

  /** "2019-06-20": the calendar day in the archive's zone. */
  dayKey(ms: number): string {
    return this.locate(ms).key;
  }

  /** "2019-06": the month in the archive's zone (one page per chat and month). */
  monthKey(ms: number): string {
    return this.locate(ms).month;
  }

  /** [start, end) in UTC ms of a month key in the archive's zone. */
  monthRange(monthKey: string): [number, number] {
    const [y, m] = monthKey.split('-').map(Number);
    const year = y ?? 1970;
    const month = m ?? 1;
    const start = fromWallTime({ year, month, day: 1, hour: 0, minute: 0 }, this.timeZone);
    const ny = month === 12 ? year + 1 : year;
    const nm = month === 12 ? 1 : month + 1;
    return [
      start,
      fromWallTime({ year: ny, month: nm, day: 1, hour: 0, minute: 0 }, this.timeZone),
    ];
  }

  /** Every month key from the month of `first` to the month of `last`, in order. */
  monthsBetween(first: number, last: number): string[] {
    const out: string[] = [];
    const a = toWallTime(first, this.timeZone);
    const b = toWallTime(last, this.timeZone);
    let y = a.year;
    let m = a.month;
    while (y < b.year || (y === b.year && m <= b.month)) {
      out.push(`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`);
      m++;
      if (m > 12) {
        m = 1;
        y++;
      }
    }
    return out;
  }
}
