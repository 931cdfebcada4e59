import type {
  ChatDetail,
  ChatSummary,
  MessageCursor,
  MessagePage,
  SearchHit,
  StoreStats,
} from '../shared/chat-types';
import type { AppInfo } from '../shared/ipc/contract';
import type { Handlers } from './dispatch';
import { safeExternalUrl } from './external-url';

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

/** What only the shell (Electron, or the test bridge) can do. */
export interface PlatformAdapter {
  openExternal(url: string): Promise<void>;
}

export interface HandlerContext {
  info: AppInfo;
  store: StoreApi;
  platform: PlatformAdapter;
}

export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
}

export function createHandlers({ info, store, platform }: HandlerContext): Handlers {
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
  };
}
