import type { SchedulerClock } from '../scheduler.js';

/**
 * A clock for simulating days of scheduler life in milliseconds of test time. Like the real
 * thing, it keeps two times: the wall clock (`now()`) and the monotonic time timers wait on.
 * `advance` moves both and fires the timers due on the way; `sleep` moves only the wall clock,
 * as a suspended computer does on Linux and macOS, so timers fire late after it.
 */
export class FakeClock implements SchedulerClock {
  private wall: number;
  private mono = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(startWallMs: number) {
    this.wall = startWallMs;
  }

  now(): number {
    return this.wall;
  }

  setTimer(ms: number, fn: () => void): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.mono + Math.max(0, ms), fn });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Lets time pass with the computer awake, firing every timer due on the way in order. */
  async advance(ms: number): Promise<void> {
    const end = this.mono + ms;
    await settle();
    for (let fired = 0; ; fired++) {
      // A scheduler re-arming a timer for "now" over and over would hang the test: fail instead.
      if (fired > 100_000) throw new Error(`timer storm: over 100000 timers fired within ${ms} ms`);
      let nextId: number | null = null;
      let nextAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at <= end && t.at < nextAt) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId === null) break;
      const timer = this.timers.get(nextId);
      this.timers.delete(nextId);
      this.wall += nextAt - this.mono;
      this.mono = nextAt;
      timer?.fn();
      await settle();
    }
    this.wall += end - this.mono;
    this.mono = end;
    await settle();
  }

  /** Advances until the wall clock reads `wallMs`. */
  async advanceTo(wallMs: number): Promise<void> {
    await this.advance(Math.max(0, wallMs - this.wall));
  }

  /** The computer sleeps: wall time passes, timers do not count it. */
  async sleep(ms: number): Promise<void> {
    this.wall += ms;
    await settle();
  }
}

/** Lets pending promise chains run to completion (runs finishing, state being saved). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
