import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../node/spawn-worker.js';
import { BackupCancelledError } from '../errors.js';
import type { MediaJob, MediaWorkerReply } from '../worker/media-protocol.js';
import { deserializeError, serializeError } from '../worker/protocol.js';
import type { PackWriter } from './blob-store.js';
import type { IndexedPack } from './master-index.js';
import { MediaSealer, type SealedFile } from './media-sealer.js';
import type { RepoState } from './state.js';

/** Below this much media to read, a worker's start-up costs more than it saves. */
export const MEDIA_WORKER_MIN_BYTES = 32 * 1024 * 1024;

/**
 * Media files sealed while the caller does something else (the backup's messages): in a
 * worker thread when the backup is big enough, inline otherwise. The worker writes a folder
 * repository itself; for a network repository it hands each sealed pack back to be uploaded
 * through this thread's connection (credentials never reach the worker). Files are queued at
 * once, in order; their results are taken in the same order. No promise or job object is held
 * per file, so a media folder of a few hundred thousand files costs only its paths and results.
 */
export interface MediaPipeline {
  /** Queues files to seal; results come out of `next()` in the same order. */
  sealAll(files: readonly string[]): void;
  /** The next queued file's result. */
  next(): Promise<SealedFile>;
  /** Every pack written; the pipeline is done. */
  finish(): Promise<{ packs: IndexedPack[]; bytesWritten: number }>;
  /** Stops (a failed or cancelled backup); pending results reject. */
  abort(): Promise<void>;
}

export function startMediaPipeline(
  state: RepoState,
  opts: {
    totalBytes: number;
    onBytes: (n: number) => void;
    signal?: AbortSignal;
    /** Inline, media go into this writer's packs (a small backup then makes fewer files). */
    writer?: PackWriter;
  },
): MediaPipeline {
  const known = new Set<string>();
  for (const id of state.index.mediaBlobIds()) known.add(id);
  const folder = state.backend.folder ?? null;
  if (opts.totalBytes >= MEDIA_WORKER_MIN_BYTES) {
    try {
      return workerPipeline(state, folder, known, opts);
    } catch {
      // No worker here (a bundle without its entry): the same work, inline.
    }
  }
  return inlinePipeline(state, known, opts);
}

/** Inline, each file is sealed when its result is asked for. */
function inlinePipeline(
  state: RepoState,
  known: Set<string>,
  opts: { onBytes: (n: number) => void; signal?: AbortSignal; writer?: PackWriter },
): MediaPipeline {
  const sealer = new MediaSealer(state.backend, state.keys, known, opts.writer);
  const queue: string[] = [];
  let head = 0;
  return {
    sealAll(files) {
      for (const f of files) queue.push(f);
    },
    async next() {
      if (opts.signal?.aborted) throw new BackupCancelledError();
      if (head >= queue.length) throw new Error('no media file queued');
      const file = queue[head]!;
      queue[head++] = '';
      return sealer.seal(file, opts.onBytes);
    },
    async finish() {
      const packs = await sealer.finish();
      return { packs, bytesWritten: sealer.bytesWritten };
    },
    async abort() {},
  };
}

/** Files go to the worker in batches of this many paths per message. */
const BATCH = 256;

function workerPipeline(
  state: RepoState,
  folder: string | null,
  known: Set<string>,
  opts: { onBytes: (n: number) => void; signal?: AbortSignal },
): MediaPipeline {
  const worker: Worker = spawnWorker('media');
  /** Results that arrived and were not taken yet, in order. */
  const results: SealedFile[] = [];
  let taken = 0;
  let waiter: { resolve: (r: SealedFile) => void; reject: (e: Error) => void } | null = null;
  let finished: {
    resolve: (v: { packs: IndexedPack[]; bytesWritten: number }) => void;
    reject: (e: Error) => void;
  } | null = null;
  let failure: Error | null = null;
  let queued = 0;
  let received = 0;
  const fail = (error: Error): void => {
    failure ??= error;
    waiter?.reject(error);
    waiter = null;
    finished?.reject(error);
  };
  worker.on('message', (m: MediaWorkerReply) => {
    if (m.type === 'write') {
      state.backend.writeAtomic(m.name, m.bytes).then(
        () => send({ type: 'written', seq: m.seq }),
        (error: unknown) => send({ type: 'written', seq: m.seq, error: serializeError(error) }),
      );
      return;
    }
    if (m.type === 'bytes') opts.onBytes(m.n);
    else if (m.type === 'sealed') {
      received++;
      if (waiter) {
        const w = waiter;
        waiter = null;
        taken++;
        w.resolve(m.result);
      } else results.push(m.result);
    } else if (m.type === 'finished') {
      finished?.resolve({ packs: m.packs, bytesWritten: m.bytesWritten });
    } else if (m.type === 'error') fail(deserializeError(m.error));
  });
  worker.on('error', (e) => fail(e));
  worker.on('exit', (code) => {
    if (received < queued || finished) fail(new Error(`the media worker stopped (exit ${code})`));
  });
  const send = (job: MediaJob): void => worker.postMessage(job);
  // The master key's copy is moved to the worker, not cloned: none is left behind here.
  const master = Uint8Array.from(state.keys.master);
  worker.postMessage(
    {
      type: 'init',
      dir: folder,
      master,
      repoId: Uint8Array.from(state.keys.repoId),
      known: [...known],
    } satisfies MediaJob,
    [master.buffer],
  );
  const onAbort = (): void => {
    send({ type: 'abort' });
    fail(new BackupCancelledError());
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const stop = async (): Promise<void> => {
    opts.signal?.removeEventListener('abort', onAbort);
    finished = null;
    waiter = null;
    await worker.terminate();
  };
  let head = 0;
  return {
    sealAll(files) {
      for (let i = 0; i < files.length; i += BATCH) {
        send({ type: 'seal', files: files.slice(i, i + BATCH) });
      }
      queued += files.length;
    },
    next() {
      if (failure) return Promise.reject(failure);
      if (head < results.length) {
        const r = results[head]!;
        // Taken results are dropped from the front now and then, not one by one.
        if (++head >= 1024) {
          results.splice(0, head);
          head = 0;
        }
        taken++;
        return Promise.resolve(r);
      }
      if (taken >= queued) return Promise.reject(new Error('no media file queued'));
      return new Promise<SealedFile>((resolve, reject) => {
        waiter = { resolve, reject };
      });
    },
    async finish() {
      if (failure) throw failure;
      const done = new Promise<{ packs: IndexedPack[]; bytesWritten: number }>(
        (resolve, reject) => {
          finished = { resolve, reject };
        },
      );
      send({ type: 'finish' });
      try {
        return await done;
      } finally {
        await stop();
      }
    },
    async abort() {
      send({ type: 'abort' });
      await stop();
    },
  };
}
