import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore } from './chat-store.js';
import { StoreCorruptError, StoreNeedsMigrationError, StoreTooNewError } from './errors.js';
import { LATEST_VERSION, MIGRATIONS, migrate, registerFunctions } from './schema.js';
import { T0, tempDir } from './testing/fixtures.js';

let dir: string;
let cleanup: () => void;
let dbPath: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  dbPath = path.join(dir, 'chatkeep.db');
});
afterEach(() => cleanup());

const sha = (file: string): string =>
  createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A database as version `version` of Chatkeep left it, with one chat and two messages. */
function makeOldStore(version: number): void {
  const db = new Database(dbPath);
  registerFunctions(db);
  migrate(db, version);
  if (version >= 1) {
    db.exec(`
      INSERT INTO sources (id, kind, account_key, label) VALUES (1, 'seed', 'old', 'Old');
      INSERT INTO people (id, source_id, key, display_name) VALUES (1, 1, 'p', 'Pat');
      INSERT INTO chats (id, source_id, key, type, title) VALUES (1, 1, 'c', 'direct', 'Pat');
      INSERT INTO chat_members VALUES (1, 1);
      INSERT INTO messages (sort_key, chat_id, key, sender_id, sent_at, kind, text)
        VALUES (${T0 * 1024}, 1, 'k1', 1, ${T0}, 'text', 'grüße aus dem urlaub');
      INSERT INTO messages (sort_key, chat_id, key, sender_id, sent_at, kind, text)
        VALUES (${(T0 + 40 * 86_400_000) * 1024}, 1, 'k2', NULL, ${T0 + 40 * 86_400_000}, 'text', 'danke');
    `);
  }
  db.close();
}

describe('migrations', () => {
  it('has one migration per version', () => {
    expect(MIGRATIONS).toHaveLength(LATEST_VERSION);
  });

  for (let from = 1; from < LATEST_VERSION; from++) {
    it(`upgrades a version ${from} store to ${LATEST_VERSION}, keeping its data`, () => {
      makeOldStore(from);
      const store = ChatStore.open(dir);
      try {
        const db = new Database(dbPath, { readonly: true });
        expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
        // Schema 4: durations read from media files have their table.
        expect(
          db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'media_facts'").get(),
        ).toEqual({ n: 1 });
        db.close();
        expect(store.listChats()[0]).toMatchObject({ title: 'Pat', messageCount: 2 });
        expect(store.search('GRUßE urlaub').map((h) => h.snippet)).toEqual([
          'grüße aus dem urlaub',
        ]);
        const groups = store.readSnapshot((r) => r.monthGroups());
        expect(groups.map((g) => [g.month, g.messageCount])).toEqual([
          ['2024-01', 1],
          ['2024-02', 1],
        ]);
        // The new version's triggers work on the old data.
        store.ingest([
          {
            source: { kind: 'seed', accountKey: 'old', label: 'Old' },
            chat: { key: 'c', type: 'direct', title: 'Pat', members: ['p'] },
            people: [{ key: 'p', displayName: 'Pat' }],
            messages: [
              {
                key: 'k3',
                senderKey: 'p',
                sentAt: T0 + 1,
                text: 'neu',
                kind: 'text',
                attachments: [],
                reactions: [],
              },
            ],
          },
        ]);
        const after = store.readSnapshot((r) => r.monthGroups());
        expect(after[0]?.messageCount).toBe(2);
        expect(after[0]?.rev).toBeGreaterThan(groups[0]?.rev ?? Infinity);
        expect(after[1]?.rev).toBe(groups[1]?.rev);
      } finally {
        store.close();
      }
    });
  }

  it('treats an empty file as a new store', () => {
    fs.writeFileSync(dbPath, '');
    const store = ChatStore.open(dir);
    expect(store.countChats()).toBe(0);
    store.close();
  });

  it('refuses a store from a newer Chatkeep without changing a byte', () => {
    ChatStore.open(dir).close();
    const db = new Database(dbPath);
    db.pragma('journal_mode = DELETE');
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    const before = sha(dbPath);
    const files = fs.readdirSync(dir).sort();
    let error: unknown;
    try {
      ChatStore.open(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreTooNewError);
    expect(error).toMatchObject({ code: 'STORE_TOO_NEW', foundVersion: LATEST_VERSION + 1 });
    expect((error as Error).message).toMatch(/update Chatkeep/);
    expect(sha(dbPath)).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(files);
    expect(() => ChatStore.open(dir, { readonly: true })).toThrow(StoreTooNewError);
    expect(sha(dbPath)).toBe(before);
  });

  it('refuses a read-only open of a store that needs upgrading', () => {
    makeOldStore(1);
    const before = sha(dbPath);
    expect(() => ChatStore.open(dir, { readonly: true })).toThrow(StoreNeedsMigrationError);
    expect(sha(dbPath)).toBe(before);
  });

  it.each([
    [
      'a text file',
      () => fs.writeFileSync(dbPath, 'these are my notes, not a database\n'.repeat(50)),
    ],
    [
      "another application's database",
      () => {
        const db = new Database(dbPath);
        db.exec('CREATE TABLE notes (body TEXT)');
        db.close();
      },
    ],
    [
      'a damaged database',
      () => {
        ChatStore.open(dir).close();
        const bytes = fs.readFileSync(dbPath);
        bytes.fill(0x5a, 100, Math.min(bytes.length, 8192));
        fs.writeFileSync(dbPath, bytes);
        fs.rmSync(`${dbPath}-wal`, { force: true });
        fs.rmSync(`${dbPath}-shm`, { force: true });
      },
    ],
  ])('refuses %s with StoreCorruptError and leaves it alone', (_name, make) => {
    make();
    const before = sha(dbPath);
    expect(() => ChatStore.open(dir)).toThrow(StoreCorruptError);
    expect(sha(dbPath)).toBe(before);
  });
});
