import cliProgress from 'cli-progress';
import { formatBytes, formatDuration } from './format.js';

/** The engine's progress event (structurally; see Progress in src/backup). */
export interface ProgressEvent {
  phase: string;
  itemsDone: number;
  itemsTotal: number;
  bytesDone: number;
  bytesTotal: number;
  etaMs: number | null;
}

export interface ProgressSink {
  update(p: ProgressEvent): void;
  stop(): void;
}

export type ProgressMode = 'bar' | 'lines' | 'none';

export function progressMode(opts: { json?: boolean; quiet?: boolean }): ProgressMode {
  if (opts.json || opts.quiet) return 'none';
  return process.stderr.isTTY ? 'bar' : 'lines';
}

export function createProgress(
  mode: ProgressMode,
  out: NodeJS.WritableStream = process.stderr,
): ProgressSink {
  if (mode === 'bar') return new BarProgress(out);
  if (mode === 'lines') return new LineProgress(out);
  return { update() {}, stop() {} };
}

function describe(p: ProgressEvent): string {
  return `${p.phase}: ${counts(p)}`;
}

function counts(p: ProgressEvent): string {
  const items = p.itemsTotal > 0 ? `${p.itemsDone}/${p.itemsTotal} items` : `${p.itemsDone} items`;
  const bytes =
    p.bytesTotal > 0
      ? `${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}`
      : formatBytes(p.bytesDone);
  const eta = p.etaMs !== null ? `, ETA ${formatDuration(p.etaMs)}` : '';
  return `${items}, ${bytes}${eta}`;
}

/** One bar per phase on a terminal, on stderr. */
class BarProgress implements ProgressSink {
  private bar: cliProgress.SingleBar | null = null;
  private phase = '';

  constructor(private readonly out: NodeJS.WritableStream) {}

  update(p: ProgressEvent): void {
    if (p.phase !== this.phase) {
      this.bar?.stop();
      this.phase = p.phase;
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.out as NodeJS.WriteStream,
          format: `${p.phase.padEnd(9)} [{bar}] {percentage}% | {detail}`,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.total(p), 0, { detail: '' });
    }
    this.bar?.setTotal(this.total(p));
    this.bar?.update(p.bytesTotal > 0 ? p.bytesDone : p.itemsDone, { detail: counts(p) });
  }

  private total(p: ProgressEvent): number {
    return Math.max(1, p.bytesTotal > 0 ? p.bytesTotal : p.itemsTotal);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/** Plain lines when piped or logged: one per phase change, then at most one every 2 s. */
class LineProgress implements ProgressSink {
  private phase = '';
  private lastAt = 0;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly intervalMs = 2000,
  ) {}

  update(p: ProgressEvent): void {
    const now = Date.now();
    if (p.phase === this.phase && now - this.lastAt < this.intervalMs) return;
    this.phase = p.phase;
    this.lastAt = now;
    this.out.write(`${describe(p)}\n`);
  }

  stop(): void {}
}
