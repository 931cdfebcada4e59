import { ImportCancelledError } from './errors.js';
import type { ImportOptions, ImportProgress } from './types.js';

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ImportCancelledError();
}

/**
 * Progress reporting with a floor on how often the callback runs: parsers call `tick` per item and
 * the UI sees an update every 50 ms or every 1,000 items, whichever comes first, plus every phase
 * change and the final count.
 */
export class ProgressReporter {
  private last = 0;
  private lastItems = 0;
  private current: ImportProgress = { phase: '', items: 0, bytes: 0, bytesTotal: 0 };

  constructor(private readonly opts: ImportOptions) {}

  phase(phase: string, bytesTotal: number): void {
    this.current = { phase, items: 0, bytes: 0, bytesTotal };
    this.lastItems = 0;
    this.emit(true);
  }

  tick(items: number, bytes: number): void {
    this.current.items = items;
    this.current.bytes = bytes;
    this.emit(false);
  }

  done(): void {
    this.emit(true);
  }

  private emit(force: boolean): void {
    const cb = this.opts.onProgress;
    if (!cb) return;
    const now = Date.now();
    if (!force && now - this.last < 50 && this.current.items - this.lastItems < 1000) return;
    this.last = now;
    this.lastItems = this.current.items;
    cb({ ...this.current });
  }
}
