import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore } from './chat-store.js';
import { DROP_TRIGGERS_FROM } from './ingest.js';
import { BULK_INSERT_TRIGGERS, registerFunctions } from './schema.js';
import {
  IngestCancelledError,
  InvalidRecordError,
  MessageNotFoundError,
  StoreBusyError,
  StoreClosedError,
  StoreCorruptError,
  StoreReadOnlyError,
} from './errors.js';
import type { ChatBundle } from './records.js';
import { DAY, T0, days, groupBundle, message, tempDir } from './testing/fixtures.js';

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

/** Row counts of every table: "nothing changed" means these are equal. */
function tableCounts(): Record<string, number> {
  const db = new Database(store.dbPath, { readonly: true });
  try {
    const out: Record<string, number> = {};
    for (const t of [
      'sources',
      'people',
      'chats',
      'chat_members',
      'messages',
      'reactions',
      'attachments',
    ]) {
      out[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    }
    return out;
  } finally {
    db.close();
  }
}

describe('ChatStore.open', () => {
  it('creates the store layout and keeps one storeId across opens', () => {
    expect(fs.existsSync(path.join(dir, 'chatkeep.db'))).toBe(true);
    expect(store.storeId).toMatch(/^[0-9a-f-]{36}$/);
    const id = store.storeId;
    store.close();
    store = ChatStore.open(dir);
    expect(store.storeId).toBe(id);
    expect(store.media.dir).toBe(path.join(dir, 'media'));
  });

  it('does not create a store when create is false', () => {
    const other = tempDir();
    try {
      expect(() => ChatStore.open(other.dir, { create: false })).toThrow(
        expect.objectContaining({ code: 'STORE_NOT_FOUND' }),
      );
      expect(fs.existsSync(path.join(other.dir, 'chatkeep.db'))).toBe(false);
    } finally {
      other.cleanup();
    }
  });

  it('refuses calls after close with a typed error', () => {
    store.close();
    expect(() => store.listChats()).toThrow(StoreClosedError);
    store = ChatStore.open(dir);
  });

  it('opens read-only for reading while a writer is open', () => {
    store.ingest([groupBundle(days(3))]);
    const reader = ChatStore.open(dir, { readonly: true });
    try {
      expect(reader.storeId).toBe(store.storeId);
      expect(reader.countChats()).toBe(1);
      expect(() => reader.ingest([groupBundle(days(4))])).toThrow(StoreReadOnlyError);
    } finally {
      reader.close();
    }
  });
});

describe('SQLite failures as typed errors', () => {
  it('StoreBusyError when another writer holds the lock too long', () => {
    store.close();
    store = ChatStore.open(dir, { busyTimeoutMs: 50 });
    const other = new Database(store.dbPath);
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(() => store.ingest([groupBundle(days(2))])).toThrow(StoreBusyError);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(store.ingest([groupBundle(days(2))]).messagesAdded).toBe(2);
  });

  it('StoreCorruptError when the search index is damaged', () => {
    store.ingest([groupBundle(days(3000))]);
    store.close();
    // Scribble over the pages of the FTS index's data table, in the file itself.
    const db = new Database(path.join(dir, 'chatkeep.db'));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db
      .prepare("SELECT pageno FROM dbstat WHERE name = 'messages_fts_data' AND pagetype = 'leaf'")
      .all() as Array<{ pageno: number }>;
    db.close();
    expect(pages.length).toBeGreaterThan(0);
    const fd = fs.openSync(path.join(dir, 'chatkeep.db'), 'r+');
    for (const { pageno } of pages) {
      fs.writeSync(
        fd,
        Buffer.alloc(pageSize - 200, 0xa5),
        0,
        pageSize - 200,
        (pageno - 1) * pageSize + 100,
      );
    }
    fs.closeSync(fd);
    store = ChatStore.open(dir);
    expect(() => store.search('message')).toThrow(StoreCorruptError);
  });
});

describe('ingest', () => {
  it('stores the model: source, chat, members, people, messages, reactions, attachments', () => {
    const result = store.ingest([
      groupBundle([
        message('a', {
          text: 'hola',
          reactions: [
            { senderKey: 'boris', emoji: '❤️' },
            { senderKey: null, emoji: '❤️' },
            { senderKey: null, emoji: '😂' },
          ],
        }),
        message('b', {
          senderKey: null,
          sentAt: T0 + 1000,
          kind: 'media',
          text: null,
          replyToKey: 'a',
          attachments: [
            {
              mediaType: 'photo',
              mime: 'image/png',
              size: 1234,
              hash: 'a'.repeat(64),
              fileName: 'IMG_1.png',
              width: 640,
              height: 480,
            },
          ],
        }),
        message('c', {
          senderKey: null,
          sentAt: T0 + 2000,
          kind: 'location',
          text: null,
          extra: { lat: 40.4, lon: -3.7, name: 'Madrid' },
        }),
      ]),
    ]);
    expect(result).toEqual({
      chats: 1,
      messagesAdded: 3,
      messagesUpdated: 0,
      messagesSkipped: 0,
      chatIds: [expect.any(Number)],
    });
    const chatId = result.chatIds[0] ?? -1;
    const detail = store.getChat(chatId);
    expect(detail).toMatchObject({
      title: 'Friends',
      type: 'group',
      sourceKind: 'seed',
      sourceLabel: 'Test source',
      messageCount: 3,
      firstSentAt: T0,
      lastSentAt: T0 + 2000,
    });
    expect(detail?.members.map((m) => m.name)).toEqual(['Ana García', 'Борис']);
    expect(detail?.members[1]?.phone).toBe('+7 900 000 00 00');

    const page = store.getMessages(chatId, { limit: 10 });
    expect(page.messages.map((m) => m.text)).toEqual(['hola', null, null]);
    const [a, b, c] = page.messages;
    expect(a?.sender?.name).toBe('Ana García');
    expect(a?.reactions).toEqual([
      { emoji: '❤️', count: 2, mine: true },
      { emoji: '😂', count: 1, mine: true },
    ]);
    expect(b?.sender).toBeNull();
    expect(b?.replyTo).toEqual({
      id: a?.id,
      senderName: 'Ana García',
      kind: 'text',
      attachment: null,
      extra: null,
      excerpt: 'hola',
    });
    expect(b?.attachments).toEqual([
      {
        id: expect.any(Number),
        mediaType: 'photo',
        mime: 'image/png',
        size: 1234,
        hash: 'a'.repeat(64),
        fileName: 'IMG_1.png',
        width: 640,
        height: 480,
        durationMs: null,
      },
    ]);
    expect(c?.extra).toEqual({ lat: 40.4, lon: -3.7, name: 'Madrid' });
    expect(JSON.parse(JSON.stringify(page))).toEqual(page);
  });

  it('ingesting the same bundle twice adds nothing', () => {
    const bundle = groupBundle(days(20));
    bundle.messages[3]?.reactions.push({ senderKey: 'ana', emoji: '👍' });
    bundle.messages[4]?.attachments.push({
      mediaType: 'voice',
      mime: 'audio/ogg',
      size: 99,
      hash: null,
      fileName: null,
    });
    store.ingest([bundle]);
    const before = tableCounts();
    const revBefore = store.readSnapshot((r) => r.rev());
    const again = store.ingest([structuredClone(bundle)]);
    expect(again).toMatchObject({ messagesAdded: 0, messagesUpdated: 0, messagesSkipped: 20 });
    expect(tableCounts()).toEqual(before);
    expect(store.readSnapshot((r) => r.rev())).toBe(revBefore);
  });

  it('a newer export of a chat adds only the new messages', () => {
    store.ingest([groupBundle(days(10))]);
    const newer = groupBundle(days(15));
    const result = store.ingest([newer]);
    expect(result).toMatchObject({ messagesAdded: 5, messagesUpdated: 0, messagesSkipped: 10 });
    expect(store.stats().messages).toBe(15);
    expect(store.listChats()[0]?.messageCount).toBe(15);
  });

  it('updates an edited message in place and keeps what a later export lacks', () => {
    const first = groupBundle([
      message('x', { text: 'see you at 5' }),
      message('y', { sentAt: T0 + 1 }),
    ]);
    const chatId = store.ingest([first]).chatIds[0] ?? -1;
    const id = store.getMessages(chatId, { limit: 5 }).messages[0]?.id;

    const edited = groupBundle([
      message('x', {
        text: 'see you at 6',
        editedAt: T0 + 60_000,
        reactions: [{ senderKey: 'boris', emoji: '👌' }],
      }),
      message('y', { sentAt: T0 + 1, text: null, kind: 'deleted' }),
    ]);
    expect(store.ingest([edited])).toMatchObject({ messagesAdded: 0, messagesUpdated: 2 });
    const [x, y] = store.getMessages(chatId, { limit: 5 }).messages;
    expect(x).toMatchObject({ id, text: 'see you at 6', editedAt: T0 + 60_000 });
    expect(x?.reactions).toEqual([{ emoji: '👌', count: 1, mine: false }]);
    // "Deleted for everyone" in the newer export: the kind follows, the text we had is kept.
    expect(y).toMatchObject({ kind: 'deleted', text: 'message y' });

    // An export without reactions does not remove them.
    expect(
      store.ingest([groupBundle([message('x', { text: 'see you at 6', editedAt: T0 + 60_000 })])]),
    ).toMatchObject({
      messagesUpdated: 0,
      messagesSkipped: 1,
    });
    expect(store.getMessages(chatId, { limit: 5 }).messages[0]?.reactions).toHaveLength(1);
  });

  it('fills in media bytes from a later export that includes them, and never drops a hash', () => {
    const noMedia = groupBundle([
      message('p', {
        kind: 'media',
        text: null,
        attachments: [
          { mediaType: 'photo', mime: 'image/jpeg', size: 0, hash: null, fileName: null },
        ],
      }),
    ]);
    const chatId = store.ingest([noMedia]).chatIds[0] ?? -1;
    const withMedia = structuredClone(noMedia);
    const att = withMedia.messages[0]?.attachments[0];
    if (!att) throw new Error('fixture');
    Object.assign(att, { size: 5000, hash: 'b'.repeat(64), fileName: 'IMG.jpg' });
    expect(store.ingest([withMedia]).messagesUpdated).toBe(1);
    expect(store.ingest([noMedia]).messagesUpdated).toBe(0);
    expect(store.getMessages(chatId, { limit: 1 }).messages[0]?.attachments[0]).toMatchObject({
      hash: 'b'.repeat(64),
      size: 5000,
      fileName: 'IMG.jpg',
    });
  });

  it('keeps replies whose quoted message arrives in a later import', () => {
    const chatId =
      store.ingest([groupBundle([message('late', { sentAt: T0 + DAY * 40, replyToKey: 'early' })])])
        .chatIds[0] ?? -1;
    let view = store.getMessages(chatId, { limit: 5 }).messages[0];
    expect(view?.replyTo).toBeNull();
    expect(view?.replyToKey).toBe('early');
    store.ingest([groupBundle([message('early', { text: 'the original' })])]);
    view = store.getMessages(chatId, { limit: 5 }).messages[1];
    expect(view?.replyTo?.excerpt).toBe('the original');
    expect(view?.replyToKey).toBeNull();
  });

  it('rolls everything back on a bad record and names the field', () => {
    store.ingest([groupBundle(days(2))]);
    const before = tableCounts();
    const good = groupBundle(days(5), { key: 'other' });
    const bad = groupBundle([message('z', { sentAt: -5 })], { key: 'third' });
    let error: unknown;
    try {
      store.ingest([good, bad]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect(error).toMatchObject({ code: 'INVALID_RECORD', path: 'bundle[1].messages[0].sentAt' });
    expect(tableCounts()).toEqual(before);
  });

  it.each<[string, (b: ChatBundle) => void, string]>([
    [
      'unknown sender',
      (b) => ((b.messages[0] as { senderKey: string }).senderKey = 'ghost'),
      'bundle[0].messages[0].senderKey',
    ],
    [
      'unknown kind',
      (b) => ((b.messages[0] as { kind: string }).kind = 'sticker'),
      'bundle[0].messages[0].kind',
    ],
    [
      'uppercase hash',
      (b) =>
        b.messages[0]?.attachments.push({
          mediaType: 'photo',
          mime: 'x',
          size: 1,
          hash: 'A'.repeat(64),
          fileName: null,
        }),
      'bundle[0].messages[0].attachments[0].hash',
    ],
    [
      'empty key',
      (b) => ((b.messages[0] as { key: string }).key = ''),
      'bundle[0].messages[0].key',
    ],
    ['unknown member', (b) => b.chat.members.push('nobody'), 'bundle[0].chat.members[2]'],
    [
      'fractional time',
      (b) => ((b.messages[0] as { sentAt: number }).sentAt = 1.5),
      'bundle[0].messages[0].sentAt',
    ],
  ])('rejects %s with InvalidRecordError', (_name, spoil, where) => {
    const bundle = groupBundle(days(1));
    spoil(bundle);
    expect(() => store.ingest([bundle])).toThrow(
      expect.objectContaining({ code: 'INVALID_RECORD', path: where }),
    );
    expect(store.countChats()).toBe(0);
  });

  it('cancels: nothing written, IngestCancelledError', () => {
    const bundles = Array.from({ length: 5 }, (_, i) =>
      groupBundle(days(900, `c${i}-`), { key: `chat${i}` }),
    );
    let polls = 0;
    const progress: number[] = [];
    expect(() =>
      store.ingest(bundles, {
        shouldCancel: () => ++polls > 3,
        onProgress: (p) => progress.push(p.messages),
      }),
    ).toThrow(IngestCancelledError);
    expect(progress.length).toBeGreaterThan(0);
    expect(tableCounts()).toMatchObject({ chats: 0, messages: 0, people: 0, sources: 0 });
  });

  describe('large imports', () => {
    const triggers = (): unknown[] => {
      const db = new Database(store.dbPath, { readonly: true });
      try {
        return db
          .prepare(
            "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name",
          )
          .all();
      } finally {
        db.close();
      }
    };

    it('take the insert triggers out only for their own transaction', () => {
      const before = triggers();
      expect(before.length).toBeGreaterThan(10);
      const r = store.ingest([groupBundle(days(DROP_TRIGGERS_FROM + 10))]);
      expect(r.messagesAdded).toBe(DROP_TRIGGERS_FROM + 10);
      expect(triggers()).toEqual(before);
      // The triggers work again for the next writer.
      const db = new Database(store.dbPath);
      registerFunctions(db);
      db.prepare(
        "INSERT INTO messages (sort_key, chat_id, key, sender_id, sent_at, kind, text) VALUES (?, ?, 'raw', NULL, ?, 'text', 'zebra crossing')",
      ).run(T0 * 1024 + 7, r.chatIds[0], T0);
      db.close();
      expect(store.search('zebra')).toHaveLength(1);
      expect(store.listChats()[0]?.messageCount).toBe(DROP_TRIGGERS_FROM + 11);
    });

    it('leave the triggers in place when they fail or are cancelled', () => {
      const before = triggers();
      const bad = groupBundle(days(DROP_TRIGGERS_FROM + 10));
      bad.messages.at(-1)?.reactions.push({ senderKey: 'stranger', emoji: '👍' });
      expect(() => store.ingest([bad])).toThrow(InvalidRecordError);
      let polls = 0;
      expect(() =>
        store.ingest([groupBundle(days(DROP_TRIGGERS_FROM + 10))], {
          shouldCancel: () => ++polls > 3,
        }),
      ).toThrow(IngestCancelledError);
      expect(triggers()).toEqual(before);
      expect(store.stats().messages).toBe(0);
    });

    it('name every trigger that stands down in bulk mode on insert', () => {
      const db = new Database(store.dbPath, { readonly: true });
      const bulkInsert = (
        db
          .prepare(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql LIKE '%bulk_mode%'",
          )
          .all() as Array<{ name: string; sql: string }>
      )
        .filter((t) => /AFTER INSERT/i.test(t.sql))
        .map((t) => t.name)
        .sort();
      db.close();
      expect(bulkInsert).toEqual([...BULK_INSERT_TRIGGERS].sort());
    });
  });

  it('reports progress and handles many messages at the same millisecond', () => {
    const same = Array.from({ length: 1500 }, (_, i) => message(`s${i}`, { sentAt: T0 }));
    const seen: Array<{ chats: number; messages: number }> = [];
    const r = store.ingest([groupBundle(same)], { onProgress: (p) => seen.push(p) });
    expect(r.messagesAdded).toBe(1500);
    expect(seen.at(-1)).toEqual({ chats: 1, messages: 1500 });
    const ids = store.getMessages(r.chatIds[0] ?? -1, { limit: 1000 }).messages.map((m) => m.id);
    expect(new Set(ids).size).toBe(1000);
  });
});

describe('reading for the UI', () => {
  let chatA: number;
  let chatB: number;
  beforeEach(() => {
    const r = store.ingest([
      groupBundle(days(120, 'a')),
      {
        ...groupBundle(
          [
            message('only', {
              sentAt: T0 + 500 * DAY,
              text: 'latest news\nsecond line',
              senderKey: 'ana',
            }),
          ],
          {
            key: 'dm',
            type: 'direct',
            title: 'Ana',
            members: ['ana'],
          },
        ),
      },
    ]);
    [chatA, chatB] = r.chatIds as [number, number];
  });

  it('lists chats newest activity first with a preview, filters and counts', () => {
    const chats = store.listChats();
    expect(chats.map((c) => c.id)).toEqual([chatB, chatA]);
    expect(chats[0]).toMatchObject({
      title: 'Ana',
      type: 'direct',
      messageCount: 1,
      lastMessage: { senderName: 'Ana García', preview: 'latest news second line', kind: 'text' },
    });
    expect(store.listChats({ filter: 'fri' }).map((c) => c.id)).toEqual([chatA]);
    expect(store.listChats({ filter: '%' })).toEqual([]);
    expect(store.listChats({ filter: 'FRIÉND' }).map((c) => c.id)).toEqual([chatA]);
    expect(store.countChats()).toBe(2);
    expect(store.countChats('ANA')).toBe(1);
    expect(store.listChats({ limit: 1, offset: 1 }).map((c) => c.id)).toEqual([chatA]);
  });

  it('filters chat titles ignoring case and accents in any script', () => {
    store.ingest([
      groupBundle([message('s', { sentAt: T0 })], { key: 'family', title: 'Семья Ёлкиных' }),
    ]);
    expect(store.listChats({ filter: 'семья' }).map((c) => c.title)).toEqual(['Семья Ёлкиных']);
    expect(store.countChats('ЕЛКИН')).toBe(1);
  });

  it('pages through a chat in both directions', () => {
    const newest = store.getMessages(chatA, { limit: 50 });
    expect(newest.messages).toHaveLength(50);
    expect(newest.hasOlder).toBe(true);
    expect(newest.hasNewer).toBe(false);
    expect(newest.messages.at(-1)?.text).toBe('message a119');
    const sentAts = newest.messages.map((m) => m.sentAt);
    expect([...sentAts].sort((x, y) => x - y)).toEqual(sentAts);

    const first = newest.messages[0];
    if (!first) throw new Error('empty page');
    const older = store.getMessages(chatA, {
      limit: 50,
      before: { sentAt: first.sentAt, id: first.id },
    });
    expect(older.messages.map((m) => m.text)).toEqual(
      Array.from({ length: 50 }, (_, i) => `message a${20 + i}`),
    );
    const oldest = store.getMessages(chatA, {
      limit: 50,
      before: { sentAt: older.messages[0]?.sentAt ?? 0, id: older.messages[0]?.id ?? 0 },
    });
    expect(oldest.messages).toHaveLength(20);
    expect(oldest.hasOlder).toBe(false);

    const last = oldest.messages.at(-1);
    if (!last) throw new Error('empty page');
    const forward = store.getMessages(chatA, {
      limit: 30,
      after: { sentAt: last.sentAt, id: last.id },
    });
    expect(forward.messages[0]?.text).toBe('message a20');
    expect(forward.hasNewer).toBe(true);
  });

  it('opens a page around a message (for jumping to a search hit)', () => {
    const target = store.search('a60')[0];
    if (!target) throw new Error('no hit');
    const page = store.getMessages(chatA, { limit: 11, around: target.messageId });
    expect(page.messages).toHaveLength(11);
    expect(page.messages[5]?.id).toBe(target.messageId);
    expect(page.hasOlder && page.hasNewer).toBe(true);
    expect(() => store.getMessages(chatB, { limit: 5, around: target.messageId })).toThrow(
      MessageNotFoundError,
    );
  });

  it('keeps counts and the chat list right after deletes', () => {
    const newest = store.getMessages(chatA, { limit: 1 }).messages[0];
    if (!newest) throw new Error('empty');
    expect(store.deleteMessage(newest.id)).toBe(true);
    expect(store.deleteMessage(newest.id)).toBe(false);
    const summary = store.listChats().find((c) => c.id === chatA);
    expect(summary?.messageCount).toBe(119);
    expect(summary?.lastMessage?.preview).toBe('message a118');
    expect(store.deleteChat(chatB)).toBe(true);
    expect(store.listChats().map((c) => c.id)).toEqual([chatA]);
    expect(store.stats().messages).toBe(119);
  });

  it('reports stats per media type, included and not', () => {
    store.ingest([
      groupBundle(
        [
          message('m1', {
            kind: 'media',
            attachments: [
              {
                mediaType: 'photo',
                mime: 'image/png',
                size: 100,
                hash: 'c'.repeat(64),
                fileName: null,
              },
              { mediaType: 'photo', mime: 'image/png', size: 300, hash: null, fileName: null },
            ],
          }),
          message('m2', {
            kind: 'media',
            attachments: [
              {
                mediaType: 'gif',
                mime: 'image/gif',
                size: 100,
                hash: 'c'.repeat(64),
                fileName: null,
              },
            ],
          }),
        ],
        { key: 'media-chat' },
      ),
    ]);
    const stats = store.stats();
    expect(stats).toMatchObject({
      chats: 3,
      messages: 123,
      people: 2,
      distinctMediaFiles: 1,
      distinctMediaBytes: 100,
    });
    expect(stats.media.photo).toEqual({
      attachments: 2,
      bytes: 400,
      included: 1,
      includedBytes: 100,
      notIncluded: 1,
    });
    expect(stats.media.video.attachments).toBe(0);
    // One file sent as a photo and as a GIF is one file, under the type a backup files it as.
    expect(stats.mediaByContent.gif).toEqual({ files: 1, bytes: 100 });
    expect(stats.mediaByContent.photo).toEqual({ files: 0, bytes: 0 });
    expect(stats.dbBytes).toBeGreaterThan(0);
  });
});
