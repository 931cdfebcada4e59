import type {
  AttachmentRef,
  ChatDetail,
  ChatMatches,
  ChatMediaSummary,
  ChatSummary,
  GalleryCursor,
  GalleryPage,
  GalleryTab,
  MessageCursor,
  MessagePage,
  SearchCount,
  SearchPage,
  StoreStats,
} from '../shared/chat-types';
import type { AppInfo } from '../shared/ipc/contract';
import type { BackupService } from './backup-service';
import type { ExportService } from './export-service';
import type { Handlers } from './dispatch';
import { safeExternalUrl } from './external-url';
import type { FileGrants, GrantPurpose } from './grants';
import type { ImportService } from './import-service';
import type { SettingsService } from './settings-service';
import type { TaskRunner } from './tasks';

/** What the handlers need of the chat store: the async face of the store worker's client. */
export interface StoreApi {
  listChats(opts: { filter?: string; limit?: number; offset?: number }): Promise<ChatSummary[]>;
  countChats(filter?: string): Promise<number>;
  getChat(chatId: number): Promise<ChatDetail | null>;
  getMessages(
    chatId: number,
    opts: {
      before?: MessageCursor;
      after?: MessageCursor;
      around?: number;
      atTime?: number;
      limit: number;
    },
  ): Promise<MessagePage>;
  chatIndex(chatId: number, filter?: string): Promise<number | null>;
  chatMediaSummary(chatId: number): Promise<ChatMediaSummary>;
  galleryPage(
    chatId: number,
    tab: GalleryTab,
    opts: { before?: GalleryCursor; after?: GalleryCursor; limit?: number },
  ): Promise<GalleryPage>;
  countMessagesBetween(chatId: number, bounds: number[]): Promise<number[]>;
  searchPage(
    query: string,
    opts: { limit?: number; chatId?: number; before?: number },
  ): Promise<SearchPage>;
  countMatches(query: string, chatId?: number): Promise<SearchCount>;
  chatMatches(query: string, chatId: number): Promise<ChatMatches>;
  getAttachment(attachmentId: number): Promise<AttachmentRef | null>;
  /** The file holding a media hash's bytes, or null when the store has none. */
  mediaPath(hash: string): string | null;
  stats(): Promise<StoreStats>;
}

export type PickPurpose =
  | 'import-file'
  | 'import-folder'
  | 'backup-folder'
  | 'restore-folder'
  | 'export-folder'
  | 'data-folder'
  | 'ssh-key';

/** What a path picked for each dialog may then be used for (see grants.ts). */
const GRANT_PURPOSE_OF_PICK: Record<PickPurpose, GrantPurpose> = {
  'import-file': 'import',
  'import-folder': 'import',
  'backup-folder': 'backup-destination',
  'restore-folder': 'restore-source',
  'export-folder': 'export-destination',
  'data-folder': 'data-destination',
  'ssh-key': 'ssh-key',
};

/** What only the shell (Electron, or the test bridge) can do. */
export interface PlatformAdapter {
  openExternal(url: string): Promise<void>;
  /**
   * Asks the person, in a dialog of main's own that the renderer cannot answer, whether to open
   * this link in their browser. Absent: links are not opened.
   */
  confirmOpenExternal?(url: string): Promise<boolean>;
  /** The OS file/folder picker; null when the person cancels. */
  pickPath(purpose: PickPurpose): Promise<string | null>;
  /** The OS save dialog, then write the text there; false when the person cancels. */
  saveText(suggestedName: string, text: string): Promise<boolean>;
  /**
   * The OS save dialog, then copy the file there; false when the person cancels. Absent in a
   * shell without one (unit tests): "Save as…" then saves nothing.
   */
  saveFile?(suggestedName: string, sourcePath: string): Promise<boolean>;
  /** Show a file or folder in the OS file manager ("Show in folder"); absent in unit tests. */
  revealPath?(target: string): void;
}

export interface HandlerContext {
  info: AppInfo;
  store: StoreApi;
  platform: PlatformAdapter;
  grants: FileGrants;
  tasks: TaskRunner;
  imports: ImportService;
  backups: BackupService;
  exports: ExportService;
  settings: SettingsService;
}

export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/wav': 'wav',
  'application/pdf': 'pdf',
};

/** The name the save dialog suggests: the file's own name, else its kind and an extension. */
export function suggestedFileName(a: { fileName: string | null; mediaType: string; mime: string }) {
  // Only the last path part, and nothing a file system would refuse.
  const own = a.fileName
    ?.split(/[\\/]/)
    .pop()
    // eslint-disable-next-line no-control-regex -- control characters are what it removes
    ?.replace(/[\u0000-\u001f<>:"|?*]/g, '_')
    .trim();
  if (own) return own;
  const ext = EXTENSIONS[a.mime.split(';')[0]?.trim().toLowerCase() ?? ''];
  return ext ? `${a.mediaType}.${ext}` : a.mediaType;
}

export function createHandlers(ctx: HandlerContext): Handlers {
  const { info, store, platform, grants, tasks, imports, backups, exports, settings } = ctx;
  return {
    'app.getInfo': () => info,
    'app.openExternal': async ({ url }) => {
      const safe = safeExternalUrl(url);
      if (!safe) return { opened: false };
      // The renderer asked: the person confirms in main's own dialog, or nothing opens.
      if (!(await platform.confirmOpenExternal?.(safe))) return { opened: false, declined: true };
      await platform.openExternal(safe);
      return { opened: true };
    },
    'chats.list': async ({ filter, limit, offset }) => {
      const [chats, total] = await Promise.all([
        store.listChats({ filter, limit, offset }),
        store.countChats(filter),
      ]);
      return { chats, total };
    },
    'chats.get': async ({ chatId }) => {
      const chat = await store.getChat(chatId);
      if (!chat) throw new NotFoundError('This chat no longer exists.');
      return chat;
    },
    'chats.indexOf': async ({ chatId, filter }) => ({
      index: await store.chatIndex(chatId, filter),
    }),
    'chats.mediaSummary': ({ chatId }) => store.chatMediaSummary(chatId),
    'chats.media': ({ chatId, tab, ...page }) => store.galleryPage(chatId, tab, page),
    'chats.activity': async ({ chatId, bounds }) => ({
      counts: await store.countMessagesBetween(chatId, bounds),
    }),
    'messages.page': ({ chatId, ...page }) => store.getMessages(chatId, page),
    'search.query': ({ query, chatId, limit, before }) =>
      store.searchPage(query, { chatId, limit, before }),
    'search.count': ({ query, chatId }) => store.countMatches(query, chatId),
    'search.inChat': ({ query, chatId }) => store.chatMatches(query, chatId),
    'media.saveAs': async ({ attachmentId }) => {
      const attachment = await store.getAttachment(attachmentId);
      if (!attachment) throw new NotFoundError('This file is no longer in Chatkeep.');
      const file = attachment.hash ? store.mediaPath(attachment.hash) : null;
      if (!file) {
        throw new NotFoundError(
          'This file was not included in the import, so there is nothing to save.',
        );
      }
      if (!platform.saveFile) return { saved: false };
      return { saved: await platform.saveFile(suggestedFileName(attachment), file) };
    },
    'store.stats': () => store.stats(),

    'files.pick': async ({ purpose }) => {
      const picked = await platform.pickPath(purpose);
      return picked === null ? null : grants.grant(picked, GRANT_PURPOSE_OF_PICK[purpose]);
    },
    'files.saveText': async ({ suggestedName, text }) => ({
      saved: await platform.saveText(suggestedName, text),
    }),

    'import.inspect': (request) => imports.inspect(request),
    'import.start': (request) => imports.start(request),
    'export.estimate': (request) => exports.estimate(request),
    'export.start': (request) => exports.start(request),
    'export.reveal': ({ taskId }) => exports.reveal(taskId),
    'task.cancel': ({ taskId }) => ({ cancelled: tasks.cancel(taskId) }),

    'backup.status': () => backups.status(),
    'backup.destinations': ({ purpose }) => backups.destinations(purpose),
    'backup.testConnection': (request) => backups.testConnection(request),
    'backup.generateRecoveryKey': () => backups.generateRecoveryKey(),
    'backup.copyRecoveryKey': ({ recoveryKey }) => backups.copyRecoveryKey(recoveryKey),
    'backup.setup': (request) => backups.setup(request),
    'backup.freeSpace': ({ folderGrantId }) => backups.freeSpace(folderGrantId),
    'backup.runNow': () => backups.runNow(),
    'backup.unlock': ({ secret, remember }) => backups.unlock(secret, remember),
    'backup.updateSettings': ({ settings, current }) => backups.updateSettings(settings, current),
    'backup.snapshots': () => backups.snapshots(),
    'backup.verify': ({ readDataPercent }) => backups.verify(readDataPercent),
    'backup.changePassword': ({ current, newPassword }) =>
      backups.changePassword(current, newPassword),
    'backup.regenerateRecoveryKey': ({ current }) => backups.regenerateRecoveryKey(current),
    'backup.turnOff': ({ current }) => backups.turnOff(current),
    'backup.forgetComputer': () => backups.forgetComputer(),
    'backup.repair': () => backups.repair(),
    'backup.reencrypt': ({ current }) => backups.reencrypt(current),
    'backup.takeOverLock': () => backups.takeOverLock(),
    'backup.checkSecret': ({ secret }) => backups.checkSecret(secret),
    'backup.skipSecretCheck': () => backups.skipSecretCheck(),
    'restore.inspect': (source) => backups.inspectRestoreFolder(source),
    'restore.adopt': ({ sessionId, secret }) => backups.adoptRestored(sessionId, secret),
    'restore.open': ({ secret, ...source }) => backups.openRestore(source, secret),
    'restore.start': (request) => backups.startRestore(request),
    ...createSettingsHandlers(settings),
  };
}

type SettingsChannel = Extract<keyof Handlers, `settings.${string}`>;

/**
 * The Settings page's handlers. They answer even while the store is closed for a data folder
 * move (app-services.ts routes them past the wait for the store).
 */
export function createSettingsHandlers(settings: SettingsService): Pick<Handlers, SettingsChannel> {
  return {
    'settings.get': () => settings.view(),
    'settings.update': (changes) => settings.update(changes),
    'settings.dataFolder': () => settings.dataFolder(),
    'settings.revealDataFolder': () => settings.revealDataFolder(),
    'settings.moveDataFolder': ({ destinationGrantId }) => settings.move(destinationGrantId),
    'settings.licenses': () => settings.licenses(),
    'settings.deleteAllData': () => settings.deleteAll(),
  };
}
