import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../node/spawn-worker.js';
import { BackupCancelledError } from '../errors.js';
import type { RestoreTarget } from '../source.js';
import type { MediaJob, MediaWorkerReply } from '../worker/media-protocol.js';
import { deserializeError } from '../worker/protocol.js';
import { entriesOf } from './blob-prefetch.js';
import { MEDIA_WORKER_MIN_BYTES } from './media-pipeline.js';
import { restoreMediaFiles, type MediaToRestore } from './media-restorer.js';
import type { RepoState } from './state.js';

/** Files per message to the worker (each carries its blobs' index entries). */
const BATCH = 4096;

/** What a media restore did: the files left out (by hash) with the reason. */
export interface MediaRestoreOutcome {
  failed: Map<string, unknown>;
}

export interface MediaRestore {
  /** Runs beside the caller (a worker thread) rather than before it. */
  readonly parallel: boolean;
  /** Settles when every file is durable and in place, or left out and reported. */
  readonly done: Promise<MediaRestoreOutcome>;
  /** Stops early (a failed or cancelled restore); files not committed are removed. */
  abort(): Promise<void>;
}

/**
 * A restore's media files written into the store's media folder: in a worker thread beside
 * the messages when the backup is a folder the worker can open, the target allows it and
 * there is enough to do; otherwise on this thread, before the messages.
 */
export function startMediaRestore(
  state: RepoState,
  target: RestoreTarget,
  files: readonly MediaToRestore[],
  opts: { onBytes: (n: number) => void; signal?: AbortSignal },
): MediaRestore {
  const total = files.reduce((a, f) => a + f.s, 0);
  const folder = state.backend.folder;
  if (folder && target.workerMediaDir && total >= MEDIA_WORKER_MIN_BYTES) {
    try {
      return workerRestore(state, folder, target.workerMediaDir, files, opts);
    } catch {
      // No worker here (a bundle without its entry): the same work, inline.
    }
  }
  const failed = new Map<string, unknown>();
  let stop = false;
  const done = restoreMediaFiles(
    state.backend,
    state.keys,
    state.index,
    files,
    target.mediaSink(),
    {
      failed: (hash, error) => failed.set(hash, error),
      bytes: opts.onBytes,
      aborted: () => stop || (opts.signal?.aborted ?? false),
    },
  ).then(() => {
    if (opts.signal?.aborted) throw new BackupCancelledError();
    return { failed };
  });
  return {
    parallel: false,
    done,
    abort: async () => {
      stop = true;
      await done.catch(() => undefined);
    },
  };
}

function workerRestore(
  state: RepoState,
  folder: string,
  mediaDir: string,
  files: readonly MediaToRestore[],
  opts: { onBytes: (n: number) => void; signal?: AbortSignal },
): MediaRestore {
  const worker: Worker = spawnWorker('media');
  const failed = new Map<string, unknown>();
  const batches = Math.ceil(files.length / BATCH);
  let restored = 0;
  let settle!: { resolve: (o: MediaRestoreOutcome) => void; reject: (e: Error) => void };
  const done = new Promise<MediaRestoreOutcome>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let over = false;
  const finish = (error: Error | null): void => {
    if (over) return;
    over = true;
    opts.signal?.removeEventListener('abort', onAbort);
    if (error) settle.reject(error);
    else settle.resolve({ failed });
    void worker.terminate();
  };
  worker.on('message', (m: MediaWorkerReply) => {
    if (m.type === 'bytes') opts.onBytes(m.n);
    else if (m.type === 'restore-failed') failed.set(m.hash, deserializeError(m.error));
    else if (m.type === 'restored') {
      if (++restored === batches) send({ type: 'finish' });
    } else if (m.type === 'finished') finish(null);
    else if (m.type === 'error') finish(deserializeError(m.error));
  });
  worker.on('error', (e) => finish(e));
  worker.on('exit', (code) => finish(new Error(`the media worker stopped (exit ${code})`)));
  const send = (job: MediaJob): void => worker.postMessage(job);
  const onAbort = (): void => {
    send({ type: 'abort' });
    finish(new BackupCancelledError());
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  send({
    type: 'init',
    dir: folder,
    master: Uint8Array.from(state.keys.master),
    repoId: Uint8Array.from(state.keys.repoId),
    known: [],
  });
  for (let i = 0; i < files.length; i += BATCH) {
    const part = files.slice(i, i + BATCH);
    send({
      type: 'restore',
      mediaDir,
      files: part,
      entries: entriesOf(
        state.index,
        part.flatMap((f) => f.b),
      ),
    });
  }
  if (batches === 0) send({ type: 'finish' });
  return {
    parallel: true,
    done,
    abort: async () => {
      send({ type: 'abort' });
      // Let the worker remove the files it has not committed before it is stopped.
      await Promise.race([done.catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
      finish(new BackupCancelledError());
    },
  };
}
