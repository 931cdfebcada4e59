import { ChatStore, MediaStore } from '../store/index.js';
import type { BackupSource, MediaSink, RestoreTarget } from './source.js';

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
    workerMediaDir: store.media.dir,
    mediaSink: () => store.media.batch(),
    openIngest: () => {
      const session = store.openIngestSession({ deferSearchIndex: true });
      return {
        add: (bundle) => session.add(bundle),
        forgetMedia: (hashes) =>
          hashes.length === 0
            ? 0
            : session.exec(
                'UPDATE attachments SET hash = NULL WHERE hash IN (SELECT value FROM json_each(?))',
                [JSON.stringify(hashes)],
              ),
        commit: () => session.commit(),
        rollback: () => session.rollback(),
      };
    },
    buildSearchIndex: async (onProgress, signal) => {
      // Steps of a fraction of a second, with the event loop free in between (cancel, progress).
      while (!signal?.aborted) {
        const more = store.indexSearchBacklog(200, (st) => onProgress(st.done, st.total));
        if (!more) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    close: () => store.close(),
  };
}

/** A media sink on a store's media folder, for a worker thread (see RestoreTarget.workerMediaDir). */
export function openMediaSink(mediaDir: string): MediaSink {
  return new MediaStore(mediaDir).batch();
}
