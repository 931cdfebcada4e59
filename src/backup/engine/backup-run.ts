import os from 'node:os';
import { MEDIA_TYPES, type MediaType } from '../../store/records.js';
import { monthGroupChunkBuffers } from './month-chunks.js';
import {
  chatRefString,
  encodeSnapshot,
  type ChatLine,
  type GroupLine,
  type ListRef,
  type MediaLine,
  type SnapshotDoc,
} from '../format/snapshot.js';
import { InvalidArgumentError } from '../errors.js';
import type { BackupSource, MediaRef, MonthGroup } from '../source.js';
import type { BackupOptions, MediaStats } from '../types.js';
import { PackWriter } from './blob-store.js';
import type { IndexedPack } from './master-index.js';
import { startMediaPipeline } from './media-pipeline.js';
import { ProgressReporter } from './progress.js';
import { isReadFailure } from './object-read.js';
import {
  groupKey,
  nextSeq,
  readListLines,
  writeList,
  type LoadedSnapshot,
  type RepoState,
} from './state.js';

export interface BackupRunResult {
  snapshot: LoadedSnapshot;
}

function addStat(stats: MediaStats, type: MediaType, bytes: number): void {
  const s = (stats[type] ??= { count: 0, bytes: 0 });
  s.count += 1;
  s.bytes += bytes;
}

/**
 * One backup: reads the store inside one read transaction, writes new blobs into packs, then
 * the index, then the snapshot. Groups whose rev is unchanged since the parent snapshot (same
 * store) reuse the parent's blob without being read; media already in the parent are not re-read.
 */
export async function runBackup(
  state: RepoState,
  source: BackupSource,
  opts: BackupOptions,
): Promise<LoadedSnapshot> {
  for (const t of opts.mediaTypes) {
    if (!MEDIA_TYPES.includes(t)) throw new InvalidArgumentError(`Unknown media type "${t}"`);
  }
  const selected = new Set<MediaType>(opts.mediaTypes);
  const progress = new ProgressReporter(opts.onProgress, opts.signal);
  progress.checkAbort();
  const { backend, keys, index } = state;
  const newest = state.snapshots[state.snapshots.length - 1] ?? null;
  // The newest snapshot is the one to compare with, unless its lists cannot be read: then
  // everything is compared with nothing (de-duplication by blob id still saves the upload).
  let parent: LoadedSnapshot | null = newest;
  let parentRaw = { chats: [] as string[], groups: [] as string[], media: [] as string[] };
  if (parent) {
    try {
      parentRaw = {
        chats: await readListLines(state, parent.doc.lists.chats),
        groups: await readListLines(state, parent.doc.lists.groups),
        media: await readListLines(state, parent.doc.lists.media),
      };
    } catch (err) {
      if (!isReadFailure(err)) throw err;
      parent = null;
    }
  }
  const parentLists = {
    groups: parentRaw.groups.map((l) => JSON.parse(l) as GroupLine),
    chats: parentRaw.chats.map((l) => JSON.parse(l) as ChatLine),
    media: parentRaw.media.map((l) => JSON.parse(l) as MediaLine),
  };
  const sameStore = parent?.doc.storeId === source.storeId;
  const parentGroups = new Map<string, GroupLine>();
  if (sameStore) for (const g of parentLists.groups) parentGroups.set(groupKey(g.ref, g.month), g);
  const parentChats = new Map<string, ChatLine>(
    parentLists.chats.map((c) => [JSON.stringify(c.ref), c]),
  );
  const parentMedia = new Map<string, MediaLine>(parentLists.media.map((m) => [m.h, m]));

  const writer = new PackWriter(backend, keys, index);
  /** Packs the media pipeline wrote: named in this backup's index file with the writer's. */
  const mediaPacks: IndexedPack[] = [];
  let mediaBytesWritten = 0;

  const scanned = await source.readSnapshot(async (r) => {
    progress.report(
      { phase: 'scan', itemsDone: 0, itemsTotal: 0, bytesDone: 0, bytesTotal: 0 },
      true,
    );
    const groups: MonthGroup[] = [...r.monthGroups()];
    const refs: MediaRef[] = [...r.mediaRefs()];

    // Media to read are known at once: their sealing starts now, on a core of its own when
    // there is enough of it, while this thread does the messages.
    const included: MediaStats = {};
    const excluded: MediaStats = {};
    let missing = 0;
    const mediaLines = new Map<string, MediaLine>();
    let mediaRetyped = false;
    const toRead: MediaRef[] = [];
    for (const m of refs) {
      if (!selected.has(m.mediaType)) {
        addStat(excluded, m.mediaType, m.size);
        continue;
      }
      const prev = parentMedia.get(m.hash);
      if (prev && prev.b.every((id) => index.has(id))) {
        if (prev.t !== m.mediaType || prev.m !== m.mime) mediaRetyped = true;
        mediaLines.set(m.hash, { ...prev, t: m.mediaType, m: m.mime });
        addStat(included, m.mediaType, m.size);
      } else {
        toRead.push(m);
      }
    }
    const bytesTotal = toRead.reduce((a, m) => a + m.size, 0);
    let bytesDone = 0;
    const pipeline = startMediaPipeline(state, {
      totalBytes: bytesTotal,
      writer,
      onBytes: (n) => (bytesDone += n),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    pipeline.sealAll(toRead.map((m) => source.mediaPath(m.hash)));

    try {
      // Messages
      progress.phase();
      const groupLines: GroupLine[] = [];
      const titles = new Map<string, string>();
      let identical = 0; // group lines exactly as in the parent
      let done = 0;
      for (const g of groups) {
        // A month whose messages were all deleted is left out, so restore does not bring them back.
        if (g.messageCount === 0) continue;
        const ref: [string, string, string] = [g.sourceKind, g.sourceAccountKey, g.chatKey];
        const prev = parentGroups.get(groupKey(ref, g.month));
        let blobs: string[];
        if (prev && prev.rev === g.rev && prev.blobs.every((id) => index.has(id))) {
          blobs = prev.blobs;
          if (prev.n === g.messageCount && prev.chatId === String(g.chatId)) identical++;
        } else {
          const { chunks, title } = monthGroupChunkBuffers(r, keys, g.chatId, g.month);
          titles.set(JSON.stringify(ref), title);
          blobs = [];
          // Each chunk lives in a reused buffer: add() consumes it before its first await.
          for (const chunk of chunks) blobs.push(await writer.add('messages', chunk));
        }
        groupLines.push({
          ref,
          chatId: String(g.chatId),
          month: g.month,
          rev: g.rev,
          n: g.messageCount,
          blobs,
        });
        done++;
        progress.report({
          phase: 'messages',
          itemsDone: done,
          itemsTotal: groups.length,
          bytesDone,
          bytesTotal,
        });
      }

      // Media: what the pipeline has done, and the rest as it comes.
      progress.phase();
      for (let i = 0; i < toRead.length; i++) {
        const m = toRead[i]!;
        const sealed = await pipeline.next();
        if (!sealed.ok) missing++;
        else {
          mediaLines.set(m.hash, {
            h: m.hash,
            s: sealed.size,
            t: m.mediaType,
            m: m.mime,
            b: sealed.blobs,
          });
          addStat(included, m.mediaType, sealed.size);
        }
        progress.report({
          phase: 'media',
          itemsDone: i + 1,
          itemsTotal: toRead.length,
          bytesDone,
          bytesTotal,
        });
      }
      const sealedPacks = await pipeline.finish();
      mediaPacks.push(...sealedPacks.packs);
      mediaBytesWritten += sealedPacks.bytesWritten;
      const groupsUnchanged =
        parent !== null &&
        identical === groupLines.length &&
        identical === parentLists.groups.length;
      const mediaUnchanged =
        parent !== null &&
        toRead.length === 0 &&
        !mediaRetyped &&
        mediaLines.size === parentLists.media.length;
      return {
        groups,
        groupLines,
        titles,
        included,
        excluded,
        missing,
        mediaLines,
        groupsUnchanged,
        mediaUnchanged,
      };
    } catch (err) {
      await pipeline.abort().catch(() => undefined);
      throw err;
    }
  });

  progress.checkAbort();
  progress.report(
    { phase: 'index', itemsDone: 0, itemsTotal: 1, bytesDone: 0, bytesTotal: 0 },
    true,
  );

  // Lists. Groups sorted month-major so a day's new messages change the tail chunks only;
  // media keep the parent's order with new files appended for the same reason.
  const groupLines = sortByKey(
    scanned.groupLines,
    (g) => `${g.month}\u0000${chatRefString(g.ref)}`,
  );
  // Chat lines carry no message counts (summaries sum them from the groups), so the chat list
  // only changes when a chat is added, removed or renamed.
  const chats = new Map<string, ChatLine>();
  for (const g of groupLines) {
    const k = JSON.stringify(g.ref);
    if (chats.has(k)) continue;
    const title = scanned.titles.get(k) ?? parentChats.get(k)?.title ?? g.ref[2];
    chats.set(k, { ref: g.ref, chatId: g.chatId, title });
  }
  const chatLines = sortByKey([...chats.values()], (c) => chatRefString(c.ref));
  const mediaOrder: MediaLine[] = [];
  for (const p of parentLists.media) {
    const cur = scanned.mediaLines.get(p.h);
    if (cur) {
      mediaOrder.push(cur);
      scanned.mediaLines.delete(p.h);
    }
  }
  mediaOrder.push(...[...scanned.mediaLines.values()].sort((a, b) => (a.h < b.h ? -1 : 1)));

  // A list identical to the parent's keeps the parent's reference: nothing to chunk or hash.
  // Known-unchanged lists are not even serialized (the common case for media).
  const list = async (
    which: 'chats' | 'groups' | 'media',
    unchanged: boolean,
    build: () => string[],
  ): Promise<ListRef> => {
    // Only while the parent's list blobs are soundly stored (not in a pack being deleted).
    const reusable = parent !== null && parent.doc.lists[which].ids.every((id) => index.has(id));
    if (reusable && unchanged) return parent!.doc.lists[which];
    const lines = build();
    const before = parentRaw[which];
    if (reusable && lines.length === before.length && lines.every((l, i) => l === before[i])) {
      return parent!.doc.lists[which];
    }
    return writeList(writer, keys.chunkerKey, lines, backend.local);
  };
  const { groupsUnchanged, mediaUnchanged } = scanned;
  const lists = {
    chats: await list('chats', groupsUnchanged && scanned.titles.size === 0, () =>
      chatLines.map((c) => JSON.stringify(c)),
    ),
    groups: await list('groups', groupsUnchanged, () => groupLines.map((g) => JSON.stringify(g))),
    media: await list('media', mediaUnchanged, () => mediaOrder.map((m) => JSON.stringify(m))),
  };
  progress.checkAbort();
  await writer.finish(mediaPacks);

  progress.report(
    { phase: 'snapshot', itemsDone: 0, itemsTotal: 1, bytesDone: 0, bytesTotal: 0 },
    true,
  );
  const doc: SnapshotDoc = {
    v: 1,
    seq: nextSeq(state),
    time: Date.now(),
    host: opts.host ?? os.hostname(),
    appVersion: opts.appVersion ?? '',
    storeId: source.storeId,
    parent: newest?.hash ?? null,
    mediaTypes: [...selected],
    messageCount: groupLines.reduce((a, g) => a + g.n, 0),
    chatCount: chatLines.length,
    media: { included: scanned.included, excluded: scanned.excluded, missing: scanned.missing },
    sizeAdded: writer.bytesWritten + mediaBytesWritten,
    lists,
  };
  const { name, bytes } = encodeSnapshot(keys, doc);
  await backend.writeAtomic(name, bytes);
  const snap: LoadedSnapshot = { name, hash: name.slice('snapshots/'.length), doc };
  state.snapshots.push(snap);
  progress.report(
    { phase: 'snapshot', itemsDone: 1, itemsTotal: 1, bytesDone: 0, bytesTotal: 0 },
    true,
  );
  return snap;
}

/** Sorts by a string key computed once per item (code-unit order, as documented). */
function sortByKey<T>(items: T[], key: (t: T) => string): T[] {
  const keyed = items.map((item) => ({ item, k: key(item) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.item);
}
