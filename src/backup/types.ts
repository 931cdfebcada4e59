import type { MediaType } from '../store/records.js';
export type { KeySlotInfo } from './format/key-slot.js';

export type Secret = { password: string } | { recoveryKey: string };

/** Remember this (e.g. in the OS keychain) to detect a backup folder rolled back to an older copy. */
export interface SnapshotMarker {
  seq: number;
  id: string;
  /** BLAKE2b-256 of the snapshot object (its name). */
  hash: string;
}

export interface Progress {
  phase: 'scan' | 'messages' | 'media' | 'index' | 'snapshot' | 'restore' | 'check' | 'prune';
  itemsDone: number;
  itemsTotal: number;
  bytesDone: number;
  bytesTotal: number;
  etaMs: number | null;
}

export interface BackupOptions {
  /** Media types to include; the others are counted as excluded. */
  mediaTypes: MediaType[];
  host?: string;
  appVersion?: string;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface RestoreOptions {
  /** "<sourceKind>/<accountKey>/<chatKey>" (parts with '/' or '%' percent-encoded) or chat ids from the snapshot's chat list. */
  chatKeys?: string[];
  /** UTC ms, inclusive. */
  from?: number;
  /** UTC ms, inclusive. */
  to?: number;
  /** Default: every media type the snapshot holds. */
  mediaTypes?: MediaType[];
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface RestoreResult {
  snapshot: string;
  chats: number;
  messages: number;
  mediaFiles: number;
  mediaBytes: number;
  /** Attachments whose file was not restored (type not chosen, or not in the snapshot). */
  mediaSkipped: number;
}

export interface ChatSummary {
  chatRef: string;
  chatId: string;
  sourceKind: string;
  accountKey: string;
  chatKey: string;
  title: string;
  messages: number;
}

export type MediaStats = Partial<Record<MediaType, { count: number; bytes: number }>>;

export interface SnapshotSummary {
  id: string;
  seq: number;
  time: number;
  host: string;
  appVersion: string;
  storeId: string;
  chats: { count: number; list: ChatSummary[] };
  messageCount: number;
  mediaTypes: MediaType[];
  /** Included in this snapshot, per type. */
  media: MediaStats;
  /** In the store but left out by the media type choice, per type. */
  mediaExcluded: MediaStats;
  /** Referenced by the store but its file was missing from the media folder. */
  mediaMissing: number;
  /** Bytes of new objects this backup wrote (packs and index; the snapshot object not counted). */
  sizeAdded: number;
  parentHash: string | null;
}

export interface RetentionPolicy {
  keepLast?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
}

export interface CheckProblem {
  kind:
    | 'missing-object'
    | 'damaged-object'
    | 'missing-blob'
    | 'bad-index-entry'
    | 'unindexed-pack'
    | 'size-mismatch';
  /** The object with the problem, e.g. "data/3f/3f2a…" or "snapshots/…". */
  object: string;
  message: string;
  /** Snapshots, chats (with months) and media files that cannot be fully restored because of it. */
  affected?: {
    snapshots: string[];
    chats: { chatRef: string; title: string; months: string[] }[];
    media: { hash: string; mediaType: MediaType }[];
  };
}

export interface CheckReport {
  ok: boolean;
  snapshots: number;
  packs: number;
  packsRead: number;
  blobsRead: number;
  problems: CheckProblem[];
  /** Harmless findings (e.g. packs left by an interrupted backup that prune will remove). */
  notes: string[];
}

export interface PruneReport {
  packsDeleted: number;
  packsRepacked: number;
  packsWritten: number;
  blobsRemoved: number;
  bytesFreed: number;
  indexFilesReplaced: number;
}

export interface RepoStats {
  snapshots: number;
  packs: number;
  packBytes: number;
  blobs: number;
  indexFiles: number;
  keySlots: number;
}
