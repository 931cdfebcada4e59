import { describe, expect, it } from 'vitest';
import {
  filterChats,
  newestFirst,
  restoreRequest,
  type RestoreSnapshot,
} from './restore-selection';

const snap = (id: string, time: number): RestoreSnapshot => ({
  id,
  time,
  chats: 2,
  messages: 10,
  media: { photo: { count: 2, bytes: 300 }, video: { count: 1, bytes: 9000 } },
  mediaGroups: {
    photos: { files: 2, bytes: 300 },
    videos: { files: 1, bytes: 9000 },
    audio: { files: 0, bytes: 0 },
    documents: { files: 0, bytes: 0 },
    stickers: { files: 0, bytes: 0 },
  },
  sizeAdded: 1,
  host: 'h',
  change: null,
  chatList: [],
});

describe('restore selection', () => {
  it('orders snapshots newest first', () => {
    expect(newestFirst([snap('a', 1), snap('c', 3), snap('b', 2)]).map((s) => s.id)).toEqual([
      'c',
      'b',
      'a',
    ]);
  });

  it('filters chats by title without case or accents', () => {
    const chats = [{ title: 'Chloé Martin' }, { title: 'Дмитрий' }, { title: 'Trip to Lisbon' }];
    expect(filterChats(chats, 'chloe')).toEqual([{ title: 'Chloé Martin' }]);
    expect(filterChats(chats, 'дми')).toEqual([{ title: 'Дмитрий' }]);
    expect(filterChats(chats, '  ')).toHaveLength(3);
  });

  it('omits chatRefs for all chats and lists them otherwise', () => {
    expect(restoreRequest('s', 'x', null, ['photos'])).toEqual({
      sessionId: 's',
      snapshotId: 'x',
      mediaGroups: ['photos'],
    });
    expect(restoreRequest('s', 'x', new Set(['c1']), [])).toEqual({
      sessionId: 's',
      snapshotId: 'x',
      mediaGroups: [],
      chatRefs: ['c1'],
    });
  });
});
