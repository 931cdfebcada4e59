import { BackupCancelledError } from '../errors.js';
import type { Progress } from '../types.js';

/** Rate-limited progress reporting with an ETA from the byte (or item) rate so far. */
export class ProgressReporter {
  private started = Date.now();
  private last = 0;
  private lastPhase: string | null = null;

  constructor(
    private readonly cb: ((p: Progress) => void) | undefined,
    private readonly signal?: AbortSignal,
  ) {}

  phase(): void {
    this.started = Date.now();
  }

  report(p: Omit<Progress, 'etaMs'>, force = false): void {
    if (this.signal?.aborted) throw new BackupCancelledError();
    if (!this.cb) return;
    const now = Date.now();
    // Phase changes and phase ends always go out; steps in between at most every 100 ms.
    const edge = p.phase !== this.lastPhase || (p.itemsTotal > 0 && p.itemsDone === p.itemsTotal);
    if (!force && !edge && now - this.last < 100) return;
    this.last = now;
    this.lastPhase = p.phase;
    const elapsed = now - this.started;
    const [done, total] =
      p.bytesTotal > 0 ? [p.bytesDone, p.bytesTotal] : [p.itemsDone, p.itemsTotal];
    const etaMs =
      done > 0 && total >= done && elapsed > 0
        ? Math.round((elapsed * (total - done)) / done)
        : null;
    this.cb({ ...p, etaMs });
  }

  checkAbort(): void {
    if (this.signal?.aborted) throw new BackupCancelledError();
  }
}
