import { describe, expect, it } from 'vitest';
import { fromWallTime, toWallTime } from '../node/local-time.js';
import {
  BackupScheduler,
  type BackupSchedulerOptions,
  type RunReason,
  type SchedulerEvent,
  type SchedulerState,
} from './scheduler.js';
import type { ScheduleSettings } from './schedule.js';
import { FakeClock, settle } from './testing/fake-clock.js';

const TZ = 'Europe/Berlin';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const DAILY: ScheduleSettings = { frequency: 'daily', timeOfDay: '03:30', onlyOnAcPower: false };

class CodedError extends Error {
  constructor(readonly code: string) {
    super(`failed with ${code}`);
  }
}

interface Harness {
  clock: FakeClock;
  scheduler: BackupScheduler;
  runs: { at: number; reason: RunReason }[];
  events: SchedulerEvent[];
  saved: SchedulerState[];
  power: { battery: boolean };
  /** Makes the next runs fail with these codes, in order (then succeed). */
  failWith: string[];
  notifications: () => Extract<SchedulerEvent, { type: 'notify' }>[];
}

function local(y: number, mo: number, d: number, h: number, mi: number): number {
  return fromWallTime({ year: y, month: mo, day: d, hour: h, minute: mi }, TZ);
}

function harness(opts: {
  start: number;
  settings?: ScheduleSettings;
  state?: Partial<SchedulerState>;
  runMs?: number;
  extra?: Partial<BackupSchedulerOptions>;
}): Harness {
  const clock = new FakeClock(opts.start);
  const runs: Harness['runs'] = [];
  const events: SchedulerEvent[] = [];
  const saved: SchedulerState[] = [];
  const power = { battery: false };
  const failWith: string[] = [];
  const runMs = opts.runMs ?? 2 * MIN;
  const scheduler = new BackupScheduler({
    settings: opts.settings ?? DAILY,
    clock,
    timeZone: TZ,
    power: { isOnBattery: () => power.battery },
    loadState: () => opts.state ?? null,
    saveState: (s) => {
      saved.push(s);
    },
    onEvent: (e) => events.push(e),
    runBackup: (reason) => {
      runs.push({ at: clock.now(), reason });
      const code = failWith.shift();
      return new Promise((resolve, reject) => {
        clock.setTimer(runMs, () =>
          code ? reject(new CodedError(code)) : resolve({ sizeBytes: 42 }),
        );
      });
    },
    ...opts.extra,
  });
  return {
    clock,
    scheduler,
    runs,
    events,
    saved,
    power,
    failWith,
    notifications: () =>
      events.filter((e): e is Extract<SchedulerEvent, { type: 'notify' }> => e.type === 'notify'),
  };
}

const wallOf = (t: number) => toWallTime(t, TZ);

describe('BackupScheduler: daily, weekly, monthly', () => {
  it('runs once a day at the preferred local time, across the spring DST change', async () => {
    const start = local(2026, 3, 24, 12, 0);
    const h = harness({ start, state: { lastSuccessAt: local(2026, 3, 24, 3, 31) } });
    await h.scheduler.start();
    await h.clock.advance(10 * DAY);
    expect(h.runs).toHaveLength(10);
    for (const [i, run] of h.runs.entries()) {
      expect(wallOf(run.at)).toMatchObject({
        day: 25 + i > 31 ? 25 + i - 31 : 25 + i,
        hour: 3,
        minute: 30,
      });
      expect(run.reason).toBe('scheduled');
    }
    // 29 March is the change: 03:30 CEST, one hour less after the 28th's run.
    expect(h.runs[4]!.at - h.runs[3]!.at).toBe(23 * HOUR);
    expect(h.runs[5]!.at - h.runs[4]!.at).toBe(24 * HOUR);
    expect(h.scheduler.status()).toMatchObject({ state: 'idle', consecutiveFailures: 0 });
  });

  it('runs exactly once a day at a time the clocks skip or repeat (02:30 in Berlin)', async () => {
    const at0230: ScheduleSettings = { ...DAILY, timeOfDay: '02:30' };
    const spring = harness({
      start: local(2026, 3, 27, 12, 0),
      settings: at0230,
      state: { lastSuccessAt: local(2026, 3, 27, 2, 31) },
    });
    await spring.scheduler.start();
    await spring.clock.advanceTo(local(2026, 3, 31, 12, 0));
    // 29 March has no 02:30: that day's backup runs at 03:30 (the gap's length later).
    expect(
      spring.runs.map((r) => [wallOf(r.at).day, wallOf(r.at).hour, wallOf(r.at).minute]),
    ).toEqual([
      [28, 2, 30],
      [29, 3, 30],
      [30, 2, 30],
      [31, 2, 30],
    ]);

    const autumn = harness({
      start: local(2026, 10, 23, 12, 0),
      settings: at0230,
      state: { lastSuccessAt: local(2026, 10, 23, 2, 31) },
    });
    await autumn.scheduler.start();
    await autumn.clock.advanceTo(local(2026, 10, 27, 12, 0));
    // 25 October has 02:30 twice: one backup, at the first.
    expect(autumn.runs.map((r) => wallOf(r.at).day)).toEqual([24, 25, 26, 27]);
    expect(autumn.runs[1]!.at).toBe(Date.UTC(2026, 9, 25, 0, 30));
  });

  it('runs weekly and monthly over simulated months', async () => {
    const start = local(2026, 1, 5, 12, 0);
    const weekly = harness({
      start,
      settings: { ...DAILY, frequency: 'weekly' },
      state: { lastSuccessAt: local(2026, 1, 5, 3, 35) },
    });
    await weekly.scheduler.start();
    await weekly.clock.advance(8 * 7 * DAY);
    expect(weekly.runs).toHaveLength(8);
    for (const [i, run] of weekly.runs.entries()) {
      expect(run.at).toBe(
        local(2026, 1, 5, 3, 30) + 0 * DAY + (i + 1) * 7 * DAY + dstShift(run.at),
      );
    }

    const monthly = harness({
      start,
      settings: { ...DAILY, frequency: 'monthly' },
      state: { lastSuccessAt: local(2026, 1, 5, 3, 35) },
    });
    await monthly.scheduler.start();
    await monthly.clock.advance(365 * DAY);
    expect(monthly.runs.map((r) => wallOf(r.at).month)).toEqual([
      2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1,
    ]);
    for (const run of monthly.runs)
      expect(wallOf(run.at)).toMatchObject({ day: 5, hour: 3, minute: 30 });
  });

  it('never runs by itself when set to manual; Back up now still works', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({ start, settings: { ...DAILY, frequency: 'manual' } });
    await h.scheduler.start();
    await h.clock.advance(60 * DAY);
    expect(h.runs).toHaveLength(0);
    expect(h.scheduler.status()).toMatchObject({ state: 'idle', nextRunAt: null });
    expect(h.clock.pendingTimers).toBe(0);

    const outcome = h.scheduler.backupNow();
    await h.clock.advance(5 * MIN);
    expect(await outcome).toEqual({ ok: true, result: { sizeBytes: 42 } });
    expect(h.runs).toEqual([{ at: start + 60 * DAY, reason: 'manual' }]);
    expect(h.scheduler.status().lastSuccessAt).toBe(start + 60 * DAY + 2 * MIN);
    expect(h.scheduler.status().lastSuccessSizeBytes).toBe(42);
  });
});

/** Summer time adds nothing to a UTC difference computed in winter: correct it for the test. */
function dstShift(t: number): number {
  const jan = local(2026, 1, 5, 3, 30);
  const offset = (x: number) => {
    const w = wallOf(x);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(x / MIN) * MIN;
  };
  return offset(jan) - offset(t);
}

describe('BackupScheduler: missed backups', () => {
  it('after a week asleep runs once, soon after the resume, not 7 times', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({ start, state: { lastSuccessAt: local(2026, 6, 1, 3, 30) } });
    await h.scheduler.start();
    await h.clock.advance(HOUR);
    await h.clock.sleep(7 * DAY);
    const wokeAt = h.clock.now();
    h.scheduler.notifyResume();
    await h.clock.advance(30 * MIN);
    expect(h.runs).toEqual([{ at: wokeAt + 60_000, reason: 'catch-up' }]);
    // The next one is tomorrow at 03:30, counted from the catch-up day.
    expect(wallOf(h.scheduler.status().nextRunAt!)).toMatchObject({ day: 9, hour: 3, minute: 30 });
  });

  it('notices the sleep by itself when no resume event arrives', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({ start, state: { lastSuccessAt: local(2026, 6, 1, 3, 30) } });
    await h.scheduler.start();
    await h.clock.advance(HOUR);
    await h.clock.sleep(3 * DAY);
    const wokeAt = h.clock.now();
    await h.clock.advance(HOUR);
    expect(h.runs).toHaveLength(1);
    expect(h.runs[0]!.reason).toBe('catch-up');
    // Found by the next capped timer (at most 15 minutes of awake time) plus the resume delay.
    expect(h.runs[0]!.at - wokeAt).toBeLessThanOrEqual(16 * MIN);
  });

  it('on start after being off runs the missed backup after the start-up delay', async () => {
    const start = local(2026, 6, 4, 9, 0);
    const h = harness({ start, state: { lastSuccessAt: local(2026, 6, 1, 3, 30) } });
    await h.scheduler.start();
    expect(h.scheduler.status()).toMatchObject({ state: 'idle', nextRunAt: start + 90_000 });
    // A resume event right after start does not add a second run.
    h.scheduler.notifyResume();
    await h.clock.advance(10 * MIN);
    expect(h.runs).toEqual([{ at: start + 90_000, reason: 'catch-up' }]);
  });

  it('with no backup ever made, runs the first one soon after start', async () => {
    const start = local(2026, 6, 4, 9, 0);
    const h = harness({ start });
    await h.scheduler.start();
    await h.clock.advance(5 * MIN);
    expect(h.runs).toHaveLength(1);
  });

  it('does not run at start when the next slot is still ahead', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({ start, state: { lastSuccessAt: local(2026, 6, 1, 3, 30) } });
    await h.scheduler.start();
    await h.clock.advance(16 * HOUR);
    expect(h.runs.map((r) => r.at)).toEqual([local(2026, 6, 2, 3, 30)]);
  });
});

describe('BackupScheduler: failures', () => {
  it('backs off 1 min, 5 min, 30 min, 2 h, 2 h and notifies once, after the 3rd failure', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({ start, state: { lastSuccessAt: local(2026, 6, 1, 3, 30) }, runMs: 0 });
    h.failWith.push(...Array(6).fill('REPO_NOT_FOUND'));
    await h.scheduler.start();
    const slot = local(2026, 6, 2, 3, 30);
    await h.clock.advanceTo(slot + 3 * HOUR);
    const gaps = h.runs.slice(1).map((r, i) => r.at - h.runs[i]!.at);
    expect(h.runs[0]!.at).toBe(slot);
    expect(gaps.slice(0, 4)).toEqual([MIN, 5 * MIN, 30 * MIN, 2 * HOUR]);
    expect(h.runs.slice(1).every((r) => r.reason === 'retry')).toBe(true);

    const notes = h.notifications();
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toMatch(/not reachable: is the drive connected/);
    const third = h.events.filter((e) => e.type === 'run-failed')[2]!;
    expect(h.events.indexOf(notes[0]!)).toBeGreaterThan(h.events.indexOf(third));
    expect(h.scheduler.status()).toMatchObject({
      state: 'retrying',
      consecutiveFailures: 5,
      lastError: { code: 'REPO_NOT_FOUND' },
    });
    expect(h.saved.at(-1)).toMatchObject({ consecutiveFailures: 5 });

    // The 6th attempt fails too, the 7th succeeds and clears the failure state.
    await h.clock.advance(5 * HOUR);
    expect(h.runs).toHaveLength(7);
    expect(h.scheduler.status()).toMatchObject({
      state: 'idle',
      consecutiveFailures: 0,
      lastError: null,
    });
    expect(h.notifications()).toHaveLength(1);
  });

  it('a wrong password is notified at once and not retried until the next slot', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({ start, state: { lastSuccessAt: local(2026, 6, 1, 3, 30) }, runMs: 0 });
    h.failWith.push('WRONG_SECRET');
    await h.scheduler.start();
    await h.clock.advanceTo(local(2026, 6, 2, 12, 0));
    expect(h.runs).toHaveLength(1);
    expect(h.notifications()).toEqual([
      expect.objectContaining({
        code: 'WRONG_SECRET',
        body: expect.stringMatching(/enter your backup password again/),
      }),
    ]);
    expect(h.scheduler.status()).toMatchObject({ state: 'needs-attention' });
    expect(wallOf(h.scheduler.status().nextRunAt!)).toMatchObject({ day: 3, hour: 3, minute: 30 });
    await h.clock.advanceTo(local(2026, 6, 3, 4, 0));
    expect(h.runs).toHaveLength(2);
    expect(h.scheduler.status().state).toBe('idle');
  });

  it('after the person fixes the problem, retrySoon() tries again within a minute', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({ start, state: { lastSuccessAt: local(2026, 6, 1, 3, 30) }, runMs: 0 });
    h.failWith.push('PASSWORD_NEEDED');
    await h.scheduler.start();
    await h.clock.advanceTo(local(2026, 6, 2, 9, 0));
    expect(h.scheduler.status().state).toBe('needs-attention');
    h.scheduler.retrySoon();
    await h.clock.advance(2 * MIN);
    expect(h.runs.map((r) => r.at)).toEqual([local(2026, 6, 2, 3, 30), local(2026, 6, 2, 9, 1)]);
    expect(h.scheduler.status()).toMatchObject({ state: 'idle', lastError: null });
  });

  it('reminds again once a day while the problem lasts, not at every retry', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({ start, state: { lastSuccessAt: local(2026, 6, 1, 3, 30) }, runMs: 0 });
    h.failWith.push(...Array(40).fill('STORAGE'));
    await h.scheduler.start();
    await h.clock.advanceTo(local(2026, 6, 3, 12, 0));
    // 2 June 03:30 + 1, 5, 30 min: 3rd failure notifies at ~04:06; again ~24 h later.
    expect(h.notifications()).toHaveLength(2);
    expect(h.scheduler.status().consecutiveFailures).toBe(19);
  });

  it('a rollback is explained, not retried', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({ start, state: { lastSuccessAt: local(2026, 6, 1, 3, 30) }, runMs: 0 });
    h.failWith.push('ROLLBACK_DETECTED');
    await h.scheduler.start();
    await h.clock.advanceTo(local(2026, 6, 2, 12, 0));
    expect(h.notifications()[0]!.body).toMatch(/older backup than the one this computer made last/);
  });

  it('resumes a back-off after a restart instead of starting over', async () => {
    const now = local(2026, 6, 2, 4, 0);
    const h = harness({
      start: now,
      state: {
        lastSuccessAt: local(2026, 6, 1, 3, 30),
        lastAttemptAt: now - 10 * MIN,
        consecutiveFailures: 3,
        retryAt: now + 20 * MIN,
        lastError: { code: 'STORAGE', sentence: 'x', at: now - 10 * MIN },
      },
    });
    await h.scheduler.start();
    expect(h.scheduler.status()).toMatchObject({ state: 'retrying', nextRunAt: now + 20 * MIN });
    await h.clock.advance(21 * MIN);
    expect(h.runs).toEqual([{ at: now + 20 * MIN, reason: 'retry' }]);
  });
});

describe('BackupScheduler: power, coalescing, settings', () => {
  it('with AC only, waits on battery and runs soon after the charger is plugged in', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({
      start,
      settings: { ...DAILY, onlyOnAcPower: true },
      state: { lastSuccessAt: local(2026, 6, 1, 3, 30) },
    });
    h.power.battery = true;
    await h.scheduler.start();
    await h.clock.advanceTo(local(2026, 6, 2, 9, 0));
    expect(h.runs).toHaveLength(0);
    expect(h.scheduler.status()).toMatchObject({ state: 'waiting-for-power', nextRunAt: null });

    h.scheduler.notifyPowerChange(); // still on battery: nothing
    await h.clock.advance(HOUR);
    expect(h.runs).toHaveLength(0);

    h.power.battery = false;
    const pluggedAt = h.clock.now();
    h.scheduler.notifyPowerChange();
    await h.clock.advance(5 * MIN);
    expect(h.runs).toEqual([{ at: pluggedAt + 30_000, reason: 'power-restored' }]);
  });

  it('with AC only, finds the charger by polling when no power event arrives', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({
      start,
      settings: { ...DAILY, onlyOnAcPower: true },
      state: { lastSuccessAt: local(2026, 6, 1, 3, 30) },
    });
    h.power.battery = true;
    await h.scheduler.start();
    await h.clock.advanceTo(local(2026, 6, 2, 9, 0));
    h.power.battery = false;
    await h.clock.advance(20 * MIN);
    expect(h.runs).toHaveLength(1);
  });

  it('Back up now runs on battery even with AC only', async () => {
    const h = harness({
      start: local(2026, 6, 1, 12, 0),
      settings: { ...DAILY, onlyOnAcPower: true },
    });
    h.power.battery = true;
    await h.scheduler.start();
    const outcome = h.scheduler.backupNow();
    await h.clock.advance(3 * MIN);
    expect((await outcome).ok).toBe(true);
  });

  it('coalesces Back up now while a backup runs', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({
      start,
      state: { lastSuccessAt: local(2026, 6, 1, 3, 30) },
      runMs: 10 * MIN,
    });
    await h.scheduler.start();
    const first = h.scheduler.backupNow();
    await h.clock.advance(MIN);
    expect(h.scheduler.status().state).toBe('running');
    const second = h.scheduler.backupNow();
    const third = h.scheduler.backupNow();
    expect(second).toBe(first);
    expect(third).toBe(first);
    await h.clock.advance(20 * MIN);
    expect(h.runs).toHaveLength(1);
    expect(await second).toEqual({ ok: true, result: { sizeBytes: 42 } });
    expect(h.scheduler.status().state).toBe('idle');
  });

  it('calls runBackup synchronously inside backupNow (callers read the task it started)', async () => {
    const h = harness({ start: local(2026, 6, 1, 12, 0) });
    await h.scheduler.start();
    void h.scheduler.backupNow();
    expect(h.runs).toHaveLength(1);
    expect(h.scheduler.status().state).toBe('running');
  });

  it('a slot that comes up during a manual run does not start a second one', async () => {
    const h = harness({
      start: local(2026, 6, 2, 3, 25),
      state: { lastSuccessAt: local(2026, 6, 1, 3, 30) },
      runMs: 30 * MIN,
    });
    await h.scheduler.start();
    void h.scheduler.backupNow();
    await h.clock.advance(6 * HOUR);
    expect(h.runs).toHaveLength(1);
    expect(wallOf(h.scheduler.status().nextRunAt!)).toMatchObject({ day: 3, hour: 3, minute: 30 });
  });

  it('reschedules when the settings change', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({ start, state: { lastSuccessAt: local(2026, 6, 1, 3, 30) } });
    await h.scheduler.start();
    expect(h.scheduler.status().nextRunAt).toBe(local(2026, 6, 2, 3, 30));

    h.scheduler.updateSettings({ ...DAILY, timeOfDay: '22:15' });
    expect(h.scheduler.status().nextRunAt).toBe(local(2026, 6, 2, 22, 15));

    h.scheduler.updateSettings({ ...DAILY, frequency: 'weekly' });
    expect(h.scheduler.status().nextRunAt).toBe(local(2026, 6, 8, 3, 30));

    h.scheduler.updateSettings({ ...DAILY, frequency: 'manual' });
    expect(h.scheduler.status().nextRunAt).toBeNull();
    expect(h.clock.pendingTimers).toBe(0);

    h.scheduler.updateSettings(DAILY);
    await h.clock.advanceTo(local(2026, 6, 2, 4, 0));
    expect(h.runs.map((r) => r.at)).toEqual([local(2026, 6, 2, 3, 30)]);
  });

  it('rejects invalid settings with a typed error and keeps the old ones', async () => {
    const h = harness({ start: local(2026, 6, 1, 12, 0) });
    await h.scheduler.start();
    expect(() => h.scheduler.updateSettings({ ...DAILY, timeOfDay: '7pm' })).toThrow(
      expect.objectContaining({ code: 'INVALID_SCHEDULE' }),
    );
    expect(h.scheduler.status().settings).toEqual(DAILY);
  });

  it('persists the outcome and picks it up after a restart', async () => {
    const start = local(2026, 6, 1, 12, 0);
    const h = harness({ start, state: { lastSuccessAt: local(2026, 6, 1, 3, 30) } });
    await h.scheduler.start();
    await h.clock.advanceTo(local(2026, 6, 2, 4, 0));
    await h.scheduler.stop();
    const last = h.saved.at(-1)!;
    expect(last).toMatchObject({
      lastSuccessAt: local(2026, 6, 2, 3, 32),
      lastSuccessDurationMs: 2 * MIN,
      lastSuccessSizeBytes: 42,
    });

    const again = harness({ start: local(2026, 6, 2, 8, 0), state: last });
    await again.scheduler.start();
    await again.clock.advance(HOUR);
    expect(again.runs).toHaveLength(0);
    expect(again.scheduler.status().nextRunAt).toBe(local(2026, 6, 3, 3, 30));
  });

  it('ignores malformed remembered state and a failing state store', async () => {
    const problems: string[] = [];
    const h = harness({
      start: local(2026, 6, 1, 12, 0),
      state: { lastSuccessAt: 'yesterday' as unknown as number, consecutiveFailures: -4 },
      extra: {
        saveState: () => Promise.reject(new Error('disk full')),
        onEvent: (e) => {
          if (e.type === 'problem') problems.push(e.message);
        },
      },
    });
    await h.scheduler.start();
    expect(h.scheduler.status()).toMatchObject({ lastSuccessAt: null, consecutiveFailures: 0 });
    await h.clock.advance(5 * MIN);
    await settle();
    expect(h.runs).toHaveLength(1);
    expect(problems).toEqual(['Could not save the backup schedule state']);
    expect(h.scheduler.status().state).toBe('idle');
  });

  it('starts again after stop(), reading the state afresh (backups turned off, then on)', async () => {
    const start = local(2026, 6, 1, 12, 0);
    let stored: Partial<SchedulerState> = { lastSuccessAt: local(2026, 6, 1, 3, 30) };
    const h = harness({ start, extra: { loadState: () => stored } });
    await h.scheduler.start();
    await h.scheduler.stop();
    await h.clock.advance(2 * DAY);
    expect(h.runs).toHaveLength(0);
    expect(h.clock.pendingTimers).toBe(0);

    stored = {}; // turning backups off reset the history
    await h.scheduler.start();
    expect(h.scheduler.status()).toMatchObject({
      lastSuccessAt: null,
      nextRunAt: h.clock.now() + 90_000,
    });
    await h.clock.advance(5 * MIN);
    expect(h.runs).toHaveLength(1);
    await h.scheduler.start(); // already running: no second plan
    expect(h.clock.pendingTimers).toBe(1);
  });

  it('stop() cancels the plan and waits for the run in progress', async () => {
    const h = harness({ start: local(2026, 6, 1, 12, 0), runMs: 10 * MIN });
    await h.scheduler.start();
    await h.clock.advance(2 * MIN);
    expect(h.scheduler.status().state).toBe('running');
    let stopped = false;
    const stopping = h.scheduler.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    await h.clock.advance(10 * MIN);
    await stopping;
    expect(stopped).toBe(true);
    expect(h.clock.pendingTimers).toBe(0);
    await h.clock.advance(3 * DAY);
    expect(h.runs).toHaveLength(1);
  });
});
