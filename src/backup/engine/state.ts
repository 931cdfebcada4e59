import type { Backend } from '../backend/backend.js';
import type { RepoKeys } from '../crypto/repo-keys.js';
import type { ChatLine, GroupLine, MediaLine, SnapshotDoc } from '../format/snapshot.js';
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

export async function readListLines(state: RepoState, ids: string[]): Promise<string[]> {
  const chunks: Buffer[] = [];
  for (const id of ids) chunks.push(await readBlob(state.backend, state.keys, state.index, id));
  return joinChunks(chunks);
}

export async function writeList(
  writer: PackWriter,
  key: Uint8Array,
  lines: string[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const chunk of splitLines(lines, key))
    ids.push(await writer.add('tree', Buffer.from(chunk, 'utf8')));
  return ids;
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
  const parse = async <T>(ids: string[], want: boolean | undefined): Promise<T[]> =>
    want ? (await readListLines(state, ids)).map((l) => JSON.parse(l) as T) : [];
  return {
    groups: await parse<GroupLine>(doc.lists.groups, which.groups),
    chats: await parse<ChatLine>(doc.lists.chats, which.chats),
    media: await parse<MediaLine>(doc.lists.media, which.media),
  };
}

export function groupKey(ref: readonly string[], month: string): string {
  return JSON.stringify([...ref, month]);
}
