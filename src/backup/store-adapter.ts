import fs from 'node:fs/promises';
import type { ChatBundle } from '../store/records.js';
import type { BackupSource, RestoreTarget, StoreSnapshotReader } from './source.js';

/**
 * Adapts the chat store (src/store) to the engine's BackupSource / RestoreTarget ports.
 * The store module is loaded on first use so the engine's other parts (and their tests) do
 * not depend on it.
 */
interface ChatStoreLike {
  readonly storeId: string;
  readSnapshot<T>(fn: (r: StoreSnapshotReader) => T | Promise<T>): T | Promise<T>;
  media: {
    pathFor(hash: string): string;
    has?(hash: string): boolean;
    putFile(path: string): Promise<{ hash: string }>;
  };
  ingest(bundles: ChatBundle[]): unknown;
  close(): void | Promise<void>;
}

interface ChatStoreModule {
  ChatStore: {
    open(dir: string, opts?: { readonly?: boolean }): ChatStoreLike | Promise<ChatStoreLike>;
  };
}

const STORE_MODULE = '../store/index.js';

async function openChatStore(dir: string, readonly: boolean): Promise<ChatStoreLike> {
  const mod = (await import(/* @vite-ignore */ STORE_MODULE)) as ChatStoreModule;
  return await mod.ChatStore.open(dir, { readonly });
}

export async function openStoreSource(dir: string): Promise<BackupSource> {
  const store = await openChatStore(dir, true);
  return {
    storeId: store.storeId,
    readSnapshot: async (fn) => await store.readSnapshot(fn),
    mediaPath: (hash) => store.media.pathFor(hash),
    close: () => store.close(),
  };
}

export async function openStoreTarget(dir: string): Promise<RestoreTarget> {
  const store = await openChatStore(dir, false);
  const has = (hash: string): boolean => (store.media.has ? store.media.has(hash) : false);
  return {
    hasMedia: has,
    putMediaFile: async (file, hash) => {
      const r = await store.media.putFile(file);
      if (r.hash !== hash)
        throw new Error(`media store computed ${r.hash} for a file verified as ${hash}`);
    },
    ingest: async (bundles) => {
      await store.ingest(bundles);
    },
    close: () => store.close(),
  };
}

export async function fileExists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
