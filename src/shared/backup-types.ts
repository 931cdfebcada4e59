import type { MediaKind } from './chat-types';

export type BackupFrequency = 'daily' | 'weekly' | 'monthly' | 'manual';

/** The media groups a person chooses from, as WhatsApp's "manage backup size" offers them. */
export type MediaGroup = 'photos' | 'videos' | 'audio' | 'documents' | 'stickers';
export const MEDIA_GROUPS: Record<MediaGroup, { label: string; kinds: MediaKind[] }> = {
  photos: { label: 'Photos', kinds: ['photo'] },
  videos: { label: 'Videos', kinds: ['video'] },
  audio: { label: 'Audio and voice messages', kinds: ['audio', 'voice'] },
  documents: { label: 'Documents', kinds: ['document'] },
  stickers: { label: 'Stickers and GIFs', kinds: ['sticker', 'gif'] },
};

export interface RetentionView {
  keepDaily: number;
  keepWeekly: number;
  keepMonthly: number;
}

export interface BackupSettingsView {
  frequency: BackupFrequency;
  /** Local time of day, "HH:MM". */
  timeOfDay: string;
  onlyOnAcPower: boolean;
  mediaGroups: MediaGroup[];
  retention: RetentionView;
  startAtLogin: boolean;
}

export interface DestinationView {
  kind: 'icloud' | 'google-drive' | 'onedrive' | 'dropbox' | 'folder';
  label: string;
  path: string;
  freeBytes: number | null;
  grantId: string;
}

export interface BackupProblem {
  code: string;
  /** One sentence: what is wrong. */
  message: string;
  /** What the button next to it does. */
  action: 'enter-password' | 'choose-folder' | 'retry' | 'repair' | 'take-over' | null;
}

export interface BackupStatusView {
  configured: boolean;
  destination: { path: string; label: string } | null;
  repoId: string | null;
  /** The newest successful backup: when, how long it took, and the whole backup's size then. */
  lastSuccess: { time: number; durationMs: number; totalSize: number } | null;
  nextRunAt: number | null;
  runningTaskId: string | null;
  problem: BackupProblem | null;
  keychain: { available: boolean; reason: string | null };
  /** True when backups need the password typed (no keychain, or it was forgotten). */
  locked: boolean;
  settings: BackupSettingsView;
  /** Bytes in the local store per media kind: what a backup would hold. */
  mediaSizes: Record<MediaKind, number>;
  messagesBytesEstimate: number;
  /**
   * What opens the backup, read from its key slots (null until known): the status card says
   * "Password", "64-digit key" or both.
   */
  protection: { password: boolean; recoveryKey: boolean } | null;
  /**
   * The "do you still remember your password?" reminder: due when its date has passed (every
   * two weeks at first, then monthly). Only the date is kept, never what was typed.
   */
  secretCheck: { due: boolean; nextDueAt: number | null };
}

/** What a folder chosen for a restore holds, told before any password is asked for. */
export type RestoreFolderView =
  | {
      found: true;
      /** Which secrets its key slots take. */
      opensWith: { password: boolean; recoveryKey: boolean };
    }
  | {
      found: false;
      reason: 'missing' | 'empty' | 'not-a-backup' | 'incomplete';
      /** A sentence for the wizard: what is wrong and what to do. */
      message: string;
    };

export interface SnapshotView {
  id: string;
  time: number;
  chats: number;
  messages: number;
  media: Partial<Record<MediaKind, { count: number; bytes: number }>>;
  sizeAdded: number;
  host: string;
}

export interface VerifyResultView {
  ok: boolean;
  summary: string;
  problems: { object: string; message: string; affected: string[] }[];
}

export interface RestoreSessionView {
  sessionId: string;
  /** Something the person should know before choosing (no rollback record, unreadable files). */
  warning: string | null;
  snapshots: (SnapshotView & {
    chatList: { chatRef: string; title: string; messages: number }[];
  })[];
}

/** Why a network destination's "Test connection" failed, for the form to react to. */
export type ConnectionProblem =
  | 'wrong-password'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'not-found'
  | 'no-space'
  | 'permission'
  | 'offline'
  | 'server-not-found'
  | 'no-rclone'
  | 'invalid'
  | 'other';

/** The answer to "Test connection" (backup.testConnection). */
export type ConnectionTestView =
  | {
      ok: true;
      /** Main keeps the location and its credentials under this id for set-up or restore. */
      connectionId: string;
      /** "WebDAV on cloud.example.org/remote.php/dav/files/me/Chatkeep". */
      label: string;
      freeBytes: number | null;
      /** A Chatkeep backup is already there (set-up refuses it; restore wants it). */
      hasBackup: boolean;
    }
  | {
      ok: false;
      problem: ConnectionProblem;
      /** One or two sentences: what is wrong and what to do. */
      message: string;
      /** SSH: the server's host key fingerprint, to confirm (unknown) or compare (changed). */
      fingerprint?: string;
    };
