import { parentPort, workerData } from 'node:worker_threads';
import { ChatStore } from '../../store/chat-store.js';
import { estimateExport } from '../estimate.js';
import { runExport } from '../run.js';
import type { ExportJob, FromWorker, ToWorker } from './protocol.js';

/**
 * One export (or estimate) off the main thread, with its own read-only connection to the store:
 * reading a million messages and writing their pages never stalls the app, and the app's own
 * reads and imports go on meanwhile (the export reads one consistent snapshot).
 */
const port = parentPort!;
const job = workerData as ExportJob;
const abort = new AbortController();
const post = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') abort.abort();
});

async function run(): Promise<unknown> {
  const store = ChatStore.open(job.storeDir, {
    nativeBinding: job.nativeBinding,
    readonly: true,
    lean: true,
  });
  try {
    if (job.op === 'estimate') return estimateExport(store, job.options);
    return await runExport(store, job.outDir, job.options, {
      signal: abort.signal,
      onProgress: (p) => post({ type: 'progress', ...p }),
    });
  } finally {
    store.close();
  }
}

run().then(
  (value) => post({ type: 'result', value }),
  (error: unknown) => {
    const e = error as { name?: string; code?: unknown; message?: string };
    post({
      type: 'error',
      error: {
        name: e?.name ?? 'Error',
        code: typeof e?.code === 'string' ? e.code : 'EXPORT_FAILED',
        message: e?.message ?? 'The export failed.',
      },
    });
  },
);
