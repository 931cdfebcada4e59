import { parentPort, workerData } from 'node:worker_threads';
import { ChatStore, type OpenStoreOptions } from '../chat-store.js';
import { warmUpProbe } from '../media-probe.js';
import { toWire, type FromWorker, type ToWorker } from './wire.js';

/**
 * The store's own thread: one ChatStore (one SQLite connection) serving StoreClient calls, so
 * queries and imports never block the caller's event loop.
 */

export interface StoreWorkerData {
  dir: string;
  opts: OpenStoreOptions;
}

/** The ChatStore methods a client may call, by name. */
const METHODS = new Set([
  'ingest',
  'listChats',
  'countChats',
  'getChat',
  'getMessages',
  'readMessages',
  'search',
  'searchPage',
  'countMatches',
  'chatMatches',
  'galleryPage',
  'readGallery',
  'chatMediaSummary',
  'countMessagesBetween',
  'getAttachment',
  'chatIndex',
  'stats',
  'deleteMessage',
  'deleteChat',
]);

const maybePort = parentPort;
if (!maybePort) throw new Error('store.worker.ts must run as a worker thread');
const port = maybePort;
const post = (message: FromWorker): void => port.postMessage(message);
const { dir, opts } = workerData as StoreWorkerData;

let store: ChatStore | null = null;
try {
  store = ChatStore.open(dir, opts);
  post({ type: 'ready', storeId: store.storeId, dir: store.dir, dbPath: store.dbPath });
  // While the app starts, so the first voice note shown does not wait for it.
  void warmUpProbe();
  if (!opts.readonly) indexBacklogInBackground();
} catch (error) {
  post({ type: 'open-failed', error: toWire(error) });
  port.close();
}

port.on('message', (message: ToWorker) => void handle(message));

async function handle(message: ToWorker): Promise<void> {
  if (!store) return;
  if (message.type === 'close') {
    store.close();
    store = null;
    post({ type: 'closed' });
    port.close();
    return;
  }
  const { id, method, args, cancelFlag } = message;
  try {
    if (!METHODS.has(method)) throw new TypeError(`Unknown store method ${method}`);
    let value: unknown;
    if (method === 'ingest') {
      value = store.ingest(args[0] as never, {
        onProgress: (progress) => post({ type: 'progress', id, progress }),
        shouldCancel: cancelFlag ? () => Atomics.load(cancelFlag, 0) !== 0 : undefined,
      });
    } else {
      const fn = (store as unknown as Record<string, (...a: unknown[]) => unknown>)[method];
      // Reads that also read media files (durations) answer with a promise.
      value = await fn?.apply(store, args);
    }
    post({ type: 'result', id, value });
  } catch (error) {
    post({ type: 'error', id, error: toWire(error) });
  }
}

/** How often to look for a search index left to build (one read of the meta table). */
const BACKLOG_POLL_MS = 3000;

/**
 * A restore's search index: restores leave it to be built after the rows commit (and an app
 * closed or crashed while building it leaves the rest). Built here in short steps between
 * requests, so the store stays responsive; looked for at open and every few seconds, since a
 * restore writes through another connection while this worker keeps the store open.
 */
function indexBacklogInBackground(): void {
  const step = (): void => {
    if (!store) return;
    let delay = BACKLOG_POLL_MS;
    try {
      if (store.searchIndexState() && store.indexSearchBacklog(150)) delay = 20;
    } catch {
      // Busy (the restore's connection writes) or closed: try again a little later.
    }
    setTimeout(step, delay).unref();
  };
  setTimeout(step, 500).unref();
}
