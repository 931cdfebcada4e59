import { describe, expect, it } from 'vitest';
import type { GroupLine } from '../format/snapshot.js';
import type { IndexEntry } from './master-index.js';
import { inStorageOrder } from './restore-run.js';

const group = (chat: string, month: string, blobs: string[]): GroupLine => ({
  ref: ['seed', 'me', chat],
  chatId: chat,
  month,
  rev: 1,
  n: 1,
  blobs,
});

describe('the order a restore reads month groups in', () => {
  it('follows the packs: each pack from its start, packs in the order first needed', () => {
    const where: Record<string, Pick<IndexEntry, 'pack' | 'offset'>> = {
      a1: { pack: 'P2', offset: 500 },
      a2: { pack: 'P1', offset: 900 },
      b1: { pack: 'P2', offset: 100 },
      b2: { pack: 'P1', offset: 0 },
      c1: { pack: 'P1', offset: 300 },
    };
    const index = { get: (id: string) => where[id] as IndexEntry | undefined };
    const groups = [
      group('a', '2024-01', ['a1', 'x']),
      group('a', '2024-02', ['a2']),
      group('b', '2024-01', ['b1']),
      group('lost', '2024-01', ['gone']),
      group('b', '2024-02', ['b2']),
      group('empty', '2024-03', []),
      group('c', '2024-01', ['c1']),
    ];
    const order = inStorageOrder(groups, index).map((g) => `${g.chatId} ${g.month}`);
    expect(order).toEqual([
      'b 2024-01', // P2 @100
      'a 2024-01', // P2 @500
      'b 2024-02', // P1 @0
      'c 2024-01', // P1 @300
      'a 2024-02', // P1 @900
      'lost 2024-01', // not in the index: last, in the snapshot's order
      'empty 2024-03',
    ]);
    // Every group once, none dropped.
    expect(new Set(order).size).toBe(groups.length);
  });
});
