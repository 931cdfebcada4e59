import type { ChatBundle, ChatType } from '../../store/records.js';

export type ImporterId =
  'whatsapp-export' | 'whatsapp-crypt' | 'whatsapp-ios' | 'telegram-json' | 'signal-android';

export interface ImportProgress {
  phase: string;
  items: number;
  bytes: number;
  bytesTotal: number;
}

export interface ImportOptions {
  /** WhatsApp text exports: the participant who is "me". */
  owner?: string;
  /** Overrides the chat title (and with it the chat's identity) of a WhatsApp text export. */
  chatTitle?: string;
  /**
   * WhatsApp: the 64-digit hexadecimal key, spaces allowed. Signal: the backup's 30-digit
   * passphrase, spaces allowed.
   */
  key?: string;
  /** `encrypted_backup.key` (crypt15) or `key` (crypt14) file. */
  keyFile?: string;
  /** Folder holding the phone's WhatsApp `Media` tree (Android backups). */
  mediaDir?: string;
  /** Android `wa.db`, for contact names. */
  waDbPath?: string;
  /**
   * IANA time zone in which text exports' wall-clock times are read (they carry no zone).
   * Default: the importing machine's local zone.
   */
  timeZone?: string;
  /** Text exports whose dates never show a day above 12: force the order. */
  dateOrder?: 'day-first' | 'month-first';
  /**
   * Unpack zip entries beyond ZIP_LIMITS (core/zip.ts): a ratio above 1000:1 or above 2 GiB.
   * Without it such entries are skipped with a warning (a chat text: the import is refused).
   */
  allowLargeMedia?: boolean;
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
}

export interface Detection {
  format: ImporterId;
  /** Human description, e.g. "WhatsApp iOS chat export (zip with media)". */
  description: string;
  /** Format variant, e.g. 'zip' | 'txt', 'crypt15' | 'crypt14' | 'plain', 'folder' | 'sqlite'. */
  variant: string;
}

export interface ChatPreview {
  key: string;
  title: string;
  type: ChatType;
  messages: number;
}

export interface ImportPreview {
  format: ImporterId;
  chats: ChatPreview[];
  messages: number;
  /** Attachments referenced, of which `included` have their bytes in the import. */
  media: { count: number; included: number; bytes: number };
  /** UTC ms of the first and last message. */
  dateRange: { first: number; last: number } | null;
  participants: string[];
  suggestedOwner: string | null;
  needs: { owner: boolean; key: boolean };
  warnings: string[];
}

export interface ImportResult {
  format: ImporterId;
  chats: number;
  /** Messages handed to the store (the store skips those it already holds). */
  messages: number;
  media: { stored: number; bytes: number; missing: number };
  /** Whatever the store's ingest returned (its own added/skipped counts). */
  ingest: unknown;
  warnings: string[];
}

/** The part of the chat store an importer uses (src/store's ChatStore satisfies it). */
export interface MediaSink {
  putFile(path: string): Promise<{ hash: string; size: number }>;
  putBytes(
    bytes: Uint8Array,
  ): { hash: string; size: number } | Promise<{ hash: string; size: number }>;
}

export interface IngestOptions {
  onProgress?: (p: never) => void;
  shouldCancel?: () => boolean;
  /** Into an empty store, build the full-text index after the commit (see ChatStore.ingest). */
  deferSearchIndex?: boolean;
}

export interface ChatStoreLike {
  media: MediaSink;
  ingest(bundles: Iterable<ChatBundle>, opts?: IngestOptions): unknown;
}

export interface Importer {
  id: ImporterId;
  detect(path: string): Promise<Detection | null>;
  inspect(path: string, opts?: ImportOptions): Promise<ImportPreview>;
  import(path: string, store: ChatStoreLike, opts?: ImportOptions): Promise<ImportResult>;
}
