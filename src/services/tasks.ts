import { randomBytes } from 'node:crypto';
import type { NotRestoredView, TaskFinished, TaskKind, TaskProgress } from '../shared/task-types';
import type { EventBus } from './events';

export interface TaskContext {
  signal: AbortSignal;
  progress(p: Omit<TaskProgress, 'taskId' | 'kind'>): void;
}

export interface TaskOutcome {
  summary: string;
  chatIds?: number[];
  notRestored?: NotRestoredView | null;
}

/** Codes that mean "the person stopped it", not "it failed". */
const CANCEL_CODES = new Set(['CANCELLED', 'INGEST_CANCELLED', 'IMPORT_CANCELLED']);
/** At most this many progress events a second reach the renderer. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * Long work (backup, restore, import, verify) runs as a task: started by a request that returns
 * at once with a task id, reporting progress and its end as events, cancellable by id.
 */
export class TaskRunner {
  private readonly running = new Map<string, { kind: TaskKind; abort: AbortController }>();

  constructor(
    private readonly bus: EventBus,
    private readonly onError: (kind: TaskKind, error: unknown) => void = () => {},
  ) {}

  start(
    kind: TaskKind,
    work: (ctx: TaskContext) => Promise<TaskOutcome>,
    after?: (finished: TaskFinished) => void,
  ): string {
    const taskId = randomBytes(12).toString('base64url');
    const abort = new AbortController();
    this.running.set(taskId, { kind, abort });
    let lastProgress = 0;
    const ctx: TaskContext = {
      signal: abort.signal,
      progress: (p) => {
        const now = Date.now();
        const final = p.itemsTotal > 0 && p.itemsDone >= p.itemsTotal;
        if (!final && now - lastProgress < PROGRESS_INTERVAL_MS) return;
        lastProgress = now;
        this.bus.emit('task.progress', { taskId, kind, ...p });
      },
    };
    const end = (finished: TaskFinished) => {
      this.running.delete(taskId);
      this.bus.emit('task.finished', finished);
      after?.(finished);
    };
    // Start on the next turn so the caller has the id before the first event.
    setImmediate(() => {
      work(ctx).then(
        (outcome) =>
          end({
            taskId,
            kind,
            outcome: 'done',
            summary: outcome.summary,
            error: null,
            chatIds: outcome.chatIds ?? [],
            notRestored: outcome.notRestored ?? null,
          }),
        (error: unknown) => {
          const e = error as { code?: unknown; message?: string };
          const code =
            typeof e?.code === 'string' && !/^E[A-Z]+$/.test(e.code) ? e.code : 'INTERNAL';
          const cancelled = abort.signal.aborted || CANCEL_CODES.has(code);
          if (!cancelled && code === 'INTERNAL') this.onError(kind, error);
          end({
            taskId,
            kind,
            outcome: cancelled ? 'cancelled' : 'failed',
            summary: cancelled ? 'Cancelled. Nothing was changed.' : 'It did not finish.',
            error: cancelled
              ? null
              : {
                  code,
                  message:
                    code === 'INTERNAL'
                      ? 'Something went wrong inside Chatkeep. Please try again.'
                      : (e?.message ?? 'It did not finish.'),
                },
            chatIds: [],
          });
        },
      );
    });
    return taskId;
  }

  cancel(taskId: string): boolean {
    const task = this.running.get(taskId);
    if (!task) return false;
    task.abort.abort();
    return true;
  }

  isRunning(kind: TaskKind): string | null {
    for (const [id, task] of this.running) if (task.kind === kind) return id;
    return null;
  }

  /** Is any task running (moving or deleting the data folder waits for none)? */
  anyRunning(): boolean {
    return this.running.size > 0;
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await new Promise((r) => setTimeout(r, 20));
  }
}
