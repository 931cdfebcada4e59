import type { ChatBundle, MediaType } from '../store/records.js';

/**
 * What the backup engine needs from the chat store, and nothing more. `ChatStore` satisfies it
 * through `openStoreSource`; tests and the benchmark can pass their own.
 */
export interface MonthGroup {
  chatId: number | string;
  sourceKind: string;
  sourceAccountKey: string;
  chatKey: string;
  /** "YYYY-MM" (UTC). */
  month: string;
  /** Changes whenever anything in this (chat, month) changes. */
  rev: number | string;
  messageCount: number;
}

export interface MediaRef {
  /** Lowercase hex SHA-256 of the file. */
  hash: string;
  size: number;
  mediaType: MediaType;
  mime: string;
}

export interface StoreSnapshotReader {
  monthGroups(): Iterable<MonthGroup>;
  readMonthBundle(chatId: number | string, month: string): ChatBundle;
  /**
   * Optional, faster: the month as its header records and one JSON line per message (each a
   * MessageRecord) with the message key, streamed in the order of readMonthBundle's messages.
   */
  readMonthLines?(
    chatId: number | string,
    month: string,
  ): { head: Omit<ChatBundle, 'messages'>; rows: Iterable<[string, string]> };
  mediaRefs(): Iterable<MediaRef>;
}

export interface BackupSource {
  readonly storeId: string;
  /** Runs fn inside one read transaction so everything read is one consistent state. */
  readSnapshot<T>(fn: (r: StoreSnapshotReader) => Promise<T>): Promise<T>;
  /** Path of a media file in the store's media folder. */
  mediaPath(hash: string): string;
  close(): Promise<void> | void;
}

/**
 * Where a restore writes media files: one file at a time (`start`, `write`, `end`), each
 * checked against its hash; `commit` makes the ended files durable and puts them in place.
 */
export interface MediaSink {
  start(hash: string): void;
  write(chunk: Uint8Array): void;
  /** True when the file's bytes have its hash; otherwise it is dropped. */
  end(): boolean;
  /** Drops the file being written. */
  abandon(): void;
  /** Files ended and not yet committed. */
  readonly count: number;
  commit(): Promise<void>;
  /** Removes every file not yet committed. */
  discard(): void;
}

/** The restore's write transaction into the store (see ChatStore.openIngestSession). */
export interface RestoreIngest {
  add(bundle: ChatBundle): void;
  /** Clears the hash of attachments whose file could not be restored; returns how many. */
  forgetMedia(hashes: readonly string[]): number;
  commit(): { chats: number; messagesAdded: number };
  rollback(): void;
}

export interface RestoreTarget {
  /** Has the store's media folder a file with this hash? */
  hasMedia(hash: string): boolean;
  /**
   * The store's media folder, when a worker thread may write there through a sink of its own
   * (store-adapter's openMediaSink); without it, media are restored on the calling thread.
   */
  readonly workerMediaDir?: string;
  mediaSink(): MediaSink;
  /**
   * Opens the one write transaction of the restore: all or nothing. Bundles are added one at
   * a time (the restore awaits reads in between). Into an empty store the search index is
   * built after the commit (`buildSearchIndex`).
   */
  openIngest(): RestoreIngest;
  /** Builds what the commit left to do (the search index), reporting messages indexed. */
  buildSearchIndex(
    onProgress: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  close(): Promise<void> | void;
}
