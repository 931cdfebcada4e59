import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatStore } from '../../store/index.js';
import {
  ALICE,
  BOB,
  bulkWaChat,
  encryptBackup,
  GROUP,
  sampleWaChats,
  writeNewSchema,
} from '../fixtures/msgstore.js';
import { whatsappCryptImporter } from './importer.js';

/**
 * What a crypt15 import writes, row for row, pinned by a digest. The reader and the ingest path
 * are tuned for speed (rare columns read by a second statement, the search index built after
 * the commit); none of that may change a single stored value. The expected digest was taken
 * from the store this fixture produced before those changes (commit 33eb822); a change that
 * alters what is stored on purpose must say so and update it.
 */

const KEY = Buffer.alloc(32, 7);
const EXTRA = '41790000009@s.whatsapp.net';
let dir: string;

/**
 * Every kind the reader handles: the sample chats (media, location, deleted, quotes, reactions,
 * a lid-mapped sender), system messages naming people and a number change, a contact card, two
 * messages of one millisecond, and a long chat that spans two bundles. All of it fits in one
 * ingest window: across windows, which message of which chat gets the lower id depends on the
 * window's size (WINDOW_MESSAGES in store/ingest.ts), which this work changed on purpose.
 */
function writeRichMsgstore(file: string): void {
  const t0 = Date.UTC(2023, 5, 1);
  const chats = sampleWaChats();
  chats.push({
    jid: GROUP.replace('1@', '2@'),
    subject: 'Events',
    messages: [
      { keyId: 'E1', fromMe: false, sender: ALICE, ts: t0, type: 7, systemAction: 12 },
      { keyId: 'E2', fromMe: false, sender: ALICE, ts: t0 + 1, type: 7, systemAction: 28 },
      { keyId: 'E3', fromMe: false, sender: BOB, ts: t0 + 2, type: 4, text: 'Carla' },
      { keyId: 'E4', fromMe: true, ts: t0 + 2, type: 0, text: 'same millisecond' },
      { keyId: 'E5', fromMe: false, sender: BOB, ts: t0 + 3, type: 42, text: 'unknown type' },
    ],
  });
  chats.push(bulkWaChat(9_000, EXTRA));
  writeNewSchema(file, chats, { lidFor: { [ALICE]: '98765432101234@lid' } });
  const db = new Database(file);
  try {
    db.exec(`
      CREATE TABLE message_system_chat_participant (message_row_id INTEGER, user_jid_row_id INTEGER);
      CREATE TABLE message_system_number_change (message_row_id INTEGER PRIMARY KEY, old_jid_row_id INTEGER, new_jid_row_id INTEGER);
      CREATE TABLE message_vcard (_id INTEGER PRIMARY KEY, message_row_id INTEGER, vcard TEXT);
    `);
    const id = (key: string) =>
      (db.prepare('SELECT _id FROM message WHERE key_id = ?').get(key) as { _id: number })._id;
    const jid = (j: string) =>
      (db.prepare('SELECT _id FROM jid WHERE raw_string = ?').get(j) as { _id: number })._id;
    const part = db.prepare('INSERT INTO message_system_chat_participant VALUES (?, ?)');
    part.run(id('E1'), jid(BOB));
    part.run(id('E1'), jid(EXTRA));
    db.prepare('INSERT INTO message_system_number_change VALUES (?, ?, ?)').run(
      id('E2'),
      jid(ALICE),
      jid(EXTRA),
    );
    db.prepare('INSERT INTO message_vcard (message_row_id, vcard) VALUES (?, ?)').run(
      id('E3'),
      'BEGIN:VCARD\nFN:Carla\nEND:VCARD',
    );
  } finally {
    db.close();
  }
}

/** The store's rows as text, ordered, without anything a run may vary (none is expected). */
function storeRows(storeDir: string): string {
  const db = new Database(path.join(storeDir, 'chatkeep.db'), { readonly: true });
  try {
    const queries = [
      'SELECT kind, account_key, label FROM sources ORDER BY id',
      'SELECT id, source_id, key, display_name, handle, phone FROM people ORDER BY id',
      'SELECT id, key, type, title, message_count, last_message_id, last_sent_at FROM chats ORDER BY id',
      'SELECT chat_id, person_id FROM chat_members ORDER BY chat_id, person_id',
      `SELECT id, sort_key, chat_id, key, sender_id, sent_at, kind, text, reply_to_key, edited_at, extra
       FROM messages ORDER BY id`,
      `SELECT message_id, ordinal, media_type, mime, size, hash, file_name, width, height, duration_ms
       FROM attachments ORDER BY message_id, ordinal`,
      'SELECT message_id, sender_id, emoji, at FROM reactions ORDER BY message_id, sender_id, emoji',
      'SELECT chat_id, month, message_count FROM month_groups ORDER BY chat_id, month',
    ];
    return queries.map((sql) => JSON.stringify(db.prepare(sql).raw(true).all())).join('\n');
  } finally {
    db.close();
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-digest-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('crypt15 import, row for row', () => {
  it('stores exactly what it stored before the speed work', async () => {
    const plain = path.join(dir, 'msgstore.db');
    writeRichMsgstore(plain);
    const crypt = path.join(dir, 'msgstore.db.crypt15');
    encryptBackup(fs.readFileSync(plain), KEY, crypt);
    const storeDir = path.join(dir, 'store');
    const store = ChatStore.open(storeDir);
    try {
      const result = await whatsappCryptImporter.import(crypt, store, {
        key: KEY.toString('hex'),
      });
      expect(result.messages).toBe(9_000 + 16);
    } finally {
      store.close();
    }
    const rows = storeRows(storeDir);
    expect(rows).toContain('BEGIN:VCARD');
    expect(rows).toContain('changed their phone number');
    expect(createHash('sha256').update(rows).digest('hex')).toBe(
      '904205620ad2c5efe43a7b5b4ff145a81f7069d9244d2865f3cb97d27091818a',
    );
  }, 60_000);
});
