import { HEADER_BYTES, headerLength } from '../format/header.js';
import {
  openPackTrailer,
  PACK_HEAD_BYTES,
  packIdFromName,
  packObjectName,
  tailLength,
  trailerSpan,
} from '../format/pack.js';
import { readObject } from './blob-store.js';
import { encodeIndex, type IndexedPack } from './master-index.js';
import { isReadFailure } from './object-read.js';
import type { RepoState } from './state.js';

/**
 * Packs in the folder that no index file names, readable by their trailers alone: three ranged
 * reads each (the header, the locator at the end, then the trailer box, both authenticated
 * with the pack's header in their associated data). Their blobs are still authenticated one by one when read.
 *
 * Such packs are left by a backup that died before its index, by an index file that is
 * damaged, or were written by another computer whose index has not synced here yet. Packs
 * that prune has condemned (tombstones) are never taken back, and packs that cannot be read
 * yet (not downloaded, still arriving, damaged) are skipped for a later run.
 */
export async function readUnindexedPacks(
  state: RepoState,
  opts: { onPack?: () => void } = {},
): Promise<IndexedPack[]> {
  const { backend, index } = state;
  const orphans = (await backend.list('data/'))
    .map(packIdFromName)
    .filter((id) => !index.packs.has(id) && !index.tombstones.has(id));
  return readPacksByTrailer(state, orphans, opts);
}

/** The blobs of these packs, from their trailers; packs that cannot be read are left out. */
export async function readPacksByTrailer(
  state: RepoState,
  ids: string[],
  opts: { onPack?: () => void } = {},
): Promise<IndexedPack[]> {
  const { backend, keys } = state;
  const found: IndexedPack[] = [];
  for (const id of ids) {
    const object = packObjectName(id);
    try {
      const st = await backend.stat(object);
      if (!st || st.local === false || st.size < HEADER_BYTES + 4) continue;
      const head = await readObject(backend, object, {
        offset: 0,
        length: Math.min(PACK_HEAD_BYTES, st.size),
      });
      const header = head.subarray(0, headerLength(head, 'pack'));
      const tail = tailLength(header);
      if (st.size < header.length + tail) continue;
      const last = await readObject(backend, object, { offset: st.size - tail, length: tail });
      const span = trailerSpan(keys, header, st.size, last, object);
      const box = await readObject(backend, object, span);
      found.push({
        id,
        size: st.size,
        blobs: openPackTrailer(keys, header, box, span.offset, object),
      });
    } catch (err) {
      if (!isReadFailure(err)) throw err;
    }
    opts.onPack?.();
  }
  return found;
}

/**
 * Resume after an interrupted backup, or after an index file was lost: packs no index names
 * are named by a new index file so this backup de-duplicates against them instead of
 * uploading the same blobs again. Runs under the backup's exclusive lock.
 */
export async function adoptUnindexedPacks(
  state: RepoState,
): Promise<{ adopted: number; bytes: number }> {
  const adopted = await readUnindexedPacks(state);
  if (adopted.length === 0) return { adopted: 0, bytes: 0 };
  const { name, bytes: indexBytes } = encodeIndex(state.keys, adopted);
  await state.backend.writeAtomic(name, indexBytes);
  state.index.add(name, adopted);
  return { adopted: adopted.length, bytes: adopted.reduce((a, p) => a + p.size, 0) };
}

/**
 * For reading without writing (restore, check): packs no index names are indexed in memory
 * only, so a lost or damaged index file costs nothing but a few ranged reads.
 */
export async function indexUnindexedInMemory(state: RepoState): Promise<number> {
  const found = await readUnindexedPacks(state);
  if (found.length > 0) state.index.add(`memory:${Date.now()}`, found);
  return found.length;
}
