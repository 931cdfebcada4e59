import {
  ObjectIncompleteError,
  ObjectNotFoundError,
  ObjectNotLocalError,
  RepositoryDamagedError,
} from '../errors.js';
import { decodeSnapshot } from '../format/snapshot.js';
import type { ObjectProblemView } from '../types.js';
import { decodeIndex, MasterIndex } from './master-index.js';
import { isReadFailure, readVerified } from './object-read.js';
import type { LoadedSnapshot, RepoState } from './state.js';

/**
 * A snapshot or index file that could not be used. Such files are skipped, never fatal: the
 * rest of the repository stays usable (backups go on, restores restore what they can), and
 * the problem is reported with the file's name.
 */
/** damaged: settled and wrong; not-downloaded: still in the cloud; arriving: not whole yet. */
export type ObjectProblem = ObjectProblemView;

export function problemOf(object: string, err: unknown): ObjectProblem {
  const state =
    err instanceof ObjectNotLocalError
      ? 'not-downloaded'
      : err instanceof ObjectIncompleteError
        ? 'arriving'
        : err instanceof RepositoryDamagedError && err.detail === 'missing'
          ? 'missing'
          : 'damaged';
  const message =
    state === 'missing'
      ? `Backup file "${object}" is not in the folder (not synced to this computer yet, or lost)`
      : (err as Error).message;
  return { object, state, message };
}

/**
 * Brings index and snapshots up to date with the folder. Index and snapshot objects are
 * immutable and content-named, so only names not seen before are read; the index is rebuilt
 * from scratch only when an index file disappeared (a prune elsewhere). Problems are returned,
 * not thrown.
 */
export async function loadState(prev: RepoState): Promise<ObjectProblem[]> {
  const { backend, keys } = prev;
  const problems: ObjectProblem[] = [];
  const indexNames = (await backend.list('index/')).sort();
  const listed = new Set(indexNames);
  let index = prev.index;
  if ([...index.files.keys()].some((n) => !listed.has(n))) index = new MasterIndex();
  for (const name of indexNames) {
    if (index.files.has(name)) continue;
    try {
      const decoded = await readVerified(backend, name, (bytes, source) =>
        decodeIndex(keys, bytes, source),
      );
      index.add(name, decoded.packs, decoded.extras);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) continue; // replaced by a prune since the listing
      if (!isReadFailure(err)) throw err;
      problems.push(problemOf(name, err));
    }
  }
  const known = new Map(prev.snapshots.map((s) => [s.name, s]));
  const snapshots: LoadedSnapshot[] = [];
  const unreadable: string[] = [];
  for (const name of await backend.list('snapshots/')) {
    const seen = known.get(name);
    if (seen) {
      snapshots.push(seen);
      continue;
    }
    try {
      const doc = await readVerified(backend, name, (bytes, source) =>
        decodeSnapshot(keys, bytes, source),
      );
      snapshots.push({ name, hash: name.slice('snapshots/'.length), doc });
    } catch (err) {
      if (err instanceof ObjectNotFoundError) continue; // removed by a forget since the listing
      if (!isReadFailure(err)) throw err;
      problems.push(problemOf(name, err));
      unreadable.push(name);
    }
  }
  snapshots.sort((a, b) => a.doc.seq - b.doc.seq || a.doc.time - b.doc.time);
  prev.index = index;
  prev.snapshots = snapshots;
  prev.unreadableSnapshots = unreadable;
  return problems;
}
