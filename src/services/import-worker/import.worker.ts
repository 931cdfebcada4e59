import { parentPort, workerData } from 'node:worker_threads';
import { recogniseImport } from '../../importers';
import { LazyStore } from '../../importers/core/lazy-store';
import { setTempRoot } from '../../importers/core/temp';
import { ChatStore } from '../../store';
import type { FromWorker, ImportJob, ToWorker } from './protocol';
import { sharedAbortSignal } from './shared-abort';

/**
 * Runs one import (or one inspection) off the main thread, with its own connection to the chat
 * store: parsing a 2 GB export and a long ingest transaction never stall the app. The store is
 * opened only when the importer first writes, so a refused file never creates one.
 */
const port = parentPort!;
const job = workerData as ImportJob;
const abort = new AbortController();
const signal = job.cancelFlag
  ? sharedAbortSignal(abort, new Int32Array(job.cancelFlag))
  : abort.signal;
const post = (message: FromWorker) => port.postMessage(message);
if (job.tempRoot) setTempRoot(job.tempRoot);

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') abort.abort();
});

async function run(): Promise<unknown> {
  const { importer, detection } = await recogniseImport(job.path);
  const options = {
    ...job.options,
    signal,
    onProgress: (p: { phase: string; items: number; bytes: number; bytesTotal: number }) =>
      post({ type: 'progress', ...p }),
  };
  if (job.op === 'inspect') {
    return { detection, preview: await importer.inspect(job.path, options) };
  }
  const store = new LazyStore(() =>
    // Lean: an import writes the store once, start to end; a small page cache and no memory map
    // keep the worker's memory bounded (bench:importers measures it).
    ChatStore.open(job.storeDir, { nativeBinding: job.nativeBinding, lean: true }),
  );
  try {
    const result = await importer.import(job.path, store, options);
    const written = store.openedStore;
    if (job.buildSearchIndex && written) await buildSearchIndex(written, options.onProgress);
    return result;
  } finally {
    store.close();
  }
}

/**
 * Steps of a fraction of a second, with the event loop free in between. A cancel here stops the
 * indexing only: the rows are committed, and whoever opens the store next goes on with it.
 */
async function buildSearchIndex(
  store: ChatStore,
  onProgress: (p: { phase: string; items: number; bytes: number; bytesTotal: number }) => void,
): Promise<void> {
  const report = (st: { done: number; total: number }) =>
    onProgress({ phase: 'index', items: st.done, bytes: st.done, bytesTotal: st.total });
  const left = store.searchIndexState();
  if (!left) return;
  report(left);
  while (!signal.aborted) {
    const more = store.indexSearchBacklog(200, report);
    if (!more) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

run().then(
  (value) => post({ type: 'result', value }),
  (error: unknown) => {
    const e = error as {
      name?: string;
      code?: unknown;
      message?: string;
      participants?: unknown;
      suggestedOwner?: unknown;
    };
    post({
      type: 'error',
      error: {
        name: e?.name ?? 'Error',
        code: typeof e?.code === 'string' ? e.code : 'IMPORT_FAILED',
        message: e?.message ?? 'The import failed.',
        ...(Array.isArray(e?.participants)
          ? {
              participants: e.participants.filter((p): p is string => typeof p === 'string'),
              suggestedOwner: typeof e.suggestedOwner === 'string' ? e.suggestedOwner : null,
            }
          : {}),
      },
    });
  },
);
