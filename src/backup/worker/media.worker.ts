import { parentPort } from 'node:worker_threads';
import type { Backend } from '../backend/backend.js';
import { createFolderBackend } from '../backend/folder.js';
import { RepoKeys } from '../crypto/repo-keys.js';
import type { IndexEntry } from '../engine/master-index.js';
import { restoreMediaFiles } from '../engine/media-restorer.js';
import { MediaSealer } from '../engine/media-sealer.js';
import { openMediaSink } from '../store-adapter.js';
import { deserializeError, serializeError } from './protocol.js';
import type { MediaJob, MediaWorkerReply } from './media-protocol.js';

/**
 * The media half of a backup or a restore, on a core of its own. A backup's media files are
 * read, cut, hashed, sealed and packed (engine/media-sealer.ts) while the backup's own thread
 * does the messages; a restore's are read, opened, checked and written into the store's media
 * folder (engine/media-restorer.ts) while the restore's thread writes the messages. Jobs run
 * one at a time in the order they arrive; `abort` drops the rest.
 */
if (!parentPort) throw new Error('media.worker.ts must run as a worker thread');
const port = parentPort;

let backend: Backend | null = null;
let keys: RepoKeys | null = null;
let known: Set<string> = new Set();
let sealer: MediaSealer | null = null;
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
 * (Restores use this worker only for a folder repository: see media-restore-pipeline.ts.)
 */
function handBack(): Backend {
  const refuse = (): never => {
    throw new Error('the media worker only writes packs to a network repository');
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

/** Progress in steps of a few MB, not one message per chunk. */
function bytesReporter(): { add: (n: number) => void; flush: () => void } {
  let pending = 0;
  return {
    add(n) {
      pending += n;
      if (pending >= 4 * 1024 * 1024) {
        post({ type: 'bytes', n: pending });
        pending = 0;
      }
    },
    flush() {
      if (pending) post({ type: 'bytes', n: pending });
      pending = 0;
    },
  };
}

async function run(job: MediaJob): Promise<void> {
  if (job.type === 'init') {
    keys = new RepoKeys(job.master, Buffer.from(job.repoId));
    // The key was moved here (transferred); the repository's keys hold their own copy.
    job.master.fill(0);
    backend = job.dir === null ? handBack() : createFolderBackend(job.dir);
    known = new Set(job.known);
    return;
  }
  if (!keys || !backend) throw new Error('media worker used before init');
  if (job.type === 'seal') {
    sealer ??= new MediaSealer(backend, keys, known);
    for (const file of job.files) {
      if (aborted) return;
      const bytes = bytesReporter();
      const result = await sealer.seal(file, bytes.add);
      bytes.flush();
      post({ type: 'sealed', result });
    }
    return;
  }
  if (job.type === 'restore') {
    const entries = new Map<string, IndexEntry>(job.entries);
    const bytes = bytesReporter();
    await restoreMediaFiles(
      backend,
      keys,
      { get: (id) => entries.get(id) },
      job.files,
      openMediaSink(job.mediaDir),
      {
        failed: (hash, error) =>
          post({ type: 'restore-failed', hash, error: serializeError(error) }),
        bytes: bytes.add,
        aborted: () => aborted,
      },
    );
    bytes.flush();
    post({ type: 'restored' });
    return;
  }
  if (job.type === 'finish') {
    const packs = sealer ? await sealer.finish() : [];
    post({ type: 'finished', packs, bytesWritten: sealer?.bytesWritten ?? 0 });
    wipeKeys();
  }
}

/** Zeroes the keys (see crypto/key-memory.ts); this worker is done with the repository. */
function wipeKeys(): void {
  keys?.dispose();
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
      await run(job);
    } catch (error) {
      // The first error ends the pipeline: the backup or restore fails or is retried whole.
      aborted = true;
      post({ type: 'error', error: serializeError(error) });
    }
  });
});
