import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChatBundle, MessageRecord } from '../records.js';

/** A fresh temp directory and its removal, for tests. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
export const DAY = 86_400_000;

export function message(key: string, over: Partial<MessageRecord> = {}): MessageRecord {
  return {
    key,
    senderKey: 'ana',
    sentAt: T0,
    text: `message ${key}`,
    kind: 'text',
    attachments: [],
    reactions: [],
    ...over,
  };
}

/** A small group chat bundle; messages default to one per day from T0. */
export function groupBundle(
  messages: MessageRecord[] = [],
  over: Partial<ChatBundle['chat']> = {},
): ChatBundle {
  return {
    source: { kind: 'seed', accountKey: 'test', label: 'Test source' },
    chat: { key: 'friends', type: 'group', title: 'Friends', members: ['ana', 'boris'], ...over },
    people: [
      { key: 'ana', displayName: 'Ana García', handle: '@ana', phone: null },
      { key: 'boris', displayName: 'Борис', handle: null, phone: '+7 900 000 00 00' },
    ],
    messages,
  };
}

export function days(n: number, prefix = 'm'): MessageRecord[] {
  return Array.from({ length: n }, (_, i) =>
    message(`${prefix}${i}`, {
      sentAt: T0 + i * DAY,
      senderKey: i % 3 === 2 ? null : i % 3 === 0 ? 'ana' : 'boris',
    }),
  );
}
