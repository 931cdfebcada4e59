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

export interface RestoreTarget {
  /** Has the store's media folder a file with this hash? */
  hasMedia(hash: string): boolean;
  /** Moves/copies a verified file into the media folder under its hash. */
  putMediaFile(file: string, hash: string): Promise<void>;
  /** Optional fast path for small files: stores verified bytes under their hash. */
  putMediaBytes?(bytes: Buffer, hash: string): Promise<void>;
  /**
   * Ingests all bundles in one transaction (all or nothing), idempotently. The iterable is
   * lazy (each bundle is decoded when reached) so a large restore does not hold every message
   * in memory at once; iterate it once, synchronously.
   */
  ingest(bundles: Iterable<ChatBundle>): Promise<void>;
  close(): Promise<void> | void;
}
