import type { IndexEntry, IndexedPack } from '../engine/master-index.js';
import type { SealedFile } from '../engine/media-sealer.js';
import type { MediaToRestore } from '../engine/media-restorer.js';
import type { SerializedError } from './protocol.js';

/** Messages to the media worker (media.worker.ts). */
export type MediaJob =
  | {
      type: 'init';
      /**
       * The repository folder, which the worker writes itself; null for a network repository,
       * whose packs the worker hands back to be uploaded by the backup's own connection.
       */
      dir: string | null;
      master: Uint8Array;
      repoId: Uint8Array;
      /** Media blob ids already stored: not written again (backups only). */
      known: string[];
    }
  /** Files to seal, in order; each gets one `sealed` reply, in the same order. */
  | { type: 'seal'; files: string[] }
  | { type: 'finish' }
  /**
   * Media files to restore into a store's media folder, with the index entries of their
   * blobs; answered by `restore-failed` for each file left out, then `restored`.
   */
  | {
      type: 'restore';
      mediaDir: string;
      files: MediaToRestore[];
      entries: [string, IndexEntry][];
    }
  | { type: 'abort' }
  /** A pack handed back with `write` is stored (or failed). */
  | { type: 'written'; seq: number; error?: SerializedError };

export type MediaWorkerReply =
  | { type: 'sealed'; result: SealedFile }
  | { type: 'bytes'; n: number }
  | { type: 'finished'; packs: IndexedPack[]; bytesWritten: number }
  | { type: 'restore-failed'; hash: string; error: SerializedError }
  /** A `restore` job is done: its files (but those reported failed) are durable and in place. */
  | { type: 'restored' }
  | { type: 'error'; error: SerializedError }
  /** Network repositories: store this pack, then answer `written`. */
  | { type: 'write'; seq: number; name: string; bytes: Uint8Array };
