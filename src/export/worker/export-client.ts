import { spawnWorker } from '../../node/spawn-worker.js';
import type { ExportProgress } from '../context.js';
import type { ExportJob, FromWorker } from './protocol.js';

/**
 * Runs one export job in its own worker thread (the worker ends with the job). Errors come back
 * with src/export's stable code and sentence, which the app shows as they are.
 */
export function runExportJob(
  job: ExportJob,
  controls: { onProgress?: (p: ExportProgress) => void; signal?: AbortSignal } = {},
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = spawnWorker('export', { workerData: job });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      controls.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => worker.postMessage({ type: 'cancel' });
    if (controls.signal?.aborted) onAbort();
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
      finish(() => reject(new Error(`The export stopped unexpectedly (exit code ${code})`))),
    );
  });
}
