import { randomBytes } from 'node:crypto';
import type { Backend } from '../backend/backend.js';
import { blake2b256 } from '../crypto/primitives.js';
import { ObjectNotFoundError, RepositoryDamagedError, toStorageError } from '../errors.js';
import { packIdFromName, packObjectName, readPackTrailer } from '../format/pack.js';
import type { GroupLine, MediaLine } from '../format/snapshot.js';
import type { BackupSource } from '../source.js';
import type { Progress, RepairReport } from '../types.js';
import { readUnindexedPacks } from './adopt.js';
import { openBlobBox, PackWriter, readObject } from './blob-store.js';
import { runCheck } from './check.js';
import { FastCdc } from './fastcdc.js';
import { mediaChunks } from './media-chunks.js';
import { loadState, type ObjectProblem } from './load.js';
import { encodeIndex, MasterIndex, type IndexedPack } from './master-index.js';
import { classifyDamage, isNotYetHere, isReadFailure, isSettled } from './object-read.js';
import { ProgressReporter } from './progress.js';
import { readListLinesTolerant, type RepoState } from './state.js';
import { monthGroupChunks } from './month-chunks.js';

export interface RepairOptions {
  /** The chat store this backup was made from: blobs lost from the folder are re-made from it. */
  source?: BackupSource | null;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

/** `damaged/<kind>/<id>`: where a damaged object is moved, never deleted. */
export function asideName(object: string): string {
  const kind = object.split('/')[0]!;
  const id = object.slice(object.lastIndexOf('/') + 1);
  return `damaged/${kind === 'copies' ? 'config' : kind}/${id}`;
}

/** Moves a damaged object aside (a suffix keeps an earlier one moved under the same name). */
export async function moveAside(backend: Backend, object: string): Promise<string> {
  if (!backend.move) throw new Error('this storage cannot move objects aside');
  let to = asideName(object);
  for (let i = 0; ; i++) {
    try {
      await backend.move(object, to);
      return to;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || i > 3) throw toStorageError(err, to);
      to = `${asideName(object)}${randomBytes(4).toString('hex')}`;
    }
  }
}

/**
 * `chatkeep repair` and the app's Repair: puts a damaged backup back in order without ever
 * deleting anything that might still be someone's only copy.
 *
 * 1. Conflict copies a sync client made of data, index and snapshot files are adopted where
 *    the object itself is missing or damaged and the copy verifies (content-named objects
 *    prove themselves).
 * 2. Every pack is read and verified. The readable blobs of a damaged pack are copied into new
 *    packs; blobs still missing are made again from the chat store where it still holds them
 *    (media files by hash; month groups whose messages encode to the same chunks).
 * 3. One new index names every sound pack (the index is rebuilt from the packs themselves);
 *    the old index files are replaced.
 * 4. Damaged objects that have settled (not still being written by a sync client) are moved
 *    into `damaged/`; files not downloaded or still arriving are left alone and reported.
 * Crash-safe order: new packs, new index, then moves and old index files. Runs under the
 * exclusive lock.
 */
export async function runRepair(
  state: RepoState,
  loadProblems: ObjectProblem[],
  opts: RepairOptions,
): Promise<RepairReport> {
  const { backend, keys } = state;
  const progress = new ProgressReporter(opts.onProgress, opts.signal);
  const report: RepairReport = {
    conflictCopiesAdopted: [],
    movedAside: [],
    blobsSalvaged: 0,
    blobsRebuilt: 0,
    packsWritten: 0,
    indexRebuilt: false,
    notHere: [],
    stillChanging: [],
    remaining: null,
  };

  // 1. Conflict copies of content-named objects.
  for (const kind of ['data', 'index', 'snapshots'] as const) {
    for (const e of (await backend.survey?.(`${kind}/`)) ?? []) {
      if (e.kind !== 'conflict' || !backend.variants) continue;
      const base = await verifiedContent(backend, e.name);
      if (base === 'ok') continue;
      for (const v of await backend.variants(e.name)) {
        if (v.label === 'the object') continue;
        const bytes = await v.read().catch(() => null);
        if (
          !bytes ||
          blake2b256(bytes).toString('hex') !== e.name.slice(e.name.lastIndexOf('/') + 1)
        )
          continue;
        if (base === 'damaged') {
          if (!(await isSettled(backend, e.name))) break;
          report.movedAside.push({ object: e.name, to: await moveAside(backend, e.name) });
        }
        await backend.move!(v, e.name);
        report.conflictCopiesAdopted.push(`${e.name} (${v.label})`);
        break;
      }
    }
  }
  const problems = [...loadProblems, ...(await loadState(state))].filter(
    (p, i, all) => all.findIndex((q) => q.object === p.object) === i,
  );

  // 2. Every pack, read and verified; sound blobs of damaged packs are kept.
  const known = new Map(state.index.packs);
  for (const p of await readUnindexedPacks(state))
    known.set(p.id, { size: p.size, blobs: p.blobs });
  const present = new Set((await backend.list('data/')).map(packIdFromName));
  const sound: IndexedPack[] = [];
  const damagedPacks: string[] = [];
  const salvage = new PackWriter(backend, keys, new MasterIndex());
  let done = 0;
  for (const [id, p] of known) {
    progress.report({
      phase: 'repair',
      itemsDone: done++,
      itemsTotal: known.size,
      bytesDone: 0,
      bytesTotal: 0,
    });
    const object = packObjectName(id);
    if (!present.has(id)) continue; // its blobs are looked for below
    let bytes: Buffer;
    try {
      bytes = await readObject(backend, object);
      readPackTrailer(keys, bytes, object);
      sound.push({ id, size: bytes.length, blobs: p.blobs });
      continue;
    } catch (err) {
      if (!isReadFailure(err)) throw err;
      const why =
        err instanceof RepositoryDamagedError
          ? await classifyDamage(backend, object, err, p.size)
          : err;
      if (isNotYetHere(why)) {
        report.notHere.push(object);
        sound.push({ id, size: p.size, blobs: p.blobs }); // keep as it is: it may yet arrive whole
        continue;
      }
      damagedPacks.push(object);
      bytes = await backend.read(object).catch(() => Buffer.alloc(0));
    }
    for (const b of p.blobs) {
      try {
        const box = bytes.subarray(b.offset, b.offset + b.length);
        if (box.length !== b.length) continue;
        await salvage.add(b.type, openBlobBox(keys, b.type, b.id, box, object), b.id);
        report.blobsSalvaged++;
      } catch (err) {
        if (!(err instanceof RepositoryDamagedError)) throw err;
      }
    }
  }

  // 3. Blobs the snapshots use that no sound pack holds: made again from the chat store.
  const have = new Set([...sound.flatMap((p) => p.blobs.map((b) => b.id)), ...salvage.pending()]);
  if (opts.source) {
    // The snapshots' lists may be among the salvaged blobs (a small backup is one pack): the
    // salvage is written first and indexed in memory, so the lists can be read from it.
    await salvage.flushPack();
    state.index.add(SALVAGED, salvage.written);
    report.blobsRebuilt = await rebuildFromStore(state, opts.source, have, salvage);
  }
  await salvage.flushPack();
  report.packsWritten = salvage.written.length;

  // 4. One index naming every sound pack, then the old index files and damaged objects go.
  const { marked, tombstones } = state.index;
  const owner = state.index.owner();
  const { name, bytes } = encodeIndex(keys, [...sound, ...salvage.written], {
    marked,
    tombstones,
    ...(owner ? { owner } : {}),
  });
  await backend.writeAtomic(name, bytes);
  report.indexRebuilt = true;
  const damagedIndexFiles = problems
    .filter((p) => p.object.startsWith('index/') && p.state === 'damaged')
    .map((p) => p.object);
  for (const f of [...state.index.files.keys()])
    if (f !== name && f !== SALVAGED && !f.startsWith('memory:')) await backend.delete(f);
  for (const object of [
    ...damagedPacks,
    ...damagedIndexFiles,
    ...problems
      .filter((p) => p.object.startsWith('snapshots/') && p.state === 'damaged')
      .map((p) => p.object),
  ]) {
    if (!(await isSettled(backend, object))) {
      report.stillChanging.push(object);
      continue;
    }
    try {
      report.movedAside.push({ object, to: await moveAside(backend, object) });
    } catch (err) {
      if (!(toStorageError(err, object) instanceof ObjectNotFoundError)) throw err;
    }
  }
  for (const p of problems) if (p.state !== 'damaged') report.notHere.push(p.object);
  for (const object of report.notHere)
    await backend.requestDownload?.(object).catch(() => undefined);

  state.index = new MasterIndex();
  state.snapshots = [];
  await loadState(state);
  report.remaining = await runCheck(state, [], {});
  return report;
}

/** The in-memory index entry of packs salvaged by this repair (no file of that name). */
const SALVAGED = 'memory:salvaged';

/** Whether a content-named object is there and verifies. */
async function verifiedContent(
  backend: Backend,
  name: string,
): Promise<'ok' | 'missing' | 'damaged'> {
  try {
    const bytes = await backend.read(name);
    return blake2b256(bytes).toString('hex') === name.slice(name.lastIndexOf('/') + 1)
      ? 'ok'
      : 'damaged';
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return 'missing';
    return 'damaged';
  }
}

/**
 * Makes blobs again from the chat store: chunking is deterministic under the repository's
 * keys, so a media file with the same hash, or a month whose messages encode to the same
 * lines, gives blobs with the same ids.
 */
async function rebuildFromStore(
  state: RepoState,
  source: BackupSource,
  have: Set<string>,
  writer: PackWriter,
): Promise<number> {
  const { keys } = state;
  const wanted = new Set<string>();
  const groups: GroupLine[] = [];
  const media: MediaLine[] = [];
  const failures: { blob: string; error: unknown }[] = [];
  for (const s of state.snapshots) {
    for (const l of await readListLinesTolerant(state, s.doc.lists.groups, failures)) {
      const g = JSON.parse(l) as GroupLine;
      const lost = g.blobs.filter((id) => !have.has(id));
      if (lost.length) {
        groups.push(g);
        for (const id of lost) wanted.add(id);
      }
    }
    for (const l of await readListLinesTolerant(state, s.doc.lists.media, failures)) {
      const m = JSON.parse(l) as MediaLine;
      const lost = m.b.filter((id) => !have.has(id));
      if (lost.length) {
        media.push(m);
        for (const id of lost) wanted.add(id);
      }
    }
  }
  if (wanted.size === 0) return 0;
  let rebuilt = 0;
  const take = async (type: 'messages' | 'media', plain: Buffer): Promise<void> => {
    const id = keys.blobId(type, plain);
    if (!wanted.has(id)) return;
    await writer.add(type, plain, id);
    wanted.delete(id);
    rebuilt++;
  };
  // Media written by Chatkeep 0.2 and later are cut into fixed chunks, earlier ones by FastCDC:
  // whichever gives the lost ids.
  const chunker = new FastCdc(keys.chunkerKey);
  for (const m of media) {
    const file = source.mediaPath(m.h);
    try {
      for (const chunk of mediaChunks(file)) await take('media', chunk);
      if (m.b.some((id) => wanted.has(id)))
        for await (const chunk of chunker.chunkFile(file)) await take('media', chunk);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw toStorageError(err, file);
    }
  }
  if (groups.length > 0) {
    await source.readSnapshot(async (r) => {
      const seen = new Set<string>();
      for (const g of groups) {
        const k = `${g.chatId}\u0000${g.month}`;
        if (seen.has(k)) continue;
        seen.add(k);
        let chunks: string[];
        try {
          chunks = monthGroupChunks(r, keys, g.chatId, g.month).chunks;
        } catch {
          continue; // the chat or month is no longer in the store
        }
        for (const chunk of chunks) await take('messages', Buffer.from(chunk, 'utf8'));
      }
    });
  }
  return rebuilt;
}
