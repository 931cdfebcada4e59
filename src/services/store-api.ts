import path from 'node:path';
import { MediaStore } from '../store/media-store';
import { StoreClient } from '../store/store-client';
import type { StoreApi } from './handlers';

export interface OpenedStoreApi extends StoreApi {
  resolveMedia(name: string): string | null;
  close(): Promise<void>;
}

/**
 * The store as the handlers see it: queries run in the store's worker thread (its own SQLite
 * connection), so the main process's event loop never waits on SQL. Media paths are resolved
 * here, synchronously, because the protocol handler needs them per request and they need no SQL.
 */
export async function openStoreApi(
  dir: string,
  opts: { nativeBinding?: string } = {},
): Promise<OpenedStoreApi> {
  const client = await StoreClient.open(dir, { nativeBinding: opts.nativeBinding });
  const media = new MediaStore(path.join(dir, 'media'));
  return {
    listChats: (o) => client.listChats(o),
    countChats: (filter) => client.countChats(filter),
    getChat: (chatId) => client.getChat(chatId),
    getMessages: (chatId, o) => client.getMessages(chatId, o),
    chatIndex: (chatId, filter) => client.chatIndex(chatId, filter),
    chatMediaSummary: (chatId) => client.chatMediaSummary(chatId),
    galleryPage: (chatId, tab, o) => client.galleryPage(chatId, tab, o),
    countMessagesBetween: (chatId, bounds) => client.countMessagesBetween(chatId, bounds),
    searchPage: (query, o) => client.searchPage(query, o),
    countMatches: (query, chatId) => client.countMatches(query, chatId),
    chatMatches: (query, chatId) => client.chatMatches(query, chatId),
    getAttachment: (attachmentId) => client.getAttachment(attachmentId),
    mediaPath: (hash) => media.resolveForServing(hash),
    stats: () => client.stats(),
    resolveMedia: (name) => media.resolveForServing(name),
    close: () => client.close(),
  };
}
