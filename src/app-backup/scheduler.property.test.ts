import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromWallTime, toWallTime } from '../node/local-time.js';
import { nextDueAt } from './schedule.js';
import { BackupScheduler, type RunReason } from './scheduler.js';
import { FakeClock } from './testing/fake-clock.js';

const TZ = 'Europe/Berlin';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

type Op =
  | { kind: 'awake'; ms: number }
  | { kind: 'sleep'; ms: number; resumeEvent: boolean }
  | { kind: 'backupNow' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('awake' as const), ms: fc.integer({ min: MIN, max: 30 * HOUR }) }),
  fc.record({
    kind: fc.constant('sleep' as const),
    ms: fc.integer({ min: MIN, max: 10 * DAY }),
    resumeEvent: fc.boolean(),
  }),
  fc.constant({ kind: 'backupNow' as const }),
);

const dayKey = (t: number) => {
  const w = toWallTime(t, TZ);
  return `${w.year}-${w.month}-${w.day}`;
};

describe('BackupScheduler under random days of sleep, use and "Back up now" (property)', () => {
  it('never overlaps runs, runs at most one automatic backup a day, and never goes a day awake without one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 0, max: 23 * 60 + 59 }),
        fc.integer({ min: 0, max: 20 * MIN }),
        fc.integer({ min: 0, max: 364 }),
        async (ops, minuteOfDay, runMs, startDay) => {
          const timeOfDay = `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
          const start = fromWallTime(
            { year: 2026, month: 1, day: 1 + startDay, hour: 12, minute: 0 },
            TZ,
          );
          const clock = new FakeClock(start);
          const runs: { at: number; reason: RunReason }[] = [];
          let active = 0;
          let maxActive = 0;
          let lastSuccessAt = start - 2 * HOUR;
          let awakeSince = start;
          const settings = { frequency: 'daily', timeOfDay, onlyOnAcPower: false } as const;
          const scheduler = new BackupScheduler({
            settings,
            clock,
            timeZone: TZ,
            loadState: () => ({ lastSuccessAt }),
            runBackup: (reason) => {
              runs.push({ at: clock.now(), reason });
              active++;
              maxActive = Math.max(maxActive, active);
              return new Promise((resolve) =>
                clock.setTimer(runMs, () => {
                  active--;
                  lastSuccessAt = clock.now();
                  resolve();
                }),
              );
            },
          });
          await scheduler.start();
          for (const op of ops) {
            if (op.kind === 'awake') {
              await clock.advance(op.ms);
              // A due backup is done within one capped timer (15 min), the catch-up delay and
              // its own run time of being due, or of waking if it fell due during sleep.
              const due = nextDueAt(lastSuccessAt, settings, TZ, clock.now())!;
              const from = Math.max(due, awakeSince);
              expect(clock.now() - from).toBeLessThan(17 * MIN + runMs);
            } else if (op.kind === 'sleep') {
              await clock.sleep(op.ms);
              awakeSince = clock.now();
              if (op.resumeEvent) scheduler.notifyResume();
            } else {
              void scheduler.backupNow();
            }
          }
          // Stopping waits for a run in progress, which needs the clock to move on.
          const stopped = scheduler.stop();
          await clock.advance(runMs + MIN);
          await stopped;
          expect(active).toBe(0);

          expect(maxActive).toBeLessThanOrEqual(1);
          const automaticDays = runs.filter((r) => r.reason !== 'manual').map((r) => dayKey(r.at));
          expect(new Set(automaticDays).size).toBe(automaticDays.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});

type PowerOp =
  | { kind: 'awake'; ms: number }
  | { kind: 'power'; battery: boolean; event: boolean }
  | { kind: 'sleep'; ms: number }
  | { kind: 'backupNow' };

const powerOpArb: fc.Arbitrary<PowerOp> = fc.oneof(
  fc.record({ kind: fc.constant('awake' as const), ms: fc.integer({ min: MIN, max: 30 * HOUR }) }),
  fc.record({ kind: fc.constant('power' as const), battery: fc.boolean(), event: fc.boolean() }),
  fc.record({ kind: fc.constant('sleep' as const), ms: fc.integer({ min: MIN, max: 3 * DAY }) }),
  fc.constant({ kind: 'backupNow' as const }),
);

describe('BackupScheduler with AC-only and failing backups (property)', () => {
  it('never starts an automatic backup on battery, never overlaps, and never retries in a hot loop', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(powerOpArb, { minLength: 1, maxLength: 16 }),
        fc.array(fc.constantFrom('REPO_NOT_FOUND', 'STORAGE', 'WRONG_SECRET', 'UNKNOWN', null), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.integer({ min: 0, max: 10 * MIN }),
        async (ops, outcomes, runMs) => {
          const start = fromWallTime({ year: 2026, month: 6, day: 1, hour: 12, minute: 0 }, TZ);
          const clock = new FakeClock(start);
          const power = { battery: false };
          const starts: { at: number; reason: RunReason; battery: boolean }[] = [];
          let active = 0;
          let maxActive = 0;
          let notifications = 0;
          let failures = 0;
          let i = 0;
          const scheduler = new BackupScheduler({
            settings: { frequency: 'daily', timeOfDay: '03:30', onlyOnAcPower: true },
            clock,
            timeZone: TZ,
            power: { isOnBattery: () => power.battery },
            onEvent: (e) => {
              if (e.type === 'notify') notifications++;
            },
            runBackup: (reason) => {
              starts.push({ at: clock.now(), reason, battery: power.battery });
              active++;
              maxActive = Math.max(maxActive, active);
              const code = outcomes[i++ % outcomes.length];
              return new Promise((resolve, reject) =>
                clock.setTimer(runMs, () => {
                  active--;
                  if (code) {
                    failures++;
                    reject(Object.assign(new Error(code), { code }));
                  } else resolve();
                }),
              );
            },
          });
          await scheduler.start();
          for (const op of ops) {
            if (op.kind === 'awake') await clock.advance(op.ms);
            else if (op.kind === 'sleep') {
              await clock.sleep(op.ms);
              scheduler.notifyResume();
            } else if (op.kind === 'power') {
              power.battery = op.battery;
              if (op.event) scheduler.notifyPowerChange();
            } else void scheduler.backupNow();
          }
          const stopped = scheduler.stop();
          await clock.advance(runMs + MIN);
          await stopped;

          expect(maxActive).toBeLessThanOrEqual(1);
          const automatic = starts.filter((s) => s.reason !== 'manual');
          expect(automatic.filter((s) => s.battery)).toEqual([]);
          // After any attempt, the next automatic one waits at least the first retry delay.
          for (const [k, s] of automatic.entries()) {
            const previous = starts.filter((p) => p.at < s.at).at(-1);
            if (k > 0 && previous) expect(s.at - previous.at).toBeGreaterThanOrEqual(MIN + runMs);
          }
          expect(notifications).toBeLessThanOrEqual(failures);
        },
      ),
      { numRuns: 200 },
    );
  });
});
