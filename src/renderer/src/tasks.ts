import { useEffect, useState } from 'react';
import type { TaskFinished, TaskProgress } from '../../shared/task-types';
import { api } from './api';

/** Follows one task by id: its latest progress and how it ended. */
export function useTask(taskId: string | null): {
  progress: TaskProgress | null;
  finished: TaskFinished | null;
} {
  const [progress, setProgress] = useState<TaskProgress | null>(null);
  const [finished, setFinished] = useState<TaskFinished | null>(null);
  useEffect(() => {
    setProgress(null);
    setFinished(null);
    if (!taskId) return;
    const offProgress = api.on('task.progress', (p) => p.taskId === taskId && setProgress(p));
    const offFinished = api.on('task.finished', (f) => f.taskId === taskId && setFinished(f));
    return () => {
      offProgress();
      offFinished();
    };
  }, [taskId]);
  return { progress, finished };
}
