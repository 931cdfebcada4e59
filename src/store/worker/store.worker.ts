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
