import { ChatStore } from '../store/index.js';
import type { BackupSource, RestoreTarget } from './source.js';

/**
 * Adapts the chat store (src/store) to the engine's BackupSource / RestoreTarget ports.
 * Backups read through a readonly connection of their own, inside one read transaction
 * (ChatStore.readSnapshot keeps it open until the async callback settles).
 */
export function openStoreSource(dir: string): BackupSource {
  const store = ChatStore.open(dir, { readonly: true, lean: true });
  return {
    storeId: store.storeId,
    readSnapshot: (fn) => store.readSnapshot((r) => fn(r)),
    mediaPath: (hash) => store.media.pathFor(hash),
    close: () => store.close(),
  };
}

export function openStoreTarget(dir: string): RestoreTarget {
  const store = ChatStore.open(dir, { lean: true });
  return {
    hasMedia: (hash) => store.media.has(hash),
    putMediaFile: async (file, hash) => {
      const r = await store.media.putFile(file);
      if (r.hash !== hash) {
        throw new Error(`media store computed ${r.hash} for a file verified as ${hash}`);
      }
    },
    putMediaBytes: async (bytes, hash) => {
      const r = store.media.putBytes(bytes);
      if (r.hash !== hash) {
        throw new Error(`media store computed ${r.hash} for bytes verified as ${hash}`);
      }
    },
    // One call, one transaction: all or nothing.
    ingest: async (bundles) => {
      store.ingest(bundles);
    },
    close: () => store.close(),
  };
}
