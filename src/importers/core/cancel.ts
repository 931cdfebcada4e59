import { ImportCancelledError } from './errors.js';
import type { ImportOptions, ImportProgress } from './types.js';

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ImportCancelledError();
}

/**
 * Progress reporting with a floor on how often the callback runs: parsers call `tick` per item and
 * the UI still sees at most ~20 updates a second (plus every phase change and the final count).
 */
export class ProgressReporter {
  private last = 0;
  private current: ImportProgress = { phase: '', items: 0, bytes: 0, bytesTotal: 0 };

  constructor(private readonly opts: ImportOptions) {}

  phase(phase: string, bytesTotal: number): void {
    this.current = { phase, items: 0, bytes: 0, bytesTotal };
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
    if (!force && now - this.last < 50) return;
    this.last = now;
    cb({ ...this.current });
  }
}
