import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore } from './chat-store.js';
import { MediaStore } from './media-store.js';
import type { ChatBundle, MessageRecord } from './records.js';
import { T0, groupBundle, message, tempDir } from './testing/fixtures.js';

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

/** `n` messages a minute apart; every 100th says "needle", the rest "hay". */
function minutes(n: number, chatKey: string): ChatBundle {
  const messages: MessageRecord[] = Array.from({ length: n }, (_, i) =>
    message(`${chatKey}-${i}`, {
      sentAt: T0 + i * 60_000,
      text: i % 100 === 0 ? `needle ${i}` : `hay ${i}`,
    }),
  );
  return groupBundle(messages, { key: chatKey, title: chatKey });
}

function indexNames(): string[] {
  const db = new Database(store.dbPath, { readonly: true });
  try {
    return db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
      )
      .all()
      .map((r) => r.name);
  } finally {
    db.close();
  }
}

function ftsRows(): number {
  const db = new Database(store.dbPath, { readonly: true });
  try {
    return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM messages_fts').get()!.n;
  } finally {
    db.close();
  }
}

describe('an ingest session into an empty store (a restore)', () => {
  it('commits readable chats, then builds the search index newest first in steps', () => {
    const before = indexNames();
    const session = store.openIngestSession({ deferSearchIndex: true });
    session.add(minutes(20_000, 'a'));
    session.add(minutes(20_000, 'b'));
    const result = session.commit();
    expect(result.messagesAdded).toBe(40_000);
    // Every index is back, so reading a chat by time does not scan the table.
    expect(indexNames()).toEqual(before);
    const chat = store.listChats()[0]!;
    expect(store.getMessages(chat.id, { limit: 5 }).messages).toHaveLength(5);

    // Nothing is indexed yet, and search says so.
    expect(ftsRows()).toBe(0);
    expect(store.searchIndexState()).toEqual({ done: 0, total: 40_000 });
    const page = store.searchPage('needle');
    expect(page.hits).toHaveLength(0);
    expect(page.indexing).toEqual({ done: 0, total: 40_000 });

    // One step: the newest 25,000 messages are searchable; the oldest are not yet.
    const more = store.indexSearchBacklog(0);
    expect(more).toBe(true);
    const partial = store.searchPage('needle', { limit: 500 });
    expect(partial.indexing).toEqual({ done: 25_000, total: 40_000 });
    const times = partial.hits.map((h) => h.sentAt);
    expect(Math.min(...times)).toBeGreaterThan(T0 + 6_000 * 60_000);
    expect(partial.hits.length).toBe(250);

    expect(store.indexSearchBacklog()).toBe(false);
    expect(store.searchIndexState()).toBeNull();
    const full = store.searchPage('needle', { limit: 500 });
    expect(full.indexing).toBeUndefined();
    expect(full.hits).toHaveLength(400);
    expect(ftsRows()).toBe(40_000);
  });

  it('a rollback leaves the store as it was, indexes included', () => {
    const before = indexNames();
    const session = store.openIngestSession({ deferSearchIndex: true });
    // A full window is written (and the indexes dropped for it) before the rollback.
    session.add(minutes(50_000, 'a'));
    session.add(minutes(10, 'b'));
    session.rollback();
    expect(indexNames()).toEqual(before);
    expect(store.listChats()).toHaveLength(0);
    expect(store.searchIndexState()).toBeNull();
  });

  it('a backlog survives closing the store, and is finished before the next import', () => {
    const session = store.openIngestSession({ deferSearchIndex: true });
    session.add(minutes(30_000, 'a'));
    session.commit();
    store.indexSearchBacklog(0); // one step, then the app is closed
    store.close();
    store = ChatStore.open(dir);
    expect(store.searchIndexState()).toEqual({ done: 25_000, total: 30_000 });

    // An import finishes the backlog first, so no message is indexed twice or left out.
    store.ingest([minutes(10, 'late')]);
    expect(store.searchIndexState()).toBeNull();
    expect(ftsRows()).toBe(30_010);
    expect(store.searchPage('needle', { limit: 500 }).hits).toHaveLength(301);
  });

  it('into a store that has messages, indexes as it writes (no backlog)', () => {
    store.ingest([groupBundle([message('x', { text: 'needle first' })])]);
    const session = store.openIngestSession({ deferSearchIndex: true });
    session.add(minutes(500, 'a'));
    session.commit();
    expect(store.searchIndexState()).toBeNull();
    expect(store.searchPage('needle').hits).toHaveLength(6);
  });
});

describe('a media batch (a restore writing many files)', () => {
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

  it('moves checked files to their names only at commit, and drops a file that does not match', async () => {
    const media = new MediaStore(path.join(dir, 'batch-media'));
    const good = Buffer.from('a photo');
    const bad = Buffer.from('not what the name says');
    const batch = media.batch();
    batch.start(sha(good));
    batch.write(good.subarray(0, 3));
    batch.write(good.subarray(3));
    expect(batch.end()).toBe(true);
    batch.start(sha(Buffer.from('something else')));
    batch.write(bad);
    expect(batch.end()).toBe(false);
    // Nothing is at its final name before the commit (a crash here leaves temporary files only).
    expect(media.has(sha(good))).toBe(false);
    await batch.commit();
    expect(media.has(sha(good))).toBe(true);
    expect(fs.readFileSync(media.pathFor(sha(good)))).toEqual(good);
    expect(media.has(sha(Buffer.from('something else')))).toBe(false);
    expect(fs.readdirSync(path.join(media.dir, 'tmp'))).toEqual([]);
  });

  it('discard removes every file not committed', () => {
    const media = new MediaStore(path.join(dir, 'batch-media'));
    const bytes = Buffer.from('voice note');
    const batch = media.batch();
    batch.start(sha(bytes));
    batch.write(bytes);
    batch.end();
    batch.start(sha(Buffer.from('half')));
    batch.write(Buffer.from('ha'));
    batch.discard();
    expect(media.has(sha(bytes))).toBe(false);
    expect(fs.readdirSync(path.join(media.dir, 'tmp'))).toEqual([]);
  });
});
