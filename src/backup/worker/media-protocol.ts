import type { IndexedPack } from '../engine/master-index.js';
import type { SealedFile } from '../engine/media-sealer.js';
import type { SerializedError } from './protocol.js';

/** Messages to the media worker (media.worker.ts). */
export type MediaJob =
  | {
      type: 'init';
      /** The repository folder. */
      dir: string;
      master: Uint8Array;
      repoId: Uint8Array;
      /** Media blob ids already stored: not written again. */
      known: string[];
    }
  /** Files to seal, in order; each gets one `sealed` reply, in the same order. */
  | { type: 'seal'; files: string[] }
  | { type: 'finish' }
  | { type: 'abort' };

export type MediaWorkerReply =
  | { type: 'sealed'; result: SealedFile }
  | { type: 'bytes'; n: number }
  | { type: 'finished'; packs: IndexedPack[]; bytesWritten: number }
  | { type: 'error'; error: SerializedError };
