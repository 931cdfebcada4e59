import { describe, expect, it } from 'vitest';
import type { TaskFinished, TaskProgress } from '../../../shared/task-types';
import { createTaskTracker, type TaskEvents } from './task-tracker';

function fakeEvents() {
  const listeners = new Map<string, Set<(p: never) => void>>();
  const add = (event: string, listener: (p: never) => void) => {
    const set = listeners.get(event) ?? new Set();
    set.add(listener);
    listeners.set(event, set);
    return () => {
      set.delete(listener);
    };
  };
  const on: TaskEvents = {
    onProgress: (l) => add('task.progress', l as (p: never) => void),
    onFinished: (l) => add('task.finished', l as (p: never) => void),
  };
  const emit = (event: string, payload: unknown) => {
    for (const l of listeners.get(event) ?? []) l(payload as never);
  };
  return { on, emit, count: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) };
}

const progress = (taskId: string, itemsDone: number): TaskProgress => ({
  taskId,
  kind: 'backup',
  phase: 'messages',
  itemsDone,
  itemsTotal: 10,
  bytesDone: 0,
  bytesTotal: 0,
  etaMs: null,
});
const finished = (taskId: string): TaskFinished => ({
  taskId,
  kind: 'backup',
  outcome: 'done',
  summary: 'Backed up 2 chats',
  error: null,
  chatIds: [],
});

describe('task tracker', () => {
  it('keeps events that arrive before anyone asks for the task', async () => {
    const events = fakeEvents();
    const tracker = createTaskTracker(events.on);
    events.emit('task.progress', progress('a', 3));
    expect(tracker.get('a').progress?.itemsDone).toBe(3);
    events.emit('task.finished', finished('a'));
    await expect(tracker.finished('a')).resolves.toMatchObject({ outcome: 'done' });
    expect(tracker.get('unknown')).toEqual({ progress: null, finished: null });
  });

  it('resolves waiters when the task ends, and notifies subscribers', async () => {
    const events = fakeEvents();
    const tracker = createTaskTracker(events.on);
    let calls = 0;
    const off = tracker.subscribe(() => calls++);
    const waiting = tracker.finished('b');
    events.emit('task.progress', progress('b', 1));
    events.emit('task.finished', finished('b'));
    await expect(waiting).resolves.toMatchObject({ taskId: 'b' });
    expect(calls).toBe(2);
    off();
    events.emit('task.progress', progress('c', 1));
    expect(calls).toBe(2);
  });

  it('ignores progress that arrives after the end', () => {
    const events = fakeEvents();
    const tracker = createTaskTracker(events.on);
    events.emit('task.finished', finished('d'));
    events.emit('task.progress', progress('d', 5));
    expect(tracker.get('d').progress).toBeNull();
  });

  it('forgets the oldest tasks past a bound and unsubscribes on dispose', () => {
    const events = fakeEvents();
    const tracker = createTaskTracker(events.on);
    for (let i = 0; i < 100; i++) events.emit('task.progress', progress(`t${i}`, i));
    expect(tracker.get('t0').progress).toBeNull();
    expect(tracker.get('t99').progress?.itemsDone).toBe(99);
    expect(events.count()).toBe(2);
    tracker.dispose();
    expect(events.count()).toBe(0);
  });
});
