import { RepositoryDamagedError } from '../errors.js';
import { packIdFromName, packObjectName, readPackTrailer } from '../format/pack.js';
import { readObject } from './blob-store.js';
import { encodeIndex, type IndexedPack } from './master-index.js';
import type { RepoState } from './state.js';

/**
 * Resume after an interrupted backup: packs written by a run that died before its index are
 * complete objects (written atomically) that no index names. Each one is read whole, checked
 * against its name and its trailer authenticated, then named by a new index file so this
 * backup de-duplicates against it instead of uploading the same blobs again. Packs that fail
 * the check are left alone for prune. Runs under the backup's exclusive lock.
 */
export async function adoptUnindexedPacks(
  state: RepoState,
): Promise<{ adopted: number; bytes: number }> {
  const { backend, keys, index } = state;
  const orphans = (await backend.list('data/'))
    .map(packIdFromName)
    .filter((id) => !index.packs.has(id));
  const adopted: IndexedPack[] = [];
  let bytes = 0;
  for (const id of orphans) {
    const object = packObjectName(id);
    try {
      const data = await readObject(backend, object);
      adopted.push({ id, size: data.length, blobs: readPackTrailer(keys, data, object) });
      bytes += data.length;
    } catch (err) {
      if (!(err instanceof RepositoryDamagedError)) throw err;
    }
  }
  if (adopted.length === 0) return { adopted: 0, bytes: 0 };
  const { name, bytes: indexBytes } = encodeIndex(keys, adopted);
  await backend.writeAtomic(name, indexBytes);
  index.add(name, adopted);
  return { adopted: adopted.length, bytes };
}
