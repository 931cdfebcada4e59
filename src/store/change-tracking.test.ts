import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore } from './chat-store.js';
import type { MonthGroup } from './snapshot.js';
import { DAY, T0, groupBundle, message, tempDir } from './testing/fixtures.js';

let dir: string;
let cleanup: () => void;
let store: ChatStore;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  store = ChatStore.open(dir);
});
afterEach(() => {
  store.close();
  cleanup();
});

const JAN = T0; // 2024-01-15
const FEB = T0 + 20 * DAY; // 2024-02-04
const MAR = T0 + 50 * DAY; // 2024-03-05

const groups = (s: ChatStore = store): Map<string, MonthGroup> =>
  new Map(s.readSnapshot((r) => r.monthGroups()).map((g) => [`${g.chatKey}/${g.month}`, g]));
const revs = (s: ChatStore = store): Record<string, number> =>
  Object.fromEntries([...groups(s)].map(([k, g]) => [k, g.rev]));

function seed(): number {
  return (
    store.ingest([
      groupBundle([
        message('j1', { sentAt: JAN }),
        message('j2', { sentAt: JAN + 1000 }),
        message('f1', { sentAt: FEB }),
        message('m1', { sentAt: MAR }),
      ]),
      groupBundle([message('o1', { sentAt: JAN })], { key: 'other', title: 'Other' }),
    ]).chatIds[0] ?? -1
  );
}

describe('month groups and revs', () => {
  it('groups messages by chat and UTC month', () => {
    seed();
    const g = groups();
    expect([...g.keys()]).toEqual([
      'friends/2024-01',
      'friends/2024-02',
      'friends/2024-03',
      'other/2024-01',
    ]);
    expect(g.get('friends/2024-01')).toMatchObject({
      messageCount: 2,
      sourceKind: 'seed',
      sourceAccountKey: 'test',
      chatKey: 'friends',
    });
    // A message at 23:30 on Jan 31 in UTC-5 is February in UTC: month follows UTC.
    store.ingest([
      groupBundle([message('edge', { sentAt: Date.UTC(2024, 0, 31, 23, 59, 59, 999) })]),
    ]);
    store.ingest([groupBundle([message('edge2', { sentAt: Date.UTC(2024, 1, 1) })])]);
    expect(groups().get('friends/2024-01')?.messageCount).toBe(3);
    expect(groups().get('friends/2024-02')?.messageCount).toBe(2);
  });

  it('an insert into an old month bumps only that month', () => {
    seed();
    const before = revs();
    store.ingest([groupBundle([message('late-jan', { sentAt: JAN + 5 * DAY })])]);
    const after = revs();
    expect(after['friends/2024-01']).toBeGreaterThan(before['friends/2024-01'] ?? Infinity);
    for (const key of ['friends/2024-02', 'friends/2024-03', 'other/2024-01'])
      expect(after[key]).toBe(before[key]);
  });

  it("a reaction bumps its message's month only", () => {
    seed();
    const before = revs();
    store.ingest([
      groupBundle([message('f1', { sentAt: FEB, reactions: [{ senderKey: null, emoji: '🎉' }] })]),
    ]);
    const after = revs();
    expect(after['friends/2024-02']).toBeGreaterThan(before['friends/2024-02'] ?? Infinity);
    expect(after['friends/2024-01']).toBe(before['friends/2024-01']);
    expect(after['friends/2024-03']).toBe(before['friends/2024-03']);
  });

  it('edits, attachment changes and deletes bump their month; unchanged groups keep their rev', () => {
    const chatId = seed();
    let before = revs();
    store.ingest([
      groupBundle([message('m1', { sentAt: MAR, text: 'edited', editedAt: MAR + 5 })]),
    ]);
    let after = revs();
    expect(after['friends/2024-03']).toBeGreaterThan(before['friends/2024-03'] ?? Infinity);
    expect(after['friends/2024-02']).toBe(before['friends/2024-02']);

    before = after;
    store.ingest([
      groupBundle([
        message('j1', {
          sentAt: JAN,
          attachments: [
            {
              mediaType: 'document',
              mime: 'application/pdf',
              size: 9,
              hash: null,
              fileName: 'a.pdf',
            },
          ],
        }),
      ]),
    ]);
    after = revs();
    expect(after['friends/2024-01']).toBeGreaterThan(before['friends/2024-01'] ?? Infinity);
    expect(after['friends/2024-03']).toBe(before['friends/2024-03']);

    before = after;
    const feb = store
      .getMessages(chatId, { limit: 10 })
      .messages.find((m) => m.text === 'message f1');
    store.deleteMessage(feb?.id ?? -1);
    const g = groups();
    expect(g.get('friends/2024-02')?.messageCount).toBe(0);
    expect(g.get('friends/2024-02')?.rev).toBeGreaterThan(before['friends/2024-02'] ?? Infinity);
    expect(g.get('friends/2024-01')?.rev).toBe(before['friends/2024-01']);

    // Re-ingesting identical data changes no rev.
    before = revs();
    store.ingest([groupBundle([message('j2', { sentAt: JAN + 1000 })])]);
    expect(revs()).toEqual(before);
  });

  it('renaming the chat bumps all its months, not other chats', () => {
    seed();
    const before = revs();
    store.ingest([groupBundle([], { title: 'Best friends' })]);
    const after = revs();
    for (const m of ['2024-01', '2024-02', '2024-03']) {
      expect(after[`friends/${m}`]).toBeGreaterThan(before[`friends/${m}`] ?? Infinity);
    }
    expect(after['other/2024-01']).toBe(before['other/2024-01']);
  });
});

describe('readSnapshot', () => {
  it('reads one month as a bundle that ingests to the same content elsewhere', () => {
    const chatId = seed();
    store.ingest([
      groupBundle([
        message('j1', {
          sentAt: JAN,
          replyToKey: 'f1',
          reactions: [{ senderKey: 'boris', emoji: '👍', at: JAN + 5 }],
          attachments: [
            {
              mediaType: 'photo',
              mime: 'image/png',
              size: 3,
              hash: 'd'.repeat(64),
              fileName: 'x.png',
              width: 1,
              height: 1,
            },
          ],
          extra: { note: 1 },
        }),
      ]),
    ]);
    const bundle = store.readSnapshot((r) => r.readMonthBundle(chatId, '2024-01'));
    expect(bundle.messages.map((m) => m.key)).toEqual(['j1', 'j2']);
    expect(bundle.chat).toEqual({
      key: 'friends',
      type: 'group',
      title: 'Friends',
      members: ['ana', 'boris'],
    });
    expect(bundle.people.map((p) => p.key)).toEqual(['ana', 'boris']);
    expect(bundle.messages[0]).toMatchObject({
      replyToKey: 'f1',
      reactions: [{ senderKey: 'boris', emoji: '👍', at: JAN + 5 }],
      extra: { note: 1 },
    });

    const copy = tempDir();
    const other = ChatStore.open(copy.dir);
    try {
      const all = store.readSnapshot((r) =>
        r.monthGroups().map((g) => r.readMonthBundle(g.chatId, g.month)),
      );
      // Restore in any order: replies resolve by key whatever month arrives first.
      other.ingest(all.reverse());
      const back = other.readSnapshot((r) => {
        const g = r.monthGroups().find((x) => x.chatKey === 'friends' && x.month === '2024-01');
        return g && r.readMonthBundle(g.chatId, g.month);
      });
      expect(back).toEqual(bundle);
      expect(other.stats().messages).toBe(store.stats().messages);
      expect(other.readSnapshot((r) => r.mediaRefs())).toEqual([
        { hash: 'd'.repeat(64), size: 3, mediaType: 'photo', mime: 'image/png' },
      ]);
    } finally {
      other.close();
      copy.cleanup();
    }
  });

  it('sees one consistent state while another connection writes', async () => {
    seed();
    const reader = ChatStore.open(dir, { readonly: true });
    try {
      const result = reader.readSnapshot((r) => {
        const before = r.monthGroups();
        const revBefore = r.rev();
        store.ingest([
          groupBundle([message('new', { sentAt: JAN + 2 * DAY })], { key: 'brand-new' }),
        ]);
        store.ingest([groupBundle([message('j1', { sentAt: JAN, text: 'changed' })])]);
        return {
          before,
          after: r.monthGroups(),
          revBefore,
          revAfter: r.rev(),
          jan: r.readMonthBundle(before[0]?.chatId ?? -1, '2024-01'),
        };
      });
      expect(result.after).toEqual(result.before);
      expect(result.revAfter).toBe(result.revBefore);
      expect(result.jan.messages[0]?.text).toBe('message j1');
      // Outside the snapshot the writes are visible.
      expect(reader.readSnapshot((r) => r.monthGroups()).length).toBe(result.before.length + 1);

      // An async reader keeps its snapshot across awaits.
      const asyncResult = await reader.readSnapshot(async (r) => {
        const n = r.monthGroups().length;
        await new Promise((resolve) => setTimeout(resolve, 5));
        store.ingest([groupBundle([message('x', { sentAt: MAR + 40 * DAY })])]);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return [n, r.monthGroups().length];
      });
      expect(asyncResult[0]).toBe(asyncResult[1]);
      expect(reader.readSnapshot((r) => r.monthGroups()).length).toBe((asyncResult[0] ?? 0) + 1);
    } finally {
      reader.close();
    }
  });

  it('lists sources and every included media file once', () => {
    store.ingest([
      groupBundle([
        message('a', {
          attachments: [
            {
              mediaType: 'photo',
              mime: 'image/png',
              size: 5,
              hash: 'e'.repeat(64),
              fileName: null,
            },
          ],
        }),
        message('b', {
          sentAt: T0 + 1,
          attachments: [
            {
              mediaType: 'photo',
              mime: 'image/png',
              size: 5,
              hash: 'e'.repeat(64),
              fileName: 'again.png',
            },
            { mediaType: 'video', mime: 'video/mp4', size: 50, hash: null, fileName: null },
          ],
        }),
      ]),
    ]);
    store.readSnapshot((r) => {
      expect(r.sources()).toEqual([
        {
          id: expect.any(Number),
          kind: 'seed',
          accountKey: 'test',
          label: 'Test source',
          chats: 1,
        },
      ]);
      expect(r.mediaRefs()).toEqual([
        { hash: 'e'.repeat(64), size: 5, mediaType: 'photo', mime: 'image/png' },
      ]);
    });
  });
});
