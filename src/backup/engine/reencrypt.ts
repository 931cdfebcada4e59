import { headerEpoch, EPOCH_HEADER_BYTES } from '../format/header.js';
import { packObjectName } from '../format/pack.js';
import { encodeSnapshot } from '../format/snapshot.js';
import type { Progress, PruneReport } from '../types.js';
import { adoptUnindexedPacks } from './adopt.js';
import { openBlobBox, PackWriter, readObject } from './blob-store.js';
import { isReadFailure } from './object-read.js';
import type { PackBlob } from '../format/pack.js';
import { ProgressReporter } from './progress.js';
import { runPrune, type PruneOptions } from './prune.js';
import { loadState } from './load.js';
import { encodeIndex } from './master-index.js';
import { referencedBlobs, type LoadedSnapshot, type RepoState } from './state.js';

export interface ReencryptOptions extends Omit<PruneOptions, 'onProgress'> {
  onProgress?: (p: Progress) => void;
}

export interface ReencryptReport {
  /** The key epoch everything is sealed with now. */
  epoch: number;
  /** Packs with an older key (or format 1) whose needed blobs were copied by this run. */
  packsCopied: number;
  blobsCopied: number;
  snapshotsRewritten: number;
  prune: PruneReport;
  /**
   * What an older key still opens after this run: objects that wait for the prune's grace
   * period (computers sharing the folder), or that could not be read. Zero everywhere when an
   * old key slot opens nothing any more.
   */
  remaining: { packs: number; indexFiles: number; snapshots: number };
}

/** A pack is current when written with the newest key in format 2 (padded). */
function packEpoch(blobs: PackBlob[]): number | undefined {
  return blobs[0]?.epoch;
}

/** New packs are named by an index file every this many: a stopped run leaves few to adopt. */
const INDEX_EVERY_PACKS = 8;

/**
 * "Re-encrypt everything": after a key change, copies of the old key slots that a cloud keeps
 * in its version history still open what was written before. This rewrites it all with the
 * newest key, like a prune that repacks every old pack:
 *
 * 1. the needed blobs of every pack sealed with an older key are copied into new packs, which
 *    are indexed every few packs (a run that stops leaves them indexed or adoptable, and the
 *    next run skips what is already copied);
 * 2. each snapshot sealed with an older key is written again with the newest one, recording the
 *    old name in `was` (rollback markers keep matching), and only then the old file is deleted;
 *    a snapshot already rewritten by an interrupted run is recognised by `was` and removed;
 * 3. an index file marks the old packs whose needed blobs all have new copies (condemned:
 *    still readable, never de-duplicated against), and a prune moves them through its stages
 *    and replaces the index files: with a grace period of 0 all in this run.
 *
 * Every step writes before it deletes, so an interruption anywhere leaves every snapshot
 * readable, and running it again finishes the job.
 */
export async function runReencrypt(
  state: RepoState,
  opts: ReencryptOptions = {},
): Promise<ReencryptReport> {
  const { backend, keys, index } = state;
  const progress = new ProgressReporter(opts.onProgress);
  const current = keys.epoch;
  await adoptUnindexedPacks(state);

  // 1. Blobs.
  const used = await referencedBlobs(state, state.snapshots, () => undefined);
  const copied = new Set<string>();
  for (const [id, p] of index.packs) {
    if (packEpoch(p.blobs) === current && !index.condemned(id))
      for (const b of p.blobs) copied.add(b.id);
  }
  const old = [...index.packs].filter(
    ([id, p]) => packEpoch(p.blobs) !== current && !index.tombstones.has(id),
  );
  const toCopy = old.filter(([, p]) => p.blobs.some((b) => used.has(b.id) && !copied.has(b.id)));
  const newWriter = () =>
    new PackWriter(backend, keys, {
      has: (id) => copied.has(id),
      add: (name, packs) => index.add(name, packs),
    });
  let writer = newWriter();
  let packsCopied = 0;
  let blobsCopied = 0;
  const bytesTotal = toCopy.reduce((a, [, p]) => a + p.size, 0);
  let bytesDone = 0;
  for (const [id, p] of toCopy) {
    const object = packObjectName(id);
    let bytes: Buffer;
    try {
      bytes = await readObject(backend, object);
    } catch (err) {
      // Left for check and repair; `remaining` reports it.
      if (isReadFailure(err)) continue;
      throw err;
    }
    for (const b of p.blobs) {
      if (!used.has(b.id) || copied.has(b.id)) continue;
      const plain = openBlobBox(
        keys,
        b.type,
        b.id,
        bytes.subarray(b.offset, b.offset + b.length),
        object,
        b.epoch ?? 0,
      );
      await writer.add(b.type, plain, b.id);
      copied.add(b.id);
      blobsCopied++;
    }
    packsCopied++;
    bytesDone += p.size;
    if (writer.written.length >= INDEX_EVERY_PACKS) {
      await writer.finish();
      writer = newWriter();
    }
    progress.report({
      phase: 'reencrypt',
      itemsDone: packsCopied,
      itemsTotal: toCopy.length,
      bytesDone,
      bytesTotal,
    });
  }
  await writer.finish();

  // 2. Snapshots.
  let snapshotsRewritten = 0;
  const replaced = new Set(
    state.snapshots.flatMap((s) => (Array.isArray(s.doc.was) ? s.doc.was : [])),
  );
  for (const s of [...state.snapshots]) {
    if ((await objectEpoch(state, s)) === current) continue;
    if (!replaced.has(s.hash)) {
      const next = encodeSnapshot(keys, { ...s.doc, was: [...(s.doc.was ?? []), s.hash] });
      await backend.writeAtomic(next.name, next.bytes);
      snapshotsRewritten++;
    }
    await backend.delete(s.name);
  }

  // 3. The old packs are marked (condemned) by an index file of their own, so that prune,
  // which keeps whichever copy of a blob it meets first, keeps the new copies and lets the old
  // packs go; then the old packs and index files go, in prune's stages. A marked pack that
  // some snapshot still needs is taken back by prune.
  await loadState(state);
  const now = opts.now ?? Date.now();
  const marks = new Map<string, number>();
  for (const [id, p] of index.packs) {
    if (packEpoch(p.blobs) === current || index.condemned(id)) continue;
    if (p.blobs.every((b) => !used.has(b.id) || copied.has(b.id))) marks.set(id, now);
  }
  if (marks.size > 0) {
    const { name, bytes } = encodeIndex(keys, [], { marked: marks });
    await backend.writeAtomic(name, bytes);
    index.add(name, [], { marked: marks });
  }
  const prune = await runPrune(state, {
    ...opts,
    now,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  await loadState(state);
  return {
    epoch: current,
    packsCopied,
    blobsCopied,
    snapshotsRewritten,
    prune,
    remaining: await remainingOld(state),
  };
}

/** The key epoch of a snapshot's file (0 for format 1). */
async function objectEpoch(state: RepoState, s: LoadedSnapshot): Promise<number | undefined> {
  const head = await readObject(state.backend, s.name, { offset: 0, length: EPOCH_HEADER_BYTES });
  return (head[4] ?? 0) >= 2 ? headerEpoch(head) : undefined;
}

/** Objects sealed with an older key (or in format 1) that are still in the folder. */
export async function remainingOld(
  state: RepoState,
): Promise<{ packs: number; indexFiles: number; snapshots: number }> {
  const current = state.keys.epoch;
  const present = new Set(await state.backend.list('data/'));
  let packs = 0;
  for (const [id, p] of state.index.packs)
    if (packEpoch(p.blobs) !== current && present.has(packObjectName(id))) packs++;
  let indexFiles = 0;
  for (const f of state.index.files.keys()) {
    if (f.startsWith('memory:')) continue;
    const head = await readObject(state.backend, f, { offset: 0, length: EPOCH_HEADER_BYTES });
    if ((head[4] ?? 0) < 2 || headerEpoch(head) !== current) indexFiles++;
  }
  let snapshots = 0;
  for (const s of state.snapshots) if ((await objectEpoch(state, s)) !== current) snapshots++;
  // Files this keyring cannot open at all are newer, never older: not counted.
  return { packs, indexFiles, snapshots };
}
