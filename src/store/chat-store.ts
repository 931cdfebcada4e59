import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type {
  AttachmentRef,
  AttachmentView,
  ChatDetail,
  ChatMatches,
  ChatMediaSummary,
  ChatSummary,
  GalleryPage,
  GalleryTab,
  MessagePage,
  SearchCount,
  SearchHit,
  SearchPage,
  StoreStats,
} from '../shared/chat-types.js';
import {
  StoreBusyError,
  StoreClosedError,
  StoreCorruptError,
  StoreDiskFullError,
  StoreReadOnlyError,
} from './errors.js';
import { GalleryQueries, type GalleryOptions } from './gallery.js';
import { Ingester, type IngestOptions, type IngestResult, type IngestSession } from './ingest.js';
import { SearchBacklog, type SearchIndexState } from './search-backlog.js';
import { probeDurationMs } from './media-probe.js';
import { MediaStore } from './media-store.js';
import { DB_FILE, openDatabase } from './open-db.js';
import { StoreQueries, type GetMessagesOptions, type ListChatsOptions } from './queries.js';
import { SearchQueries, type SearchOptions } from './search.js';
import type { ChatBundle } from './records.js';
import { createSnapshotReader, type SnapshotReader } from './snapshot.js';

export interface OpenStoreOptions {
  /** Path of better-sqlite3's native addon, when it is not where Node would find it. */
  nativeBinding?: string;
  readonly?: boolean;
  /** Create the store when the directory holds none (default true; never when readonly). */
  create?: boolean;
  /** How long a write waits for another writer's lock before StoreBusyError (default 10 s). */
  busyTimeoutMs?: number;
  /** Bounded memory for a one-pass reader or writer (see OpenDbOptions.lean). */
  lean?: boolean;
}

export const MEDIA_DIR = 'media';

/**
 * A chat store: `<dir>/chatkeep.db` (SQLite) and `<dir>/media/` (content-addressed files).
 * One instance owns one connection; use it from one thread.
 */
export class ChatStore {
  readonly dbPath: string;
  readonly storeId: string;
  readonly media: MediaStore;
  private db: Database.Database | null;
  private readonly queries: StoreQueries;
  private readonly searches: SearchQueries;
  private readonly gallery: GalleryQueries;
  private ingester: Ingester | null = null;
  private backlog: SearchBacklog | null = null;
  private snapshot: ReturnType<typeof createSnapshotReader> | null = null;

  private constructor(
    readonly dir: string,
    db: Database.Database,
  ) {
    this.db = db;
    this.dbPath = path.join(dir, DB_FILE);
    this.media = new MediaStore(path.join(dir, MEDIA_DIR));
    this.storeId = ChatStore.ensureStoreId(db);
    this.queries = new StoreQueries(db, this.dbPath);
    this.searches = new SearchQueries(db);
    this.gallery = new GalleryQueries(db);
  }

  static open(dir: string, opts: OpenStoreOptions = {}): ChatStore {
    const resolved = path.resolve(dir);
    return new ChatStore(resolved, openDatabase(resolved, opts));
  }

  private static ensureStoreId(db: Database.Database): string {
    const get = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'storeId'");
    const existing = get.get()?.value;
    if (existing) return existing;
    if (db.readonly) throw new RangeError('The store has no id yet; open it for writing once');
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('storeId', ?)").run(randomUUID());
    return get.get()?.value ?? '';
  }

  get isOpen(): boolean {
    return this.db !== null;
  }

  close(): void {
    if (!this.db) return;
    const db = this.db;
    this.db = null;
    if (!db.readonly) {
      try {
        // Leave a compact database behind; harmless when another connection still reads.
        db.pragma('wal_checkpoint(PASSIVE)');
        db.pragma('optimize');
      } catch {
        // Best effort only.
      }
    }
    db.close();
  }

  /** SQLite's failures that mean something to the user, as our typed errors. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_')) throw error;
      if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
        throw new StoreCorruptError(this.dbPath, 'the database file is damaged', { cause: error });
      }
      if (code.startsWith('SQLITE_FULL'))
        throw new StoreDiskFullError(this.dbPath, { cause: error });
      if (code.startsWith('SQLITE_BUSY')) throw new StoreBusyError(this.dbPath, { cause: error });
      throw error;
    }
  }

  private assertOpen(): void {
    if (!this.db) throw new StoreClosedError();
  }

  private get writable(): Database.Database {
    const db = this.conn;
    if (db.readonly) throw new StoreReadOnlyError();
    return db;
  }

  private get conn(): Database.Database {
    if (!this.db) throw new StoreClosedError();
    return this.db;
  }

  /**
   * Add bundles to the store in ONE transaction: on error or cancel nothing is written.
   * Ingesting the same bundles again changes nothing; a newer export of a chat adds its new
   * messages and updates edited ones.
   */
  ingest(bundles: Iterable<ChatBundle>, opts?: IngestOptions): IngestResult {
    const db = this.writable;
    this.ingester ??= new Ingester(db);
    const ingester = this.ingester;
    return this.guard(() => ingester.run(bundles, opts));
  }

  /**
   * A restore's ingest: one transaction fed bundle by bundle (the caller may await between
   * them), committed or rolled back by the caller. Into a store without messages the search
   * index is built after the commit (indexSearchBacklog), so the chats are readable sooner.
   * Nothing else may use this ChatStore until the session ends.
   */
  openIngestSession(opts?: IngestOptions & { deferSearchIndex?: boolean }): IngestSession {
    const db = this.writable;
    this.ingester ??= new Ingester(db);
    const ingester = this.ingester;
    return this.guard(() => ingester.openSession(opts));
  }

  /** How far the search index of a restore is built; null when it is complete. */
  searchIndexState(): SearchIndexState | null {
    const db = this.conn;
    return this.guard(() => (this.backlog ??= new SearchBacklog(db)).state());
  }

  /**
   * Builds the rest of a restore's search index, one step (one short transaction) at a time;
   * returns whether more is left. `maxMs` bounds the time spent in this call.
   */
  indexSearchBacklog(maxMs = Infinity, onProgress?: (s: SearchIndexState) => void): boolean {
    const db = this.writable;
    const backlog = (this.backlog ??= new SearchBacklog(db));
    const until = Date.now() + maxMs;
    return this.guard(() => {
      for (;;) {
        if (!backlog.step()) return false;
        const st = backlog.state();
        if (st) onProgress?.(st);
        if (Date.now() >= until) return true;
      }
    });
  }

  /** Delete one message (and its attachments' and reactions' rows). Returns whether it existed. */
  deleteMessage(messageId: number): boolean {
    const db = this.writable;
    return this.guard(
      () => db.prepare('DELETE FROM messages WHERE id = ?').run(messageId).changes > 0,
    );
  }

  /** Delete a chat and everything in it. Media files stay (other chats may share them). */
  deleteChat(chatId: number): boolean {
    const db = this.writable;
    return this.guard(() => db.prepare('DELETE FROM chats WHERE id = ?').run(chatId).changes > 0);
  }

  listChats(opts?: ListChatsOptions): ChatSummary[] {
    this.assertOpen();
    return this.guard(() => this.queries.listChats(opts));
  }

  countChats(filter?: string): number {
    this.assertOpen();
    return this.guard(() => this.queries.countChats(filter));
  }

  getChat(chatId: number): ChatDetail | null {
    this.assertOpen();
    return this.guard(() => this.queries.getChat(chatId));
  }

  getMessages(chatId: number, opts: GetMessagesOptions): MessagePage {
    this.assertOpen();
    return this.guard(() => this.queries.getMessages(chatId, opts));
  }

  /** The newest hits (one page); see `searchPage` to page further. */
  search(query: string, opts?: SearchOptions): SearchHit[] {
    return this.searchPage(query, opts).hits;
  }

  searchPage(query: string, opts?: SearchOptions): SearchPage {
    this.assertOpen();
    const page = this.guard(() => this.searches.search(query, opts));
    // While a restore's index is being built, say so: older messages are not found yet.
    const indexing = this.searchIndexState();
    return indexing ? { ...page, indexing } : page;
  }

  countMatches(query: string, chatId?: number): SearchCount {
    this.assertOpen();
    return this.guard(() => this.searches.count(query, chatId));
  }

  chatMatches(query: string, chatId: number): ChatMatches {
    this.assertOpen();
    return this.guard(() => this.searches.chatMatches(query, chatId));
  }

  galleryPage(chatId: number, tab: GalleryTab, opts?: GalleryOptions): GalleryPage {
    this.assertOpen();
    return this.guard(() => this.gallery.page(chatId, tab, opts));
  }

  chatMediaSummary(chatId: number): ChatMediaSummary {
    this.assertOpen();
    return this.guard(() => this.gallery.summary(chatId));
  }

  /** How many messages a chat has in each [bounds[i], bounds[i+1]) (calendar days). */
  countMessagesBetween(chatId: number, bounds: number[]): number[] {
    this.assertOpen();
    return this.guard(() => this.gallery.countsBetween(chatId, bounds));
  }

  getAttachment(attachmentId: number): AttachmentRef | null {
    this.assertOpen();
    return this.guard(() => this.queries.getAttachment(attachmentId));
  }

  /** A chat's place in the chat list (same filter), or null when the list does not hold it. */
  chatIndex(chatId: number, filter?: string): number | null {
    this.assertOpen();
    return this.guard(() => this.queries.chatIndex(chatId, filter));
  }

  /** A page of messages as the app shows it: `getMessages` with audio durations filled in. */
  async readMessages(chatId: number, opts: GetMessagesOptions): Promise<MessagePage> {
    const page = this.getMessages(chatId, opts);
    await this.fillDurations(
      page.messages.flatMap((m) =>
        m.replyTo?.attachment ? [...m.attachments, m.replyTo.attachment] : m.attachments,
      ),
    );
    return page;
  }

  /** A gallery page as the app shows it: `galleryPage` with audio durations filled in. */
  async readGallery(chatId: number, tab: GalleryTab, opts?: GalleryOptions): Promise<GalleryPage> {
    const page = this.galleryPage(chatId, tab, opts);
    await this.fillDurations(page.items.flatMap((i) => (i.attachment ? [i.attachment] : [])));
    return page;
  }

  /**
   * Give audio and voice attachments without a known duration the one read from their file,
   * reading each file once ever: the result (or that there was none) is kept in media_facts.
   */
  async fillDurations(attachments: AttachmentView[]): Promise<void> {
    const wanted = attachments.filter(
      (a): a is AttachmentView & { hash: string } =>
        (a.mediaType === 'voice' || a.mediaType === 'audio') &&
        a.durationMs === null &&
        a.hash !== null,
    );
    if (wanted.length === 0 || this.conn.readonly) return;
    const db = this.conn;
    const probed = db.prepare<[string], { hash: string }>(
      'SELECT hash FROM media_facts WHERE hash IN (SELECT value FROM json_each(?))',
    );
    const done = new Set(probed.all(JSON.stringify(wanted.map((a) => a.hash))).map((r) => r.hash));
    const found = new Map<string, number | null>();
    for (const a of wanted) {
      if (done.has(a.hash) || found.has(a.hash) || !this.media.has(a.hash)) continue;
      found.set(a.hash, await probeDurationMs(this.media.pathFor(a.hash)));
    }
    if (found.size === 0 || !this.isOpen) return;
    const put = this.writable.prepare(
      'INSERT OR REPLACE INTO media_facts (hash, duration_ms, probed_at) VALUES (?, ?, ?)',
    );
    const now = Date.now();
    this.guard(() =>
      this.writable.transaction(() => {
        for (const [hash, ms] of found) put.run(hash, ms, now);
      })(),
    );
    for (const a of wanted) {
      const ms = found.get(a.hash);
      if (ms !== undefined && ms !== null) a.durationMs = ms;
    }
  }

  stats(): StoreStats {
    this.assertOpen();
    return this.guard(() => this.queries.stats());
  }

  /**
   * Run `fn` inside one read transaction: everything it reads is one consistent state, while
   * other connections keep writing (WAL). `fn` may be async: the transaction then lasts until
   * its promise settles, so do not write through this same ChatStore meanwhile (use this on a
   * connection of its own, e.g. one opened `readonly`). Do not keep the reader beyond `fn`.
   */
  readSnapshot<T>(fn: (r: SnapshotReader) => T): T {
    const db = this.conn;
    this.snapshot ??= createSnapshotReader(db);
    const { reader, reset } = this.snapshot;
    reset();
    if (db.inTransaction) return fn(reader);
    db.exec('BEGIN DEFERRED');
    const end = (): void => {
      if (db.open && db.inTransaction) db.exec('COMMIT');
    };
    let result: T;
    try {
      // The first read fixes the snapshot now, not at the caller's first query.
      reader.rev();
      result = fn(reader);
    } catch (error) {
      end();
      throw error;
    }
    if (isPromiseLike(result)) {
      return Promise.resolve(result).finally(end) as T;
    }
    end();
    return result;
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
