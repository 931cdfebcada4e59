import type { IndexedPack } from '../engine/master-index.js';
import type { SealedFile } from '../engine/media-sealer.js';
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
      /** Media blob ids already stored: not written again. */
      known: string[];
    }
  /** Files to seal, in order; each gets one `sealed` reply, in the same order. */
  | { type: 'seal'; files: string[] }
  | { type: 'finish' }
  | { type: 'abort' }
  /** A pack handed back with `write` is stored (or failed). */
  | { type: 'written'; seq: number; error?: SerializedError };

export type MediaWorkerReply =
  | { type: 'sealed'; result: SealedFile }
  | { type: 'bytes'; n: number }
  | { type: 'finished'; packs: IndexedPack[]; bytesWritten: number }
  | { type: 'error'; error: SerializedError }
  /** Network repositories: store this pack, then answer `written`. */
  | { type: 'write'; seq: number; name: string; bytes: Uint8Array };
