import type Database from 'better-sqlite3';
import fs from 'node:fs';
import type {
  AttachmentRef,
  AttachmentView,
  ChatDetail,
  ChatKind,
  ChatSummary,
  MediaKind,
  MediaTypeStats,
  MessageCursor,
  MessageKindName,
  MessagePage,
  MessageView,
  ReactionView,
  ReplyView,
  StoreStats,
} from '../shared/chat-types.js';
import { MessageNotFoundError } from './errors.js';
import { DISTINCT_MEDIA_SQL } from './distinct-media.js';
import { foldForMatch } from './fts-text.js';
import { MEDIA_TYPES, type MediaType, type MessageKind } from './records.js';

// The DTO unions must stay equal to the record unions.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameMedia: Same<MediaKind, MediaType> = true;
const sameKind: Same<MessageKindName, MessageKind> = true;
void sameMedia;
void sameKind;

export interface ListChatsOptions {
  filter?: string;
  limit?: number;
  offset?: number;
}

export interface GetMessagesOptions {
  before?: MessageCursor;
  after?: MessageCursor;
  /** A message id: the page is centred on it. */
  around?: number;
  /**
   * A time (UTC ms): the page is centred on the chat's first message at or after it (its last
   * message when there is none), for "jump to a date".
   */
  atTime?: number;
  limit: number;
}

const PREVIEW_LENGTH = 120;

export function preview(text: string | null): string {
  if (!text) return '';
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= PREVIEW_LENGTH) return oneLine;
  let cut = PREVIEW_LENGTH;
  if (/[\ud800-\udbff]/.test(oneLine[cut - 1] ?? '')) cut -= 1;
  return `${oneLine.slice(0, cut)}…`;
}

export function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.max(0, Math.min(max, Math.floor(limit)));
}

interface MessageRow {
  id: number;
  chat_id: number;
  sender_id: number | null;
  sender_name: string | null;
  sent_at: number;
  kind: MessageKindName;
  text: string | null;
  reply_to_key: string | null;
  edited_at: number | null;
  extra: string | null;
  reply_id: number | null;
  reply_sender_name: string | null;
  reply_text: string | null;
  reply_kind: MessageKindName | null;
  reply_extra: string | null;
}

const MESSAGE_COLUMNS = `
  m.id, m.chat_id, m.sender_id, p.display_name AS sender_name, m.sent_at, m.kind, m.text,
  m.reply_to_key, m.edited_at, m.extra,
  r.id AS reply_id, rp.display_name AS reply_sender_name, r.text AS reply_text,
  r.kind AS reply_kind, r.extra AS reply_extra`;

/**
 * An attachment row as views need it. A duration the source did not give may have been read from
 * the file since (media_facts, schema 4).
 */
export const ATTACHMENT_COLUMNS = `a.id, a.message_id, a.ordinal, a.media_type, a.mime, a.size,
  a.hash, a.file_name, a.width, a.height,
  coalesce(a.duration_ms, (SELECT f.duration_ms FROM media_facts f WHERE f.hash = a.hash)) AS duration_ms`;

export interface AttachmentRow {
  id: number;
  message_id: number;
  ordinal: number;
  media_type: MediaKind;
  mime: string;
  size: number;
  hash: string | null;
  file_name: string | null;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
}

export function toAttachmentView(a: AttachmentRow): AttachmentView {
  return {
    id: a.id,
    mediaType: a.media_type,
    mime: a.mime,
    size: a.size,
    hash: a.hash,
    fileName: a.file_name,
    width: a.width,
    height: a.height,
    durationMs: a.duration_ms,
  };
}

export function parseExtra(extra: string | null): Record<string, unknown> | null {
  if (extra === null) return null;
  try {
    const value: unknown = JSON.parse(extra);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
const MESSAGE_JOINS = `
  LEFT JOIN people p ON p.id = m.sender_id
  LEFT JOIN messages r ON r.chat_id = m.chat_id AND r.key = m.reply_to_key
  LEFT JOIN people rp ON rp.id = r.sender_id`;

/**
 * Chats listed before chat (@at = its last_sent_at, @id) in the list's order: last_sent_at DESC
 * with chats without messages (NULL) last, then id DESC.
 */
const CHAT_BEFORE = `(CASE WHEN @at IS NULL THEN last_sent_at IS NOT NULL OR id > @id
  ELSE last_sent_at > @at OR (last_sent_at = @at AND id > @id) END)`;

/** The read side the UI uses. One instance per connection; statements are prepared once. */
export class StoreQueries {
  private readonly s;

  constructor(
    private readonly db: Database.Database,
    private readonly dbPath: string,
  ) {
    const p = <T = unknown>(sql: string) => db.prepare<unknown[], T>(sql);
    const chatSummary = `
      SELECT c.id, c.title, c.type, s.kind AS source_kind, s.label AS source_label, c.message_count,
        m.id AS last_id, m.sent_at AS last_sent_at, m.kind AS last_kind, m.text AS last_text,
        p.display_name AS last_sender,
        (SELECT media_type FROM attachments a WHERE a.message_id = m.id ORDER BY ordinal LIMIT 1) AS last_media
      FROM chats c
      JOIN sources s ON s.id = c.source_id
      LEFT JOIN messages m ON m.id = c.last_message_id
      LEFT JOIN people p ON p.id = m.sender_id`;
    this.s = {
      listChats: p<ChatSummaryRow>(
        `${chatSummary} ORDER BY c.last_sent_at DESC, c.id DESC LIMIT ? OFFSET ?`,
      ),
      listChatsFiltered: p<ChatSummaryRow>(
        `${chatSummary} WHERE instr(ck_fold(c.title), ?) > 0 ORDER BY c.last_sent_at DESC, c.id DESC LIMIT ? OFFSET ?`,
      ),
      countChats: p<{ n: number }>('SELECT count(*) AS n FROM chats'),
      countChatsFiltered: p<{ n: number }>(
        'SELECT count(*) AS n FROM chats WHERE instr(ck_fold(title), ?) > 0',
      ),
      chat: p<{
        id: number;
        title: string;
        type: ChatKind;
        source_kind: string;
        source_label: string;
        message_count: number;
        last_sent_at: number | null;
      }>(
        `SELECT c.id, c.title, c.type, s.kind AS source_kind, s.label AS source_label, c.message_count, c.last_sent_at
         FROM chats c JOIN sources s ON s.id = c.source_id WHERE c.id = ?`,
      ),
      firstSentAt: p<{ t: number | null }>(
        'SELECT min(sent_at) AS t FROM messages WHERE chat_id = ?',
      ),
      members: p<{ id: number; name: string; handle: string | null; phone: string | null }>(
        `SELECT p.id, p.display_name AS name, p.handle, p.phone FROM chat_members cm
         JOIN people p ON p.id = cm.person_id WHERE cm.chat_id = ? ORDER BY p.display_name, p.id`,
      ),
      newest: p<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m ${MESSAGE_JOINS}
         WHERE m.chat_id = ? ORDER BY m.sent_at DESC, m.id DESC LIMIT ?`,
      ),
      older: p<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m ${MESSAGE_JOINS}
         WHERE m.chat_id = ? AND (m.sent_at < ? OR (m.sent_at = ? AND m.id < ?))
         ORDER BY m.sent_at DESC, m.id DESC LIMIT ?`,
      ),
      newerOrSame: p<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m ${MESSAGE_JOINS}
         WHERE m.chat_id = ? AND (m.sent_at > ? OR (m.sent_at = ? AND m.id >= ?))
         ORDER BY m.sent_at ASC, m.id ASC LIMIT ?`,
      ),
      // A page's ids arrive as one JSON array: one prepared statement for any page size.
      pageAttachments: p<AttachmentRow>(
        `SELECT ${ATTACHMENT_COLUMNS}
         FROM attachments a WHERE a.message_id IN (SELECT value FROM json_each(?))
         ORDER BY a.message_id, a.ordinal`,
      ),
      attachment: p<AttachmentRow & { chat_id: number }>(
        `SELECT ${ATTACHMENT_COLUMNS}, m.chat_id
         FROM attachments a JOIN messages m ON m.id = a.message_id WHERE a.id = ?`,
      ),
      firstAtOrAfter: p<{ id: number }>(
        `SELECT id FROM messages WHERE chat_id = ? AND sent_at >= ?
         ORDER BY sent_at, id LIMIT 1`,
      ),
      newestId: p<{ id: number }>(
        'SELECT id FROM messages WHERE chat_id = ? ORDER BY sent_at DESC, id DESC LIMIT 1',
      ),
      chatOrder: p<{ last_sent_at: number | null }>('SELECT last_sent_at FROM chats WHERE id = ?'),
      // Chats before this one in the list's order (last_sent_at DESC NULLS LAST, id DESC).
      chatsBefore: p<{ n: number }>(`SELECT count(*) AS n FROM chats WHERE ${CHAT_BEFORE}`),
      chatsBeforeFiltered: p<{ n: number }>(
        `SELECT count(*) AS n FROM chats WHERE instr(ck_fold(title), @filter) > 0 AND ${CHAT_BEFORE}`,
      ),
      pageReactions: p<{ message_id: number; emoji: string; n: number; mine: number }>(
        `SELECT message_id, emoji, count(*) AS n, max(sender_id IS NULL) AS mine, min(rowid) AS first
         FROM reactions WHERE message_id IN (SELECT value FROM json_each(?))
         GROUP BY message_id, emoji ORDER BY message_id, first`,
      ),
      messagePosition: p<{ chat_id: number; sent_at: number }>(
        'SELECT chat_id, sent_at FROM messages WHERE id = ?',
      ),
      counts: p<{ chats: number; messages: number; people: number }>(
        `SELECT (SELECT count(*) FROM chats) AS chats,
                (SELECT coalesce(sum(message_count), 0) FROM chats) AS messages,
                (SELECT count(*) FROM people) AS people`,
      ),
      mediaStats: p<{
        media_type: MediaKind;
        attachments: number;
        bytes: number;
        included: number;
        included_bytes: number;
      }>(
        `SELECT media_type, count(*) AS attachments, coalesce(sum(size), 0) AS bytes,
           count(hash) AS included, coalesce(sum(CASE WHEN hash IS NOT NULL THEN size END), 0) AS included_bytes
         FROM attachments GROUP BY media_type`,
      ),
      mediaByContent: p<{ media_type: MediaKind; files: number; bytes: number }>(
        `SELECT mediaType AS media_type, count(*) AS files, coalesce(sum(size), 0) AS bytes
         FROM (${DISTINCT_MEDIA_SQL}) GROUP BY mediaType`,
      ),
      distinctMedia: p<{ files: number; bytes: number }>(
        `SELECT count(*) AS files, coalesce(sum(size), 0) AS bytes
         FROM (SELECT hash, max(size) AS size FROM attachments WHERE hash IS NOT NULL GROUP BY hash)`,
      ),
    };
  }

  listChats(opts: ListChatsOptions = {}): ChatSummary[] {
    const limit = clampLimit(opts.limit, 100, 10_000);
    const offset = clampLimit(opts.offset, 0, Number.MAX_SAFE_INTEGER);
    const rows = opts.filter
      ? this.s.listChatsFiltered.all(foldForMatch(opts.filter), limit, offset)
      : this.s.listChats.all(limit, offset);
    return rows.map(toChatSummary);
  }

  countChats(filter?: string): number {
    return (
      (filter ? this.s.countChatsFiltered.get(foldForMatch(filter)) : this.s.countChats.get())?.n ??
      0
    );
  }

  getChat(chatId: number): ChatDetail | null {
    const row = this.s.chat.get(chatId);
    if (!row) return null;
    return {
      id: row.id,
      title: row.title,
      type: row.type,
      sourceKind: row.source_kind,
      sourceLabel: row.source_label,
      members: this.s.members.all(chatId),
      messageCount: row.message_count,
      firstSentAt: this.s.firstSentAt.get(chatId)?.t ?? null,
      lastSentAt: row.last_sent_at,
    };
  }

  getMessages(chatId: number, opts: GetMessagesOptions): MessagePage {
    const limit = clampLimit(opts.limit, 50, 1000);
    if (limit === 0) return { messages: [], hasOlder: false, hasNewer: false };
    if (opts.around !== undefined) return this.around(chatId, opts.around, limit);
    if (opts.atTime !== undefined) {
      const target = this.s.firstAtOrAfter.get(chatId, opts.atTime) ?? this.s.newestId.get(chatId);
      if (!target) return { messages: [], hasOlder: false, hasNewer: false, anchorId: null };
      return this.around(chatId, target.id, limit);
    }
    if (opts.before) {
      const c = opts.before;
      const rows = this.s.older.all(chatId, c.sentAt, c.sentAt, c.id, limit + 1);
      const hasOlder = rows.length > limit;
      return { messages: this.views(rows.slice(0, limit).reverse()), hasOlder, hasNewer: true };
    }
    if (opts.after) {
      const c = opts.after;
      // Strictly after: skip the cursor message itself.
      const rows = this.s.newerOrSame.all(chatId, c.sentAt, c.sentAt, c.id + 1, limit + 1);
      const hasNewer = rows.length > limit;
      return { messages: this.views(rows.slice(0, limit)), hasOlder: true, hasNewer };
    }
    const rows = this.s.newest.all(chatId, limit + 1);
    const hasOlder = rows.length > limit;
    return { messages: this.views(rows.slice(0, limit).reverse()), hasOlder, hasNewer: false };
  }

  private around(chatId: number, messageId: number, limit: number): MessagePage {
    const pos = this.s.messagePosition.get(messageId);
    if (!pos || pos.chat_id !== chatId) throw new MessageNotFoundError(messageId);
    const olderCount = Math.floor((limit - 1) / 2);
    const newerCount = limit - olderCount;
    const older = this.s.older.all(chatId, pos.sent_at, pos.sent_at, messageId, olderCount + 1);
    const newer = this.s.newerOrSame.all(
      chatId,
      pos.sent_at,
      pos.sent_at,
      messageId,
      newerCount + 1,
    );
    return {
      messages: this.views([
        ...older.slice(0, olderCount).reverse(),
        ...newer.slice(0, newerCount),
      ]),
      hasOlder: older.length > olderCount,
      hasNewer: newer.length > newerCount,
      anchorId: messageId,
    };
  }

  /** One attachment with the message it belongs to, or null. */
  getAttachment(attachmentId: number): AttachmentRef | null {
    const row = this.s.attachment.get(attachmentId);
    return row
      ? { ...toAttachmentView(row), messageId: row.message_id, chatId: row.chat_id }
      : null;
  }

  /** Where a chat stands in the chat list (with the same filter), or null when it is not in it. */
  chatIndex(chatId: number, filter?: string): number | null {
    const chat = this.s.chatOrder.get(chatId);
    if (!chat) return null;
    if (filter) {
      const folded = foldForMatch(filter);
      const title = this.s.chat.get(chatId)?.title ?? '';
      if (!foldForMatch(title).includes(folded)) return null;
      return (
        this.s.chatsBeforeFiltered.get({ at: chat.last_sent_at, id: chatId, filter: folded })?.n ??
        null
      );
    }
    return this.s.chatsBefore.get({ at: chat.last_sent_at, id: chatId })?.n ?? null;
  }

  /** Rows (already in display order) to views, with their attachments and reactions. */
  private views(rows: MessageRow[]): MessageView[] {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.id));
    const attachments = new Map<number, AttachmentView[]>();
    for (const a of this.s.pageAttachments.all(ids)) {
      const list = attachments.get(a.message_id) ?? [];
      list.push(toAttachmentView(a));
      attachments.set(a.message_id, list);
    }
    // The quoted messages' first attachments, for "📷 Photo" and a thumbnail in the quote.
    const replyIds = rows.flatMap((r) => (r.reply_id === null ? [] : [r.reply_id]));
    const quoted = new Map<number, AttachmentView>();
    if (replyIds.length > 0) {
      for (const a of this.s.pageAttachments.all(JSON.stringify(replyIds))) {
        if (!quoted.has(a.message_id)) quoted.set(a.message_id, toAttachmentView(a));
      }
    }
    const reactions = new Map<number, ReactionView[]>();
    for (const r of this.s.pageReactions.all(ids)) {
      const list = reactions.get(r.message_id) ?? [];
      list.push({ emoji: r.emoji, count: r.n, mine: r.mine === 1 });
      reactions.set(r.message_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      chatId: r.chat_id,
      sender: r.sender_id === null ? null : { id: r.sender_id, name: r.sender_name ?? '' },
      sentAt: r.sent_at,
      text: r.text,
      kind: r.kind,
      replyTo: r.reply_id === null ? null : this.replyView(r, r.reply_id, quoted),
      replyToKey: r.reply_id === null ? r.reply_to_key : null,
      editedAt: r.edited_at,
      reactions: reactions.get(r.id) ?? [],
      attachments: attachments.get(r.id) ?? [],
      extra: parseExtra(r.extra),
    }));
  }

  private replyView(
    r: MessageRow,
    replyId: number,
    quoted: Map<number, AttachmentView>,
  ): ReplyView {
    return {
      id: replyId,
      senderName: r.reply_sender_name,
      excerpt: preview(r.reply_text),
      kind: r.reply_kind ?? 'text',
      attachment: quoted.get(replyId) ?? null,
      extra: parseExtra(r.reply_extra),
    };
  }

  stats(): StoreStats {
    const counts = this.s.counts.get() ?? { chats: 0, messages: 0, people: 0 };
    const media = Object.fromEntries(
      MEDIA_TYPES.map((t): [MediaKind, MediaTypeStats] => [
        t,
        { attachments: 0, bytes: 0, included: 0, includedBytes: 0, notIncluded: 0 },
      ]),
    ) as Record<MediaKind, MediaTypeStats>;
    for (const row of this.s.mediaStats.all()) {
      media[row.media_type] = {
        attachments: row.attachments,
        bytes: row.bytes,
        included: row.included,
        includedBytes: row.included_bytes,
        notIncluded: row.attachments - row.included,
      };
    }
    const byContent = Object.fromEntries(
      MEDIA_TYPES.map((t): [MediaKind, { files: number; bytes: number }] => [
        t,
        { files: 0, bytes: 0 },
      ]),
    ) as Record<MediaKind, { files: number; bytes: number }>;
    for (const row of this.s.mediaByContent.all()) {
      byContent[row.media_type] = { files: row.files, bytes: row.bytes };
    }
    const distinct = this.s.distinctMedia.get() ?? { files: 0, bytes: 0 };
    let dbBytes = 0;
    for (const file of [this.dbPath, `${this.dbPath}-wal`]) {
      try {
        dbBytes += fs.statSync(file).size;
      } catch {
        // No WAL file right now.
      }
    }
    return {
      chats: counts.chats,
      messages: counts.messages,
      people: counts.people,
      media,
      mediaByContent: byContent,
      distinctMediaFiles: distinct.files,
      distinctMediaBytes: distinct.bytes,
      dbBytes,
    };
  }
}

interface ChatSummaryRow {
  id: number;
  title: string;
  type: ChatKind;
  source_kind: string;
  source_label: string;
  message_count: number;
  last_id: number | null;
  last_sent_at: number | null;
  last_kind: MessageKindName | null;
  last_text: string | null;
  last_sender: string | null;
  last_media: MediaKind | null;
}

function toChatSummary(row: ChatSummaryRow): ChatSummary {
  return {
    id: row.id,
    title: row.title,
    type: row.type,
    sourceKind: row.source_kind,
    sourceLabel: row.source_label,
    messageCount: row.message_count,
    lastMessage:
      row.last_id === null || row.last_sent_at === null || row.last_kind === null
        ? null
        : {
            id: row.last_id,
            sentAt: row.last_sent_at,
            senderName: row.last_sender,
            kind: row.last_kind,
            preview: preview(row.last_text),
            mediaType: row.last_media,
          },
  };
}
