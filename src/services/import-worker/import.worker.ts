import { parentPort, workerData } from 'node:worker_threads';
import { detectImport } from '../../importers';
import { UnknownFormatError } from '../../importers/core/errors';
import { ChatStore } from '../../store';
import type { FromWorker, ImportJob, ToWorker } from './protocol';

/**
 * Runs one import (or one inspection) off the main thread, with its own connection to the chat
 * store: parsing a 2 GB export and a long ingest transaction never stall the app.
 */
const port = parentPort!;
const job = workerData as ImportJob;
const abort = new AbortController();
const post = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') abort.abort();
});

async function run(): Promise<unknown> {
  const found = await detectImport(job.path);
  if (!found) throw new UnknownFormatError('Chatkeep does not recognise this file or folder.');
  const { importer, detection } = found;
  const options = {
    ...job.options,
    signal: abort.signal,
    onProgress: (p: { phase: string; items: number; bytes: number; bytesTotal: number }) =>
      post({ type: 'progress', ...p }),
  };
  if (job.op === 'inspect') {
    return { detection, preview: await importer.inspect(job.path, options) };
  }
  const store = ChatStore.open(job.storeDir, { nativeBinding: job.nativeBinding });
  try {
    return await importer.import(job.path, store, options);
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
        code: typeof e?.code === 'string' ? e.code : 'IMPORT_FAILED',
        message: e?.message ?? 'The import failed.',
      },
    });
  },
);
