import type Database from 'better-sqlite3';
import { IngestCancelledError, InvalidRecordError } from './errors.js';
import type { AttachmentRecord, ChatBundle, MessageRecord } from './records.js';
import { BULK_INSERT_TRIGGERS, FTS_BODY, FTS_HAS_BODY, monthOf, monthRange } from './schema.js';
import { validateBundle } from './validate.js';

export interface IngestProgress {
  chats: number;
  messages: number;
}

export interface IngestOptions {
  onProgress?: (p: IngestProgress) => void;
  /** Polled between messages; returning true rolls the whole call back. */
  shouldCancel?: () => boolean;
}

export interface IngestResult {
  chats: number;
  messagesAdded: number;
  messagesUpdated: number;
  messagesSkipped: number;
  /** Store ids of the chats the bundles touched, in first-seen order. */
  chatIds: number[];
}

/**
 * A message's sort key is `sent_at * SORT_SLOTS_PER_MS + n`: ordered by time across all chats,
 * so search returns newest-first by walking the FTS index (whose rowid it is) backwards. 1024
 * slots per millisecond leave room for exports with minute-precision times; when a
 * millisecond's slots are full the key spills into the next one, which only nudges ordering.
 */
export const SORT_SLOTS_PER_MS = 1024;
const CHECK_EVERY = 1000;
/**
 * Messages are written in windows of at most this many (time-sorted within each window), so a
 * whole phone backup can stream through one transaction in bounded memory: the bundles of a
 * window are dropped once it is written.
 */
const WINDOW_MESSAGES = 50_000;
/**
 * From this many messages in one call, ingest also takes the bulk-mode insert triggers out for
 * its transaction (see BULK_INSERT_TRIGGERS). Below it, re-preparing statements after the schema
 * change would cost more than the triggers.
 */
export const DROP_TRIGGERS_FROM = 5000;

interface ExistingMessage {
  id: number;
  sort_key: number;
  chat_id: number;
  sent_at: number;
  kind: string;
  text: string | null;
  edited_at: number | null;
  extra: string | null;
  reply_to_key: string | null;
  sender_id: number | null;
}

interface ExistingAttachment {
  id: number;
  ordinal: number;
  media_type: string;
  mime: string;
  size: number;
  hash: string | null;
  file_name: string | null;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
}

const byTime = (a: MessageRecord, b: MessageRecord): number => a.sentAt - b.sentAt;

/** Writes ChatBundles into the store, idempotently (see ChatStore.ingest). */
export class Ingester {
  private readonly s;
  private readonly sourceIds = new Map<string, number>();
  /**
   * Sort keys of the running ingest's messages to (re)index at its end. `stored`: the message
   * existed before (its old FTS row goes first); `names`: it has attachment file names to index.
   */
  private readonly toIndex = new Map<number, { stored: boolean; names: boolean }>();
  /** (chat, month) groups the running ingest changed, with how many messages it added. */
  private readonly touched = new Map<string, { chatId: number; month: string; added: number }>();
  private monthCache = { from: 0, to: -1, month: '' };
  /** Messages the running ingest added, per chat. */
  private readonly addedPerChat = new Map<number, number>();

  constructor(
    private readonly db: Database.Database,
    /** Tests lower this to run the trigger-dropping path on small inputs. */
    private readonly dropTriggersFrom: number = DROP_TRIGGERS_FROM,
    /** Tests lower this to write many windows within one call. */
    private readonly windowMessages: number = WINDOW_MESSAGES,
  ) {
    const p = <T = unknown>(sql: string) => db.prepare<unknown[], T>(sql);
    this.s = {
      findSource: p<{ id: number; label: string }>(
        'SELECT id, label FROM sources WHERE kind = ? AND account_key = ?',
      ),
      insertSource: p('INSERT INTO sources (kind, account_key, label) VALUES (?, ?, ?)'),
      updateSourceLabel: p('UPDATE sources SET label = ? WHERE id = ?'),
      findPerson: p<{
        id: number;
        display_name: string;
        handle: string | null;
        phone: string | null;
      }>('SELECT id, display_name, handle, phone FROM people WHERE source_id = ? AND key = ?'),
      insertPerson: p(
        'INSERT INTO people (source_id, key, display_name, handle, phone) VALUES (?, ?, ?, ?, ?)',
      ),
      updatePerson: p('UPDATE people SET display_name = ?, handle = ?, phone = ? WHERE id = ?'),
      findChat: p<{ id: number; title: string; type: string }>(
        'SELECT id, title, type FROM chats WHERE source_id = ? AND key = ?',
      ),
      insertChat: p('INSERT INTO chats (source_id, key, type, title) VALUES (?, ?, ?, ?)'),
      updateChat: p('UPDATE chats SET title = ?, type = ? WHERE id = ?'),
      addMember: p('INSERT OR IGNORE INTO chat_members (chat_id, person_id) VALUES (?, ?)'),
      findMessage: p<ExistingMessage>(
        'SELECT id, sort_key, chat_id, sent_at, kind, text, edited_at, extra, reply_to_key, sender_id FROM messages WHERE chat_id = ? AND key = ?',
      ),
      maxKeyInSlot: p<{ m: number | null }>(
        'SELECT max(sort_key) AS m FROM messages WHERE sort_key BETWEEN ? AND ?',
      ),
      tryInsertMessage: p(
        `INSERT OR IGNORE INTO messages (sort_key, chat_id, key, sender_id, sent_at, kind, text, reply_to_key, edited_at, extra)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertMessage: p(
        `INSERT INTO messages (sort_key, chat_id, key, sender_id, sent_at, kind, text, reply_to_key, edited_at, extra)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      setBulk: p('UPDATE bulk_mode SET active = ? WHERE id = 1'),
      triggerSql: p<{ name: string; sql: string }>(
        `SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'
         AND name IN (${BULK_INSERT_TRIGGERS.map((n) => `'${n}'`).join(', ')})`,
      ),
      bumpRev: p<{ value: number }>(
        'UPDATE rev_counter SET value = value + 1 WHERE id = 1 RETURNING value',
      ),
      settleGroup: p(
        `INSERT INTO month_groups (chat_id, month, rev, message_count) VALUES (?, ?, ?, ?)
         ON CONFLICT (chat_id, month) DO UPDATE SET
           rev = excluded.rev, message_count = message_count + excluded.message_count`,
      ),
      settleChat: p(
        `UPDATE chats SET message_count = message_count + ?,
           (last_message_id, last_sent_at) = (SELECT id, sent_at FROM messages WHERE chat_id = ?
                                              ORDER BY sent_at DESC, id DESC LIMIT 1)
         WHERE id = ?`,
      ),
      ftsDelete: p('DELETE FROM messages_fts WHERE rowid = ?'),
      ftsIndexText: p(
        `INSERT INTO messages_fts (rowid, body)
         SELECT m.sort_key, ck_index_text(m.text) FROM json_each(?) j JOIN messages m ON m.sort_key = j.value
         WHERE m.text IS NOT NULL`,
      ),
      ftsIndexFull: p(
        `INSERT INTO messages_fts (rowid, body)
         SELECT m.sort_key, ${FTS_BODY} FROM json_each(?) j JOIN messages m ON m.sort_key = j.value
         WHERE ${FTS_HAS_BODY}`,
      ),
      updateMessage: p(
        'UPDATE messages SET kind = ?, text = ?, edited_at = ?, extra = ?, reply_to_key = ? WHERE id = ?',
      ),
      insertAttachment: p(
        `INSERT INTO attachments (message_id, ordinal, media_type, mime, size, hash, file_name, width, height, duration_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      findAttachments: p<ExistingAttachment>(
        `SELECT id, ordinal, media_type, mime, size, hash, file_name, width, height, duration_ms
         FROM attachments WHERE message_id = ? ORDER BY ordinal`,
      ),
      updateAttachment: p(
        `UPDATE attachments SET media_type = ?, mime = ?, size = ?, hash = ?, file_name = ?, width = ?,
         height = ?, duration_ms = ? WHERE id = ?`,
      ),
      insertReaction: p(
        'INSERT OR IGNORE INTO reactions (message_id, sender_id, emoji, at) VALUES (?, ?, ?, ?)',
      ),
    };
  }

  run(bundles: Iterable<ChatBundle>, opts: IngestOptions = {}): IngestResult {
    // IMMEDIATE: take the write lock up front so a concurrent writer makes us wait (busy_timeout)
    // instead of failing when our read snapshot turns stale at the first write.
    return this.db.transaction(() => this.runInTransaction(bundles, opts)).immediate();
  }

  private runInTransaction(bundles: Iterable<ChatBundle>, opts: IngestOptions): IngestResult {
    const result: IngestResult = {
      chats: 0,
      messagesAdded: 0,
      messagesUpdated: 0,
      messagesSkipped: 0,
      chatIds: [],
    };
    const chatState = new Map<number, { insertedKeys: Set<string> | null }>();
    let processed = 0;
    let bundleIndex = 0;
    const checkpoint = (): void => {
      if (opts.shouldCancel?.()) throw new IngestCancelledError();
      opts.onProgress?.({ chats: result.chats, messages: processed });
    };
    /** Record paths are built only for error messages, never per message on the happy path. */
    type PersonIdOf = (key: string, path: () => string) => number;
    const work: Array<{
      m: MessageRecord;
      at: () => string;
      chatId: number;
      personId: PersonIdOf;
      order: number;
    }> = [];
    // Source ids may be cached only for this transaction: a rollback would void them.
    this.sourceIds.clear();
    this.toIndex.clear();
    this.touched.clear();
    this.addedPerChat.clear();
    this.s.setBulk.run(1);
    // Triggers are dropped (for big calls) when the first window is written, and put back at the end.
    const triggers: { dropped: { name: string; sql: string }[] | null } = { dropped: null };
    const writeWindow = (): void => {
      // All messages of the window in time order, so the sort-key index and each chat's time
      // index grow at their ends instead of splitting pages all over.
      work.sort((a, b) => byTime(a.m, b.m) || a.order - b.order);
      // Schema changes inside a transaction are part of it: on error or cancel the rollback
      // restores the triggers, and other connections never see them missing.
      if (triggers.dropped === null) {
        triggers.dropped = work.length >= this.dropTriggersFrom ? this.s.triggerSql.all() : [];
        for (const t of triggers.dropped) this.db.exec(`DROP TRIGGER ${t.name}`);
      }
      for (const { m, at, chatId, personId } of work) {
        const insertedKeys = chatState.get(chatId)?.insertedKeys ?? null;
        const senderId =
          m.senderKey == null ? null : personId(m.senderKey, () => `${at()}.senderKey`);
        const existing =
          insertedKeys && !insertedKeys.has(m.key)
            ? undefined
            : this.s.findMessage.get(chatId, m.key);
        if (existing) {
          if (this.updateMessage(existing, m, at, personId)) result.messagesUpdated++;
          else result.messagesSkipped++;
        } else {
          this.insertMessage(chatId, senderId, m, at, personId);
          insertedKeys?.add(m.key);
          result.messagesAdded++;
        }
        if (++processed % CHECK_EVERY === 0) checkpoint();
      }
      work.length = 0;
      // Index the window's text now rather than remembering every message until the end.
      this.indexDeferred();
      this.toIndex.clear();
    };
    try {
      // Phase 1: every bundle's source, people, chat and members.
      for (const bundle of bundles) {
        const where = `bundle[${bundleIndex++}]`;
        validateBundle(bundle, where);
        checkpoint();
        const sourceId = this.upsertSource(bundle);
        const people = this.upsertPeople(sourceId, bundle);
        const { chatId, isNew } = this.upsertChat(sourceId, bundle);
        if (!chatState.has(chatId)) {
          // A chat created by this call has no stored messages to look up.
          chatState.set(chatId, { insertedKeys: isNew ? new Set() : null });
          result.chatIds.push(chatId);
          result.chats++;
        }
        const personId: PersonIdOf = (key, path) => {
          let id = people.get(key);
          if (id === undefined) {
            id = this.s.findPerson.get(sourceId, key)?.id;
            if (id === undefined) {
              throw new InvalidRecordError(
                path(),
                `person key ${JSON.stringify(key)} is not in the bundle's people`,
              );
            }
            people.set(key, id);
          }
          return id;
        };
        bundle.chat.members.forEach((key, i) =>
          this.s.addMember.run(
            chatId,
            personId(key, () => `${where}.chat.members[${i}]`),
          ),
        );
        bundle.messages.forEach((m, i) =>
          work.push({
            m,
            at: () => `${where}.messages[${i}]`,
            chatId,
            personId,
            order: work.length,
          }),
        );
        if (work.length >= this.windowMessages) writeWindow();
      }
      writeWindow();

      checkpoint();
      this.settle();
      for (const t of triggers.dropped ?? []) this.db.exec(t.sql);
      this.s.setBulk.run(0);
    } finally {
      this.sourceIds.clear();
      this.toIndex.clear();
      this.touched.clear();
      this.addedPerChat.clear();
    }
    return result;
  }

  private touch(chatId: number, sentAt: number, added: number): void {
    // Messages come in time order, so the month rarely changes from one call to the next.
    let c = this.monthCache;
    if (sentAt < c.from || sentAt >= c.to) {
      const month = monthOf(sentAt);
      const [from, to] = monthRange(month);
      c = this.monthCache = { from, to, month };
    }
    const month = c.month;
    const key = `${chatId}|${month}`;
    const group = this.touched.get(key);
    if (group) group.added += added;
    else this.touched.set(key, { chatId, month, added });
  }

  /** The work bulk mode turned the triggers off for: chat counters, group revs, the FTS index. */
  private settle(): void {
    for (const [chatId, added] of this.addedPerChat) this.s.settleChat.run(added, chatId, chatId);
    if (this.touched.size > 0) {
      const rev = this.s.bumpRev.get()?.value ?? 0;
      for (const g of this.touched.values())
        this.s.settleGroup.run(g.chatId, g.month, rev, g.added);
    }
    this.indexDeferred();
  }

  /** Index the call's new and edited messages, in rowid order (see the FTS migration). */
  private indexDeferred(): void {
    const ids = [...this.toIndex.keys()].sort((a, b) => a - b);
    const textOnly: number[] = [];
    const full: number[] = [];
    for (const id of ids) {
      const entry = this.toIndex.get(id);
      if (entry?.stored) this.s.ftsDelete.run(id);
      (entry?.names || entry?.stored ? full : textOnly).push(id);
    }
    // Most messages have no file names: skip the attachment lookup for them.
    const CHUNK = 50_000;
    for (let i = 0; i < textOnly.length; i += CHUNK) {
      this.s.ftsIndexText.run(JSON.stringify(textOnly.slice(i, i + CHUNK)));
    }
    for (let i = 0; i < full.length; i += CHUNK) {
      this.s.ftsIndexFull.run(JSON.stringify(full.slice(i, i + CHUNK)));
    }
  }

  private upsertSource(bundle: ChatBundle): number {
    const { kind, accountKey, label } = bundle.source;
    const cacheKey = `${kind}\u0000${accountKey}`;
    const cached = this.sourceIds.get(cacheKey);
    if (cached !== undefined) return cached;
    const row = this.s.findSource.get(kind, accountKey);
    let id: number;
    if (row) {
      id = row.id;
      if (label && row.label !== label) this.s.updateSourceLabel.run(label, id);
    } else {
      id = Number(this.s.insertSource.run(kind, accountKey, label).lastInsertRowid);
    }
    this.sourceIds.set(cacheKey, id);
    return id;
  }

  private upsertPeople(sourceId: number, bundle: ChatBundle): Map<string, number> {
    const ids = new Map<string, number>();
    for (const p of bundle.people) {
      const row = this.s.findPerson.get(sourceId, p.key);
      if (!row) {
        const info = this.s.insertPerson.run(
          sourceId,
          p.key,
          p.displayName,
          p.handle ?? null,
          p.phone ?? null,
        );
        ids.set(p.key, Number(info.lastInsertRowid));
        continue;
      }
      ids.set(p.key, row.id);
      // Never replace a known value with an unknown one: exports differ in what they carry.
      const name = p.displayName || row.display_name;
      const handle = p.handle ?? row.handle;
      const phone = p.phone ?? row.phone;
      if (name !== row.display_name || handle !== row.handle || phone !== row.phone) {
        this.s.updatePerson.run(name, handle, phone, row.id);
      }
    }
    return ids;
  }

  private upsertChat(sourceId: number, bundle: ChatBundle): { chatId: number; isNew: boolean } {
    const { key, type, title } = bundle.chat;
    const row = this.s.findChat.get(sourceId, key);
    if (!row) {
      const info = this.s.insertChat.run(sourceId, key, type, title);
      return { chatId: Number(info.lastInsertRowid), isNew: true };
    }
    const newTitle = title || row.title;
    if (newTitle !== row.title || type !== row.type) this.s.updateChat.run(newTitle, type, row.id);
    return { chatId: row.id, isNew: false };
  }

  private allocateSortKey(sentAt: number): number {
    let base = sentAt * SORT_SLOTS_PER_MS;
    for (;;) {
      const last = base + SORT_SLOTS_PER_MS - 1;
      const max = this.s.maxKeyInSlot.get(base, last)?.m ?? null;
      if (max === null) return base;
      if (max < last) return max + 1;
      base += SORT_SLOTS_PER_MS;
    }
  }

  private insertMessage(
    chatId: number,
    senderId: number | null,
    m: MessageRecord,
    at: () => string,
    personId: (key: string, path: () => string) => number,
  ): void {
    const text = m.text ?? null;
    const replyToKey = m.replyToKey ?? null;
    const editedAt = m.editedAt ?? null;
    const extra = m.extra == null ? null : JSON.stringify(m.extra);
    // The millisecond's first sort key is nearly always free; only on a clash look for the next.
    let sortKey = m.sentAt * SORT_SLOTS_PER_MS;
    let info = this.s.tryInsertMessage.run(
      sortKey,
      chatId,
      m.key,
      senderId,
      m.sentAt,
      m.kind,
      text,
      replyToKey,
      editedAt,
      extra,
    );
    if (info.changes === 0) {
      sortKey = this.allocateSortKey(m.sentAt);
      info = this.s.insertMessage.run(
        sortKey,
        chatId,
        m.key,
        senderId,
        m.sentAt,
        m.kind,
        text,
        replyToKey,
        editedAt,
        extra,
      );
    }
    const id = Number(info.lastInsertRowid);
    const names = m.attachments.some((a) => a.fileName != null);
    if (m.text != null || names) this.toIndex.set(sortKey, { stored: false, names });
    this.addedPerChat.set(chatId, (this.addedPerChat.get(chatId) ?? 0) + 1);
    this.touch(chatId, m.sentAt, 1);
    m.attachments.forEach((a, ordinal) => this.insertAttachment(id, ordinal, a));
    this.addReactions(id, m, at, personId);
  }

  private insertAttachment(messageId: number, ordinal: number, a: AttachmentRecord): void {
    this.s.insertAttachment.run(
      messageId,
      ordinal,
      a.mediaType,
      a.mime,
      a.size,
      a.hash,
      a.fileName ?? null,
      a.width ?? null,
      a.height ?? null,
      a.durationMs ?? null,
    );
  }

  /** Adds the reactions not yet stored; returns how many were added. */
  private addReactions(
    messageId: number,
    m: MessageRecord,
    at: () => string,
    personId: (key: string, path: () => string) => number,
  ): number {
    let added = 0;
    m.reactions.forEach((r, j) => {
      const sender =
        r.senderKey == null
          ? null
          : personId(r.senderKey, () => `${at()}.reactions[${j}].senderKey`);
      added += this.s.insertReaction.run(messageId, sender, r.emoji, r.at ?? null).changes;
    });
    return added;
  }

  /**
   * Merge a newer record of a stored message. Text, edit time, kind and extras follow the newer
   * record, but nothing known is replaced by an unknown: a null text (e.g. a message since
   * deleted for everyone) keeps the stored text, and reactions are only ever added, because
   * exports differ in what they include. Returns whether anything changed.
   */
  private updateMessage(
    existing: ExistingMessage,
    m: MessageRecord,
    at: () => string,
    personId: (key: string, path: () => string) => number,
  ): boolean {
    let changed = false;
    const text = m.text ?? existing.text;
    const editedAt = m.editedAt ?? existing.edited_at;
    const extra = m.extra == null ? existing.extra : JSON.stringify(m.extra);
    const replyToKey = m.replyToKey ?? existing.reply_to_key;
    if (
      m.kind !== existing.kind ||
      text !== existing.text ||
      editedAt !== existing.edited_at ||
      extra !== existing.extra ||
      replyToKey !== existing.reply_to_key
    ) {
      this.s.updateMessage.run(m.kind, text, editedAt, extra, replyToKey, existing.id);
      if (text !== existing.text) this.reindexStored(existing.sort_key);
      changed = true;
    }
    if (m.attachments.length > 0 && this.mergeAttachments(existing.id, m.attachments)) {
      changed = true;
      if (m.attachments.some((a) => a.fileName != null)) this.reindexStored(existing.sort_key);
    }
    if (m.reactions.length > 0 && this.addReactions(existing.id, m, at, personId) > 0)
      changed = true;
    if (changed) this.touch(existing.chat_id, existing.sent_at, 0);
    return changed;
  }

  /** A stored message whose text or file names changed: replace its FTS row at the end. */
  private reindexStored(sortKey: number): void {
    const entry = this.toIndex.get(sortKey);
    if (entry) entry.names = true;
    else this.toIndex.set(sortKey, { stored: true, names: true });
  }

  private mergeAttachments(messageId: number, incoming: AttachmentRecord[]): boolean {
    const stored = this.s.findAttachments.all(messageId);
    let changed = false;
    incoming.forEach((a, ordinal) => {
      const old = stored.find((s) => s.ordinal === ordinal);
      if (!old) {
        this.insertAttachment(messageId, ordinal, a);
        changed = true;
        return;
      }
      const merged = [
        a.mediaType,
        a.mime || old.mime,
        a.hash === null && old.hash !== null ? old.size : a.size,
        a.hash ?? old.hash,
        a.fileName ?? old.file_name,
        a.width ?? old.width,
        a.height ?? old.height,
        a.durationMs ?? old.duration_ms,
      ] as const;
      const before = [
        old.media_type,
        old.mime,
        old.size,
        old.hash,
        old.file_name,
        old.width,
        old.height,
        old.duration_ms,
      ];
      if (merged.some((v, k) => v !== before[k])) {
        this.s.updateAttachment.run(...merged, old.id);
        changed = true;
      }
    });
    return changed;
  }
}
