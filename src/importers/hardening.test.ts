import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore } from '../store/index.js';
import { CollectingStore } from './fixtures/collecting-store.js';
import {
  ALICE,
  BOB,
  DORA,
  GROUP,
  writeNewSchema,
  type WaFixtureChat,
} from './fixtures/msgstore.js';
import { renderExport } from './fixtures/whatsapp-export.js';
import { whatsappCryptImporter } from './whatsapp-crypt/importer.js';
import { whatsappExportImporter } from './whatsapp-export/importer.js';
import { MAX_MESSAGE_CHARS } from './whatsapp-export/parse.js';

/**
 * The importers against the unusual files people really have (issue 15, points 1, 6, 8 and the
 * Android system messages); the process-level points are in src/cli/commands/import-hostile.test.ts.
 */

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-hard-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const t0 = Date.UTC(2023, 5, 1, 10);

describe('Android msgstore.db', () => {
  it('keeps a direct-chat reaction whose row names no sender: it is the other person (point 1)', async () => {
    const db = path.join(dir, 'msgstore.db');
    writeNewSchema(db, [
      {
        jid: DORA,
        messages: [
          {
            keyId: 'M1',
            fromMe: true,
            ts: t0,
            type: 0,
            text: 'dinner at 8?',
            // How phones store many incoming reactions: from_me 0, no sender_jid_row_id.
            reactions: [{ fromMe: false, emoji: '👍', ts: t0 + 1000 }],
          },
        ],
      },
    ]);
    const store = ChatStore.open(path.join(dir, 'store'));
    try {
      await whatsappCryptImporter.import(db, store);
      const chat = store.listChats()[0];
      if (!chat) throw new Error('no chat');
      const page = store.getMessages(chat.id, { limit: 10 });
      const m = page.messages.find((x) => x.text === 'dinner at 8?');
      // Kept, and not taken for the owner's own.
      expect(m?.reactions).toEqual([{ emoji: '👍', count: 1, mine: false }]);
    } finally {
      store.close();
    }
  });

  it('writes system messages as plain sentences, keeping the action code (point 9)', async () => {
    const db = path.join(dir, 'msgstore.db');
    const chats: WaFixtureChat[] = [
      {
        jid: GROUP,
        subject: 'Family',
        messages: [
          { keyId: 'S1', fromMe: true, ts: t0, type: 7, systemAction: 11, text: 'Family' },
          { keyId: 'S2', fromMe: false, sender: ALICE, ts: t0 + 1, type: 7, systemAction: 12 },
          {
            keyId: 'S3',
            fromMe: false,
            sender: ALICE,
            ts: t0 + 2,
            type: 7,
            systemAction: 1,
            text: 'Family 2.0',
          },
          { keyId: 'S4', fromMe: false, sender: BOB, ts: t0 + 3, type: 7, systemAction: 5 },
          { keyId: 'S5', fromMe: false, sender: ALICE, ts: t0 + 4, type: 7, systemAction: 28 },
          { keyId: 'S6', fromMe: false, sender: ALICE, ts: t0 + 5, type: 7, systemAction: 999 },
        ],
      },
      {
        jid: DORA,
        messages: [{ keyId: 'S7', fromMe: false, ts: t0 + 6, type: 7, systemAction: 18 }],
      },
    ];
    writeNewSchema(db, chats);
    const raw = new Database(db);
    raw.exec(`
      CREATE TABLE message_system_chat_participant (message_row_id INTEGER, user_jid_row_id INTEGER);
      CREATE TABLE message_system_number_change (message_row_id INTEGER PRIMARY KEY, old_jid_row_id INTEGER, new_jid_row_id INTEGER);
      INSERT INTO jid (user, server, raw_string) VALUES ('41790000009', 's.whatsapp.net', '41790000009@s.whatsapp.net');
    `);
    const id = (key: string) =>
      (raw.prepare('SELECT _id FROM message WHERE key_id = ?').get(key) as { _id: number })._id;
    const jid = (j: string) =>
      (raw.prepare('SELECT _id FROM jid WHERE raw_string = ?').get(j) as { _id: number })._id;
    raw
      .prepare('INSERT INTO message_system_chat_participant VALUES (?, ?)')
      .run(id('S2'), jid(BOB));
    raw
      .prepare('INSERT INTO message_system_chat_participant VALUES (?, ?)')
      .run(id('S2'), jid(DORA));
    raw
      .prepare('INSERT INTO message_system_number_change VALUES (?, ?, ?)')
      .run(id('S5'), jid(ALICE), jid('41790000009@s.whatsapp.net'));
    raw.close();
    const store = new CollectingStore(path.join(dir, 's'));
    await whatsappCryptImporter.import(db, store);
    const m = new Map(store.messages.map((x) => [x.key, x]));
    expect(m.get('S1')).toMatchObject({
      kind: 'system',
      text: 'You created the group "Family"',
      extra: { systemAction: 11 },
    });
    expect(m.get('S2')?.text).toBe('+41790000002 added +41790000003 and +41790000001');
    expect(m.get('S3')?.text).toBe('+41790000002 changed the group name to "Family 2.0"');
    expect(m.get('S4')?.text).toBe('+41790000003 left');
    expect(m.get('S5')?.text).toBe('+41790000002 changed their phone number to +41790000009');
    // Codes nobody has verified keep a generic text and their code.
    expect(m.get('S6')).toMatchObject({ text: 'WhatsApp event 999', extra: { systemAction: 999 } });
    expect(m.get('S7')?.text).toBe('Your security code with +41790000001 changed');
  });

  it('warns about a missing media folder only when the backup names media files (point 8)', async () => {
    const db = path.join(dir, 'text-only.db');
    writeNewSchema(db, [
      { jid: DORA, messages: [{ keyId: 'T1', fromMe: true, ts: t0, type: 0, text: 'hi' }] },
    ]);
    const r = await whatsappCryptImporter.import(db, new CollectingStore(path.join(dir, 'a')));
    expect(r.warnings).toEqual([]);
    expect((await whatsappCryptImporter.inspect(db)).warnings).toEqual([]);
    const withMedia = path.join(dir, 'media.db');
    writeNewSchema(withMedia, [
      {
        jid: DORA,
        messages: [
          {
            keyId: 'P1',
            fromMe: true,
            ts: t0,
            type: 1,
            media: { path: 'Media/WhatsApp Images/IMG-1.jpg', mime: 'image/jpeg', size: 10 },
          },
        ],
      },
    ]);
    const r2 = await whatsappCryptImporter.import(
      withMedia,
      new CollectingStore(path.join(dir, 'b')),
    );
    expect(r2.warnings).toEqual([
      'No media folder given: attachments are recorded without their files',
    ]);
  });
});

describe('WhatsApp text exports', () => {
  async function importText(text: string, owner = 'Ana') {
    const file = path.join(dir, `WhatsApp Chat with Ben ${Math.random()}.txt`);
    fs.writeFileSync(file, text);
    const store = new CollectingStore(path.join(dir, `s-${Math.random()}`));
    const r = await whatsappExportImporter.import(file, store, { owner });
    return { r, store };
  }

  it('cuts a "message" longer than WhatsApp allows, with a warning (point 6)', async () => {
    const junk = Array.from({ length: 20_000 }, (_, i) => `junk line ${i} ${'x'.repeat(20)}`).join(
      '\n',
    );
    const { r, store } = await importText(
      `20/06/2019, 15:58 - Ana: hello\n${junk}\n20/06/2019, 15:59 - Ben: after\n`,
    );
    expect(store.messages).toHaveLength(2);
    expect(store.messages[0]?.text?.length).toBe(MAX_MESSAGE_CHARS);
    expect(store.messages[1]?.text).toBe('after');
    expect(r.warnings.join('\n')).toMatch(/1 message\(s\) were longer than 65,536 characters/);
  });

  it('reads the encryption notice as a system line whatever name precedes it (point 8)', async () => {
    const text = renderExport('ios-24h-dotted', [
      {
        at: [2021, 3, 14, 9, 5, 0],
        author: 'Ben',
        text: '\u200eMessages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.',
      },
      { at: [2021, 3, 14, 9, 6, 0], author: 'Ana', text: 'hi' },
      { at: [2021, 3, 14, 9, 7, 0], author: 'Ben', text: 'Are our messages end-to-end encrypted?' },
    ]);
    const { store } = await importText(text);
    const [notice, , question] = store.messages;
    expect(notice).toMatchObject({ kind: 'system', senderKey: null });
    expect(notice?.text).toMatch(/^Messages and calls are end-to-end encrypted/);
    // A person asking about encryption is still a person.
    expect(question).toMatchObject({ kind: 'text', senderKey: 'name:Ben' });
  });

  it('trims blank lines at the end of a message (point 8)', async () => {
    const { store } = await importText(
      '20/06/2019, 15:58 - Ana: hello\n20/06/2019, 15:59 - Ben: last one\n\n\n',
    );
    expect(store.messages.map((m) => m.text)).toEqual(['hello', 'last one']);
  });
});
