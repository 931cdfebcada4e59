import { describe, expect, it } from 'vitest';
import type { SnapshotView } from '../../../../shared/backup-types';
import { cumulativeSizes } from './history';

const snap = (time: number, sizeAdded: number): SnapshotView => ({
  id: `s${time}`,
  time,
  chats: 1,
  messages: 1,
  media: {},
  sizeAdded,
  host: 'h',
});

describe('cumulativeSizes', () => {
  it('sums what each backup added, in time order whatever the input order', () => {
    expect(cumulativeSizes([snap(30, 5), snap(10, 100), snap(20, 0)])).toEqual([
      { time: 10, total: 100 },
      { time: 20, total: 100 },
      { time: 30, total: 105 },
    ]);
    expect(cumulativeSizes([])).toEqual([]);
  });
});

describe('cumulativeSizes with the current size', () => {
  it('starts from what forgotten backups left behind, and ends at the current size', () => {
    const points = cumulativeSizes([snap(10, 0), snap(20, 30)], 1000);
    expect(points).toEqual([
      { time: 10, total: 970 },
      { time: 20, total: 1000 },
    ]);
  });

  it('never goes below zero when the sizes disagree', () => {
    expect(cumulativeSizes([snap(10, 500)], 100)).toEqual([{ time: 10, total: 500 }]);
  });
});
