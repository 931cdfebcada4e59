import type { Backend, LocalCache } from '../backend/backend.js';
import type { RepoKeys } from '../crypto/repo-keys.js';
import type { ChatLine, GroupLine, ListRef, MediaLine, SnapshotDoc } from '../format/snapshot.js';
import { joinChunks, splitLines } from './tree-list.js';
import { readBlob, type PackWriter } from './blob-store.js';
import type { MasterIndex } from './master-index.js';
import { isReadFailure, type ReadFailure } from './object-read.js';

export interface LoadedSnapshot {
  /** Object name: snapshots/<hash>. */
  name: string;
  /** Hash = id. */
  hash: string;
  doc: SnapshotDoc;
}

/** What the engine's operations share: the open repository's backend, keys and loaded metadata. */
export interface RepoState {
  backend: Backend;
  keys: RepoKeys;
  index: MasterIndex;
  /** Readable snapshots, oldest (lowest seq) first. */
  snapshots: LoadedSnapshot[];
  /** Snapshot objects listed but unusable (damaged, not downloaded, still arriving). */
  unreadableSnapshots: string[];
  /** No snapshot written from here may have a seq at or below this (the last one seen). */
  seqFloor: number;
}

/** The seq of the next snapshot: above every snapshot that exists or was seen, readable or not. */
export function nextSeq(state: RepoState): number {
  const newest = state.snapshots.reduce((m, s) => Math.max(m, s.doc.seq), 0);
  // Each snapshot took the newest seq + 1 when written, so unreadable ones newer than the
  // newest readable one have seqs up to newest + their count.
  return Math.max(newest + state.unreadableSnapshots.length, state.seqFloor) + 1;
}

/** A list's root holds at most this many ids; longer levels get a level above them. */
export const ROOT_IDS_MAX = 16;

async function readChunks(state: RepoState, ids: string[]): Promise<string[]> {
  const chunks: Buffer[] = [];
  for (const id of ids) chunks.push(await readTree(state, id));
  return joinChunks(chunks);
}

/**
 * A list blob, from this computer's cache of a network repository when it holds it: every
 * backup reads its parent's lists, which would otherwise cost one ranged download per chunk.
 * A cached blob is used only if its content still gives its id.
 */
async function readTree(state: RepoState, id: string): Promise<Buffer> {
  const cache = state.backend.local;
  if (cache) {
    const hit = await cache.getBlob(id);
    if (hit && state.keys.blobId('tree', hit) === id) return hit;
  }
  const plain = await readBlob(state.backend, state.keys, state.index, id);
  await cache?.putBlob(id, plain);
  return plain;
}

/** The leaf chunk ids of a list and the ids of the levels above them. */
export async function resolveList(
  state: RepoState,
  ref: ListRef,
): Promise<{ leaves: string[]; inner: string[] }> {
  const inner: string[] = [];
  let ids = ref.ids;
  for (let d = ref.d; d > 0; d--) {
    inner.push(...ids);
    ids = await readChunks(state, ids);
  }
  return { leaves: ids, inner };
}

export async function readListLines(state: RepoState, ref: ListRef): Promise<string[]> {
  return readChunks(state, (await resolveList(state, ref)).leaves);
}

export interface ListFailure {
  /** The tree blob that could not be read. */
  blob: string;
  error: unknown;
}

/**
 * A list's lines, skipping chunks that cannot be read (each failure is reported once, with
 * the blob it stood for). A failed inner chunk loses the leaves below it.
 */
export async function readListLinesTolerant(
  state: RepoState,
  ref: ListRef,
  failures: ListFailure[],
): Promise<string[]> {
  const read = async (ids: string[]): Promise<string[]> => {
    const out: string[] = [];
    for (const id of ids) {
      try {
        out.push(...(await readChunks(state, [id])));
      } catch (error) {
        if (!isReadFailure(error)) throw error;
        failures.push({ blob: id, error });
      }
    }
    return out;
  };
  let ids = ref.ids;
  for (let d = ref.d; d > 0; d--) ids = await read(ids);
  return read(ids);
}

/**
 * Walks the lists of many snapshots, visiting each distinct leaf chunk once: successive
 * snapshots share most chunks, so the cost follows the repository's unique content and not
 * (snapshots x list length). `onTree` sees every tree blob id (inner and leaf) of every snapshot;
 * `onChunk` sees each distinct leaf chunk's lines once, with the list it belongs to.
 */
export async function walkLists(
  state: RepoState,
  snapshots: LoadedSnapshot[],
  visit: {
    onTree?: (id: string, snapshot: LoadedSnapshot) => void;
    onChunk?: (which: 'chats' | 'groups' | 'media', id: string, lines: string[]) => void;
    onLeaf?: (which: 'chats' | 'groups' | 'media', id: string, snapshot: LoadedSnapshot) => void;
    /** Without it, damage in a snapshot's lists throws. */
    onSnapshotError?: (snapshot: LoadedSnapshot, err: ReadFailure) => void;
  },
): Promise<void> {
  const innerCache = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const s of snapshots) {
    try {
      for (const which of ['chats', 'groups', 'media'] as const) {
        const ref = s.doc.lists[which];
        let ids = ref.ids;
        for (let d = ref.d; d > 0; d--) {
          const next: string[] = [];
          for (const id of ids) {
            visit.onTree?.(id, s);
            let lines = innerCache.get(id);
            if (!lines) {
              lines = await readChunks(state, [id]);
              innerCache.set(id, lines);
            }
            next.push(...lines);
          }
          ids = next;
        }
        for (const id of ids) {
          visit.onTree?.(id, s);
          if (!seen.has(id) && visit.onChunk) {
            const lines = await readChunks(state, [id]);
            seen.add(id); // only once read: a damaged chunk fails every snapshot that uses it
            visit.onChunk(which, id, lines);
          }
          visit.onLeaf?.(which, id, s);
        }
      }
    } catch (err) {
      if (!isReadFailure(err) || !visit.onSnapshotError) throw err;
      visit.onSnapshotError(s, err);
    }
  }
}

/** Every blob the snapshots reference: list tree blobs, month group chunks, media chunks. */
export async function referencedBlobs(
  state: RepoState,
  snapshots: LoadedSnapshot[],
  onSnapshotError?: (snapshot: LoadedSnapshot, err: ReadFailure) => void,
): Promise<Set<string>> {
  const used = new Set<string>();
  await walkLists(state, snapshots, {
    onTree: (id) => used.add(id),
    onChunk: (which, _id, lines) => {
      if (which === 'groups') {
        for (const l of lines) for (const b of (JSON.parse(l) as GroupLine).blobs) used.add(b);
      } else if (which === 'media') {
        for (const l of lines) for (const b of (JSON.parse(l) as MediaLine).b) used.add(b);
      }
    },
    ...(onSnapshotError ? { onSnapshotError } : {}),
  });
  return used;
}

/** Writes a list's chunks as tree blobs (kept in `cache` too, for the next backup to read). */
export async function writeList(
  writer: PackWriter,
  key: Uint8Array,
  lines: string[],
  cache?: LocalCache,
): Promise<ListRef> {
  const add = async (chunk: string): Promise<string> => {
    const plain = Buffer.from(chunk, 'utf8');
    const id = await writer.add('tree', plain);
    await cache?.putBlob(id, plain);
    return id;
  };
  let ids: string[] = [];
  for (const chunk of splitLines(lines, key)) ids.push(await add(chunk));
  let d = 0;
  while (ids.length > ROOT_IDS_MAX) {
    const next: string[] = [];
    for (const chunk of splitLines(ids, key)) next.push(await add(chunk));
    ids = next;
    d++;
  }
  return { d, ids };
}

export interface SnapshotLists {
  groups: GroupLine[];
  chats: ChatLine[];
  media: MediaLine[];
}

export async function readSnapshotLists(
  state: RepoState,
  doc: SnapshotDoc,
  which: { groups?: boolean; chats?: boolean; media?: boolean } = {
    groups: true,
    chats: true,
    media: true,
  },
): Promise<SnapshotLists> {
  const parse = async <T>(ref: ListRef, want: boolean | undefined): Promise<T[]> =>
    want ? (await readListLines(state, ref)).map((l) => JSON.parse(l) as T) : [];
  return {
    groups: await parse<GroupLine>(doc.lists.groups, which.groups),
    chats: await parse<ChatLine>(doc.lists.chats, which.chats),
    media: await parse<MediaLine>(doc.lists.media, which.media),
  };
}

export function groupKey(ref: readonly string[], month: string): string {
  return JSON.stringify([...ref, month]);
}
