import type { Backend } from '../backend/backend.js';
import type { RepoKeys } from '../crypto/repo-keys.js';
import { RepositoryDamagedError } from '../errors.js';
import type { MediaSink } from '../source.js';
import { BlobPrefetcher } from './blob-prefetch.js';
import type { MasterIndex } from './master-index.js';

/** A media file to restore: its SHA-256, size and blobs, as in the snapshot's media list. */
export interface MediaToRestore {
  h: string;
  s: number;
  b: string[];
}

/** Files are made durable and moved into place this many at a time. */
const COMMIT_EVERY = 8192;

/**
 * Writes media files from their blobs into the store's media folder (through `sink`), each
 * checked against its SHA-256 as it is written; blobs are read a few large reads ahead (see
 * BlobPrefetcher). A file that cannot be read whole is left out and reported to `onFailed`
 * with the reason; the rest go on. Every file reported as not failed is durable and in place
 * when this returns.
 */
export async function restoreMediaFiles(
  backend: Backend,
  keys: RepoKeys,
  index: Pick<MasterIndex, 'get'>,
  files: readonly MediaToRestore[],
  sink: MediaSink,
  on: {
    failed: (hash: string, error: unknown) => void;
    bytes: (n: number) => void;
    aborted?: () => boolean;
  },
): Promise<void> {
  // The SHA-256 of each whole file is checked: a blob's own id check would only repeat it.
  const blobs = new BlobPrefetcher(backend, keys, index, { checkId: false });
  for (const f of files) blobs.push(f.b);
  try {
    for (const f of files) {
      if (on.aborted?.()) break;
      sink.start(f.h);
      let error: unknown = null;
      for (const _ of f.b) {
        const r = await blobs.next();
        if ('error' in r) error ??= r.error;
        else if (!error) {
          sink.write(r.plain);
          on.bytes(r.plain.length);
        }
      }
      if (error) {
        sink.abandon();
        on.failed(f.h, error);
      } else if (!sink.end()) {
        on.failed(
          f.h,
          new RepositoryDamagedError(`media ${f.h}`, 'restored bytes do not match the file hash'),
        );
      }
      if (sink.count >= COMMIT_EVERY) await sink.commit();
    }
    await sink.commit();
  } catch (err) {
    sink.discard();
    throw err;
  }
}
