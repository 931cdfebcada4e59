import { spawnWorker } from '../../node/spawn-worker';
import type { FromWorker, ImportJob } from './protocol';

export interface ImportWorkerError extends Error {
  code: string;
}

/**
 * One job in its own worker thread; the worker ends with the job. Errors come back with the
 * importer's stable code and sentence, which the IPC layer passes to the renderer as they are.
 */
export function runImportJob(
  job: ImportJob,
  controls: {
    onProgress?: (p: { phase: string; items: number; bytes: number; bytesTotal: number }) => void;
    signal?: AbortSignal;
  } = {},
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = spawnWorker('import', { workerData: job });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      controls.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => worker.postMessage({ type: 'cancel' });
    controls.signal?.addEventListener('abort', onAbort);
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'progress') controls.onProgress?.(message);
      else if (message.type === 'result') finish(() => resolve(message.value));
      else
        finish(() =>
          reject(
            Object.assign(new Error(message.error.message), {
              name: message.error.name,
              code: message.error.code,
            }),
          ),
        );
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`The import stopped unexpectedly (exit code ${code})`))),
    );
  });
}
