import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatStore } from './chat-store.js';
import { markMatches, parseQuery, toMatchExpression } from './fts-text.js';
import { registerFunctions } from './schema.js';
import { DAY, T0, groupBundle, message, tempDir } from './testing/fixtures.js';

const TEXTS: Record<string, string> = {
  es: 'Vamos al café de la esquina mañana',
  de: 'Größere Straßen führen über die Brücke',
  ru: 'Завтра идём в кино, ты с нами?',
  el: 'Καλημέρα, θέλεις να πάμε για καφέ;',
  ar: 'مرحبا، كيف حالك اليوم؟',
  zh: '我们明天去北京大学看看吧',
  ja: '今日は東京タワーに行きました',
  ko: '오늘 날씨가 정말 좋네요',
  decomposed: 'Un cafe\u0301 bien chaud',
  en: 'The meeting moved to Thursday afternoon',
};

let store: ChatStore;
let cleanup: () => void;
const ids: Record<string, number> = {};
let chatId = 0;

beforeAll(() => {
  let dir: string;
  ({ dir, cleanup } = tempDir());
  store = ChatStore.open(dir);
  const keys = Object.keys(TEXTS);
  const r = store.ingest([
    groupBundle(keys.map((k, i) => message(k, { text: TEXTS[k] ?? '', sentAt: T0 + i * DAY }))),
  ]);
  chatId = r.chatIds[0] ?? -1;
  for (const m of store.getMessages(chatId, { limit: 100 }).messages) {
    const key = keys.find((k) => TEXTS[k] === m.text);
    if (key) ids[key] = m.id;
  }
});
afterAll(() => {
  store.close();
  cleanup();
});

const hitKeys = (q: string): string[] =>
  store.search(q).map((h) => Object.keys(ids).find((k) => ids[k] === h.messageId) ?? '?');

describe('search', () => {
  it.each([
    ['cafe', ['decomposed', 'es']],
    ['CAFÉ', ['decomposed', 'es']],
    ['manana', ['es']],
    ['grossere', []],
    ['größere', ['de']],
    ['strassen', []],
    ['uber brucke', ['de']],
    ['кино', ['ru']],
    ['КИНО', ['ru']],
    ['καφε', ['el']],
    ['ΚΑΛΗΜΕΡΑ', ['el']],
    ['حالك', ['ar']],
    ['北京', ['zh']],
    ['北京大学', ['zh']],
    ['京北', []],
    ['東京', ['ja']],
    ['タワー', ['ja']],
    ['날씨가', ['ko']],
    ['thurs', ['en']],
    ['meeting thursday', ['en']],
    ['meeting friday', []],
  ])('%s finds %j', (q, expected) => {
    expect(hitKeys(q).sort()).toEqual([...expected].sort());
  });

  it('returns newest first with chat, sender and a marked snippet', () => {
    const hits = store.search('cafe');
    expect(hits.map((h) => h.sentAt)).toEqual([...hits.map((h) => h.sentAt)].sort((a, b) => b - a));
    const es = hits.find((h) => h.messageId === ids.es);
    expect(es).toMatchObject({ chatId, chatTitle: 'Friends', sender: { name: 'Ana García' } });
    const range = es?.ranges[0];
    expect(range && es?.snippet.slice(range.start, range.end)).toBe('café');
    const zh = store.search('北京')[0];
    const zr = zh?.ranges[0];
    expect(zr && zh?.snippet.slice(zr.start, zr.end)).toBe('北京');
  });

  it('never throws on hostile input', () => {
    for (const q of [
      '"',
      '*',
      'AND(',
      'NEAR(a b',
      ')',
      '"unterminated',
      'a OR',
      '^',
      '-',
      ':',
      "'; DROP TABLE messages; --",
      '{col}:x',
      '',
      '   ',
      '💥',
      'NOT',
    ]) {
      expect(() => store.search(q)).not.toThrow();
    }
    expect(store.search('AND')).toEqual([]);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (q) => {
        store.search(q);
      }),
      { numRuns: 300 },
    );
  });

  it('follows edits and deletes', () => {
    const { dir, cleanup: done } = tempDir();
    const s = ChatStore.open(dir);
    try {
      const c =
        s.ingest([groupBundle([message('e', { text: 'original wording' })])]).chatIds[0] ?? -1;
      expect(s.search('original')).toHaveLength(1);
      s.ingest([groupBundle([message('e', { text: 'revised wording', editedAt: T0 + 1 })])]);
      expect(s.search('original')).toHaveLength(0);
      expect(s.search('revised')).toHaveLength(1);
      expect(s.search('wording')).toHaveLength(1);
      const id = s.getMessages(c, { limit: 1 }).messages[0]?.id ?? -1;
      s.deleteMessage(id);
      expect(s.search('wording')).toHaveLength(0);
      s.ingest([groupBundle([message('f', { text: 'again wording' })])]);
      s.deleteChat(c);
      expect(s.search('wording')).toHaveLength(0);
    } finally {
      s.close();
      done();
    }
  });

  it('indexes rows written by other code after an ingest (bulk mode is off outside ingest)', () => {
    const { dir, cleanup: done } = tempDir();
    const s = ChatStore.open(dir);
    try {
      const c = s.ingest([groupBundle([message('a', { text: 'first' })])]).chatIds[0] ?? -1;
      const db = new Database(s.dbPath);
      registerFunctions(db);
      db.prepare(
        "INSERT INTO messages (sort_key, chat_id, key, sender_id, sent_at, kind, text) VALUES (?, ?, 'raw', NULL, ?, 'text', 'written directly')",
      ).run((T0 + 5) * 1024, c, T0 + 5);
      db.prepare("UPDATE messages SET text = 'first edited' WHERE key = 'a'").run();
      db.close();
      expect(s.search('directly')).toHaveLength(1);
      expect(s.search('edited')).toHaveLength(1);
      expect(s.listChats()[0]?.messageCount).toBe(2);
      expect(s.readSnapshot((r) => r.monthGroups())[0]?.messageCount).toBe(2);
    } finally {
      s.close();
      done();
    }
  });

  it('finds attachments by file name, through ingest and through triggers', () => {
    const { dir, cleanup: done } = tempDir();
    const s = ChatStore.open(dir);
    try {
      const pdf = { mediaType: 'document' as const, mime: 'application/pdf', size: 9, hash: null };
      const c =
        s.ingest([
          groupBundle([
            message('doc', {
              text: null,
              kind: 'media',
              attachments: [{ ...pdf, fileName: 'Boarding pass LH123.pdf' }],
            }),
            message('cap', {
              sentAt: T0 + 1,
              text: 'the tickets',
              kind: 'media',
              attachments: [{ ...pdf, fileName: 'Rechnung März.pdf' }],
            }),
            message('late', {
              sentAt: T0 + 2,
              text: 'photo later',
              kind: 'media',
              attachments: [{ ...pdf, fileName: null }],
            }),
          ]),
        ]).chatIds[0] ?? -1;
      const hit = s.search('boarding')[0];
      expect(hit?.snippet).toBe('Boarding pass LH123.pdf');
      expect(hit && hit.snippet.slice(hit.ranges[0]?.start, hit.ranges[0]?.end)).toBe('Boarding');
      expect(s.search('rechnung marz').map((h) => h.snippet)).toEqual(['Rechnung März.pdf']);
      expect(s.search('tickets').map((h) => h.snippet)).toEqual(['the tickets']);

      // A newer export names the attachment: found by name, text still found.
      s.ingest([
        groupBundle([
          message('late', {
            sentAt: T0 + 2,
            text: 'photo later',
            kind: 'media',
            attachments: [{ ...pdf, fileName: 'Sunset.jpg' }],
          }),
        ]),
      ]);
      expect(s.search('sunset')).toHaveLength(1);
      expect(s.search('later')).toHaveLength(1);

      // Other writers go through the triggers.
      const db = new Database(s.dbPath);
      registerFunctions(db);
      const id = s.search('tickets')[0]?.messageId;
      db.prepare(
        "INSERT INTO attachments (message_id, ordinal, media_type, mime, size, file_name) VALUES (?, 1, 'document', 'text/plain', 1, 'itinerary.txt')",
      ).run(id);
      db.prepare("UPDATE messages SET text = 'the train tickets' WHERE id = ?").run(id);
      db.close();
      expect(s.search('itinerary')).toHaveLength(1);
      expect(s.search('train tickets')).toHaveLength(1);
      expect(s.search('rechnung')).toHaveLength(1);
      s.deleteChat(c);
      expect(s.search('boarding')).toHaveLength(0);
      expect(s.search('itinerary')).toHaveLength(0);
    } finally {
      s.close();
      done();
    }
  });

  it('can be limited to one chat', () => {
    expect(store.search('cafe', { chatId }).length).toBe(2);
    expect(store.search('cafe', { chatId: chatId + 1000 })).toEqual([]);
    expect(store.search('cafe', { limit: 1 })).toHaveLength(1);
  });
});

describe('query parsing and marking', () => {
  it('quotes every chunk and prefixes only the last long word', () => {
    expect(toMatchExpression(parseQuery('hello AND( wor"ldx'))).toBe('"hello" "and" "wor ldx"*');
    expect(toMatchExpression(parseQuery('wor"ld'))).toBe('"wor ld"');
    expect(toMatchExpression(parseQuery('ab'))).toBe('"ab"');
    expect(toMatchExpression(parseQuery('咖啡'))).toBe('"咖 啡"');
    expect(toMatchExpression(parseQuery('" * ('))).toBeNull();
  });

  it('cuts long texts around the first match and shifts the ranges', () => {
    const long = `${'lorem ipsum '.repeat(30)}needle ${'dolor sit '.repeat(30)}`;
    const { snippet, ranges } = markMatches(long, parseQuery('needle'));
    expect(snippet.length).toBeLessThanOrEqual(162);
    expect(snippet.startsWith('…') && snippet.endsWith('…')).toBe(true);
    const r = ranges[0];
    expect(r && snippet.slice(r.start, r.end)).toBe('needle');
  });
});
