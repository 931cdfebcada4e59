import Database from 'better-sqlite3';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore } from './chat-store.js';
import type { AttachmentRecord, ChatBundle, MessageRecord } from './records.js';
import { CHAT_MATCHES_CAP, CHAT_SCAN_LIMIT, COUNT_CAP } from './search.js';
import {
  DAY,
  T0,
  days,
  groupBundle,
  message,
  opusBytes,
  tempDir,
  wavBytes,
} from './testing/fixtures.js';

/**
 * What the conversation view reads beyond plain pages: paged search with counts, in-chat
 * matches, jump to a date, the media gallery and its lightbox steps, the info panel's counts,
 * the calendar's days, replies that say what they quote, and durations read from files.
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

const MINUTE = 60_000;

function direct(key: string, title: string, messages: MessageRecord[]): ChatBundle {
  return {
    source: { kind: 'seed', accountKey: 'test', label: 'Test source' },
    chat: { key, type: 'direct', title, members: ['ana'] },
    people: [{ key: 'ana', displayName: 'Ana García' }],
    messages,
  };
}

function chatId(title: string): number {
  const chat = store.listChats({ filter: title })[0];
  if (!chat) throw new Error(`no chat ${title}`);
  return chat.id;
}

function photo(name: string, hash: string | null = null): AttachmentRecord {
  return { mediaType: 'photo', mime: 'image/jpeg', size: 1000, hash, fileName: name };
}

describe('search pages and counts', () => {
  beforeEach(() => {
    // 150 "dinner" messages across two chats, one a minute, plus unrelated ones.
    const group = Array.from({ length: 100 }, (_, i) =>
      message(`g${i}`, { sentAt: T0 + i * 2 * MINUTE, text: `dinner plan number ${i}` }),
    );
    const one = Array.from({ length: 50 }, (_, i) =>
      message(`d${i}`, { sentAt: T0 + (i * 2 + 1) * MINUTE, text: `Dinner at eight? (${i})` }),
    );
    store.ingest([
      groupBundle([...group, message('x', { sentAt: T0 - DAY, text: 'lunch instead' })]),
      direct('ana', 'Ana García', one),
    ]);
  });

  it('pages through every match newest first, without repeats, to the end', () => {
    const seen: number[] = [];
    const times: number[] = [];
    let before: number | undefined;
    let pages = 0;
    do {
      const page = store.searchPage('dinner', { limit: 40, before });
      seen.push(...page.hits.map((h) => h.messageId));
      times.push(...page.hits.map((h) => h.sentAt));
      before = page.next ?? undefined;
      pages++;
    } while (before !== undefined && pages < 10);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(150);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('says which kind of chat each hit is in', () => {
    const hits = store.searchPage('dinner', { limit: 200 }).hits;
    expect(new Set(hits.map((h) => h.chatType))).toEqual(new Set(['group', 'direct']));
    expect(hits.every((h) => Number.isSafeInteger(h.position))).toBe(true);
  });

  it('counts matches, in the store and in one chat', () => {
    expect(store.countMatches('dinner')).toEqual({ count: 150, capped: false });
    expect(store.countMatches('dinner', chatId('Ana'))).toEqual({ count: 50, capped: false });
    expect(store.countMatches('nothing-like-this')).toEqual({ count: 0, capped: false });
    expect(store.countMatches('   ')).toEqual({ count: 0, capped: false });
  });

  it('lists every match inside one chat, newest first, for stepping through them', () => {
    const { matches, capped } = store.chatMatches('dinner', chatId('Ana'));
    expect(capped).toBe(false);
    expect(matches).toHaveLength(50);
    expect(matches[0]?.sentAt).toBe(T0 + 99 * MINUTE);
    const ids = store.getMessages(chatId('Ana'), { limit: 100 }).messages.map((m) => m.id);
    expect(matches.every((m) => ids.includes(m.id))).toBe(true);
  });

  it('finds the same matches in a chat as the index, whether it scans the chat or the index', () => {
    const words = [
      'Café crème',
      'cafe',
      'CAFÉ au lait',
      'caffè',
      'a café? no',
      '咖啡 café',
      'other',
    ];
    const big = Array.from({ length: CHAT_SCAN_LIMIT + 200 }, (_, i) =>
      message(`b${i}`, { sentAt: T0 + 5 * DAY + i * 1000, text: words[i % words.length] ?? '' }),
    );
    big.push(
      message('file', {
        sentAt: T0 + 30 * DAY,
        kind: 'media',
        text: null,
        attachments: [photo('café-menu.jpg')],
      }),
    );
    const small = big.slice(0, 300).map((m) => ({ ...m, key: `s${m.key}` }));
    store.ingest([direct('big', 'Big', big), direct('small', 'Small', small)]);
    for (const title of ['Big', 'Small']) {
      for (const query of ['café', 'cafe crè', 'caf', '咖啡', 'au lait']) {
        const id = chatId(title);
        const viaIndex: number[] = [];
        let before: number | undefined;
        do {
          const page = store.searchPage(query, { chatId: id, limit: 1000, before });
          viaIndex.push(...page.hits.map((h) => h.messageId));
          before = page.next ?? undefined;
        } while (before !== undefined && viaIndex.length < 3000);
        const { matches } = store.chatMatches(query, id);
        expect(matches.map((m) => m.id).sort(), `${title}: ${query}`).toEqual(
          viaIndex.slice(0, CHAT_MATCHES_CAP).sort(),
        );
      }
    }
  });

  it('stops counting at the cap for a word in everything', () => {
    const many = Array.from({ length: COUNT_CAP + 5 }, (_, i) =>
      message(`n${i}`, { sentAt: T0 + 10 * DAY + i, text: 'noodles' }),
    );
    store.ingest([direct('bulk', 'Bulk', many)]);
    expect(store.countMatches('noodles')).toEqual({ count: COUNT_CAP, capped: true });
  });
});

describe('jump to a date', () => {
  it('opens at the first message on or after the time, or at the newest after the end', () => {
    store.ingest([groupBundle(days(300))]);
    const id = chatId('Friends');
    const page = store.getMessages(id, { atTime: T0 + 100.5 * DAY, limit: 20 });
    const anchor = page.messages.find((m) => m.id === page.anchorId);
    expect(anchor?.sentAt).toBe(T0 + 101 * DAY);
    expect(page.messages.length).toBe(20);
    expect(page.hasOlder && page.hasNewer).toBe(true);

    const late = store.getMessages(id, { atTime: T0 + 1000 * DAY, limit: 20 });
    expect(late.messages.find((m) => m.id === late.anchorId)?.sentAt).toBe(T0 + 299 * DAY);
    const early = store.getMessages(id, { atTime: 0, limit: 20 });
    expect(early.messages.find((m) => m.id === early.anchorId)?.sentAt).toBe(T0);
  });

  it('answers an empty page for a chat without messages', () => {
    store.ingest([groupBundle([])]);
    expect(store.getMessages(chatId('Friends'), { atTime: T0, limit: 20 })).toMatchObject({
      messages: [],
      anchorId: null,
    });
  });

  it('counts messages per day span for the calendar', () => {
    const messages = [
      message('a', { sentAt: T0 }),
      message('b', { sentAt: T0 + 1000 }),
      message('c', { sentAt: T0 + 2 * DAY }),
    ];
    store.ingest([groupBundle(messages)]);
    const start = T0 - 12 * 3_600_000;
    const bounds = [0, 1, 2, 3].map((d) => start + d * DAY);
    expect(store.countMessagesBetween(chatId('Friends'), bounds)).toEqual([2, 0, 1]);
  });
});

describe('media gallery', () => {
  beforeEach(() => {
    const messages: MessageRecord[] = [];
    for (let i = 0; i < 30; i++) {
      // Every third message is an album of two photos; documents and voice notes between.
      const sentAt = T0 + i * MINUTE;
      if (i % 3 === 0) {
        messages.push(
          message(`p${i}`, {
            sentAt,
            kind: 'media',
            text: null,
            attachments: [photo(`a${i}.jpg`), photo(`b${i}.jpg`)],
          }),
        );
      } else if (i % 3 === 1) {
        messages.push(
          message(`f${i}`, {
            sentAt,
            kind: 'media',
            text: null,
            attachments: [
              {
                mediaType: 'document',
                mime: 'application/pdf',
                size: 5,
                hash: null,
                fileName: `f${i}.pdf`,
              },
            ],
          }),
        );
      } else {
        messages.push(
          message(`t${i}`, {
            sentAt,
            text: i % 2 ? `see https://example.com/${i} and www.example.org/${i}` : 'no link www',
          }),
        );
      }
    }
    messages.push(
      message('sticker', {
        sentAt: T0 + 40 * MINUTE,
        kind: 'media',
        text: null,
        attachments: [
          { mediaType: 'sticker', mime: 'image/webp', size: 9, hash: null, fileName: null },
        ],
      }),
    );
    store.ingest([groupBundle(messages)]);
  });

  it('pages photos newest first across albums, in both directions from any item', () => {
    const id = chatId('Friends');
    const first = store.galleryPage(id, 'visual', { limit: 7 });
    expect(first.more).toBe(true);
    expect(first.items.map((i) => i.attachment?.fileName)).toEqual([
      'b27.jpg',
      'a27.jpg',
      'b24.jpg',
      'a24.jpg',
      'b21.jpg',
      'a21.jpg',
      'b18.jpg',
    ]);
    const next = store.galleryPage(id, 'visual', { limit: 7, before: first.items[6]!.cursor });
    expect(next.items[0]?.attachment?.fileName).toBe('a18.jpg');
    const all = [...first.items, ...next.items];
    const rest = store.galleryPage(id, 'visual', {
      limit: 100,
      before: all[all.length - 1]!.cursor,
    });
    expect(rest.more).toBe(false);
    expect(all.length + rest.items.length).toBe(20);
    // The lightbox steps forward from the middle: newer items, newest first.
    const newer = store.galleryPage(id, 'visual', { limit: 3, after: next.items[0]!.cursor });
    expect(newer.items.map((i) => i.attachment?.fileName)).toEqual([
      'b21.jpg',
      'a21.jpg',
      'b18.jpg',
    ]);
    expect(newer.more).toBe(true);
  });

  it('keeps documents, voice and stickers apart', () => {
    const id = chatId('Friends');
    expect(store.galleryPage(id, 'documents', { limit: 100 }).items).toHaveLength(10);
    expect(store.galleryPage(id, 'audio', { limit: 100 }).items).toHaveLength(0);
    const visual = store.galleryPage(id, 'visual', { limit: 100 }).items;
    expect(visual.some((i) => i.attachment?.mediaType === 'sticker')).toBe(false);
  });

  it('lists each link of each message, newest first, paged inside a message too', () => {
    const id = chatId('Friends');
    const all = store.galleryPage(id, 'links', { limit: 100 });
    expect(all.more).toBe(false);
    // Messages 5, 11, 17, 23, 29 have two links each; "no link www" has none.
    expect(all.items).toHaveLength(10);
    expect(all.items[0]?.link?.url).toBe('http://www.example.org/29');
    expect(all.items[1]?.link?.url).toBe('https://example.com/29');
    const page = store.galleryPage(id, 'links', { limit: 3 });
    expect(page.more).toBe(true);
    const after = store.galleryPage(id, 'links', { limit: 3, before: page.items[2]!.cursor });
    expect([...page.items, ...after.items].map((i) => i.link?.url)).toEqual(
      all.items.slice(0, 6).map((i) => i.link?.url),
    );
  });

  it('counts a chat media by type for the info panel', () => {
    const summary = store.chatMediaSummary(chatId('Friends'));
    expect(summary.media.photo).toEqual({ count: 20, bytes: 20_000, included: 0 });
    expect(summary.media.document.count).toBe(10);
    expect(summary.media.sticker.count).toBe(1);
    expect(summary.bytes).toBe(20_000 + 50 + 9);
  });

  it('finds an attachment by id, with its message and chat', () => {
    const item = store.galleryPage(chatId('Friends'), 'documents', { limit: 1 }).items[0]!;
    const ref = store.getAttachment(item.attachment!.id);
    expect(ref).toMatchObject({
      messageId: item.messageId,
      chatId: chatId('Friends'),
      fileName: 'f28.pdf',
    });
    expect(store.getAttachment(999_999)).toBeNull();
  });
});

describe('replies say what they quote', () => {
  it('carries the quoted kind, first attachment and extras', () => {
    store.ingest([
      groupBundle([
        message('pic', {
          kind: 'media',
          text: null,
          attachments: [photo('beach.jpg')],
        }),
        message('where', {
          sentAt: T0 + 1,
          kind: 'location',
          text: null,
          extra: { lat: 38.7, lon: -9.1, name: 'Lisbon' },
        }),
        message('r1', { sentAt: T0 + 2, replyToKey: 'pic', text: 'nice' }),
        message('r2', { sentAt: T0 + 3, replyToKey: 'where', text: 'on my way' }),
      ]),
    ]);
    const page = store.getMessages(chatId('Friends'), { limit: 10 });
    const [r1, r2] = page.messages.slice(2);
    expect(r1?.replyTo).toMatchObject({
      kind: 'media',
      excerpt: '',
      attachment: { mediaType: 'photo', fileName: 'beach.jpg' },
    });
    expect(r2?.replyTo).toMatchObject({
      kind: 'location',
      extra: { name: 'Lisbon' },
      attachment: null,
    });
  });
});

describe('chat list position', () => {
  it('says where a chat stands, with and without a filter', () => {
    store.ingest([
      direct('a', 'Alpha', [message('1', { sentAt: T0 + 3 * DAY })]),
      direct('b', 'Beta', [message('1', { sentAt: T0 + 2 * DAY })]),
      direct('c', 'Gamma', [message('1', { sentAt: T0 + 1 * DAY })]),
      direct('d', 'Empty', []),
    ]);
    const order = store.listChats().map((c) => c.title);
    expect(order).toEqual(['Alpha', 'Beta', 'Gamma', 'Empty']);
    for (const [i, title] of order.entries()) expect(store.chatIndex(chatId(title))).toBe(i);
    expect(store.chatIndex(chatId('Gamma'), 'a')).toBe(2);
    expect(store.chatIndex(chatId('Gamma'), 'gam')).toBe(0);
    expect(store.chatIndex(chatId('Gamma'), 'zzz')).toBeNull();
    expect(store.chatIndex(424242)).toBeNull();
  });
});

describe('voice note durations', () => {
  function voice(key: string, bytes: Buffer, durationMs: number | null = null): MessageRecord {
    const { hash, size } = store.media.putBytes(bytes);
    return message(key, {
      kind: 'media',
      text: null,
      attachments: [
        { mediaType: 'voice', mime: 'audio/ogg', size, hash, fileName: `${key}.opus`, durationMs },
      ],
    });
  }

  function probedRows(): number {
    const db = new Database(store.dbPath, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM media_facts').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  it('reads a duration the source did not give from the file, once, and keeps it', async () => {
    const opus = opusBytes(12_340);
    store.ingest([
      groupBundle([
        voice('v1', opus),
        { ...voice('v2', wavBytes(3_500)), sentAt: T0 + 1 },
        { ...voice('v3', opus), sentAt: T0 + 2 },
        { ...voice('given', wavBytes(1_000), 7_000), sentAt: T0 + 3 },
      ]),
    ]);
    const id = chatId('Friends');
    expect(store.getMessages(id, { limit: 10 }).messages[0]?.attachments[0]?.durationMs).toBeNull();

    const page = await store.readMessages(id, { limit: 10 });
    expect(page.messages.map((m) => m.attachments[0]?.durationMs)).toEqual([
      12_340, 3_500, 12_340, 7_000,
    ]);
    // Same bytes twice: read once. A source-given duration is never read.
    expect(probedRows()).toBe(2);

    // Kept: the plain read now has it, even with the file gone.
    const hash = page.messages[0]!.attachments[0]!.hash!;
    fs.rmSync(store.media.pathFor(hash));
    expect(store.getMessages(id, { limit: 10 }).messages[0]?.attachments[0]?.durationMs).toBe(
      12_340,
    );
    const gallery = await store.readGallery(id, 'audio', { limit: 10 });
    expect(gallery.items.map((i) => i.attachment?.durationMs)).toEqual([
      7_000, 12_340, 3_500, 12_340,
    ]);
  });

  it('remembers a file without a duration and does not read it again', async () => {
    store.ingest([groupBundle([voice('bad', Buffer.from('this is not audio'))])]);
    const id = chatId('Friends');
    const page = await store.readMessages(id, { limit: 10 });
    expect(page.messages[0]?.attachments[0]?.durationMs).toBeNull();
    expect(probedRows()).toBe(1);
    // Replace the bytes with real audio: the first answer stands (files never change by hash).
    fs.writeFileSync(store.media.pathFor(page.messages[0]!.attachments[0]!.hash!), wavBytes(2000));
    const again = await store.readMessages(id, { limit: 10 });
    expect(again.messages[0]?.attachments[0]?.durationMs).toBeNull();
  });

  it('leaves media without bytes alone', async () => {
    store.ingest([
      groupBundle([
        message('missing', {
          kind: 'media',
          text: null,
          attachments: [
            { mediaType: 'voice', mime: 'audio/ogg', size: 10, hash: null, fileName: null },
          ],
        }),
      ]),
    ]);
    const page = await store.readMessages(chatId('Friends'), { limit: 10 });
    expect(page.messages[0]?.attachments[0]?.durationMs).toBeNull();
    expect(probedRows()).toBe(0);
  });
});
