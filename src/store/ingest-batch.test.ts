import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore } from './chat-store.js';
import type { ChatBundle, MessageRecord } from './records.js';
import { T0, groupBundle, message, tempDir } from './testing/fixtures.js';

/**
 * New chats' messages are written many rows per statement (Ingester.writeNewMessages). A row
 * the statement leaves out, because its millisecond's first sort key is taken or its key is
 * repeated in the same call, is written on its own afterwards; these tests put such rows at
 * every position of a batch, the last one included, and check that every message, attachment
 * and reaction ends up on the right row.
 */

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

/** Three messages a minute (WhatsApp exports have minute times), each with a file or a reaction. */
function chat(key: string, n: number): ChatBundle {
  const messages: MessageRecord[] = [];
  for (let i = 0; i < n; i++) {
    messages.push(
      message(`${key}-${i}`, {
        sentAt: T0 + Math.floor(i / 3) * 60_000,
        text: `${key} text ${i}`,
        senderKey: i % 2 ? 'ana' : 'boris',
        attachments:
          i % 4 === 0
            ? [
                {
                  mediaType: 'photo',
                  mime: 'image/jpeg',
                  size: 1000 + i,
                  hash: null,
                  fileName: `${key}-${i}.jpg`,
                },
              ]
            : [],
        reactions: i % 5 === 0 ? [{ senderKey: 'ana', emoji: '👍' }] : [],
      }),
    );
  }
  // The same key again later in the call (an export listing a message twice): the later one wins.
  messages.push(message(`${key}-7`, { sentAt: T0 + 2 * 60_000, text: `${key} text 7 edited` }));
  return groupBundle(messages, { key, title: key });
}

interface Row {
  key: string;
  chat: string;
  text: string;
  sentAt: number;
  sortKey: number;
  files: string | null;
  reactions: number;
}

function rows(): Row[] {
  const db = new Database(store.dbPath, { readonly: true });
  try {
    return db
      .prepare<[], Row>(
        `SELECT m.key, c.key AS chat, m.text, m.sent_at AS sentAt, m.sort_key AS sortKey,
           (SELECT group_concat(file_name) FROM attachments a WHERE a.message_id = m.id) AS files,
           (SELECT count(*) FROM reactions r WHERE r.message_id = m.id) AS reactions
         FROM messages m JOIN chats c ON c.id = m.chat_id ORDER BY m.sort_key`,
      )
      .all();
  } finally {
    db.close();
  }
}

function expectEveryRowRight(chats: string[], n: number): void {
  const all = rows();
  expect(all).toHaveLength(chats.length * n);
  const byKey = new Map(all.map((r) => [`${r.chat}/${r.key}`, r]));
  for (const c of chats) {
    for (let i = 0; i < n; i++) {
      const r = byKey.get(`${c}/${c}-${i}`);
      expect(r, `${c}-${i}`).toBeDefined();
      expect(r!.text).toBe(i === 7 ? `${c} text 7 edited` : `${c} text ${i}`);
      expect(r!.sentAt).toBe(T0 + Math.floor(i / 3) * 60_000);
      expect(r!.files).toBe(i % 4 === 0 ? `${c}-${i}.jpg` : null);
      expect(r!.reactions).toBe(i % 5 === 0 ? 1 : 0);
    }
  }
  // Sort keys are unique (the column says so) and follow the times.
  for (let i = 1; i < all.length; i++)
    expect(all[i]!.sentAt).toBeGreaterThanOrEqual(all[i - 1]!.sentAt);
  for (const r of all) expect(Math.floor(r.sortKey / 1024)).toBeGreaterThanOrEqual(r.sentAt);
}

describe('new messages written many rows per statement', () => {
  it('keeps every message, file and reaction on its row when sort keys clash and keys repeat', () => {
    // 3 chats with the same minutes: most rows of a batch clash with another chat's.
    const chats = ['a', 'b', 'c'];
    for (const n of [31, 32, 33, 97]) {
      store.close();
      cleanup();
      ({ dir, cleanup } = tempDir());
      store = ChatStore.open(dir);
      const result = store.ingest(chats.map((c) => chat(c, n)));
      expect(result.messagesAdded).toBe(chats.length * n);
      expect(result.messagesUpdated + result.messagesSkipped).toBe(chats.length);
      expectEveryRowRight(chats, n);
    }
  });

  it('does the same inside a restore session into an empty store', () => {
    const chats = ['x', 'y'];
    const session = store.openIngestSession({ deferSearchIndex: true });
    for (const c of chats) session.add(chat(c, 200));
    const result = session.commit();
    expect(result.messagesAdded).toBe(400);
    expectEveryRowRight(chats, 200);
  });

  it('writes an existing chat row by row and still finds its stored messages', () => {
    store.ingest([chat('a', 40)]);
    const again = store.ingest([chat('a', 40), chat('b', 40)]);
    expect(again.messagesAdded).toBe(40);
    expectEveryRowRight(['a', 'b'], 40);
  });
});
