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
  phase:
    | 'scan'
    | 'messages'
    | 'media'
    | 'index'
    | 'snapshot'
    | 'restore'
    | 'check'
    | 'prune'
    | 'repair'
    | 'download'
    | 'copy'
    | 'reencrypt';
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
  /**
   * Before restoring, ask the sync client for files still in the cloud and wait while they
   * keep arriving; give up after this long without progress. Default: do not wait.
   */
  waitForSyncMs?: number;
  /**
   * Into an empty store, the full-text index is built after the rows commit: `now` (default)
   * builds it before the restore returns (progress phase `index`); `background` leaves it to
   * whoever opens the store next (the app's store worker), so the chats are readable at once
   * and search says it is still indexing.
   */
  searchIndex?: 'now' | 'background';
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface RestoreResult {
  snapshot: string;
  chats: number;
  messages: number;
  mediaFiles: number;
  mediaBytes: number;
  /** Attachments whose file was not restored (type not chosen, not in the snapshot, or unreadable). */
  mediaSkipped: number;
  /** What could not be restored because parts of the backup are damaged or not here yet. */
  missing: RestoreMissing;
  /** Everything the snapshot holds (within the chosen chats, dates and media) was restored. */
  complete: boolean;
}

/** Problems with one file of the backup: damaged, still in the cloud, or still arriving. */
export interface ObjectProblemView {
  object: string;
  /**
   * damaged: there, settled and wrong; not-downloaded: listed but still in the cloud;
   * arriving: there but not whole yet; missing: not in the folder at all (not synced to this
   * computer yet, or lost).
   */
  state: 'damaged' | 'not-downloaded' | 'arriving' | 'missing';
  message: string;
}

export interface RestoreMissing {
  /** Chats with months that could not be restored, whole or in part; `messages` lost where known. */
  chats: { chatRef: string; title: string; months: string[]; messages: number | null }[];
  /** Media files that could not be restored (their messages are restored without the file). */
  media: { hash: string; mediaType: MediaType; bytes: number }[];
  /** Unreadable parts of the snapshot's own lists: chats, months or files not even known by name. */
  listParts: number;
  /** The files of the backup behind these losses. */
  problems: ObjectProblemView[];
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
  /** False when the snapshot's own lists could not be read (its chat list is then empty). */
  listsReadable?: boolean;
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
  /**
   * Files that are listed but not here yet (still in the cloud, or still arriving from
   * another computer): not damage, but the backup cannot be fully verified until they are.
   */
  notHere: ObjectProblemView[];
  /** Harmless findings (e.g. packs left by an interrupted backup that prune will remove). */
  notes: string[];
}

export interface RepairReport {
  /** Conflict copies a sync client made that verified and took the place of their object. */
  conflictCopiesAdopted: string[];
  /** Damaged files moved into `damaged/` (never deleted). */
  movedAside: { object: string; to: string }[];
  /** Sound blobs copied out of damaged packs. */
  blobsSalvaged: number;
  /** Blobs lost from the folder and made again from the chat store. */
  blobsRebuilt: number;
  packsWritten: number;
  indexRebuilt: boolean;
  /** Files not downloaded or still arriving: left alone; repair again once they are here. */
  notHere: string[];
  /** Damaged-looking files still being written by a sync client: left alone for now. */
  stillChanging: string[];
  /** Key and config files written back from a sound copy. */
  keyFilesRestored?: string[];
  /** What is still wrong afterwards (what could not be saved), by snapshot, chat and file. */
  remaining: CheckReport | null;
}

export interface PruneReport {
  packsDeleted: number;
  packsRepacked: number;
  packsWritten: number;
  /** Packs condemned by this run (deleted by a later one, after the grace period). */
  packsMarked: number;
  /** Condemned packs taken back because a snapshot needs them after all. */
  packsRevived: number;
  /** Condemned packs still waiting for their grace period, and their bytes. */
  packsPending: number;
  bytesPending: number;
  blobsRemoved: number;
  bytesFreed: number;
  indexFilesReplaced: number;
  /** Snapshots that could not be read: while there are any, nothing new is condemned. */
  blockedBy: string[];
}

export interface RepoStats {
  snapshots: number;
  packs: number;
  packBytes: number;
  blobs: number;
  indexFiles: number;
  keySlots: number;
}
