import os from 'node:os';
import { NotMaintenanceOwnerError } from '../errors.js';
import { packIdFromName, packObjectName } from '../format/pack.js';
import type { Progress, PruneReport } from '../types.js';
import { readPacksByTrailer, readUnindexedPacks } from './adopt.js';
import { openBlobBox, PackWriter, readObject } from './blob-store.js';
import { isReadFailure } from './object-read.js';
import {
  encodeIndex,
  MasterIndex,
  type IndexedPack,
  type MaintenanceClaim,
} from './master-index.js';
import { ProgressReporter } from './progress.js';
import { referencedBlobs, type RepoState } from './state.js';

/** A pack whose used bytes fall below this share is rewritten with only its used blobs. */
export const REPACK_BELOW_USED = 0.5;
/** How long a condemned pack waits at each stage (see runPrune). */
export const DEFAULT_GRACE_MS = 24 * 60 * 60 * 1000;
/** Anyone may take over maintenance from an owner that has not pruned for this long. */
export const OWNER_IDLE_MS = 14 * 24 * 60 * 60 * 1000;
/** A tombstone outlives its pack's file by this much, for computers that sync slowly. */
const TOMBSTONE_KEEP_MS = 30 * 24 * 60 * 60 * 1000;

export interface PruneOptions {
  onProgress?: (p: Progress) => void;
  /** Default 24 h; 0 frees space at once (safe only when no other computer uses the folder). */
  graceMs?: number;
  /** For tests: the clock. */
  now?: number;
  /** This computer, recorded as the maintenance owner. */
  client?: { clientId: string; host: string };
  /** Take over maintenance from the computer recorded as its owner. */
  takeOver?: boolean;
}

/**
 * Removes blobs no snapshot references, safely even when several computers share a folder
 * that syncs slowly (a lock there takes minutes to reach the others, so it cannot protect a
 * deletion). As Kopia does, deletion goes in stages, each only after a grace period (24 h):
 *
 * 1. marked: a pack none of whose used blobs is needed (unreferenced, or every used blob also
 *    stored in a pack that is not condemned) is marked in the index. It stays readable, but
 *    no backup de-duplicates against it any more, so no new snapshot comes to need it.
 * 2. tombstone: still not needed a grace period later, it leaves the index (a tombstone says
 *    so, so no computer adopts it back as an "unindexed" pack).
 * 3. deleted: a grace period after that, its file is deleted.
 * A condemned pack that turns out to be needed (a snapshot from another computer arrived that
 * uses it) is taken back at once. Sparse packs are repacked: their needed blobs are copied to
 * new packs and the old pack is marked. Nothing is condemned while any snapshot cannot be read,
 * since what it uses is unknown. One computer, the maintenance owner recorded in the index,
 * prunes; others are refused unless they take over (or the owner has been idle 14 days).
 *
 * Crash-safe order: new packs, then one new index naming every pack that stays (with marks,
 * tombstones and the owner), then the old index files, then expired packs' files.
 */
export async function runPrune(state: RepoState, opts: PruneOptions): Promise<PruneReport> {
  const { backend, keys, index } = state;
  const progress = new ProgressReporter(opts.onProgress);
  const now = opts.now ?? Date.now();
  const grace = opts.graceMs ?? DEFAULT_GRACE_MS;
  const client = opts.client ?? { clientId: `host:${os.hostname()}`, host: os.hostname() };

  const owner = index.owner();
  if (
    owner &&
    owner.clientId !== client.clientId &&
    !opts.takeOver &&
    now - owner.since < OWNER_IDLE_MS
  ) {
    throw new NotMaintenanceOwnerError(owner);
  }

  // What is used. A snapshot (or part of its lists) we cannot read may use anything.
  const blockedBy = [...state.unreadableSnapshots];
  const used = await referencedBlobs(state, state.snapshots, (snap) => blockedBy.push(snap.name));
  const blocked = blockedBy.length > 0;

  // Packs no index names (an interrupted backup, a lost index file, another computer's index
  // not here yet) join the decision like any other: condemned first, never deleted at once.
  const unindexed = await readUnindexedPacks(state);
  const packs = new Map<string, { size: number; blobs: IndexedPack['blobs'] }>(index.packs);
  for (const p of unindexed) packs.set(p.id, { size: p.size, blobs: p.blobs });

  const marked = new Map(index.marked);
  const tombstones = new Map(index.tombstones);
  // A mark in an older (superseded) index file is behind the tombstone that followed it.
  for (const id of tombstones.keys()) marked.delete(id);
  // Where each blob is stored, counting only packs that are not condemned.
  const homes = new Map<string, Set<string>>();
  for (const [id, p] of packs) {
    if (marked.has(id) || tombstones.has(id)) continue;
    for (const b of p.blobs) homes.set(b.id, (homes.get(b.id) ?? new Set()).add(id));
  }
  const neededIn = (packId: string, blobs: IndexedPack['blobs']) =>
    blobs.filter((b) => {
      if (!used.has(b.id)) return false;
      const elsewhere = homes.get(b.id);
      return !elsewhere || [...elsewhere].every((h) => h === packId);
    });
  const condemn = (packId: string, blobs: IndexedPack['blobs']): void => {
    marked.set(packId, marked.get(packId) ?? now);
    for (const b of blobs) homes.get(b.id)?.delete(packId);
  };

  let packsMarked = 0;
  let packsRevived = 0;
  const repack: IndexedPack[] = [];
  for (const [id, p] of packs) {
    const needed = neededIn(id, p.blobs);
    if (marked.has(id) || tombstones.has(id)) {
      if (needed.length > 0) {
        // Needed after all: back into service.
        marked.delete(id);
        tombstones.delete(id);
        packsRevived++;
        for (const b of p.blobs) homes.set(b.id, (homes.get(b.id) ?? new Set()).add(id));
      }
      continue;
    }
    if (blocked) continue;
    const usedBytes = p.blobs.filter((b) => used.has(b.id)).reduce((a, b) => a + b.length, 0);
    const allBytes = p.blobs.reduce((a, b) => a + b.length, 0);
    if (needed.length === 0) {
      condemn(id, p.blobs);
      packsMarked++;
    } else if (usedBytes < allBytes * REPACK_BELOW_USED) {
      repack.push({ id, size: p.size, blobs: needed });
    }
  }

  // 1. New packs holding the needed blobs of sparse packs; the old packs are then marked.
  const writer = new PackWriter(backend, keys, new MasterIndex());
  let done = 0;
  const repacked: IndexedPack[] = [];
  for (const p of repack) {
    const object = packObjectName(p.id);
    let bytes: Buffer;
    try {
      bytes = await readObject(backend, object);
    } catch (err) {
      // Not here (another computer's prune removed it, or it has not synced yet) or damaged:
      // left as it is, neither copied nor condemned. Repacking only saves space; check and
      // repair deal with a pack that cannot be read.
      if (isReadFailure(err)) continue;
      throw err;
    }
    repacked.push(p);
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
    progress.report({
      phase: 'prune',
      itemsDone: ++done,
      itemsTotal: repack.length,
      bytesDone: 0,
      bytesTotal: 0,
    });
  }
  await writer.flushPack();
  // The copies are the needed blobs' new homes.
  for (const w of writer.written)
    for (const b of w.blobs) homes.set(b.id, (homes.get(b.id) ?? new Set()).add(w.id));
  for (const p of repacked) {
    condemn(p.id, packs.get(p.id)!.blobs);
    packsMarked++;
  }

  // Stages advance only after their grace period, and never while a snapshot is unreadable.
  const present = new Set((await backend.list('data/')).map(packIdFromName));
  const toDelete: string[] = [];
  // A condemned pack whose file another computer's prune already deleted leaves the index.
  for (const id of [...marked.keys()]) {
    if (present.has(id)) continue;
    marked.delete(id);
    tombstones.set(id, tombstones.get(id) ?? now);
  }
  if (!blocked) {
    for (const [id, since] of [...marked]) {
      if (now - since < grace) continue;
      marked.delete(id);
      tombstones.set(id, tombstones.get(id) ?? now);
    }
    const expired: string[] = [];
    for (const [id, since] of [...tombstones]) {
      if (now - since < grace) continue;
      if (present.has(id)) expired.push(id);
      else if (now - since >= TOMBSTONE_KEEP_MS) tombstones.delete(id);
    }
    // Last look before a file goes: a snapshot that arrived late may need what it holds
    // (its blobs are read from the trailer, since the pack is in no index any more).
    const expiredPacks = await readPacksByTrailer(
      state,
      expired.filter((id) => !packs.has(id)),
    );
    for (const p of expiredPacks) packs.set(p.id, { size: p.size, blobs: p.blobs });
    for (const id of expired) {
      const p = packs.get(id);
      if (p && neededIn(id, p.blobs).length > 0) {
        tombstones.delete(id);
        packsRevived++;
        for (const b of p.blobs) homes.set(b.id, (homes.get(b.id) ?? new Set()).add(id));
      } else {
        toDelete.push(id);
      }
    }
  }

  const stageChanged =
    marked.size !== index.marked.size ||
    tombstones.size !== index.tombstones.size ||
    [...marked].some(([id, t]) => index.marked.get(id) !== t) ||
    [...tombstones].some(([id, t]) => index.tombstones.get(id) !== t);
  // Old index files are replaced now and deleted a grace period later (see IndexExtras).
  const superseded = new Map<string, number>();
  const dueIndexFiles: string[] = [];
  for (const f of index.files.keys()) {
    const since = index.superseded.get(f) ?? now;
    if (now - since >= grace) dueIndexFiles.push(f);
    else superseded.set(f, since);
  }
  const newlySuperseded = [...index.files.keys()].filter((f) => !index.superseded.has(f));
  const alreadyDue = [...index.files.keys()].filter(
    (f) => index.superseded.has(f) && now - index.superseded.get(f)! >= grace,
  );
  // The owner's claim is renewed at most twice a day when nothing else changes.
  const claimFresh =
    owner !== null && owner.clientId === client.clientId && now - owner.since < 12 * 3600_000;
  if (
    !stageChanged &&
    repack.length === 0 &&
    toDelete.length === 0 &&
    unindexed.length === 0 &&
    newlySuperseded.length <= 1 &&
    alreadyDue.length === 0 &&
    claimFresh
  ) {
    return emptyReport(blockedBy, marked.size + tombstones.size);
  }

  const stays: IndexedPack[] = [];
  for (const [id, p] of packs) {
    if (!tombstones.has(id)) stays.push({ id, size: p.size, blobs: p.blobs });
  }
  stays.push(...writer.written);
  const claim: MaintenanceClaim = { clientId: client.clientId, host: client.host, since: now };
  // 2. One index naming every pack that stays, then 3. old index files past their grace
  // period, then 4. expired packs' files.
  const { name, bytes } = encodeIndex(keys, stays, {
    marked,
    tombstones,
    // (A content-named file cannot list itself.)
    superseded,
    owner: claim,
  });
  await backend.writeAtomic(name, bytes);
  for (const f of dueIndexFiles) if (f !== name) await backend.delete(f);
  let bytesFreed = 0;
  const remaining = new Set(stays.flatMap((p) => p.blobs.map((b) => b.id)));
  const removedBlobs = new Set<string>();
  for (const id of toDelete) {
    const p = packs.get(id);
    bytesFreed += p?.size ?? (await backend.stat(packObjectName(id)))?.size ?? 0;
    for (const b of p?.blobs ?? []) if (!remaining.has(b.id)) removedBlobs.add(b.id);
    await backend.delete(packObjectName(id));
  }
  const pending = [...marked.keys(), ...tombstones.keys()].filter((id) => !toDelete.includes(id));
  return {
    packsDeleted: toDelete.length,
    packsRepacked: repack.length,
    packsWritten: writer.written.length,
    packsMarked,
    packsRevived,
    packsPending: pending.length,
    bytesPending: pending.reduce((a, id) => a + (packs.get(id)?.size ?? 0), 0),
    blobsRemoved: removedBlobs.size,
    bytesFreed,
    indexFilesReplaced: newlySuperseded.length,
    blockedBy,
  };
}

function emptyReport(blockedBy: string[], pending: number): PruneReport {
  return {
    packsDeleted: 0,
    packsRepacked: 0,
    packsWritten: 0,
    packsMarked: 0,
    packsRevived: 0,
    packsPending: pending,
    bytesPending: 0,
    blobsRemoved: 0,
    bytesFreed: 0,
    indexFilesReplaced: 0,
    blockedBy,
  };
}

/** Whether a prune now would advance a condemned pack's stage (the app then runs one). */
export function pruneDue(state: RepoState, graceMs = DEFAULT_GRACE_MS, now = Date.now()): boolean {
  const { marked, tombstones } = state.index;
  return [...marked.values(), ...tombstones.values()].some((t) => now - t >= graceMs);
}
