import type Database from 'better-sqlite3';
import { IngestCancelledError, InvalidRecordError } from './errors.js';
import type { AttachmentRecord, ChatBundle, MessageRecord } from './records.js';
import { BULK_INSERT_TRIGGERS, FTS_BODY, FTS_HAS_BODY, monthOf, monthRange } from './schema.js';
import { SearchBacklog } from './search-backlog.js';
import { validateBundle } from './validate.js';

export interface IngestProgress {
  chats: number;
  messages: number;
}

export interface IngestOptions {
  onProgress?: (p: IngestProgress) => void;
  /** Polled between messages; returning true rolls the whole call back. */
  shouldCancel?: () => boolean;
  /**
   * Into a store without messages, leave the full-text index to be built after the commit
   * (SearchBacklog), as a restore does: the rows are readable sooner. Ignored otherwise.
   */
  deferSearchIndex?: boolean;
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
 * window are dropped once it is written. 10,000 rather than more: a window's records live long
 * enough to reach V8's old generation, so its size sets how far the heap grows between full
 * collections (400,000 messages: 50,000 peaked near 470 MB RSS, 10,000 under 300 MB, no slower).
 */
const WINDOW_MESSAGES = 10_000;
/**
 * From this many messages in one call, ingest also takes the bulk-mode insert triggers out for
 * its transaction (see BULK_INSERT_TRIGGERS). Below it, re-preparing statements after the schema
 * change would cost more than the triggers.
 */
export const DROP_TRIGGERS_FROM = 5000;
/**
 * New messages of chats the call created are inserted this many rows per statement: a restore
 * or a first import writes a million rows, and one statement per row costs about as much in
 * binding and stepping as the row itself.
 */
const BATCH_ROWS = 32;
const MESSAGE_COLUMNS =
  'sort_key, chat_id, key, sender_id, sent_at, kind, text, reply_to_key, edited_at, extra';

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
  /** BATCH_ROWS messages with their ids in one statement (prepared when first needed). */
  private batchInsert: Database.Statement<unknown[]> | null = null;
  private readonly batchArgs: unknown[] = new Array<unknown>(BATCH_ROWS * 11);

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
        `INSERT OR IGNORE INTO messages (${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertMessage: p(
        `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      nextMessageId: p<{ id: number }>('SELECT ifnull(max(id), 0) + 1 AS id FROM messages'),
      messageStored: p('SELECT 1 FROM messages WHERE id = ?'),
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
    return this.db
      .transaction(() => {
        const run = this.start(opts);
        try {
          for (const bundle of bundles) run.add(bundle);
          return run.end();
        } finally {
          run.release();
        }
      })
      .immediate();
  }

  /**
   * An ingest fed bundle by bundle, between which the caller may await (a restore reading its
   * backup): one write transaction from here to `commit`, all or nothing. Nothing else may use
   * this connection until the session is committed or rolled back.
   */
  openSession(
    opts: IngestOptions & {
      /**
       * Into a store without messages, leave the full-text index to be built after the
       * commit (SearchBacklog): the rows are readable sooner.
       */
      deferSearchIndex?: boolean;
    } = {},
  ): IngestSession {
    this.db.exec('BEGIN IMMEDIATE');
    let run: IngestRun;
    try {
      run = this.start(opts);
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
    let open = true;
    const close = (sql: 'COMMIT' | 'ROLLBACK'): void => {
      if (!open) return;
      open = false;
      run.release();
      if (this.db.inTransaction) this.db.exec(sql);
    };
    return {
      add: (bundle) => {
        if (!open) throw new Error('ingest session is closed');
        run.add(bundle);
      },
      exec: (sql, params) => {
        if (!open) throw new Error('ingest session is closed');
        run.flush();
        return this.db.prepare(sql).run(...params).changes;
      },
      commit: () => {
        if (!open) throw new Error('ingest session is closed');
        let result: IngestResult;
        try {
          result = run.end();
        } catch (error) {
          close('ROLLBACK');
          throw error;
        }
        close('COMMIT');
        return result;
      },
      rollback: () => close('ROLLBACK'),
    };
  }

  private start(opts: IngestOptions & { deferSearchIndex?: boolean }): IngestRun {
    return new IngestRun(this, opts);
  }

  /** @internal for IngestRun */
  get statements() {
    return this.s;
  }

  /** @internal for IngestRun: clears the per-call caches (a rollback voids cached ids). */
  resetCaches(): void {
    this.sourceIds.clear();
    this.toIndex.clear();
    this.touched.clear();
    this.addedPerChat.clear();
  }

  /** @internal for IngestRun */
  get database(): Database.Database {
    return this.db;
  }

  /** @internal for IngestRun */
  get limits(): { dropTriggersFrom: number; windowMessages: number } {
    return { dropTriggersFrom: this.dropTriggersFrom, windowMessages: this.windowMessages };
  }

  /**
   * @internal for IngestRun: one message of a window. In a chat this call created (`newChat`)
   * a message can only be stored already if the call repeats its key, so the insert is tried
   * first and the stored row looked up only when it is refused.
   */
  writeMessage(
    m: MessageRecord,
    at: () => string,
    chatId: number,
    personId: PersonIdOf,
    newChat: boolean,
    result: IngestResult,
    deferSearchIndex: boolean,
  ): void {
    const senderId = m.senderKey == null ? null : personId(m.senderKey, () => `${at()}.senderKey`);
    const existing = newChat ? undefined : this.s.findMessage.get(chatId, m.key);
    if (!existing && this.insertMessage(chatId, senderId, m, at, personId, deferSearchIndex)) {
      result.messagesAdded++;
      return;
    }
    const stored = existing ?? this.s.findMessage.get(chatId, m.key)!;
    if (this.updateMessage(stored, m, at, personId)) result.messagesUpdated++;
    else result.messagesSkipped++;
  }

  /**
   * @internal for IngestRun: messages of chats this call created, in order, BATCH_ROWS rows per
   * statement with the ids given here. A row the statement leaves out (its key repeated in this
   * call, or its millisecond's first sort key taken) goes through `writeMessage` instead.
   */
  writeNewMessages(
    items: readonly WindowItem[],
    result: IngestResult,
    deferSearchIndex: boolean,
  ): void {
    if (items.length !== BATCH_ROWS) {
      for (const it of items)
        this.writeMessage(it.m, it.at, it.chatId, it.personId, true, result, deferSearchIndex);
      return;
    }
    const args = this.batchArgs;
    const first = this.s.nextMessageId.get()!.id;
    for (let k = 0; k < BATCH_ROWS; k++) {
      const { m, at, chatId, personId } = items[k]!;
      const senderId =
        m.senderKey == null ? null : personId(m.senderKey, () => `${at()}.senderKey`);
      const o = k * 11;
      args[o] = first + k;
      args[o + 1] = m.sentAt * SORT_SLOTS_PER_MS;
      args[o + 2] = chatId;
      args[o + 3] = m.key;
      args[o + 4] = senderId;
      args[o + 5] = m.sentAt;
      args[o + 6] = m.kind;
      args[o + 7] = m.text ?? null;
      args[o + 8] = m.replyToKey ?? null;
      args[o + 9] = m.editedAt ?? null;
      args[o + 10] = m.extra == null ? null : JSON.stringify(m.extra);
    }
    this.batchInsert ??= this.db.prepare<unknown[]>(
      `INSERT OR IGNORE INTO messages (id, ${MESSAGE_COLUMNS}) VALUES ${Array.from(
        { length: BATCH_ROWS },
        () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).join(', ')}`,
    );
    const all = this.batchInsert.run(args).changes === BATCH_ROWS;
    // Which rows went in, learnt before any row left out is written (it takes the next free id).
    const stored = all
      ? null
      : items.map((_, k) => this.s.messageStored.get(first + k) !== undefined);
    for (let k = 0; k < BATCH_ROWS; k++) {
      const { m, at, chatId, personId } = items[k]!;
      const id = first + k;
      if (stored === null || stored[k]) {
        this.afterInsert(
          id,
          m.sentAt * SORT_SLOTS_PER_MS,
          chatId,
          m,
          at,
          personId,
          deferSearchIndex,
        );
        result.messagesAdded++;
      } else {
        this.writeMessage(m, at, chatId, personId, true, result, deferSearchIndex);
      }
    }
  }

  /** @internal for IngestRun: index the window's text now rather than remembering it all. */
  flushSearchIndex(): void {
    this.indexDeferred();
    this.toIndex.clear();
  }

  /** @internal for IngestRun */
  settleRun(): void {
    this.settle();
  }

  /** @internal for IngestRun */
  source(bundle: ChatBundle): number {
    return this.upsertSource(bundle);
  }

  /** @internal for IngestRun */
  peopleOf(sourceId: number, bundle: ChatBundle): Map<string, number> {
    return this.upsertPeople(sourceId, bundle);
  }

  /** @internal for IngestRun */
  chatOf(sourceId: number, bundle: ChatBundle): { chatId: number; isNew: boolean } {
    return this.upsertChat(sourceId, bundle);
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
    deferSearchIndex = false,
  ): boolean {
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
      // Refused: the key is stored (the caller updates it) or the sort key is taken.
      if (this.s.findMessage.get(chatId, m.key)) return false;
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
    this.afterInsert(
      Number(info.lastInsertRowid),
      sortKey,
      chatId,
      m,
      at,
      personId,
      deferSearchIndex,
    );
    return true;
  }

  /** What follows a new message's row: its attachments, reactions, counters and index entry. */
  private afterInsert(
    id: number,
    sortKey: number,
    chatId: number,
    m: MessageRecord,
    at: () => string,
    personId: PersonIdOf,
    deferSearchIndex: boolean,
  ): void {
    const names = m.attachments.some((a) => a.fileName != null);
    // Deferred: the whole store's index is built after the rows (see SearchBacklog).
    if (!deferSearchIndex && (m.text != null || names))
      this.toIndex.set(sortKey, { stored: false, names });
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

/** Resolves a bundle's person key to its id; `path` names the record for error messages. */
type PersonIdOf = (key: string, path: () => string) => number;

/**
 * Names message `i` of a bundle for error messages, built only if one is raised. A function,
 * not an arrow written as the work item's `at: () => ...`: bundled with keepNames (as our
 * bundles and tsx are), such an arrow is wrapped in a renaming helper call for every message.
 */
function messagePath(where: string, i: number): () => string {
  return () => `${where}.messages[${i}]`;
}

/** A message waiting in an ingest's window. */
interface WindowItem {
  m: MessageRecord;
  at: () => string;
  chatId: number;
  personId: PersonIdOf;
  order: number;
}

/** Secondary indexes an empty store's bulk write builds after its rows (see IngestRun). */
const DEFERRED_INDEXES = ['messages_by_chat_time', 'attachments_by_hash'];

/** An ingest fed bundle by bundle inside one open write transaction (Ingester.openSession). */
export interface IngestSession {
  add(bundle: ChatBundle): void;
  /**
   * Runs a statement inside the session's transaction, after writing the messages added so far;
   * returns the rows it changed.
   */
  exec(sql: string, params: unknown[]): number;
  /** Writes what is left and commits. */
  commit(): IngestResult;
  /** Undoes everything the session wrote. */
  rollback(): void;
}

/**
 * The state of one ingest call (or session) inside its transaction: bundles are validated and
 * their chats and people written as they come; messages are written in time-sorted windows.
 */
class IngestRun {
  readonly result: IngestResult = {
    chats: 0,
    messagesAdded: 0,
    messagesUpdated: 0,
    messagesSkipped: 0,
    chatIds: [],
  };
  /** Chats the call touched; `isNew`: created by this call. */
  private readonly chatState = new Map<number, { isNew: boolean }>();
  private processed = 0;
  private bundleIndex = 0;
  private readonly work: WindowItem[] = [];
  /** Triggers are dropped (for big calls) when the first window is written, and put back at the end. */
  private dropped: { name: string; sql: string }[] | null = null;
  private readonly deferSearchIndex: boolean;
  /** Indexes dropped for an empty store's bulk write, put back before anything reads them. */
  private droppedIndexes: { name: string; sql: string }[] = [];

  constructor(
    private readonly ing: Ingester,
    private readonly opts: IngestOptions & { deferSearchIndex?: boolean },
  ) {
    // Source ids may be cached only for this transaction: a rollback would void them.
    ing.resetCaches();
    // A restore's index still being built: finished first, so no message is indexed twice.
    const backlog = new SearchBacklog(ing.database);
    if (backlog.state()) backlog.finish();
    // Deferring is only for a store without messages: its backlog is then the whole store.
    this.deferSearchIndex =
      (opts.deferSearchIndex ?? false) &&
      ing.database.prepare('SELECT 1 FROM messages LIMIT 1').get() === undefined;
    ing.statements.setBulk.run(1);
  }

  private checkpoint(): void {
    if (this.opts.shouldCancel?.()) throw new IngestCancelledError();
    this.opts.onProgress?.({ chats: this.result.chats, messages: this.processed });
  }

  add(bundle: ChatBundle): void {
    const ing = this.ing;
    const where = `bundle[${this.bundleIndex++}]`;
    validateBundle(bundle, where);
    this.checkpoint();
    const sourceId = ing.source(bundle);
    const people = ing.peopleOf(sourceId, bundle);
    const { chatId, isNew } = ing.chatOf(sourceId, bundle);
    if (!this.chatState.has(chatId)) {
      // A chat created by this call has no stored messages to look up.
      this.chatState.set(chatId, { isNew });
      this.result.chatIds.push(chatId);
      this.result.chats++;
    }
    const findPerson = ing.statements.findPerson;
    const personId: PersonIdOf = (key, path) => {
      let id = people.get(key);
      if (id === undefined) {
        id = findPerson.get(sourceId, key)?.id;
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
      ing.statements.addMember.run(
        chatId,
        personId(key, () => `${where}.chat.members[${i}]`),
      ),
    );
    const work = this.work;
    bundle.messages.forEach((m, i) =>
      work.push({
        m,
        at: messagePath(where, i),
        chatId,
        personId,
        order: work.length,
      }),
    );
    if (work.length >= this.ing.limits.windowMessages) this.writeWindow();
  }

  private writeWindow(): void {
    const ing = this.ing;
    const work = this.work;
    // All messages of the window in time order, so the sort-key index and each chat's time
    // index grow at their ends instead of splitting pages all over.
    work.sort((a, b) => byTime(a.m, b.m) || a.order - b.order);
    // Schema changes inside a transaction are part of it: on error or cancel the rollback
    // restores the triggers, and other connections never see them missing.
    if (this.dropped === null) {
      this.dropped =
        work.length >= ing.limits.dropTriggersFrom ? ing.statements.triggerSql.all() : [];
      for (const t of this.dropped) ing.database.exec(`DROP TRIGGER ${t.name}`);
      // Into an empty store, the secondary indexes are built once after the rows (a sort)
      // rather than kept up to date row by row; nothing reads them before end().
      if (this.deferSearchIndex) {
        this.droppedIndexes = ing.database
          .prepare<[], { name: string; sql: string }>(
            `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
             AND name IN (${DEFERRED_INDEXES.map((n) => `'${n}'`).join(', ')})`,
          )
          .all();
        for (const i of this.droppedIndexes) ing.database.exec(`DROP INDEX ${i.name}`);
      }
    }
    // Messages of new chats go BATCH_ROWS to a statement; the batch is written before any
    // other message so the rows keep the window's order.
    const batch: WindowItem[] = [];
    const writeBatch = (): void => {
      ing.writeNewMessages(batch, this.result, this.deferSearchIndex);
      batch.length = 0;
    };
    for (const item of work) {
      if (this.chatState.get(item.chatId)?.isNew) {
        batch.push(item);
        if (batch.length === BATCH_ROWS) writeBatch();
      } else {
        if (batch.length > 0) writeBatch();
        const { m, at, chatId, personId } = item;
        ing.writeMessage(m, at, chatId, personId, false, this.result, this.deferSearchIndex);
      }
      if (++this.processed % CHECK_EVERY === 0) this.checkpoint();
    }
    if (batch.length > 0) writeBatch();
    work.length = 0;
    ing.flushSearchIndex();
  }

  /** Writes the messages added so far, with every index in place (for the caller's statement). */
  flush(): void {
    this.writeWindow();
    this.restoreIndexes();
  }

  private restoreIndexes(): void {
    for (const i of this.droppedIndexes) this.ing.database.exec(i.sql);
    this.droppedIndexes = [];
  }

  /** Writes the last window and the work bulk mode deferred; the caller commits. */
  end(): IngestResult {
    this.writeWindow();
    this.restoreIndexes();
    this.checkpoint();
    this.ing.settleRun();
    for (const t of this.dropped ?? []) this.ing.database.exec(t.sql);
    this.ing.statements.setBulk.run(0);
    if (this.deferSearchIndex) new SearchBacklog(this.ing.database).recordWholeStore();
    return this.result;
  }

  release(): void {
    this.ing.resetCaches();
  }
}
