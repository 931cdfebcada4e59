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
  /**
   * The newest successful backup: when, and how long it took (null when unknown: a backup
   * adopted after a restore was not made by this computer).
   */
  lastSuccess: { time: number; durationMs: number | null } | null;
  nextRunAt: number | null;
  runningTaskId: string | null;
  problem: BackupProblem | null;
  keychain: { available: boolean; reason: string | null };
  /** True when backups need the password typed (no keychain, or it was forgotten). */
  locked: boolean;
  settings: BackupSettingsView;
  /** Every size the Backup page shows, from one definition (services/backup-sizes.ts). */
  sizes: BackupSizesView;
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

/** Files and bytes of one media group, each file counted once (by its content). */
export interface GroupSize {
  files: number;
  bytes: number;
}

/**
 * One truth for sizes, computed in main and shown as is by every card and wizard:
 * - `backupBytes`, "Backup size": the bytes of every file in the backup's folder after the
 *   newest backup (data, index, snapshots, keys), what a disk or cloud quota pays for; null
 *   before the first backup.
 * - `newBytes`, "New in this backup": what the newest backup wrote to the folder.
 * - `estimateBytes`, "Estimated next backup": the size of the backup once the next one has run
 *   with the saved choices, `messagesBytes` plus the chosen groups of `media` (see
 *   estimateBackupBytes).
 */
export interface BackupSizesView {
  /** The media on this computer per group, each file once, as a backup records them. */
  media: Record<MediaGroup, GroupSize>;
  /**
   * Everything in the backup that is not this computer's media files: messages and older
   * versions kept by the retention policy. Measured from the folder once there is a backup
   * (its size less the media it holds); before the first one, estimated from the database.
   */
  messagesBytes: number;
  messagesMeasured: boolean;
  backupBytes: number | null;
  newBytes: number | null;
  estimateBytes: number;
}

/** A backup of `groups`: the messages' part plus each chosen group's files. */
export function estimateBackupBytes(
  sizes: Pick<BackupSizesView, 'media' | 'messagesBytes'>,
  groups: readonly MediaGroup[],
): number {
  return groups.reduce((sum, group) => sum + (sizes.media[group]?.bytes ?? 0), sizes.messagesBytes);
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
  /** The same media per group (each file once), as the Backup page's groups show them. */
  mediaGroups: Record<MediaGroup, GroupSize>;
  /** Bytes this backup wrote to the folder. */
  sizeAdded: number;
  host: string;
  /**
   * What changed since the backup before it, for the history ("+1,204 messages, +3 photos");
   * `first` for a backup with no earlier one; null when the one before was removed by the
   * retention policy and the difference is unknown.
   */
  change: SnapshotChange | null;
}

export interface SnapshotChange {
  first: boolean;
  messages: number;
  chats: number;
  /** Difference in files per media group; groups that did not change are left out. */
  media: Partial<Record<MediaGroup, number>>;
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
  /** "Backup size" of this backup, as the Backup page defines it (see BackupSizesView). */
  backupBytes: number;
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
