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
 * through this thread's connection (credentials never reach the worker). Jobs are queued at
 * once and finish in order.
 */
export interface MediaPipeline {
  seal(file: string): Promise<SealedFile>;
  /** Every pack written; the pipeline is done. */
  finish(): Promise<{ packs: IndexedPack[]; bytesWritten: number }>;
  /** Stops (a failed or cancelled backup); pending jobs reject. */
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

function inlinePipeline(
  state: RepoState,
  known: Set<string>,
  opts: { onBytes: (n: number) => void; signal?: AbortSignal; writer?: PackWriter },
): MediaPipeline {
  const sealer = new MediaSealer(state.backend, state.keys, known, opts.writer);
  let chain: Promise<unknown> = Promise.resolve();
  return {
    seal(file) {
      const run = chain.then(() => {
        if (opts.signal?.aborted) throw new BackupCancelledError();
        return sealer.seal(file, opts.onBytes);
      });
      chain = run.catch(() => undefined);
      return run;
    },
    async finish() {
      await chain;
      const packs = await sealer.finish();
      return { packs, bytesWritten: sealer.bytesWritten };
    },
    async abort() {
      await chain;
    },
  };
}

function workerPipeline(
  state: RepoState,
  folder: string | null,
  known: Set<string>,
  opts: { onBytes: (n: number) => void; signal?: AbortSignal },
): MediaPipeline {
  const worker: Worker = spawnWorker('media');
  const pending = new Map<
    number,
    { resolve: (r: SealedFile) => void; reject: (e: Error) => void }
  >();
  let finished: {
    resolve: (v: { packs: IndexedPack[]; bytesWritten: number }) => void;
    reject: (e: Error) => void;
  } | null = null;
  let failure: Error | null = null;
  let nextId = 1;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
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
      pending.get(m.id)?.resolve(m.result);
      pending.delete(m.id);
    } else if (m.type === 'finished') {
      finished?.resolve({ packs: m.packs, bytesWritten: m.bytesWritten });
    } else {
      const error = deserializeError(m.error);
      if (m.id !== null && pending.has(m.id)) {
        pending.get(m.id)!.reject(error);
        pending.delete(m.id);
      } else fail(error);
    }
  });
  worker.on('error', (e) => fail(e));
  worker.on('exit', (code) => {
    if (pending.size > 0 || finished) fail(new Error(`the media worker stopped (exit ${code})`));
  });
  const send = (job: MediaJob): void => worker.postMessage(job);
  send({
    type: 'init',
    dir: folder,
    master: Uint8Array.from(state.keys.master),
    repoId: Uint8Array.from(state.keys.repoId),
    known: [...known],
  });
  const onAbort = (): void => {
    send({ type: 'abort' });
    fail(new BackupCancelledError());
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const stop = async (): Promise<void> => {
    opts.signal?.removeEventListener('abort', onAbort);
    finished = null;
    pending.clear();
    await worker.terminate();
  };
  return {
    seal(file) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      const p = new Promise<SealedFile>((resolve, reject) => pending.set(id, { resolve, reject }));
      send({ type: 'seal', id, file });
      return p;
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
