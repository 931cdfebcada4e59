import type Database from 'better-sqlite3';
import type {
  AttachmentRecord,
  ChatBundle,
  ChatType,
  MediaType,
  MessageKind,
  MessageRecord,
  PersonRecord,
  ReactionRecord,
  SourceRecord,
} from './records.js';
import { monthRange } from './schema.js';
import { DISTINCT_MEDIA_SQL } from './distinct-media.js';

export interface MonthGroup {
  chatId: number;
  sourceKind: string;
  sourceAccountKey: string;
  chatKey: string;
  /** UTC 'YYYY-MM'. */
  month: string;
  /** Grows whenever anything in the group changes. */
  rev: number;
  /** 0 when every message of the month was deleted (the group's backup should go too). */
  messageCount: number;
}

export interface MediaRef {
  hash: string;
  size: number;
  mediaType: MediaType;
  mime: string;
}

export interface SourceInfo extends SourceRecord {
  id: number;
  chats: number;
}

/**
 * What the backup engine reads. Valid only inside `ChatStore.readSnapshot`: every call sees the
 * same committed state, however other connections write meanwhile.
 */
export interface SnapshotReader {
  /** The store's counter value: every group rev is <= this. */
  rev(): number;
  sources(): SourceInfo[];
  monthGroups(): MonthGroup[];
  /** Exactly the messages of that chat in that month, with the records needed to ingest them. */
  readMonthBundle(chatId: number, month: string): ChatBundle;
  /**
   * The same month as JSON, ready for a backup: the bundle without its messages, and one line
   * per message (the MessageRecord as JSON) with its key, streamed (a month can hold hundreds
   * of thousands of messages). Built mostly by SQLite's JSON functions: at a million messages,
   * records as objects cost more than everything else a backup does. Iterate `rows` once,
   * before any other call on this reader.
   */
  readMonthLines(chatId: number, month: string): MonthLines;
  /** Each included media file once. An array: it may be iterated while reading bundles. */
  mediaRefs(): MediaRef[];
}

export interface MonthLines {
  head: Omit<ChatBundle, 'messages'>;
  /** [line, message key], in the order of readMonthBundle's messages. */
  rows: Iterable<[string, string]>;
}

interface MsgRow {
  id: number;
  key: string;
  sender_id: number | null;
  sent_at: number;
  text: string | null;
  kind: MessageKind;
  reply_to_key: string | null;
  edited_at: number | null;
  extra: string | null;
}

/**
 * The backup's reader over one connection. Statements are prepared once; `reset` starts a new
 * snapshot (it clears the people cache, which is only valid within one read transaction).
 */
export function createSnapshotReader(db: Database.Database): {
  reader: SnapshotReader;
  reset: () => void;
} {
  const p = <T = unknown>(sql: string) => db.prepare<unknown[], T>(sql);
  const s = {
    rev: p<{ value: number }>('SELECT value FROM rev_counter WHERE id = 1'),
    sources: p<{ id: number; kind: string; account_key: string; label: string; chats: number }>(
      `SELECT s.id, s.kind, s.account_key, s.label, (SELECT count(*) FROM chats c WHERE c.source_id = s.id) AS chats
       FROM sources s ORDER BY s.id`,
    ),
    groups: p<{
      chat_id: number;
      kind: string;
      account_key: string;
      chat_key: string;
      month: string;
      rev: number;
      message_count: number;
    }>(
      `SELECT g.chat_id, s.kind, s.account_key, c.key AS chat_key, g.month, g.rev, g.message_count
       FROM month_groups g JOIN chats c ON c.id = g.chat_id JOIN sources s ON s.id = c.source_id
       ORDER BY g.chat_id, g.month`,
    ),
    chat: p<{
      id: number;
      key: string;
      type: ChatType;
      title: string;
      kind: string;
      account_key: string;
      label: string;
    }>(
      `SELECT c.id, c.key, c.type, c.title, s.kind, s.account_key, s.label
       FROM chats c JOIN sources s ON s.id = c.source_id WHERE c.id = ?`,
    ),
    members: p<{ person_id: number }>('SELECT person_id FROM chat_members WHERE chat_id = ?'),
    person: p<{ key: string; display_name: string; handle: string | null; phone: string | null }>(
      'SELECT key, display_name, handle, phone FROM people WHERE id = ?',
    ),
    messages: p<MsgRow>(
      `SELECT m.id, m.key, m.sender_id, m.sent_at, m.text, m.kind, m.reply_to_key, m.edited_at, m.extra
       FROM messages m
       WHERE m.chat_id = ? AND m.sent_at >= ? AND m.sent_at < ? ORDER BY m.sent_at, m.id`,
    ),
    attachments: p<{
      message_id: number;
      media_type: MediaType;
      mime: string;
      size: number;
      hash: string | null;
      file_name: string | null;
      width: number | null;
      height: number | null;
      duration_ms: number | null;
    }>(
      `SELECT a.message_id, a.media_type, a.mime, a.size, a.hash, a.file_name, a.width, a.height, a.duration_ms
       FROM messages m JOIN attachments a ON a.message_id = m.id
       WHERE m.chat_id = ? AND m.sent_at >= ? AND m.sent_at < ? ORDER BY a.message_id, a.ordinal`,
    ),
    reactions: p<{
      message_id: number;
      sender_id: number | null;
      emoji: string;
      at: number | null;
    }>(
      `SELECT r.message_id, r.sender_id, r.emoji, r.at
       FROM messages m JOIN reactions r ON r.message_id = m.id
       WHERE m.chat_id = ? AND m.sent_at >= ? AND m.sent_at < ? ORDER BY r.message_id, r.rowid`,
    ),
    senders: p<{ sender_id: number }>(
      `SELECT DISTINCT sender_id FROM messages
       WHERE chat_id = ? AND sent_at >= ? AND sent_at < ? AND sender_id IS NOT NULL`,
    ),
    /** [id, sender_id, key, json without senderKey, attachments and reactions] */
    lines: db
      .prepare<unknown[], [number, number | null, string, string]>(
        `SELECT m.id, m.sender_id, m.key,
                json_object('key', m.key, 'sentAt', m.sent_at, 'text', m.text, 'kind', m.kind,
                            'replyToKey', m.reply_to_key, 'editedAt', m.edited_at,
                            'extra', json(m.extra))
         FROM messages m
         WHERE m.chat_id = ? AND m.sent_at >= ? AND m.sent_at < ? ORDER BY m.sent_at, m.id`,
      )
      .raw(),
    mediaRefs: p<MediaRef>(`${DISTINCT_MEDIA_SQL} ORDER BY hash`),
  };

  // People by id, read once per snapshot: most months of a chat share the same few people.
  const people = new Map<number, PersonRecord>();
  const person = (id: number): PersonRecord => {
    let p = people.get(id);
    if (!p) {
      const row = s.person.get(id);
      if (!row) throw new RangeError(`No person ${id} in the store`);
      p = { key: row.key, displayName: row.display_name, handle: row.handle, phone: row.phone };
      people.set(id, p);
    }
    return p;
  };

  /**
   * What reading one (chat, month) needs besides its message rows: the chat, the attachments
   * and reactions by message id, and the people involved (members, senders, reactors), which
   * the header lists so the group can be ingested anywhere.
   */
  const month_ = (chatId: number, month: string) => {
    const chat = s.chat.get(chatId);
    if (!chat) throw new RangeError(`No chat ${chatId} in the store`);
    const [from, to] = monthRange(month);
    const attachments = new Map<number, AttachmentRecord[]>();
    for (const a of s.attachments.all(chatId, from, to)) {
      const list = attachments.get(a.message_id) ?? [];
      list.push({
        mediaType: a.media_type,
        mime: a.mime,
        size: a.size,
        hash: a.hash,
        fileName: a.file_name,
        width: a.width,
        height: a.height,
        durationMs: a.duration_ms,
      });
      attachments.set(a.message_id, list);
    }
    const involved = new Set<number>();
    const memberIds = s.members.all(chatId).map((m) => m.person_id);
    memberIds.forEach((id) => involved.add(id));
    const keyOf = (id: number | null): string | null => {
      if (id === null) return null;
      involved.add(id);
      return person(id).key;
    };
    const reactions = new Map<number, ReactionRecord[]>();
    for (const r of s.reactions.all(chatId, from, to)) {
      const list = reactions.get(r.message_id) ?? [];
      list.push({ senderKey: keyOf(r.sender_id), emoji: r.emoji, at: r.at });
      reactions.set(r.message_id, list);
    }
    const byKey = (a: { key: string }, b: { key: string }): number =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    /** Call after the messages were read: senders join the people. */
    const head = (): Omit<ChatBundle, 'messages'> => ({
      source: { kind: chat.kind, accountKey: chat.account_key, label: chat.label },
      chat: {
        key: chat.key,
        type: chat.type,
        title: chat.title,
        members: memberIds
          .map((id) => person(id))
          .sort(byKey)
          .map((p) => p.key),
      },
      people: [...involved].map((id) => ({ ...person(id) })).sort(byKey),
    });
    return { from, to, attachments, reactions, keyOf, head };
  };

  const reader: SnapshotReader = {
    rev: () => s.rev.get()?.value ?? 0,
    sources: () =>
      s.sources.all().map((r) => ({
        id: r.id,
        kind: r.kind,
        accountKey: r.account_key,
        label: r.label,
        chats: r.chats,
      })),
    monthGroups: () =>
      s.groups.all().map((g) => ({
        chatId: g.chat_id,
        sourceKind: g.kind,
        sourceAccountKey: g.account_key,
        chatKey: g.chat_key,
        month: g.month,
        rev: g.rev,
        messageCount: g.message_count,
      })),
    readMonthBundle(chatId, month) {
      const m = month_(chatId, month);
      const messages: MessageRecord[] = s.messages.all(chatId, m.from, m.to).map((row) => ({
        key: row.key,
        senderKey: m.keyOf(row.sender_id),
        sentAt: row.sent_at,
        text: row.text,
        kind: row.kind,
        replyToKey: row.reply_to_key,
        editedAt: row.edited_at,
        attachments: m.attachments.get(row.id) ?? [],
        reactions: m.reactions.get(row.id) ?? [],
        extra: row.extra === null ? null : (JSON.parse(row.extra) as Record<string, unknown>),
      }));
      return { ...m.head(), messages };
    },
    readMonthLines(chatId, month) {
      const m = month_(chatId, month);
      // The header lists every sender: ask for them first, then stream the messages.
      for (const { sender_id } of s.senders.all(chatId, m.from, m.to)) m.keyOf(sender_id);
      const head = m.head();
      function* rows(): Generator<[string, string]> {
        for (const [id, senderId, key, json] of s.lines.iterate(chatId, m.from, m.to)) {
          const attachments = m.attachments.get(id);
          const reactions = m.reactions.get(id);
          // The JSON object from SQLite, closed with the fields it cannot know.
          yield [
            `${json.slice(0, -1)},"senderKey":${JSON.stringify(m.keyOf(senderId))},"attachments":${
              attachments ? JSON.stringify(attachments) : '[]'
            },"reactions":${reactions ? JSON.stringify(reactions) : '[]'}}`,
            key,
          ];
        }
      }
      return { head, rows: rows() };
    },
    mediaRefs: () => s.mediaRefs.all(),
  };
  return { reader, reset: () => people.clear() };
}
