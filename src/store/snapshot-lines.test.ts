import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateStore } from '../seed/index.js';
import { ChatStore } from './chat-store.js';

/**
 * The backup reads months as JSON lines built by SQLite (readMonthLines); restores parse them
 * back into records. They must say exactly what readMonthBundle's records say, for every kind
 * of message the seed makes (attachments, reactions, replies, edits, extras, people).
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-lines-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readMonthLines', () => {
  it('parses to the records readMonthBundle returns, month by month', () => {
    generateStore({ out: dir, messages: 3000, chats: 12, mediaMb: 1, seed: 11 });
    const store = ChatStore.open(dir, { readonly: true });
    try {
      const compared = store.readSnapshot((r) => {
        let messages = 0;
        for (const g of r.monthGroups()) {
          const bundle = r.readMonthBundle(g.chatId, g.month);
          const lines = r.readMonthLines(g.chatId, g.month);
          const { messages: records, ...head } = bundle;
          expect(lines.head).toEqual(head);
          const rows = [...lines.rows];
          expect(rows.map(([, key]) => key)).toEqual(records.map((m) => m.key));
          expect(rows.map(([l]) => JSON.parse(l) as unknown)).toEqual(
            JSON.parse(JSON.stringify(records)),
          );
          messages += records.length;
        }
        return messages;
      });
      expect(compared).toBeGreaterThanOrEqual(3000);
    } finally {
      store.close();
    }
  });
});
