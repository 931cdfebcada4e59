import { describe, expect, it } from 'vitest';
import type { SnapshotView } from '../../../../shared/backup-types';
import { changeWords, cumulativeSizes } from './history';

const snap = (time: number, sizeAdded: number): SnapshotView => ({
  id: `s${time}`,
  time,
  chats: 1,
  messages: 1,
  media: {},
  mediaGroups: {
    photos: { files: 0, bytes: 0 },
    videos: { files: 0, bytes: 0 },
    audio: { files: 0, bytes: 0 },
    documents: { files: 0, bytes: 0 },
    stickers: { files: 0, bytes: 0 },
  },
  sizeAdded,
  host: 'h',
  change: null,
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

describe('changeWords', () => {
  const change = (c: Partial<NonNullable<SnapshotView['change']>>) => ({
    first: false,
    messages: 0,
    chats: 0,
    media: {},
    ...c,
  });

  it('says what a backup added, with the bytes it wrote', () => {
    expect(
      changeWords({
        ...snap(1, 1_258_291),
        change: change({ messages: 1204, media: { photos: 3 } }),
      }),
    ).toBe('+1,204 messages, +3 photos, 1.2 MB');
    expect(
      changeWords({ ...snap(1, 2048), change: change({ messages: -1, media: { stickers: 1 } }) }),
    ).toBe('−1 message, +1 sticker or GIF, 2.0 KB');
  });

  it('never says "0 B" for a backup that changed nothing', () => {
    expect(changeWords({ ...snap(1, 0), change: change({}) })).toBe('No changes');
    expect(changeWords({ ...snap(1, 900), change: change({}) })).toBe(
      'Changes to earlier messages, 900 B',
    );
  });

  it('describes the first backup whole, and an unknown difference by its bytes', () => {
    expect(
      changeWords({
        ...snap(1, 3_000_000),
        messages: 601,
        change: change({ first: true, messages: 601, chats: 3, media: { photos: 1 } }),
      }),
    ).toBe('First backup: 601 messages, 1 photo, 2.9 MB');
    expect(changeWords(snap(1, 4096))).toBe('4.0 KB written');
  });
});
