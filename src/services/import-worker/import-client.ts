import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImportCancelledError } from '../../importers/core/errors';
import { spawnWorker } from '../../node/spawn-worker';
import type { FromWorker, ImportJob } from './protocol';

export interface ImportWorkerError extends Error {
  code: string;
}

/**
 * The import worker's heap ceiling. Importers stream (bounded memory by design, measured in
 * `bench:importers`), so a runaway is a bug or a hostile file: it ends this job with an error
 * instead of taking the app or the machine down.
 */
export const IMPORT_HEAP_MB = 768;

/** After a cancel, how long the worker may take to unwind before it is stopped outright. */
const CANCEL_GRACE_MS = 700;

/**
 * One job in its own worker thread; the worker ends with the job. Errors come back with the
 * importer's stable code and sentence, which the IPC layer passes to the renderer as they are.
 * The job's temp files live in a folder created and removed here, so a cancel, a crash or a
 * stopped worker never leaves them behind.
 */
export function runImportJob(
  job: Omit<ImportJob, 'tempRoot' | 'cancelFlag'>,
  controls: {
    onProgress?: (p: { phase: string; items: number; bytes: number; bytesTotal: number }) => void;
    signal?: AbortSignal;
    heapMb?: number;
  } = {},
): Promise<unknown> {
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-import-job-'));
  const cancelFlag = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancelFlag);
  return new Promise<unknown>((resolve, reject) => {
    const worker = spawnWorker('import', {
      workerData: { ...job, tempRoot, cancelFlag } satisfies ImportJob,
      resourceLimits: { maxOldGenerationSizeMb: controls.heapMb ?? IMPORT_HEAP_MB },
    });
    let settled = false;
    let stopTimer: NodeJS.Timeout | null = null;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      controls.signal?.removeEventListener('abort', onAbort);
      if (stopTimer) clearTimeout(stopTimer);
      void worker.terminate().finally(() => {
        fs.rmSync(tempRoot, { recursive: true, force: true });
        fn();
      });
    };
    const onAbort = () => {
      Atomics.store(flag, 0, 1);
      worker.postMessage({ type: 'cancel' });
      // A worker inside one long native call cannot look at the flag; stop it. Its store
      // transaction was never committed, so SQLite rolls it back.
      stopTimer = setTimeout(
        () => finish(() => reject(new ImportCancelledError())),
        CANCEL_GRACE_MS,
      );
    };
    if (controls.signal?.aborted) onAbort();
    else controls.signal?.addEventListener('abort', onAbort);
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'progress') controls.onProgress?.(message);
      else if (message.type === 'result') finish(() => resolve(message.value));
      else
        finish(() =>
          reject(
            Object.assign(new Error(message.error.message), {
              name: message.error.name,
              code: message.error.code,
              ...(message.error.participants
                ? {
                    participants: message.error.participants,
                    suggestedOwner: message.error.suggestedOwner ?? null,
                  }
                : {}),
            }),
          ),
        );
    });
    worker.on('error', (error) =>
      finish(() =>
        reject(
          /heap out of memory|ERR_WORKER_OUT_OF_MEMORY/i.test(
            `${error.message} ${(error as { code?: string }).code ?? ''}`,
          )
            ? Object.assign(
                new Error(
                  `The import needed more than ${controls.heapMb ?? IMPORT_HEAP_MB} MB of memory and was stopped; nothing was imported`,
                ),
                { code: 'IMPORT_FAILED' },
              )
            : error,
        ),
      ),
    );
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`The import stopped unexpectedly (exit code ${code})`))),
    );
  });
}
