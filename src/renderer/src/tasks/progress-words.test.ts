import { describe, expect, it } from 'vitest';
import type { TaskProgress } from '../../../shared/task-types';
import {
  formatDuration,
  formatTimeLeft,
  phaseLabel,
  progressDetail,
  progressPercent,
} from './progress-words';

const base: TaskProgress = {
  taskId: 'task-00000001',
  kind: 'backup',
  phase: 'media',
  itemsDone: 0,
  itemsTotal: 0,
  bytesDone: 0,
  bytesTotal: 0,
  etaMs: null,
};

describe('progress words', () => {
  it('says time left in round words', () => {
    expect(formatTimeLeft(null)).toBeNull();
    expect(formatTimeLeft(-1)).toBeNull();
    expect(formatTimeLeft(2000)).toBe('almost done');
    // A phase nearly over is not the task nearly over: at 22 % nothing is claimed.
    expect(formatTimeLeft(2000, 22)).toBeNull();
    expect(formatTimeLeft(2000, null)).toBeNull();
    expect(formatTimeLeft(2000, 95)).toBe('almost done');
    expect(progressDetail({ ...base, itemsDone: 22, itemsTotal: 100, etaMs: 3000 })).toBe(
      '22 of 100 items',
    );
    expect(formatTimeLeft(42_000)).toBe('about 42 seconds left');
    expect(formatTimeLeft(60_000)).toBe('about 1 minute left');
    expect(formatTimeLeft(3 * 3_600_000 + 15 * 60_000)).toBe('about 3 hours 15 min left');
  });

  it('formats durations', () => {
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
    expect(formatDuration(3_720_000)).toBe('1 h 2 min');
  });

  it('measures by bytes when known, else by items, else unknown', () => {
    expect(progressPercent(base)).toBeNull();
    expect(progressPercent({ ...base, itemsDone: 1, itemsTotal: 4 })).toBe(25);
    expect(
      progressPercent({ ...base, itemsDone: 1, itemsTotal: 4, bytesDone: 90, bytesTotal: 100 }),
    ).toBe(90);
    expect(progressPercent({ ...base, itemsDone: 9, itemsTotal: 4 })).toBe(100);
  });

  it('names phases and details for people', () => {
    expect(phaseLabel('media')).toBe('Saving photos and other media');
    expect(phaseLabel('something-new')).toBe('Something-new');
    expect(
      progressDetail({
        ...base,
        itemsDone: 3,
        itemsTotal: 10,
        bytesDone: 2048,
        bytesTotal: 4096,
        etaMs: 30_000,
      }),
    ).toBe('3 of 10 items · 2.0 KB of 4.0 KB · about 30 seconds left');
    expect(progressDetail(base)).toBe('');
  });
});
