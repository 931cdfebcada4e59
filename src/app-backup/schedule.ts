import { addDays, addMonths, fromWallTime, toWallTime } from '../node/local-time.js';

/**
 * When the next scheduled backup is due: pure functions of the last successful backup, the
 * settings and the time zone, so the scheduler's timing is testable without a running clock.
 */

export const FREQUENCIES = ['daily', 'weekly', 'monthly', 'manual'] as const;
/** `manual` is "only when I tap Back up now": nothing runs by itself. */
export type Frequency = (typeof FREQUENCIES)[number];

export interface ScheduleSettings {
  frequency: Frequency;
  /** Local wall time "HH:MM" (24-hour) at which a scheduled backup is due. */
  timeOfDay: string;
  /** Wait with scheduled backups while the computer runs on battery. */
  onlyOnAcPower: boolean;
}

/**
 * 03:30 by default: the computer is usually idle then, and unlike 02:00-02:59 (skipped or
 * repeated on daylight-saving days in Europe, North America and Australia) or 01:00-01:59
 * (repeated in the US) it exists exactly once every day in nearly every zone. A laptop that
 * sleeps at night catches up within a minute or two of waking instead.
 */
export const DEFAULT_TIME_OF_DAY = '03:30';

export const DEFAULT_SCHEDULE: Readonly<ScheduleSettings> = Object.freeze({
  frequency: 'daily',
  timeOfDay: DEFAULT_TIME_OF_DAY,
  onlyOnAcPower: false,
});

export const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

export class InvalidScheduleError extends Error {
  readonly code = 'INVALID_SCHEDULE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidScheduleError';
  }
}

export function parseTimeOfDay(value: string): { hour: number; minute: number } {
  const m = TIME_OF_DAY_PATTERN.exec(value);
  if (!m) {
    throw new InvalidScheduleError(
      `The backup time "${value}" is not a time of day in 24-hour HH:MM form, like 03:30`,
    );
  }
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

export function validateSchedule(s: ScheduleSettings): ScheduleSettings {
  if (!(FREQUENCIES as readonly string[]).includes(s.frequency)) {
    throw new InvalidScheduleError(
      `The backup frequency "${String(s.frequency)}" is not one of ${FREQUENCIES.join(', ')}`,
    );
  }
  parseTimeOfDay(s.timeOfDay);
  if (typeof s.onlyOnAcPower !== 'boolean') {
    throw new InvalidScheduleError('onlyOnAcPower must be true or false');
  }
  return { frequency: s.frequency, timeOfDay: s.timeOfDay, onlyOnAcPower: s.onlyOnAcPower };
}

/**
 * The instant the next scheduled backup is due, or null when nothing is scheduled (`manual`).
 *
 * One backup per period, counted in calendar days in the user's zone: the slot is the preferred
 * time on the day one period after the day of the last successful backup (daily: the next day;
 * weekly: 7 days later; monthly: the same day next month, or its last day). A backup made early
 * on a day by hand therefore stands in for that day's slot, and a late catch-up moves the next
 * slot by a day at most. With no successful backup yet, the backup is due at once.
 */
export function nextDueAt(
  lastSuccessAt: number | null,
  schedule: ScheduleSettings,
  timeZone: string,
  now: number,
): number | null {
  if (schedule.frequency === 'manual') return null;
  if (lastSuccessAt === null) return Number.NEGATIVE_INFINITY;
  // A last success "in the future" means the clock was wrong then or is wrong now; counting from
  // today keeps a clock set back from postponing backups for the length of the error.
  const from = Math.min(lastSuccessAt, now);
  const { hour, minute } = parseTimeOfDay(schedule.timeOfDay);
  const day = toWallTime(from, timeZone);
  const next =
    schedule.frequency === 'daily'
      ? addDays(day, 1)
      : schedule.frequency === 'weekly'
        ? addDays(day, 7)
        : addMonths(day, 1);
  return fromWallTime({ ...next, hour, minute }, timeZone);
}

/** Retry delays after the 1st, 2nd, 3rd... consecutive failure; the last one repeats. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = Object.freeze([
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
]);

export function retryDelayMs(
  consecutiveFailures: number,
  delays = DEFAULT_RETRY_DELAYS_MS,
): number {
  const index = Math.min(Math.max(consecutiveFailures, 1), delays.length) - 1;
  return delays[index] ?? 2 * 3_600_000;
}
