import type {
  ChatDetail,
  ChatSummary,
  MessageCursor,
  MessagePage,
  SearchHit,
  StoreStats,
} from '../shared/chat-types';
import type { AppInfo } from '../shared/ipc/contract';
import type { BackupService } from './backup-service';
import type { Handlers } from './dispatch';
import { safeExternalUrl } from './external-url';
import type { FileGrants } from './grants';
import type { ImportService } from './import-service';
import type { TaskRunner } from './tasks';

/** What the handlers need of the chat store: the async face of the store worker's client. */
export interface StoreApi {
  listChats(opts: { filter?: string; limit?: number; offset?: number }): Promise<ChatSummary[]>;
  countChats(filter?: string): Promise<number>;
  getChat(chatId: number): Promise<ChatDetail | null>;
  getMessages(
    chatId: number,
    opts: { before?: MessageCursor; after?: MessageCursor; around?: number; limit: number },
  ): Promise<MessagePage>;
  search(query: string, opts: { limit?: number; chatId?: number }): Promise<SearchHit[]>;
  stats(): Promise<StoreStats>;
}

export type PickPurpose = 'import-file' | 'import-folder' | 'backup-folder' | 'restore-folder';

/** What only the shell (Electron, or the test bridge) can do. */
export interface PlatformAdapter {
  openExternal(url: string): Promise<void>;
  /** The OS file/folder picker; null when the person cancels. */
  pickPath(purpose: PickPurpose): Promise<string | null>;
  /** The OS save dialog, then write the text there; false when the person cancels. */
  saveText(suggestedName: string, text: string): Promise<boolean>;
}

export interface HandlerContext {
  info: AppInfo;
  store: StoreApi;
  platform: PlatformAdapter;
  grants: FileGrants;
  tasks: TaskRunner;
  imports: ImportService;
  backups: BackupService;
}

export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
}

export function createHandlers(ctx: HandlerContext): Handlers {
  const { info, store, platform, grants, tasks, imports, backups } = ctx;
  return {
    'app.getInfo': () => info,
    'app.openExternal': async ({ url }) => {
      const safe = safeExternalUrl(url);
      if (!safe) return { opened: false };
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
    'messages.page': ({ chatId, ...page }) => store.getMessages(chatId, page),
    'search.query': ({ query, chatId, limit }) => store.search(query, { chatId, limit }),
    'store.stats': () => store.stats(),

    'files.pick': async ({ purpose }) => {
      const picked = await platform.pickPath(purpose);
      return picked === null ? null : grants.grant(picked);
    },
    'files.saveText': async ({ suggestedName, text }) => ({
      saved: await platform.saveText(suggestedName, text),
    }),

    'import.inspect': (request) => imports.inspect(request),
    'import.start': (request) => imports.start(request),
    'task.cancel': ({ taskId }) => ({ cancelled: tasks.cancel(taskId) }),

    'backup.status': () => backups.status(),
    'backup.destinations': () => backups.destinations(),
    'backup.generateRecoveryKey': () => backups.generateRecoveryKey(),
    'backup.setup': (request) => backups.setup(request),
    'backup.runNow': () => backups.runNow(),
    'backup.unlock': ({ secret, remember }) => backups.unlock(secret, remember),
    'backup.updateSettings': ({ settings }) => backups.updateSettings(settings),
    'backup.snapshots': () => backups.snapshots(),
    'backup.verify': ({ readDataPercent }) => backups.verify(readDataPercent),
    'backup.changePassword': ({ current, newPassword }) =>
      backups.changePassword(current, newPassword),
    'backup.regenerateRecoveryKey': ({ current }) => backups.regenerateRecoveryKey(current),
    'backup.turnOff': ({ current }) => backups.turnOff(current),
    'backup.forgetComputer': () => backups.forgetComputer(),
    'backup.repair': () => backups.repair(),
    'backup.takeOverLock': () => backups.takeOverLock(),
    'restore.open': ({ folderGrantId, secret }) => backups.openRestore(folderGrantId, secret),
    'restore.start': (request) => backups.startRestore(request),
  };
}
