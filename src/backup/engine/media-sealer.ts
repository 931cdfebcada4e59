import type { Backend } from '../backend/backend.js';
import type { RepoKeys } from '../crypto/repo-keys.js';
import { toStorageError } from '../errors.js';
import { PackWriter } from './blob-store.js';
import type { IndexedPack } from './master-index.js';
import { mediaChunks } from './media-chunks.js';

export type SealedFile =
  | { ok: true; blobs: string[]; size: number }
  /** The store lists the file but it is not in its media folder. */
  | { ok: false; missing: true };

/**
 * Chunks, hashes, seals and packs media files into packs of their own. It runs in a worker
 * beside the message pipeline (the two use both cores), or inline. Blobs already stored
 * (`known`, e.g. adopted from an interrupted backup) are not written again. The packs are
 * returned for the backup's index; no index file is written here.
 */
export class MediaSealer {
  private readonly writer: PackWriter;
  private readonly shared: boolean;

  /** With `writer`, blobs go into that writer's packs, which its owner finishes. */
  constructor(backend: Backend, keys: RepoKeys, known: ReadonlySet<string>, writer?: PackWriter) {
    this.shared = writer !== undefined;
    this.writer = writer ?? new PackWriter(backend, keys, { has: (id) => known.has(id) });
  }

  async seal(file: string, onBytes?: (n: number) => void): Promise<SealedFile> {
    const blobs: string[] = [];
    let size = 0;
    try {
      for (const chunk of mediaChunks(file)) {
        blobs.push(await this.writer.add('media', chunk));
        size += chunk.length;
        onBytes?.(chunk.length);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, missing: true };
      throw toStorageError(err, file);
    }
    return { ok: true, blobs, size };
  }

  /** Writes the last pack; returns every pack written (none when the writer is shared). */
  async finish(): Promise<IndexedPack[]> {
    if (this.shared) return [];
    await this.writer.flushPack();
    return this.writer.written;
  }

  get bytesWritten(): number {
    return this.shared ? 0 : this.writer.bytesWritten;
  }
}
