import { describe, expect, it } from 'vitest';
import type { SnapshotView } from '../../../shared/backup-types';
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
