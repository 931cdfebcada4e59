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
  /** Each included media file once. An array: it may be iterated while reading bundles. */
  mediaRefs(): MediaRef[];
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
    mediaRefs: p<MediaRef>(
      `SELECT hash, max(size) AS size, min(media_type) AS mediaType, min(mime) AS mime
       FROM attachments WHERE hash IS NOT NULL GROUP BY hash ORDER BY hash`,
    ),
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
      // Members, senders and reactors: the people a bundle needs to be ingested anywhere.
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
      const messages: MessageRecord[] = s.messages.all(chatId, from, to).map((m) => ({
        key: m.key,
        senderKey: keyOf(m.sender_id),
        sentAt: m.sent_at,
        text: m.text,
        kind: m.kind,
        replyToKey: m.reply_to_key,
        editedAt: m.edited_at,
        attachments: attachments.get(m.id) ?? [],
        reactions: reactions.get(m.id) ?? [],
        extra: m.extra === null ? null : (JSON.parse(m.extra) as Record<string, unknown>),
      }));
      const byKey = (a: { key: string }, b: { key: string }): number =>
        a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      const bundlePeople = [...involved].map((id) => ({ ...person(id) })).sort(byKey);
      return {
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
        people: bundlePeople,
        messages,
      };
    },
    mediaRefs: () => s.mediaRefs.all(),
  };
  return { reader, reset: () => people.clear() };
}
