import type { MediaType } from '../../store/records.js';
import type { RepoKeys } from '../crypto/repo-keys.js';
import { RepositoryDamagedError } from '../errors.js';
import type { MediaStats } from '../types.js';
import { contentName, decodeSealed, encodeSealed } from './sealed-object.js';

/** Body of a snapshot object (JSON, zstd, sealed). Lists are tree blob ids; see tree-list.ts. */
export interface SnapshotDoc {
  v: 1;
  seq: number;
  time: number;
  host: string;
  appVersion: string;
  storeId: string;
  /** Name hash of the snapshot with seq - 1 at the time of writing, null for the first. */
  parent: string | null;
  mediaTypes: MediaType[];
  messageCount: number;
  chatCount: number;
  media: { included: MediaStats; excluded: MediaStats; missing: number };
  sizeAdded: number;
  lists: { chats: ListRef; groups: ListRef; media: ListRef };
  /**
   * Names (hashes) of the snapshot files this one replaces, oldest first: set when "re-encrypt
   * everything" wrote the same snapshot again with a newer key. A computer that remembers one
   * of them as the newest it saw finds it here (see engine/rollback.ts).
   */
  was?: string[];
}

/**
 * A list stored as tree blobs. d = 0: `ids` are the chunks of the list's lines. d > 0: `ids` are
 * chunks whose lines are the ids of level d - 1, so the snapshot object stays small however
 * long the list, and an append rewrites one chunk per level.
 */
export interface ListRef {
  d: number;
  ids: string[];
}

/** One line of the groups list. `ref` = [sourceKind, accountKey, chatKey]. */
export interface GroupLine {
  ref: [string, string, string];
  chatId: string;
  month: string;
  rev: number | string;
  n: number;
  /** `messages` blob ids; the group is their plaintexts joined by '\n'. */
  blobs: string[];
}

export interface ChatLine {
  ref: [string, string, string];
  chatId: string;
  title: string;
}

/** h: SHA-256 of the file, s: size, t: media type, m: mime, b: media blob ids in order. */
export interface MediaLine {
  h: string;
  s: number;
  t: MediaType;
  m: string;
  b: string[];
}

function isListRef(r: unknown): r is ListRef {
  const x = r as ListRef | null;
  return !!x && Number.isInteger(x.d) && x.d >= 0 && x.d < 8 && Array.isArray(x.ids);
}

export function encodeSnapshot(keys: RepoKeys, doc: SnapshotDoc): { name: string; bytes: Buffer } {
  const bytes = encodeSealed('snapshot', keys, doc, true);
  return { name: contentName('snapshots', bytes), bytes };
}

export function decodeSnapshot(keys: RepoKeys, bytes: Buffer, object: string): SnapshotDoc {
  const d = decodeSealed('snapshot', keys, bytes, object, true, {
    contentNamed: true,
  }) as SnapshotDoc;
  if (
    !d ||
    d.v !== 1 ||
    typeof d.seq !== 'number' ||
    !d.lists ||
    !isListRef(d.lists.groups) ||
    !isListRef(d.lists.chats) ||
    !isListRef(d.lists.media)
  ) {
    throw new RepositoryDamagedError(object, 'missing fields');
  }
  return d;
}

/** "<kind>/<account>/<chat>" with '%' and '/' inside parts percent-encoded. */
export function chatRefString(ref: readonly [string, string, string]): string {
  return `${escapeRefPart(ref[0])}/${escapeRefPart(ref[1])}/${escapeRefPart(ref[2])}`;
}

function escapeRefPart(p: string): string {
  if (!p.includes('%') && !p.includes('/')) return p;
  return p.replace(/%/g, '%25').replace(/\//g, '%2F');
}
