import { z } from 'zod';
import type {
  BackupSettingsView,
  BackupStatusView,
  ConnectionTestView,
  DestinationView,
  RestoreFolderView,
  RestoreSessionView,
  SnapshotView,
} from '../backup-types';
import type {
  ChatDetail,
  ChatMatches,
  ChatMediaSummary,
  ChatSummary,
  GalleryPage,
  MessagePage,
  SearchCount,
  SearchPage,
  StoreStats,
} from '../chat-types';
import type { ExportEstimateView } from '../export-types';
import type { ImportPreviewView } from '../import-types';
import type { DataFolderView, LicenseEntry, SettingsView } from '../settings-types';
import type { TaskFinished, TaskProgress } from '../task-types';

/**
 * The IPC contract: every channel the renderer may call, with the zod schema of its request and
 * the type of its reply, and every event main pushes. Main validates against these schemas, the
 * preload and the test bridge build `window.chatkeep` from the same names, so a channel exists
 * in exactly one place.
 */

/** A phantom marker that carries the reply type without a runtime value. */
const reply = <T>() => undefined as unknown as T;

const id = z.number().int().positive();
const grantId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const taskId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const sessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const mediaGroups = z.array(z.enum(['photos', 'videos', 'audio', 'documents', 'stickers'])).max(5);
/** Passwords and keys are bounded so a bad renderer cannot make main hash megabytes. */
const password = z.string().min(1).max(1024);
const recoveryKey = z.string().min(64).max(200);
const secret = z.union([z.object({ password }).strict(), z.object({ recoveryKey }).strict()]);
const settings = z
  .object({
    frequency: z.enum(['daily', 'weekly', 'monthly', 'manual']),
    timeOfDay: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    onlyOnAcPower: z.boolean(),
    mediaGroups,
    retention: z
      .object({
        keepDaily: z.number().int().min(0).max(365),
        keepWeekly: z.number().int().min(0).max(520),
        keepMonthly: z.number().int().min(0).max(1200),
      })
      .strict(),
    startAtLogin: z.boolean(),
  })
  .strict();
/**
 * A network backup destination as the destination forms describe it: the same tagged shape the
 * engine and the settings file use (src/backup/backend/location.ts), with no secret in it. Main
 * checks it again against the engine's own schema before opening anything.
 */
const hostName = z
  .string()
  .max(255)
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/);
const userName = z.string().regex(/^[^\s:@/]{1,128}$/);
const httpUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s/@]+(\/[^\s]*)?$/);
const networkLocation = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('webdav'), url: httpUrl, user: userName.optional() }),
  z.strictObject({
    kind: z.literal('sftp'),
    host: hostName,
    port: z.number().int().min(1).max(65535).optional(),
    user: userName.optional(),
    path: z.string().min(1).max(4096),
  }),
  z.strictObject({
    kind: z.literal('s3'),
    endpoint: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/[^\s/@]+$/),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
    prefix: z
      .string()
      .max(1024)
      .regex(/^([^/]+(\/[^/]+)*)?$/),
    region: z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/)
      .optional(),
    pathStyle: z.boolean().optional(),
  }),
  z.strictObject({
    kind: z.literal('rclone'),
    remote: z
      .string()
      .max(1024)
      .regex(/^[\w.\- ]{1,64}:[^\n]*$/),
  }),
]);
/** What signs in there: kept in the OS keychain by main, never in settings or logs. */
const destinationCredentials = z
  .object({
    password: z.string().min(1).max(1024).optional(),
    passphrase: z.string().min(1).max(1024).optional(),
    /** An SSH private key file the person picked (files.pick 'ssh-key'); main reads it. */
    privateKeyGrantId: grantId.optional(),
    accessKeyId: z.string().min(1).max(256).optional(),
    secretAccessKey: z.string().min(1).max(1024).optional(),
  })
  .strict();
/** An SSH host key fingerprint as Chatkeep shows it. */
const fingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/);
/** Where a backup is: a folder (a grant) or a network location that passed its test. */
const oneOf = <T extends object>(a: keyof T, b: keyof T) => ({
  check: (r: T) => (r[a] === undefined) !== (r[b] === undefined),
  message: `Give exactly one of ${String(a)} and ${String(b)}`,
});
const DESTINATION_ONE = oneOf<{ destinationGrantId?: string; connectionId?: string }>(
  'destinationGrantId',
  'connectionId',
);
const SOURCE_ONE = oneOf<{ folderGrantId?: string; connectionId?: string }>(
  'folderGrantId',
  'connectionId',
);
const cursor = z.object({ sentAt: z.number().int(), id }).strict();
const galleryCursor = z
  .object({ sentAt: z.number().int(), id, ordinal: z.number().int().min(0).max(10_000) })
  .strict();
const query = z.string().max(500);
/** What to export: the same fields for the estimate and the export itself. */
const exportRequest = {
  chats: z.union([z.literal('all'), z.array(id).min(1).max(100_000)]),
  format: z.enum(['html', 'txt', 'json']),
  from: z.number().int().nullable().optional(),
  to: z.number().int().nullable().optional(),
  mediaTypes: z
    .array(z.enum(['photo', 'video', 'audio', 'voice', 'document', 'sticker', 'gif']))
    .max(7),
  search: z.string().max(500).optional(),
  singleFile: z.boolean().default(false),
};
const exportChecks = <
  T extends { from?: number | null; to?: number | null; format: string; singleFile: boolean },
>(
  r: T,
) => (r.from ?? -Infinity) < (r.to ?? Infinity) && (!r.singleFile || r.format === 'html');
const EXPORT_CHECK_MESSAGE = 'from must come before to, and only HTML can be a single file';
/** A position from a previous search page (a sort key: a whole number below 2^53). */
const position = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export interface AppInfo {
  name: string;
  version: string;
  platform: 'darwin' | 'win32' | 'linux' | (string & {});
  /** "electron" in the real app, "bridge" when the renderer runs against the test bridge. */
  shell: 'electron' | 'bridge';
  /** Base URL under which media files are served, e.g. "chatkeep-media://media/". */
  mediaBaseUrl: string;
}

export const channels = {
  'app.getInfo': { request: z.object({}).strict(), reply: reply<AppInfo>() },
  /**
   * Open a web link in the person's browser. Main asks them first in a dialog of its own
   * (`declined` when they said no): the renderer shows messages from anyone, so it cannot be
   * the one to decide that a link leaves the app.
   */
  'app.openExternal': {
    request: z.object({ url: z.string().max(2048) }).strict(),
    reply: reply<{ opened: boolean; declined?: boolean }>(),
  },
  'chats.list': {
    request: z
      .object({
        filter: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    reply: reply<{ chats: ChatSummary[]; total: number }>(),
  },
  'chats.get': {
    request: z.object({ chatId: id }).strict(),
    reply: reply<ChatDetail>(),
  },
  /** Where a chat stands in `chats.list` with the same filter, to scroll it into view. */
  'chats.indexOf': {
    request: z.object({ chatId: id, filter: z.string().max(200).optional() }).strict(),
    reply: reply<{ index: number | null }>(),
  },
  /** Counts and sizes of a chat's media, for its info panel. */
  'chats.mediaSummary': {
    request: z.object({ chatId: id }).strict(),
    reply: reply<ChatMediaSummary>(),
  },
  /** The chat's "Media, links and docs", a page at a time. */
  'chats.media': {
    request: z
      .object({
        chatId: id,
        tab: z.enum(['visual', 'documents', 'links', 'audio']),
        before: galleryCursor.optional(),
        after: galleryCursor.optional(),
        limit: z.number().int().min(1).max(200).default(60),
      })
      .strict()
      .refine((r) => !(r.before && r.after), { message: 'Give at most one of before and after' }),
    reply: reply<GalleryPage>(),
  },
  /**
   * Messages in each span between consecutive `bounds` (UTC ms, ascending): the calendar asks for
   * its days with local midnights, so days follow the person's time zone.
   */
  'chats.activity': {
    request: z
      .object({
        chatId: id,
        bounds: z.array(z.number().int()).min(2).max(50),
      })
      .strict()
      .refine((r) => r.bounds.every((b, i) => i === 0 || b > (r.bounds[i - 1] ?? b)), {
        message: 'bounds must be ascending',
      }),
    reply: reply<{ counts: number[] }>(),
  },
  'messages.page': {
    request: z
      .object({
        chatId: id,
        before: cursor.optional(),
        after: cursor.optional(),
        around: id.optional(),
        /** Open at the first message on or after this time (jump to a date). */
        atTime: z.number().int().optional(),
        limit: z.number().int().min(1).max(500).default(80),
      })
      .strict()
      .refine(
        (r) => [r.before, r.after, r.around, r.atTime].filter((v) => v !== undefined).length <= 1,
        { message: 'Give at most one of before, after, around and atTime' },
      ),
    reply: reply<MessagePage>(),
  },
  'search.query': {
    request: z
      .object({
        query,
        chatId: id.optional(),
        /** The `next` of the previous page. */
        before: position.optional(),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    reply: reply<SearchPage>(),
  },
  /** How many messages match (counted up to 10,000). */
  'search.count': {
    request: z.object({ query, chatId: id.optional() }).strict(),
    reply: reply<SearchCount>(),
  },
  /** Every match inside one chat, newest first, for stepping through them ("3 of 41"). */
  'search.inChat': {
    request: z.object({ query, chatId: id }).strict(),
    reply: reply<ChatMatches>(),
  },
  /** Save an attachment's file where the person chooses (the OS save dialog). */
  'media.saveAs': {
    request: z.object({ attachmentId: id }).strict(),
    reply: reply<{ saved: boolean }>(),
  },
  'store.stats': { request: z.object({}).strict(), reply: reply<StoreStats>() },

  // Files: the renderer never names a path; it gets grants from a picker or a drop.
  'files.pick': {
    request: z
      .object({
        purpose: z.enum([
          'import-file',
          'import-folder',
          'backup-folder',
          'restore-folder',
          'export-folder',
          'data-folder',
          'ssh-key',
        ]),
      })
      .strict(),
    reply: reply<{ grantId: string; name: string; path: string } | null>(),
  },
  'files.saveText': {
    request: z
      .object({ suggestedName: z.string().max(200), text: z.string().max(100_000) })
      .strict(),
    reply: reply<{ saved: boolean }>(),
  },

  // Import from a phone
  'import.inspect': {
    request: z
      .object({
        grantId,
        key: z.string().max(200).optional(),
        keyFileGrantId: grantId.optional(),
      })
      .strict(),
    reply: reply<ImportPreviewView>(),
  },
  'import.start': {
    request: z
      .object({
        grantId,
        owner: z.string().max(200).optional(),
        chatTitle: z.string().max(200).optional(),
        key: z.string().max(200).optional(),
        keyFileGrantId: grantId.optional(),
      })
      .strict(),
    reply: reply<{ taskId: string }>(),
  },

  // Export chats (src/export, in an export worker)
  /** How big an export would be, for the dialog (and its single-file warning). */
  'export.estimate': {
    request: z
      .object(exportRequest)
      .strict()
      .refine(exportChecks, { message: EXPORT_CHECK_MESSAGE }),
    reply: reply<ExportEstimateView>(),
  },
  /** Export into a new folder inside the one the person picked (files.pick 'export-folder'). */
  'export.start': {
    request: z
      .object({ ...exportRequest, destinationGrantId: grantId })
      .strict()
      .refine(exportChecks, { message: EXPORT_CHECK_MESSAGE }),
    reply: reply<{ taskId: string }>(),
  },
  /** Show a finished export's folder in the file manager. */
  'export.reveal': {
    request: z.object({ taskId }).strict(),
    reply: reply<{ shown: boolean }>(),
  },

  // Tasks
  'task.cancel': { request: z.object({ taskId }).strict(), reply: reply<{ cancelled: boolean }>() },

  // Backups
  'backup.status': { request: z.object({}).strict(), reply: reply<BackupStatusView>() },
  /** Synced folders found on this computer, as grants for one purpose (a backup, a restore). */
  'backup.destinations': {
    request: z
      .object({ purpose: z.enum(['backup-folder', 'restore-folder']).default('backup-folder') })
      .strict(),
    reply: reply<DestinationView[]>(),
  },
  /**
   * "Test connection" for a network destination: main writes, reads back and deletes a test
   * object there. Problems come back as a value with plain words (wrong password, host key
   * changed, bucket missing, no space, offline, server not found). An SSH server met for the
   * first time answers with its fingerprint; the person confirms it and the test is sent again
   * with `trustHostKey` (a changed key: `replaceHostKey`, after a warning). A passing test gives a `connectionId` (main keeps the location and its
   * credentials) for backup.setup or restore.inspect/open.
   */
  'backup.testConnection': {
    request: z
      .object({
        purpose: z.enum(['backup-destination', 'restore-source']),
        location: networkLocation,
        credentials: destinationCredentials.default({}),
        trustHostKey: fingerprint.optional(),
        /**
         * The person confirmed that the server was reinstalled and checked its new fingerprint
         * with its owner: this replaces the key pinned for it (saved at set-up). Only ever sent
         * from the "host key changed" answer, with the fingerprint that answer showed.
         */
        replaceHostKey: fingerprint.optional(),
      })
      .strict(),
    reply: reply<ConnectionTestView>(),
  },
  'backup.generateRecoveryKey': {
    request: z.object({}).strict(),
    reply: reply<{ recoveryKey: string }>(),
  },
  /** Main copies a recovery key it showed to the clipboard (the renderer has no clipboard). */
  'backup.copyRecoveryKey': {
    request: z.object({ recoveryKey }).strict(),
    reply: reply<{ copied: true }>(),
  },
  'backup.setup': {
    request: z
      .object({
        /** A folder (files.pick or backup.destinations)… */
        destinationGrantId: grantId.optional(),
        /** …or a network location that passed backup.testConnection. */
        connectionId: sessionId.optional(),
        secret,
        /** A second way in (from backup.generateRecoveryKey), offered by default with a password. */
        recoveryKey: z.string().max(200).optional(),
        settings: settings.partial().optional(),
        /** The current backup's password or key, needed when backups are already on. */
        current: secret.optional(),
      })
      .strict()
      .refine(DESTINATION_ONE.check, { message: DESTINATION_ONE.message }),
    reply: reply<{ taskId: string }>(),
  },
  /**
   * Free space on the disk of a folder the person picked for the backup, for the wizard's "is
   * there room?" check (found folders come with theirs). Null when the system cannot tell.
   */
  'backup.freeSpace': {
    request: z.object({ folderGrantId: grantId }).strict(),
    reply: reply<{ freeBytes: number | null }>(),
  },
  'backup.runNow': { request: z.object({}).strict(), reply: reply<{ taskId: string }>() },
  'backup.unlock': {
    request: z.object({ secret, remember: z.boolean().default(true) }).strict(),
    reply: reply<BackupStatusView>(),
  },
  /** Keeping fewer backups, or backing up only on request, needs `current` (SECRET_REQUIRED). */
  'backup.updateSettings': {
    request: z.object({ settings: settings.partial(), current: secret.optional() }).strict(),
    reply: reply<BackupSettingsView>(),
  },
  'backup.snapshots': { request: z.object({}).strict(), reply: reply<SnapshotView[]>() },
  'backup.verify': {
    request: z.object({ readDataPercent: z.number().min(0).max(100).default(10) }).strict(),
    reply: reply<{ taskId: string }>(),
  },
  /**
   * `newKey`: backups from now on use a new key the old password never had (false only in a
   * backup whose recovery key predates key epochs: then the old password's copies keep working).
   */
  'backup.changePassword': {
    request: z.object({ current: secret, newPassword: password }).strict(),
    reply: reply<{ changed: true; newKey: boolean }>(),
  },
  'backup.regenerateRecoveryKey': {
    request: z.object({ current: secret }).strict(),
    reply: reply<{ recoveryKey: string; newKey: boolean }>(),
  },
  /**
   * "Re-encrypt everything" with the newest key, so copies of old key files (a cloud's version
   * history) open nothing: a task. Needs the current password or key.
   */
  'backup.reencrypt': {
    request: z.object({ current: secret }).strict(),
    reply: reply<{ taskId: string }>(),
  },
  /** Needs `current`: without it the request is refused with SECRET_REQUIRED. */
  'backup.turnOff': {
    request: z.object({ current: secret.optional() }).strict(),
    reply: reply<{ turnedOff: true; backupFolder: string }>(),
  },
  'backup.forgetComputer': { request: z.object({}).strict(), reply: reply<{ forgotten: true }>() },
  'backup.repair': { request: z.object({}).strict(), reply: reply<{ taskId: string }>() },
  'backup.takeOverLock': { request: z.object({}).strict(), reply: reply<BackupStatusView>() },
  /**
   * "Do you still remember your password?": checks what was typed against the backup's key
   * slots. Nothing typed is stored; a wrong answer changes nothing.
   */
  'backup.checkSecret': {
    request: z.object({ secret }).strict(),
    reply: reply<{ correct: boolean }>(),
  },
  /** "Not now" on the password reminder: it comes back at its next date. */
  'backup.skipSecretCheck': { request: z.object({}).strict(), reply: reply<BackupStatusView>() },

  // Restore from a Chatkeep backup
  /** Is there a Chatkeep backup in this folder, and what opens it? Asked before any password. */
  'restore.inspect': {
    request: z
      .object({ folderGrantId: grantId.optional(), connectionId: sessionId.optional() })
      .strict()
      .refine(SOURCE_ONE.check, { message: SOURCE_ONE.message }),
    reply: reply<RestoreFolderView>(),
  },
  'restore.open': {
    request: z
      .object({ folderGrantId: grantId.optional(), connectionId: sessionId.optional(), secret })
      .strict()
      .refine(SOURCE_ONE.check, { message: SOURCE_ONE.message }),
    reply: reply<RestoreSessionView>(),
  },
  'restore.start': {
    request: z
      .object({
        sessionId: z.string().max(64),
        snapshotId: z.string().max(200),
        chatRefs: z.array(z.string().max(1000)).max(100_000).optional(),
        mediaGroups,
      })
      .strict(),
    reply: reply<{ taskId: string }>(),
  },
  /**
   * "Keep backing up to this folder" after a restore: this computer takes over the backup it
   * restored from. It stores the backup's key in the keychain, so the secret is asked again.
   */
  'restore.adopt': {
    request: z.object({ sessionId, secret }).strict(),
    reply: reply<BackupStatusView>(),
  },

  // Settings (src/services/settings-service.ts)
  'settings.get': { request: z.object({}).strict(), reply: reply<SettingsView>() },
  /** Appearance, text size, time format, notifications and start at login; saved at once. */
  'settings.update': {
    request: z
      .object({
        theme: z.enum(['system', 'light', 'dark']).optional(),
        textSize: z.enum(['small', 'default', 'large', 'larger']).optional(),
        timeFormat: z.enum(['system', '12h', '24h']).optional(),
        notifications: z.boolean().optional(),
        startAtLogin: z.boolean().optional(),
      })
      .strict(),
    reply: reply<SettingsView>(),
  },
  /** Where the chats and media are kept on this computer, and how much room they take. */
  'settings.dataFolder': { request: z.object({}).strict(), reply: reply<DataFolderView>() },
  /** Show the data folder in the file manager (main knows the folder; the renderer names none). */
  'settings.revealDataFolder': {
    request: z.object({}).strict(),
    reply: reply<{ shown: boolean }>(),
  },
  /** Copy, check, switch, then remove the old copy, as a task (files.pick 'data-folder'). */
  'settings.moveDataFolder': {
    request: z.object({ destinationGrantId: grantId }).strict(),
    reply: reply<{ taskId: string }>(),
  },
  /** The bundled libraries and their licences, listed at build time. */
  'settings.licenses': { request: z.object({}).strict(), reply: reply<LicenseEntry[]>() },
  /**
   * "Delete all data from this computer". Backups are not touched. The person types the word
   * "delete" to confirm, then main asks once more in its own dialog (`deleted: false` when they
   * said no): the renderer alone cannot wipe years of chats.
   */
  'settings.deleteAllData': {
    request: z.object({ confirmation: z.literal('delete') }).strict(),
    reply: reply<{ deleted: boolean }>(),
  },
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
/** What the renderer passes: the schema's input (defaults may be omitted). */
export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
/** What a handler receives: the schema's output (defaults filled in). */
export type ParsedRequestOf<C extends ChannelName> = z.output<Channels[C]['request']>;
export type ReplyOf<C extends ChannelName> = Channels[C]['reply'];

/** Events main pushes to the renderer, with the type of their payloads. */
export const SECTIONS = ['chats', 'backup', 'import', 'settings'] as const;
export type Section = (typeof SECTIONS)[number];

export interface Events {
  /** The app menu asked to show a section. */
  'app.navigate': { section: Section };
  /** Chats were added or changed (an import, a restore): lists should reload. */
  'store.changed': { chatIds: number[] };
  /** Progress of a long task (backup, restore, import, verify). */
  'task.progress': TaskProgress;
  /** A task ended: done, failed or cancelled. */
  'task.finished': TaskFinished;
  /** Something on the backup page changed (a backup ran, settings, a problem). */
  'backup.changed': BackupStatusView;
  /** How far `import.inspect` has read the file (its chat text, or a whole encrypted backup). */
  'import.reading': { grantId: string; bytesDone: number; bytesTotal: number };
}
export type EventName = keyof Events;

export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];
export const EVENT_NAMES: readonly EventName[] = [
  'app.navigate',
  'store.changed',
  'task.progress',
  'task.finished',
  'backup.changed',
  'import.reading',
];
