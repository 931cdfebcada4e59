import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, fromWallTime, toWallTime, type WallTime } from '../node/local-time.js';
import { nextDueAt, parseTimeOfDay, InvalidScheduleError } from './schedule.js';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const LORD_HOWE = 'Australia/Lord_Howe';
const HOUR = 3_600_000;

const wall = (
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): WallTime => ({
  year,
  month,
  day,
  hour,
  minute,
});

describe('fromWallTime / toWallTime', () => {
  it('reads an ordinary summer time in Berlin (UTC+2)', () => {
    expect(fromWallTime(wall(2026, 6, 1, 3, 30), BERLIN)).toBe(Date.UTC(2026, 5, 1, 1, 30));
  });

  it('moves a time skipped in spring forward by the gap (Berlin 29 March 2026, 02:30 -> 03:30)', () => {
    const t = fromWallTime(wall(2026, 3, 29, 2, 30), BERLIN);
    expect(t).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(toWallTime(t, BERLIN)).toMatchObject({ day: 29, hour: 3, minute: 30 });
  });

  it('takes the first of a time repeated in autumn (Berlin 25 October 2026, 02:30 CEST)', () => {
    expect(fromWallTime(wall(2026, 10, 25, 2, 30), BERLIN)).toBe(Date.UTC(2026, 9, 25, 0, 30));
  });

  it('handles New York changes (8 March and 1 November 2026)', () => {
    expect(fromWallTime(wall(2026, 3, 8, 2, 15), NEW_YORK)).toBe(Date.UTC(2026, 2, 8, 7, 15));
    expect(fromWallTime(wall(2026, 11, 1, 1, 30), NEW_YORK)).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  it('handles a 30-minute daylight-saving shift (Lord Howe, 4 October 2026, 02:00 -> 02:30)', () => {
    const t = fromWallTime(wall(2026, 10, 4, 2, 10), LORD_HOWE);
    expect(toWallTime(t, LORD_HOWE)).toMatchObject({ day: 4, hour: 2, minute: 40 });
  });

  it('round-trips every wall time that exists (property)', () => {
    const zones = fc.constantFrom(BERLIN, NEW_YORK, LORD_HOWE, 'Asia/Kolkata', 'UTC');
    fc.assert(
      fc.property(
        zones,
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        (zone, ms) => {
          const t = Math.floor(ms / 60_000) * 60_000;
          const w = toWallTime(t, zone);
          const back = fromWallTime(w, zone);
          // Equal, or the earlier occurrence of a repeated wall time.
          expect(toWallTime(back, zone)).toMatchObject({ ...w });
          expect(back).toBeLessThanOrEqual(t);
          expect(t - back).toBeLessThanOrEqual(HOUR);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('clamps a month end: 31 January + 1 month is 28 February (29 in leap years)', () => {
    expect(addMonths({ year: 2026, month: 1, day: 31 }, 1)).toEqual({
      year: 2026,
      month: 2,
      day: 28,
    });
    expect(addMonths({ year: 2028, month: 1, day: 31 }, 1)).toEqual({
      year: 2028,
      month: 2,
      day: 29,
    });
    expect(addMonths({ year: 2026, month: 12, day: 15 }, 1)).toEqual({
      year: 2027,
      month: 1,
      day: 15,
    });
  });
});

describe('nextDueAt', () => {
  const daily = { frequency: 'daily', timeOfDay: '03:30', onlyOnAcPower: false } as const;

  it('is the preferred time on the next calendar day, 23 hours later across the spring change', () => {
    const last = fromWallTime(wall(2026, 3, 28, 3, 30), BERLIN);
    const next = nextDueAt(last, daily, BERLIN, last)!;
    expect(toWallTime(next, BERLIN)).toMatchObject({ month: 3, day: 29, hour: 3, minute: 30 });
    expect(next - last).toBe(23 * HOUR);
  });

  it('is 25 hours later across the autumn change', () => {
    const last = fromWallTime(wall(2026, 10, 24, 3, 30), BERLIN);
    expect(nextDueAt(last, daily, BERLIN, last)! - last).toBe(25 * HOUR);
  });

  it('counts a backup made by hand early in the day as that day’s backup', () => {
    const last = fromWallTime(wall(2026, 6, 1, 0, 45), BERLIN);
    const next = nextDueAt(last, daily, BERLIN, last)!;
    expect(toWallTime(next, BERLIN)).toMatchObject({ day: 2, hour: 3, minute: 30 });
  });

  it('weekly is 7 days later, monthly the same day next month', () => {
    const last = fromWallTime(wall(2026, 1, 31, 9, 0), BERLIN);
    const weekly = nextDueAt(last, { ...daily, frequency: 'weekly' }, BERLIN, last)!;
    expect(toWallTime(weekly, BERLIN)).toMatchObject({ month: 2, day: 7, hour: 3, minute: 30 });
    const monthly = nextDueAt(last, { ...daily, frequency: 'monthly' }, BERLIN, last)!;
    expect(toWallTime(monthly, BERLIN)).toMatchObject({ month: 2, day: 28, hour: 3, minute: 30 });
  });

  it('is null for manual and due at once when there was never a backup', () => {
    expect(nextDueAt(0, { ...daily, frequency: 'manual' }, BERLIN, 0)).toBeNull();
    expect(nextDueAt(null, daily, BERLIN, 0)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('counts from now when the last success is in the future (clock set back)', () => {
    const now = fromWallTime(wall(2026, 6, 1, 12, 0), BERLIN);
    const next = nextDueAt(now + 30 * 24 * HOUR, daily, BERLIN, now)!;
    expect(toWallTime(next, BERLIN)).toMatchObject({ month: 6, day: 2, hour: 3, minute: 30 });
  });

  it('rejects a malformed time of day with a typed error', () => {
    expect(() => parseTimeOfDay('25:00')).toThrow(InvalidScheduleError);
    expect(() => parseTimeOfDay('3:30')).toThrow(/HH:MM/);
    expect(parseTimeOfDay('23:59')).toEqual({ hour: 23, minute: 59 });
  });
});
