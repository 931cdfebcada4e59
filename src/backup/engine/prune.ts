import { packIdFromName, packObjectName } from '../format/pack.js';
import type { Progress, PruneReport } from '../types.js';
import { openBlobBox, PackWriter, readObject } from './blob-store.js';
import { encodeIndex, MasterIndex, type IndexedPack } from './master-index.js';
import { ProgressReporter } from './progress.js';
import { referencedBlobs, type RepoState } from './state.js';

/** A pack whose used bytes fall below this share is rewritten with only its used blobs. */
export const REPACK_BELOW_USED = 0.5;

/**
 * Removes blobs no snapshot references. Crash-safe order: new packs, then one new index naming
 * every kept pack, then the old index files, then the old packs. An interruption at any point
 * leaves every snapshot restorable; leftovers are unindexed packs the next prune deletes.
 */
export async function runPrune(
  state: RepoState,
  opts: { onProgress?: (p: Progress) => void },
): Promise<PruneReport> {
  const { backend, keys, index } = state;
  const progress = new ProgressReporter(opts.onProgress);

  // Reading every snapshot's lists throws on damage: never delete when we cannot tell what is used.
  const used = await referencedBlobs(state, state.snapshots);

  const keep: IndexedPack[] = [];
  const drop: string[] = [];
  const repack: IndexedPack[] = [];
  let blobsRemoved = 0;
  let bytesFreed = 0;
  // A blob may sit in several packs (an earlier interrupted prune); keep one copy.
  const placed = new Set<string>();
  for (const [id, p] of index.packs) {
    const usedBlobs = p.blobs.filter((b) => used.has(b.id) && !placed.has(b.id));
    const usedBytes = usedBlobs.reduce((a, b) => a + b.length, 0);
    const allBytes = p.blobs.reduce((a, b) => a + b.length, 0);
    if (usedBlobs.length === 0) {
      drop.push(id);
      blobsRemoved += p.blobs.length;
      bytesFreed += p.size;
    } else if (usedBytes < allBytes * REPACK_BELOW_USED) {
      repack.push({ id, size: p.size, blobs: usedBlobs });
      blobsRemoved += p.blobs.length - usedBlobs.length;
    } else {
      keep.push({ id, size: p.size, blobs: p.blobs });
      for (const b of p.blobs) placed.add(b.id);
      continue;
    }
    for (const b of usedBlobs) placed.add(b.id);
  }
  const present = (await backend.list('data/')).map(packIdFromName);
  const unindexed = present.filter((id) => !index.packs.has(id));

  // 1. New packs holding the used blobs of sparse packs.
  const writer = new PackWriter(backend, keys, new MasterIndex());
  let done = 0;
  for (const p of repack) {
    const object = packObjectName(p.id);
    const bytes = await readObject(backend, object);
    for (const b of p.blobs) {
      const plain = openBlobBox(
        keys,
        b.type,
        b.id,
        bytes.subarray(b.offset, b.offset + b.length),
        object,
      );
      await writer.add(b.type, plain, b.id);
    }
    bytesFreed += p.size;
    progress.report({
      phase: 'prune',
      itemsDone: ++done,
      itemsTotal: repack.length,
      bytesDone: 0,
      bytesTotal: 0,
    });
  }
  await writer.flushPack();
  for (const w of writer.written) bytesFreed -= w.size;

  const oldIndexFiles = [...index.files.keys()];
  const nothingToDo =
    drop.length === 0 && repack.length === 0 && unindexed.length === 0 && oldIndexFiles.length <= 1;
  if (!nothingToDo) {
    // 2. One index naming every pack that stays.
    const { name, bytes } = encodeIndex(keys, [...keep, ...writer.written]);
    await backend.writeAtomic(name, bytes);
    // 3. Old index files, then 4. old packs.
    for (const f of oldIndexFiles) if (f !== name) await backend.delete(f);
    for (const id of [...drop, ...repack.map((p) => p.id), ...unindexed])
      await backend.delete(packObjectName(id));
  }
  return {
    packsDeleted: drop.length + repack.length + unindexed.length,
    packsRepacked: repack.length,
    packsWritten: writer.written.length,
    blobsRemoved,
    bytesFreed: Math.max(0, bytesFreed),
    indexFilesReplaced: nothingToDo ? 0 : oldIndexFiles.length,
  };
}
