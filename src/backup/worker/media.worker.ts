import { parentPort } from 'node:worker_threads';
import type { Backend } from '../backend/backend.js';
import { createFolderBackend } from '../backend/folder.js';
import { RepoKeys } from '../crypto/repo-keys.js';
import { MediaSealer } from '../engine/media-sealer.js';
import { deserializeError, serializeError } from './protocol.js';
import type { MediaJob, MediaWorkerReply } from './media-protocol.js';

/**
 * The media half of a backup, on a core of its own: reads media files, cuts, hashes, seals and
 * packs them (engine/media-sealer.ts) while the backup's own thread does the messages. Jobs
 * run one at a time in the order they arrive; `abort` drops the rest.
 */
if (!parentPort) throw new Error('media.worker.ts must run as a worker thread');
const port = parentPort;

let sealer: MediaSealer | null = null;
let keys: RepoKeys | null = null;
let aborted = false;
let queue: Promise<void> = Promise.resolve();

function post(reply: MediaWorkerReply): void {
  port.postMessage(reply);
}

/** Packs waiting for the parent to store them (network repositories). */
const writes = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
let nextWrite = 1;

/**
 * For a network repository the worker holds no connection (nor its credentials): each sealed
 * pack goes back to the backup's thread, which uploads it, and the next waits for the answer.
 */
function handBack(): Backend {
  const refuse = (): never => {
    throw new Error('the media worker only writes packs');
  };
  return {
    writeAtomic: (name, data) =>
      new Promise<void>((resolve, reject) => {
        const seq = nextWrite++;
        writes.set(seq, { resolve, reject });
        post({ type: 'write', seq, name, bytes: data });
      }),
    list: refuse,
    read: refuse,
    delete: refuse,
    stat: refuse,
  };
}

port.on('message', (job: MediaJob) => {
  if (job.type === 'abort') {
    aborted = true;
    return;
  }
  if (job.type === 'written') {
    const w = writes.get(job.seq);
    writes.delete(job.seq);
    if (job.error) w?.reject(deserializeError(job.error));
    else w?.resolve();
    return;
  }
  queue = queue.then(async () => {
    try {
      if (job.type === 'init') {
        keys = new RepoKeys(Buffer.from(job.master), Buffer.from(job.repoId));
        const backend = job.dir === null ? handBack() : createFolderBackend(job.dir);
        sealer = new MediaSealer(backend, keys, new Set(job.known));
        return;
      }
      if (!sealer) throw new Error('media worker used before init');
      if (job.type === 'seal') {
        for (const file of job.files) {
          if (aborted) return;
          let pending = 0;
          const result = await sealer.seal(file, (n) => {
            pending += n;
            if (pending >= 4 * 1024 * 1024) {
              post({ type: 'bytes', n: pending });
              pending = 0;
            }
          });
          if (pending) post({ type: 'bytes', n: pending });
          post({ type: 'sealed', result });
        }
        return;
      }
      const packs = await sealer.finish();
      post({ type: 'finished', packs, bytesWritten: sealer.bytesWritten });
    } catch (error) {
      // The first error ends the pipeline: the backup fails or is retried as a whole.
      aborted = true;
      post({ type: 'error', error: serializeError(error) });
    } finally {
      if (job.type === 'finish') {
        for (const k of [keys?.master, keys?.blobKey, keys?.idKey, keys?.metaKey, keys?.chunkerKey])
          k?.fill(0);
      }
    }
  });
});
