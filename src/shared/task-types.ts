/** Long work (backup, restore, import, verify, export) runs as a task; its progress and end are events. */
export type TaskKind =
  'backup' | 'restore' | 'import' | 'verify' | 'repair' | 'export' | 'reencrypt' | 'move-data';

export interface TaskProgress {
  taskId: string;
  kind: TaskKind;
  /** A word for what it is doing now, e.g. "messages", "media", "restore". */
  phase: string;
  itemsDone: number;
  itemsTotal: number;
  bytesDone: number;
  bytesTotal: number;
  etaMs: number | null;
}

export interface TaskFinished {
  taskId: string;
  kind: TaskKind;
  outcome: 'done' | 'failed' | 'cancelled';
  /** A sentence for a person, e.g. "Backed up 12 chats and 3,400 messages." */
  summary: string;
  /** For failures: the stable error code and sentence. */
  error: { code: string; message: string } | null;
  /** Chats to open after an import or restore. */
  chatIds: number[];
  /** A restore that could not bring back everything: what is missing, for the wizard to list. */
  notRestored?: NotRestoredView | null;
}

/** What a restore could not bring back, and why. */
export interface NotRestoredView {
  /** damaged: parts of the backup are damaged; not-here: not synced to this computer yet. */
  reason: 'damaged' | 'not-here';
  /** Chats with the months that could not be restored; `messages` lost where known. */
  chats: { title: string; months: string[]; messages: number | null }[];
  /** Media files restored without their file (the message is there, the photo is not). */
  mediaFiles: number;
  mediaBytes: number;
  /** Parts of the backup's own list of chats and files that could not be read. */
  listParts: number;
}
