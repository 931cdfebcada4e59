import type { TaskFinished, TaskProgress } from '../../../shared/task-types';

/**
 * Remembers the latest progress and the end of every task since the page loaded. Main may send a
 * task's first events before the reply that names it reaches the renderer, so events are kept
 * from the start instead of being listened for once a task id is known.
 */

export interface TaskState {
  progress: TaskProgress | null;
  finished: TaskFinished | null;
}

/** Subscriptions to main's task events (api.on in the app, a fake in tests). */
export interface TaskEvents {
  onProgress(listener: (p: TaskProgress) => void): () => void;
  onFinished(listener: (f: TaskFinished) => void): () => void;
}

/** Oldest tasks are forgotten past this, so a long session does not grow without bound. */
const KEEP = 64;

export interface TaskTracker {
  get(taskId: string): TaskState;
  subscribe(listener: () => void): () => void;
  /** Resolves when the task ends (at once if it already has). */
  finished(taskId: string): Promise<TaskFinished>;
  dispose(): void;
}

const EMPTY: TaskState = { progress: null, finished: null };

export function createTaskTracker(events: TaskEvents): TaskTracker {
  const states = new Map<string, TaskState>();
  const listeners = new Set<() => void>();
  const waiters = new Map<string, ((f: TaskFinished) => void)[]>();

  const update = (taskId: string, change: Partial<TaskState>) => {
    const previous = states.get(taskId) ?? EMPTY;
    // A late progress event must not resurrect a finished task's bar.
    if (previous.finished && change.progress) return;
    states.delete(taskId);
    states.set(taskId, { ...previous, ...change });
    while (states.size > KEEP) {
      const oldest = states.keys().next().value;
      if (oldest === undefined) break;
      states.delete(oldest);
    }
    for (const listener of [...listeners]) listener();
  };

  const offProgress = events.onProgress((p) => update(p.taskId, { progress: p }));
  const offFinished = events.onFinished((f) => {
    update(f.taskId, { finished: f });
    const pending = waiters.get(f.taskId);
    waiters.delete(f.taskId);
    for (const resolve of pending ?? []) resolve(f);
  });

  return {
    get: (taskId) => states.get(taskId) ?? EMPTY,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    finished(taskId) {
      const done = states.get(taskId)?.finished;
      if (done) return Promise.resolve(done);
      return new Promise((resolve) => {
        waiters.set(taskId, [...(waiters.get(taskId) ?? []), resolve]);
      });
    },
    dispose() {
      offProgress();
      offFinished();
      listeners.clear();
    },
  };
}
