import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore } from './chat-store.js';
import { SORT_SLOTS_PER_MS } from './ingest.js';
import type { ChatBundle } from './records.js';

/**
 * New messages of a new chat are written many rows per statement. A row whose millisecond's
 * first sort key is already taken (by a message stored before) makes the statement fail as a
 * whole; the batch must then go through the one-row path and end exactly as it would have.
 */

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-batch-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2024, 0, 1);

function chat(key: string, count: number, from = 0): ChatBundle {
  return {
    source: { kind: 'whatsapp', accountKey: 'phone', label: 'WhatsApp' },
    chat: { key, type: 'direct', title: key, members: [key] },
    people: [{ key, displayName: key }],
    messages: Array.from({ length: count }, (_, i) => ({
      key: `${key}-${from + i}`,
      senderKey: i % 2 ? key : null,
      sentAt: T0 + (from + i) * 1000,
      text: `message ${from + i} of ${key}`,
      kind: 'text' as const,
      attachments: [],
      reactions: [],
    })),
  };
}

describe('batched inserts of new messages', () => {
  it('fall back to the one-row path on a taken sort key, with the same ids and keys', () => {
    const store = ChatStore.open(dir);
    try {
      // Every other second of the new chat's span is taken by a chat stored before.
      store.ingest([chat('a@s.whatsapp.net', 100)]);
      const result = store.ingest([
        chat('b@s.whatsapp.net', 150),
        { ...chat('b@s.whatsapp.net', 0), messages: [chat('b@s.whatsapp.net', 1, 7).messages[0]!] },
      ]);
      expect(result.messagesAdded).toBe(150);
      expect(result.messagesUpdated + result.messagesSkipped).toBe(1);
    } finally {
      store.close();
    }
    const db = new Database(path.join(dir, 'chatkeep.db'), { readonly: true });
    try {
      const rows = db
        .prepare(
          `SELECT m.id, m.sort_key, m.sent_at, m.key FROM messages m JOIN chats c ON c.id = m.chat_id
           WHERE c.key = 'b@s.whatsapp.net' ORDER BY m.id`,
        )
        .all() as { id: number; sort_key: number; sent_at: number; key: string }[];
      expect(rows).toHaveLength(150);
      rows.forEach((r, i) => {
        // Ids follow the first chat's, in time order, with no gap.
        expect(r.id).toBe(101 + i);
        expect(r.key).toBe(`b@s.whatsapp.net-${i}`);
        // The first 100 seconds clash with chat a: the next slot of that millisecond.
        expect(r.sort_key).toBe(r.sent_at * SORT_SLOTS_PER_MS + (i < 100 ? 1 : 0));
      });
      const total = db
        .prepare('SELECT count(*) AS n, count(DISTINCT sort_key) AS k FROM messages')
        .get();
      expect(total).toEqual({ n: 250, k: 250 });
    } finally {
      db.close();
    }
  });
});
