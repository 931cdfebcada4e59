import type Database from 'better-sqlite3';
import type {
  ChatKind,
  ChatMatches,
  MessageKindName,
  SearchCount,
  SearchHit,
  SearchPage,
} from '../shared/chat-types.js';
import { markMatches, matchesAll, parseQuery, toMatchExpression } from './fts-text.js';
import { SORT_SLOTS_PER_MS } from './ingest.js';
import { clampLimit } from './queries.js';

export interface SearchOptions {
  limit?: number;
  chatId?: number;
  /** A hit's `position`: return only older hits (the next page). */
  before?: number;
}

/** How far counting goes: a common word's exact count would cost a walk over its whole index. */
export const COUNT_CAP = 10_000;
/** How many matches in one chat "n of m" steps through. */
export const CHAT_MATCHES_CAP = 1_000;
/**
 * Up to this many messages, in-chat search reads the chat's own messages and matches them in
 * JavaScript (about 6 µs a message); the index would walk every match of the word in the whole
 * store to find this chat's few (a common word: 150 ms at 1M messages). Larger chats have enough
 * matches of their own that walking the index, bounded to the chat's time span, is cheaper.
 */
export const CHAT_SCAN_LIMIT = 10_000;
/** Sort keys spill past their millisecond only when it holds over 1,024 messages: bound loosely. */
const SPAN_SLACK_MS = 60_000;

interface SearchRow {
  id: number;
  position: number;
  chat_id: number;
  chat_title: string;
  chat_type: ChatKind;
  sender_id: number | null;
  sender_name: string | null;
  sent_at: number;
  kind: MessageKindName;
  text: string | null;
  file_names: string | null;
}

// Above every sort key (sent_at * 1024 + n stays below 2^53 until the year 2248).
const NEWEST = Number.MAX_SAFE_INTEGER;

const HIT_COLUMNS = `m.id, f.rowid AS position, m.chat_id, c.title AS chat_title,
  c.type AS chat_type, m.sender_id, p.display_name AS sender_name, m.sent_at, m.kind, m.text,
  (SELECT group_concat(a.file_name, ' ') FROM attachments a WHERE a.message_id = m.id) AS file_names`;
const HIT_FROM = `FROM messages_fts f
  CROSS JOIN messages m ON m.sort_key = f.rowid
  JOIN chats c ON c.id = m.chat_id
  LEFT JOIN people p ON p.id = m.sender_id`;

/**
 * Full-text search: newest hits first, paged by position (the FTS rowid is the message's sort
 * key, so "older than this hit" is a rowid range FTS5 walks directly), a capped count, and every
 * match inside one chat for in-chat search.
 */
export class SearchQueries {
  private readonly s;

  constructor(db: Database.Database) {
    const p = <T = unknown>(sql: string) => db.prepare<unknown[], T>(sql);
    this.s = {
      hits: p<SearchRow>(
        `SELECT ${HIT_COLUMNS} ${HIT_FROM}
         WHERE messages_fts MATCH ? AND f.rowid < ? ORDER BY f.rowid DESC LIMIT ?`,
      ),
      hitsInChat: p<SearchRow>(
        `SELECT ${HIT_COLUMNS} ${HIT_FROM}
         WHERE messages_fts MATCH ? AND f.rowid < ? AND m.chat_id = ? ORDER BY f.rowid DESC LIMIT ?`,
      ),
      count: p<{ n: number }>(
        `SELECT count(*) AS n FROM
           (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? LIMIT ?)`,
      ),
      countInChat: p<{ n: number }>(
        `SELECT count(*) AS n FROM
           (SELECT 1 FROM messages_fts f CROSS JOIN messages m ON m.sort_key = f.rowid
            WHERE messages_fts MATCH ? AND m.chat_id = ? LIMIT ?)`,
      ),
      matchesInChat: p<{ id: number; sent_at: number }>(
        `SELECT m.id, m.sent_at FROM messages_fts f CROSS JOIN messages m ON m.sort_key = f.rowid
         WHERE messages_fts MATCH @match AND f.rowid BETWEEN @lo AND @hi AND m.chat_id = @chat
         ORDER BY f.rowid DESC LIMIT @limit`,
      ),
      chatSpan: p<{ n: number; lo: number | null; hi: number | null }>(
        `SELECT c.message_count AS n,
           (SELECT min(sent_at) FROM messages WHERE chat_id = c.id) AS lo,
           (SELECT max(sent_at) FROM messages WHERE chat_id = c.id) AS hi
         FROM chats c WHERE c.id = ?`,
      ),
      chatTexts: p<{ id: number; sent_at: number; text: string | null; names: string | null }>(
        `SELECT m.id, m.sent_at, m.text,
           (SELECT group_concat(a.file_name, ' ') FROM attachments a WHERE a.message_id = m.id) AS names
         FROM messages m WHERE m.chat_id = ? ORDER BY m.sent_at DESC, m.id DESC`,
      ),
    };
  }

  /** Hits newest first, with snippets; `before` continues after a previous page's last hit. */
  search(query: string, opts: SearchOptions = {}): SearchPage {
    const phrases = parseQuery(query);
    const match = toMatchExpression(phrases);
    if (match === null) return { hits: [], next: null };
    const limit = clampLimit(opts.limit, 50, 1000);
    if (limit === 0) return { hits: [], next: null };
    const before = opts.before ?? NEWEST;
    const rows =
      opts.chatId === undefined
        ? this.s.hits.all(match, before, limit + 1)
        : this.s.hitsInChat.all(match, before, opts.chatId, limit + 1);
    const hits = rows.slice(0, limit).map((r): SearchHit => {
      let marked = markMatches(r.text ?? '', phrases);
      // A hit on an attachment's file name shows the name.
      if (marked.ranges.length === 0 && r.file_names) {
        const inNames = markMatches(r.file_names, phrases);
        if (inNames.ranges.length > 0 || !r.text) marked = inNames;
      }
      return {
        messageId: r.id,
        chatId: r.chat_id,
        chatTitle: r.chat_title,
        chatType: r.chat_type,
        sender: r.sender_id === null ? null : { id: r.sender_id, name: r.sender_name ?? '' },
        sentAt: r.sent_at,
        kind: r.kind,
        snippet: marked.snippet,
        ranges: marked.ranges,
        position: r.position,
      };
    });
    const last = hits[hits.length - 1];
    return { hits, next: rows.length > limit && last ? last.position : null };
  }

  /** How many messages match, counted up to COUNT_CAP. */
  count(query: string, chatId?: number): SearchCount {
    const match = toMatchExpression(parseQuery(query));
    if (match === null) return { count: 0, capped: false };
    const n =
      (chatId === undefined
        ? this.s.count.get(match, COUNT_CAP + 1)
        : this.s.countInChat.get(match, chatId, COUNT_CAP + 1)
      )?.n ?? 0;
    return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
  }

  /** Every match in one chat, newest first (up to CHAT_MATCHES_CAP), as cursors to open. */
  chatMatches(query: string, chatId: number): ChatMatches {
    const phrases = parseQuery(query);
    const match = toMatchExpression(phrases);
    const span = this.s.chatSpan.get(chatId);
    if (match === null || !span || span.lo === null || span.hi === null) {
      return { matches: [], capped: false };
    }
    const found: { id: number; sentAt: number }[] = [];
    if (span.n <= CHAT_SCAN_LIMIT) {
      for (const r of this.s.chatTexts.iterate(chatId)) {
        const text = r.names ? `${r.text ?? ''}\n${r.names}` : r.text;
        if (text && matchesAll(text, phrases)) {
          found.push({ id: r.id, sentAt: r.sent_at });
          if (found.length > CHAT_MATCHES_CAP) break;
        }
      }
    } else {
      const rows = this.s.matchesInChat.all({
        match,
        chat: chatId,
        lo: span.lo * SORT_SLOTS_PER_MS,
        hi: (span.hi + SPAN_SLACK_MS) * SORT_SLOTS_PER_MS,
        limit: CHAT_MATCHES_CAP + 1,
      });
      for (const r of rows) found.push({ id: r.id, sentAt: r.sent_at });
    }
    return { matches: found.slice(0, CHAT_MATCHES_CAP), capped: found.length > CHAT_MATCHES_CAP };
  }
}
