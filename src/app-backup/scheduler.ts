import { adviceFor, type FailureAdvice } from './failure-advice.js';
import { systemTimeZone } from '../node/local-time.js';
import {
  DEFAULT_RETRY_DELAYS_MS,
  DEFAULT_SCHEDULE,
  nextDueAt,
  retryDelayMs,
  validateSchedule,
  type ScheduleSettings,
} from './schedule.js';

/**
 * Runs scheduled backups: one at a time, at the preferred local time, catching up soon after a
 * sleeping or switched-off computer comes back, backing off after failures and asking the person
 * for help (a "notify" event) when retrying alone will not do.
 *
 * Everything the operating system provides comes in through the options (a clock, the power
 * state, persistence), so the logic runs and is tested under plain Node with a fake clock; the
 * Electron main process feeds it powerMonitor's resume / on-ac / on-battery events.
 *
 * Timers measure monotonic time, which stops while the computer sleeps (Linux, macOS), while the
 * schedule is in wall-clock time. So no timer is set longer than `maxTimerMs`: each firing
 * compares the wall clock with the plan, and a timer that fires much later than asked for means
 * the computer slept, which is handled like a resume even if the resume event never arrives.
 */

export interface SchedulerClock {
  /** Wall-clock time, UTC ms. */
  now(): number;
  setTimer(ms: number, fn: () => void): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface PowerSource {
  isOnBattery(): boolean;
}

/** Why a backup run started. */
export type RunReason = 'scheduled' | 'catch-up' | 'retry' | 'manual' | 'power-restored';

/** What `runBackup` may report about a successful run, kept as "last backup: size". */
export interface BackupRunResult {
  /** Total size of the backup (or of what this run added), for the "last backup" line. */
  sizeBytes?: number;
}

export interface SchedulerError {
  code: string;
  /** The advice sentence shown to the person. */
  sentence: string;
  at: number;
}

/** What the scheduler remembers across restarts (no secrets: times, counts, error codes). */
export interface SchedulerState {
  lastSuccessAt: number | null;
  lastSuccessDurationMs: number | null;
  lastSuccessSizeBytes: number | null;
  lastAttemptAt: number | null;
  consecutiveFailures: number;
  lastError: SchedulerError | null;
  /** When the next automatic retry is due; null when retrying alone cannot help. */
  retryAt: number | null;
  lastNotifiedAt: number | null;
  lastNotifiedCode: string | null;
}

export const INITIAL_SCHEDULER_STATE: Readonly<SchedulerState> = Object.freeze({
  lastSuccessAt: null,
  lastSuccessDurationMs: null,
  lastSuccessSizeBytes: null,
  lastAttemptAt: null,
  consecutiveFailures: 0,
  lastError: null,
  retryAt: null,
  lastNotifiedAt: null,
  lastNotifiedCode: null,
});

/**
 * - idle: waiting for the next slot (`nextRunAt`), or nothing scheduled (manual);
 * - running: a backup is in progress;
 * - waiting-for-power: a backup is due but the computer is on battery and the settings say AC only;
 * - retrying: the last backup failed and an automatic retry is planned (`nextRunAt`);
 * - needs-attention: the last backup failed in a way retrying cannot fix (wrong password,
 *   rollback, damage): the next try is the next regular slot or the person's "Back up now".
 */
export type SchedulerStateName =
  'idle' | 'running' | 'waiting-for-power' | 'retrying' | 'needs-attention';

export interface SchedulerStatus {
  state: SchedulerStateName;
  nextRunAt: number | null;
  lastSuccessAt: number | null;
  lastSuccessDurationMs: number | null;
  lastSuccessSizeBytes: number | null;
  lastError: SchedulerError | null;
  consecutiveFailures: number;
  settings: ScheduleSettings;
}

export type SchedulerEvent =
  | { type: 'status'; status: SchedulerStatus }
  | { type: 'run-started'; reason: RunReason; at: number }
  | {
      type: 'run-succeeded';
      reason: RunReason;
      at: number;
      durationMs: number;
      result: BackupRunResult;
    }
  | {
      type: 'run-failed';
      reason: RunReason;
      at: number;
      error: unknown;
      advice: FailureAdvice;
      consecutiveFailures: number;
      retryAt: number | null;
    }
  /** Show an OS notification: `body` says what to do. */
  | { type: 'notify'; title: string; body: string; code: string }
  /** Something the scheduler could not do (saving its state): worth logging, not fatal. */
  | { type: 'problem'; message: string; error: unknown };

export type RunOutcome =
  { ok: true; result: BackupRunResult } | { ok: false; error: unknown; advice: FailureAdvice };

export interface BackupSchedulerOptions {
  settings?: ScheduleSettings;
  /** Runs one backup; rejects with a coded error (see failure-advice.ts) when it fails. */
  runBackup: (reason: RunReason) => Promise<BackupRunResult | void>;
  clock?: SchedulerClock;
  /** Omitted: treated as always on AC power. */
  power?: PowerSource;
  onEvent?: (event: SchedulerEvent) => void;
  loadState?: () => Promise<Partial<SchedulerState> | null> | Partial<SchedulerState> | null;
  saveState?: (state: SchedulerState) => Promise<void> | void;
  /** IANA zone name, or a function asked each time (the computer's zone can change). */
  timeZone?: string | (() => string);
  /** Delay before a missed backup runs after the app starts, so it does not slow start-up. */
  startupDelayMs?: number;
  /** Delay before a missed backup runs after waking (or a settings change makes one due). */
  resumeDelayMs?: number;
  /** Delay after AC power returns, so a brief plug-in does not start a backup. */
  powerRestoredDelayMs?: number;
  /** Longest single timer; the plan is re-checked against the wall clock at least this often. */
  maxTimerMs?: number;
  /** A timer firing later than this after its time means the computer slept. */
  lateToleranceMs?: number;
  retryDelaysMs?: readonly number[];
  /** Consecutive failures before a retryable problem is notified. */
  notifyAfterFailures?: number;
  /** Notify the same continuing problem again at most this often. */
  renotifyAfterMs?: number;
}

type ReplanTrigger = 'start' | 'resume' | 'settings' | 'after-run' | 'power';

export class BackupScheduler {
  private settings: ScheduleSettings;
  private state: SchedulerState = { ...INITIAL_SCHEDULER_STATE };
  private readonly clock: SchedulerClock;
  private readonly opts: Required<
    Pick<
      BackupSchedulerOptions,
      | 'startupDelayMs'
      | 'resumeDelayMs'
      | 'powerRestoredDelayMs'
      | 'maxTimerMs'
      | 'lateToleranceMs'
      | 'retryDelaysMs'
      | 'notifyAfterFailures'
      | 'renotifyAfterMs'
    >
  >;

  private started = false;
  private stopped = false;
  private generation = 0;
  private timer: unknown = null;
  private timerExpectedAt = 0;
  private plannedRunAt: number | null = null;
  private plannedReason: RunReason = 'scheduled';
  private waitingForPower = false;
  private running: Promise<RunOutcome> | null = null;

  constructor(private readonly options: BackupSchedulerOptions) {
    this.settings = validateSchedule(options.settings ?? DEFAULT_SCHEDULE);
    this.clock = options.clock ?? systemClock;
    this.opts = {
      startupDelayMs: options.startupDelayMs ?? 90_000,
      resumeDelayMs: options.resumeDelayMs ?? 60_000,
      powerRestoredDelayMs: options.powerRestoredDelayMs ?? 30_000,
      maxTimerMs: options.maxTimerMs ?? 15 * 60_000,
      lateToleranceMs: options.lateToleranceMs ?? 2 * 60_000,
      retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
      notifyAfterFailures: options.notifyAfterFailures ?? 3,
      renotifyAfterMs: options.renotifyAfterMs ?? 24 * 3_600_000,
    };
  }

  /**
   * Loads the remembered state and plans the next run (a missed one runs after
   * `startupDelayMs`). Calling it while started does nothing.
   */
  async start(): Promise<void> {
    if (this.started && !this.stopped) return;
    // Start again after stop() (backups turned off, then on): state is read afresh.
    this.started = true;
    this.stopped = false;
    const generation = ++this.generation;
    try {
      const loaded = await this.options.loadState?.();
      // A run still finishing from before a stop() has the newer state: keep it.
      if (loaded && !this.running) this.state = sanitizeState(loaded);
    } catch (error) {
      this.emit({ type: 'problem', message: 'Could not load the backup schedule state', error });
    }
    if (this.stopped || generation !== this.generation) return;
    this.replan('start');
  }

  /**
   * Stops planning; resolves when a backup in progress (if any) has finished. `start()` may be
   * called again later.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    this.disarm();
    this.plannedRunAt = null;
    if (this.running) await this.running;
  }

  updateSettings(settings: ScheduleSettings): void {
    this.settings = validateSchedule(settings);
    if (!this.settings.onlyOnAcPower || this.settings.frequency === 'manual') {
      this.waitingForPower = false;
    }
    this.replan('settings');
  }

  /**
   * Runs a backup now, on battery too (the person asked). While one is running, the request
   * joins it: the promise settles with that run's outcome. Never rejects.
   */
  backupNow(): Promise<RunOutcome> {
    return this.running ?? this.run('manual');
  }

  /** Resolves once no run is in progress (including its bookkeeping after the backup itself). */
  async settled(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  /**
   * The person fixed what made backups fail (entered the password again, reconnected the
   * drive): the next attempt comes after `resumeDelayMs` instead of at the next retry or slot.
   */
  retrySoon(): void {
    if (this.state.consecutiveFailures === 0 || this.settings.frequency === 'manual') return;
    this.state = { ...this.state, retryAt: this.clock.now() + this.opts.resumeDelayMs };
    this.replan('settings');
  }

  /** The computer woke up: a backup missed while asleep runs after `resumeDelayMs`. */
  notifyResume(): void {
    this.replan('resume');
  }

  /** AC power or battery changed: a backup waiting for AC starts after `powerRestoredDelayMs`. */
  notifyPowerChange(): void {
    if (!this.waitingForPower || this.onBattery()) return;
    this.waitingForPower = false;
    this.replan('power');
  }

  status(): SchedulerStatus {
    return {
      state: this.stateName(),
      nextRunAt: this.running || this.waitingForPower ? null : this.plannedRunAt,
      lastSuccessAt: this.state.lastSuccessAt,
      lastSuccessDurationMs: this.state.lastSuccessDurationMs,
      lastSuccessSizeBytes: this.state.lastSuccessSizeBytes,
      lastError: this.state.lastError,
      consecutiveFailures: this.state.consecutiveFailures,
      settings: { ...this.settings },
    };
  }

  private stateName(): SchedulerStateName {
    if (this.running) return 'running';
    if (this.waitingForPower) return 'waiting-for-power';
    if (this.state.consecutiveFailures > 0) {
      return this.state.retryAt !== null && this.settings.frequency !== 'manual'
        ? 'retrying'
        : 'needs-attention';
    }
    return 'idle';
  }

  private timeZone(): string {
    const tz = this.options.timeZone;
    return typeof tz === 'function' ? tz() : (tz ?? systemTimeZone());
  }

  /** The instant the next automatic run is due by the rules, ignoring delays; null: none. */
  private target(now: number): { at: number; reason: RunReason } | null {
    if (this.settings.frequency === 'manual') return null;
    const s = this.state;
    if (s.consecutiveFailures > 0) {
      if (s.retryAt !== null) return { at: s.retryAt, reason: 'retry' };
      // Retrying cannot fix it: try again at the next regular slot after the failed attempt.
      const at = nextDueAt(s.lastAttemptAt, this.settings, this.timeZone(), now);
      return at === null ? null : { at, reason: 'scheduled' };
    }
    const at = nextDueAt(s.lastSuccessAt, this.settings, this.timeZone(), now);
    return at === null ? null : { at, reason: 'scheduled' };
  }

  private replan(trigger: ReplanTrigger): void {
    if (!this.started || this.stopped || this.running) return;
    const now = this.clock.now();
    const target = this.target(now);
    if (target === null) {
      this.waitingForPower = false;
      this.plannedRunAt = null;
    } else if (target.at > now) {
      this.waitingForPower = false;
      this.plannedRunAt = target.at;
      this.plannedReason = target.reason;
    } else if (this.waitingForPower && trigger !== 'power') {
      // Still due and still waiting for AC: keep waiting (the poll timer re-checks the power).
    } else {
      const delay =
        trigger === 'start'
          ? this.opts.startupDelayMs
          : trigger === 'power'
            ? this.opts.powerRestoredDelayMs
            : this.opts.resumeDelayMs;
      // A catch-up already planned (e.g. at start, then a resume event) stays put: only overdue
      // plans lie in the near future like this.
      const horizon = now + Math.max(delay, this.opts.startupDelayMs, this.opts.resumeDelayMs);
      const keep =
        this.plannedRunAt !== null && this.plannedRunAt > now && this.plannedRunAt <= horizon;
      if (!keep) this.plannedRunAt = now + delay;
      this.plannedReason =
        trigger === 'power' ? 'power-restored' : target.reason === 'retry' ? 'retry' : 'catch-up';
    }
    this.arm();
    this.emitStatus();
  }

  private arm(): void {
    this.disarm();
    if (this.stopped || this.running) return;
    const now = this.clock.now();
    let delay: number;
    if (this.waitingForPower) delay = this.opts.maxTimerMs;
    else if (this.plannedRunAt === null) return;
    else delay = Math.min(Math.max(this.plannedRunAt - now, 0), this.opts.maxTimerMs);
    this.timerExpectedAt = now + delay;
    this.timer = this.clock.setTimer(delay, () => this.onTimer());
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
  }

  private onTimer(): void {
    this.timer = null;
    if (this.stopped || this.running) return;
    const now = this.clock.now();
    if (now - this.timerExpectedAt > this.opts.lateToleranceMs) {
      // The timer slept with the computer (or the clock jumped): treat it as a wake-up.
      this.replan('resume');
      return;
    }
    if (this.waitingForPower) {
      if (this.onBattery()) this.arm();
      else {
        this.waitingForPower = false;
        this.replan('power');
      }
      return;
    }
    if (this.plannedRunAt === null) return;
    if (now < this.plannedRunAt) {
      this.arm();
      return;
    }
    if (this.settings.onlyOnAcPower && this.onBattery()) {
      this.waitingForPower = true;
      this.arm();
      this.emitStatus();
      return;
    }
    void this.run(this.plannedReason);
  }

  private onBattery(): boolean {
    try {
      return this.options.power?.isOnBattery() ?? false;
    } catch {
      return false;
    }
  }

  private run(reason: RunReason): Promise<RunOutcome> {
    this.disarm();
    this.waitingForPower = false;
    this.plannedRunAt = null;
    const startedAt = this.clock.now();
    const promise = (async (): Promise<RunOutcome> => {
      this.emit({ type: 'run-started', reason, at: startedAt });
      let outcome: RunOutcome;
      try {
        const result = (await this.options.runBackup(reason)) ?? {};
        outcome = { ok: true, result };
        this.recordSuccess(reason, startedAt, result);
      } catch (error) {
        const advice = adviceFor(error);
        outcome = { ok: false, error, advice };
        this.recordFailure(reason, startedAt, error, advice);
      }
      await this.persist();
      return outcome;
    })();
    this.running = promise;
    this.emitStatus();
    void promise.then(() => {
      this.running = null;
      this.replan('after-run');
      if (this.stopped) this.emitStatus();
    });
    return promise;
  }

  private recordSuccess(reason: RunReason, startedAt: number, result: BackupRunResult): void {
    const at = this.clock.now();
    this.state = {
      ...this.state,
      lastSuccessAt: at,
      lastSuccessDurationMs: at - startedAt,
      lastSuccessSizeBytes: result.sizeBytes ?? null,
      lastAttemptAt: at,
      consecutiveFailures: 0,
      lastError: null,
      retryAt: null,
      lastNotifiedAt: null,
      lastNotifiedCode: null,
    };
    this.emit({ type: 'run-succeeded', reason, at, durationMs: at - startedAt, result });
  }

  private recordFailure(
    reason: RunReason,
    _startedAt: number,
    error: unknown,
    advice: FailureAdvice,
  ): void {
    const at = this.clock.now();
    const failures = this.state.consecutiveFailures + 1;
    const retryAt =
      advice.retry && this.settings.frequency !== 'manual'
        ? at + retryDelayMs(failures, this.opts.retryDelaysMs)
        : null;
    this.state = {
      ...this.state,
      lastAttemptAt: at,
      consecutiveFailures: failures,
      lastError: { code: advice.code, sentence: advice.sentence, at },
      retryAt,
    };
    this.emit({
      type: 'run-failed',
      reason,
      at,
      error,
      advice,
      consecutiveFailures: failures,
      retryAt,
    });
    // A failed "Back up now" is shown in the window the person is looking at.
    if (reason === 'manual') return;
    const due = !advice.retry || failures >= this.opts.notifyAfterFailures;
    const last = this.state.lastNotifiedAt;
    const fresh =
      last === null ||
      this.state.lastNotifiedCode !== advice.code ||
      at - last >= this.opts.renotifyAfterMs;
    if (due && fresh) {
      this.state = { ...this.state, lastNotifiedAt: at, lastNotifiedCode: advice.code };
      this.emit({ type: 'notify', title: advice.title, body: advice.sentence, code: advice.code });
    }
  }

  private async persist(): Promise<void> {
    try {
      await this.options.saveState?.({ ...this.state });
    } catch (error) {
      this.emit({ type: 'problem', message: 'Could not save the backup schedule state', error });
    }
  }

  private emitStatus(): void {
    this.emit({ type: 'status', status: this.status() });
  }

  private emit(event: SchedulerEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A listener's bug must not stop backups.
    }
  }
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Remembered state comes from a file: keep what is well-formed, default the rest. */
export function sanitizeState(raw: Partial<SchedulerState>): SchedulerState {
  const err = raw.lastError;
  const lastError =
    err && typeof err.code === 'string' && typeof err.sentence === 'string' && num(err.at) !== null
      ? { code: err.code, sentence: err.sentence, at: err.at }
      : null;
  const failures = num(raw.consecutiveFailures);
  return {
    lastSuccessAt: num(raw.lastSuccessAt),
    lastSuccessDurationMs: num(raw.lastSuccessDurationMs),
    lastSuccessSizeBytes: num(raw.lastSuccessSizeBytes),
    lastAttemptAt: num(raw.lastAttemptAt),
    consecutiveFailures: failures !== null && failures > 0 ? Math.floor(failures) : 0,
    lastError,
    retryAt: num(raw.retryAt),
    lastNotifiedAt: num(raw.lastNotifiedAt),
    lastNotifiedCode: typeof raw.lastNotifiedCode === 'string' ? raw.lastNotifiedCode : null,
  };
}
