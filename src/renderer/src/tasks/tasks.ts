import { useCallback, useSyncExternalStore } from 'react';
import { api } from '../api';
import { createTaskTracker, type TaskState } from './task-tracker';

/** One tracker for the page's lifetime, listening from the start (see task-tracker.ts). */
export const tasks = createTaskTracker({
  onProgress: (listener) => api.on('task.progress', listener),
  onFinished: (listener) => api.on('task.finished', listener),
});

const NONE: TaskState = { progress: null, finished: null };

/** The latest progress and the end of a task, re-rendering as its events arrive. */
export function useTask(taskId: string | null): TaskState {
  const read = useCallback(() => (taskId ? tasks.get(taskId) : NONE), [taskId]);
  return useSyncExternalStore(tasks.subscribe, read);
}
