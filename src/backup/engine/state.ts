import type { Backend } from '../backend/backend.js';
import type { RepoKeys } from '../crypto/repo-keys.js';
import type { ChatLine, GroupLine, ListRef, MediaLine, SnapshotDoc } from '../format/snapshot.js';
import { joinChunks, splitLines } from './tree-list.js';
import { readBlob, type PackWriter } from './blob-store.js';
import type { MasterIndex } from './master-index.js';

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
}

/** A list's root holds at most this many ids; longer levels get a level above them. */
export const ROOT_IDS_MAX = 16;

async function readChunks(state: RepoState, ids: string[]): Promise<string[]> {
  const chunks: Buffer[] = [];
  for (const id of ids) chunks.push(await readBlob(state.backend, state.keys, state.index, id));
  return joinChunks(chunks);
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

/** Every tree blob a snapshot's lists use (inner levels and leaves). */
export async function listTreeIds(state: RepoState, doc: SnapshotDoc): Promise<string[]> {
  const out: string[] = [];
  for (const ref of [doc.lists.chats, doc.lists.groups, doc.lists.media]) {
    const { leaves, inner } = await resolveList(state, ref);
    out.push(...inner, ...leaves);
  }
  return out;
}

export async function writeList(
  writer: PackWriter,
  key: Uint8Array,
  lines: string[],
): Promise<ListRef> {
  let ids: string[] = [];
  for (const chunk of splitLines(lines, key))
    ids.push(await writer.add('tree', Buffer.from(chunk, 'utf8')));
  let d = 0;
  while (ids.length > ROOT_IDS_MAX) {
    const next: string[] = [];
    for (const chunk of splitLines(ids, key))
      next.push(await writer.add('tree', Buffer.from(chunk, 'utf8')));
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
