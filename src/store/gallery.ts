import type Database from 'better-sqlite3';
import type {
  ChatMediaSummary,
  GalleryCursor,
  GalleryItem,
  GalleryPage,
  GalleryTab,
  MediaCount,
  MediaKind,
} from '../shared/chat-types.js';
import { findLinks } from '../shared/links.js';
import { ATTACHMENT_COLUMNS, clampLimit, toAttachmentView, type AttachmentRow } from './queries.js';
import { MEDIA_TYPES } from './records.js';

export interface GalleryOptions {
  /** Items older than this one (the next page down). */
  before?: GalleryCursor;
  /** Items newer than this one (the lightbox stepping forward). */
  after?: GalleryCursor;
  limit?: number;
}

/** Which attachments each media tab shows; stickers stay in the conversation, as in WhatsApp. */
const TAB_TYPES: Record<Exclude<GalleryTab, 'links'>, MediaKind[]> = {
  visual: ['photo', 'video', 'gif'],
  documents: ['document'],
  audio: ['voice', 'audio'],
};

/** Messages that may hold a web link: their text has an http(s) URL or a "www." name. */
const LINK_MATCH = 'http* OR www';

interface MediaRow extends AttachmentRow {
  sent_at: number;
  sender_id: number | null;
  sender_name: string | null;
}

interface LinkRow {
  id: number;
  position: number;
  sent_at: number;
  sender_id: number | null;
  sender_name: string | null;
  text: string | null;
}

const MEDIA_FROM = `FROM messages m
  JOIN attachments a ON a.message_id = m.id
  LEFT JOIN people p ON p.id = m.sender_id
  WHERE m.chat_id = @chat AND a.media_type IN (SELECT value FROM json_each(@types))`;
const MEDIA_SELECT = `SELECT ${ATTACHMENT_COLUMNS}, m.sent_at, m.sender_id,
  p.display_name AS sender_name`;

/**
 * A chat's "Media, links and docs": its attachments by tab and its links, newest first, paged by
 * cursor in both directions (the lightbox steps through a chat's photos from any one of them);
 * plus what the chat info panel counts, and which days of a month have messages.
 */
export class GalleryQueries {
  private readonly s;

  constructor(db: Database.Database) {
    const p = <T = unknown>(sql: string) => db.prepare<unknown[], T>(sql);
    this.s = {
      newest: p<MediaRow>(
        `${MEDIA_SELECT} ${MEDIA_FROM}
         ORDER BY m.sent_at DESC, m.id DESC, a.ordinal DESC LIMIT @limit`,
      ),
      // The plain `sent_at <= ?3` lets the (chat_id, sent_at) index bound the scan.
      older: p<MediaRow>(
        `${MEDIA_SELECT} ${MEDIA_FROM} AND m.sent_at <= @sentAt
           AND (m.sent_at < @sentAt OR m.id < @id OR (m.id = @id AND a.ordinal < @ordinal))
         ORDER BY m.sent_at DESC, m.id DESC, a.ordinal DESC LIMIT @limit`,
      ),
      newer: p<MediaRow>(
        `${MEDIA_SELECT} ${MEDIA_FROM} AND m.sent_at >= @sentAt
           AND (m.sent_at > @sentAt OR m.id > @id OR (m.id = @id AND a.ordinal > @ordinal))
         ORDER BY m.sent_at ASC, m.id ASC, a.ordinal ASC LIMIT @limit`,
      ),
      links: p<LinkRow>(
        `SELECT m.id, f.rowid AS position, m.sent_at, m.sender_id, p.display_name AS sender_name,
           m.text
         FROM messages_fts f CROSS JOIN messages m ON m.sort_key = f.rowid
         LEFT JOIN people p ON p.id = m.sender_id
         WHERE messages_fts MATCH ? AND m.chat_id = ? AND f.rowid < ?
         ORDER BY f.rowid DESC LIMIT ?`,
      ),
      sortKey: p<{ sort_key: number }>('SELECT sort_key FROM messages WHERE id = ?'),
      summary: p<{ media_type: MediaKind; n: number; bytes: number; included: number }>(
        `SELECT a.media_type, count(*) AS n, coalesce(sum(a.size), 0) AS bytes,
           count(a.hash) AS included
         FROM messages m JOIN attachments a ON a.message_id = m.id
         WHERE m.chat_id = ? GROUP BY a.media_type`,
      ),
      dayCount: p<{ n: number }>(
        'SELECT count(*) AS n FROM messages WHERE chat_id = ? AND sent_at >= ? AND sent_at < ?',
      ),
    };
  }

  page(chatId: number, tab: GalleryTab, opts: GalleryOptions = {}): GalleryPage {
    const limit = clampLimit(opts.limit, 60, 500);
    if (limit === 0) return { items: [], more: false };
    if (tab === 'links') return this.links(chatId, limit, opts.before);
    const params = { chat: chatId, types: JSON.stringify(TAB_TYPES[tab]), limit: limit + 1 };
    const from = opts.after ?? opts.before;
    const rows = from
      ? (opts.after ? this.s.newer : this.s.older).all({ ...params, ...from })
      : this.s.newest.all(params);
    const more = rows.length > limit;
    const items = rows.slice(0, limit).map((r): GalleryItem => ({
      messageId: r.message_id,
      sentAt: r.sent_at,
      sender: r.sender_id === null ? null : { id: r.sender_id, name: r.sender_name ?? '' },
      attachment: toAttachmentView(r),
      link: null,
      cursor: { sentAt: r.sent_at, id: r.message_id, ordinal: r.ordinal },
    }));
    // Newest first in every direction.
    if (opts.after) items.reverse();
    return { items, more };
  }

  /**
   * Links, newest first. The full-text index finds the candidate messages; the links are read
   * from their text (several links in one message are several items, ordinal = link number).
   */
  private links(chatId: number, limit: number, before?: GalleryCursor): GalleryPage {
    let position = Number.MAX_SAFE_INTEGER;
    let skipThrough = -1;
    if (before) {
      const key = this.s.sortKey.get(before.id)?.sort_key;
      if (key !== undefined) {
        // Continue inside the cursor's message first (its later links come before older ones).
        position = key + 1;
        skipThrough = before.ordinal;
      }
    }
    const items: GalleryItem[] = [];
    let more = false;
    let cursorId = before?.id;
    // Messages that matched "www" or "http" but hold no web link are skipped, so read on.
    while (items.length <= limit) {
      const rows = this.s.links.all(LINK_MATCH, chatId, position, limit + 1);
      for (const row of rows) {
        const links = findLinks(row.text ?? '');
        // Newest first: a message's last link is its "newest" item.
        for (let i = links.length - 1; i >= 0; i--) {
          if (row.id === cursorId && i >= skipThrough) continue;
          const link = links[i]!;
          if (items.length === limit) {
            more = true;
            break;
          }
          items.push({
            messageId: row.id,
            sentAt: row.sent_at,
            sender:
              row.sender_id === null ? null : { id: row.sender_id, name: row.sender_name ?? '' },
            attachment: null,
            link: { url: link.url, text: row.text ?? '' },
            cursor: { sentAt: row.sent_at, id: row.id, ordinal: i },
          });
        }
        if (more) break;
        position = row.position;
      }
      cursorId = undefined;
      if (more || rows.length <= limit) break;
    }
    return { items, more };
  }

  summary(chatId: number): ChatMediaSummary {
    const media = Object.fromEntries(
      MEDIA_TYPES.map((t): [MediaKind, MediaCount] => [t, { count: 0, bytes: 0, included: 0 }]),
    ) as Record<MediaKind, MediaCount>;
    let bytes = 0;
    for (const row of this.s.summary.all(chatId)) {
      media[row.media_type] = { count: row.n, bytes: row.bytes, included: row.included };
      bytes += row.bytes;
    }
    return { media, bytes };
  }

  /** Messages in each [bounds[i], bounds[i+1]) of a chat: the calendar's days, in local time. */
  countsBetween(chatId: number, bounds: number[]): number[] {
    const counts: number[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      counts.push(this.s.dayCount.get(chatId, bounds[i], bounds[i + 1])?.n ?? 0);
    }
    return counts;
  }
}
