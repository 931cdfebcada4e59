import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../node/spawn-worker.js';
import type {
  AttachmentRef,
  ChatDetail,
  ChatMatches,
  ChatMediaSummary,
  ChatSummary,
  GalleryPage,
  GalleryTab,
  MessagePage,
  SearchCount,
  SearchHit,
  SearchPage,
  StoreStats,
} from '../shared/chat-types.js';
import type { OpenStoreOptions } from './chat-store.js';
import { IngestCancelledError, StoreClosedError, StoreWorkerCrashedError } from './errors.js';
import type { IngestProgress, IngestResult } from './ingest.js';
import type { GalleryOptions } from './gallery.js';
import type { GetMessagesOptions, ListChatsOptions } from './queries.js';
import type { SearchOptions } from './search.js';
import type { ChatBundle } from './records.js';
import type { StoreWorkerData } from './worker/store.worker.js';
import { fromWire, type FromWorker, type ToWorker } from './worker/wire.js';

export interface StoreClientOptions extends OpenStoreOptions {
  /** Where bundled `<name>.worker.js` files live (the app's or CLI's bundle directory). */
  workerBundleDir?: string;
}

export interface ClientIngestOptions {
  onProgress?: (p: IngestProgress) => void;
  /** Aborting rolls the whole ingest back; the call rejects with IngestCancelledError. */
  signal?: AbortSignal;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (p: IngestProgress) => void;
}

/**
 * The chat store in a worker thread of its own: the same reads and `ingest` as ChatStore, as
 * promises. Errors arrive as the same typed classes (StoreTooNewError, InvalidRecordError...).
 */
export class StoreClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closing: Promise<void> | null = null;
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    readonly storeId: string,
    readonly dir: string,
    readonly dbPath: string,
  ) {
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => this.failAll(new StoreWorkerCrashedError(error.message)));
    worker.on('exit', (code) => {
      this.exited = true;
      this.failAll(new StoreWorkerCrashedError(`exit code ${code}`));
    });
  }

  static open(dir: string, opts: StoreClientOptions = {}): Promise<StoreClient> {
    const { workerBundleDir, ...storeOpts } = opts;
    const data: StoreWorkerData = { dir, opts: storeOpts };
    const worker = spawnWorker('store', { workerData: data, bundleDir: workerBundleDir });
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (message: FromWorker): void => {
        if (message.type === 'ready') {
          cleanup();
          resolve(new StoreClient(worker, message.storeId, message.dir, message.dbPath));
        } else if (message.type === 'open-failed') {
          cleanup();
          void worker.terminate();
          reject(fromWire(message.error));
        }
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(new StoreWorkerCrashedError(error.message));
      };
      const onExit = (code: number): void => {
        cleanup();
        reject(new StoreWorkerCrashedError(`exit code ${code} before the store opened`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  listChats(opts?: ListChatsOptions): Promise<ChatSummary[]> {
    return this.call('listChats', [opts]);
  }

  countChats(filter?: string): Promise<number> {
    return this.call('countChats', [filter]);
  }

  getChat(chatId: number): Promise<ChatDetail | null> {
    return this.call('getChat', [chatId]);
  }

  /** A page as the app shows it (audio durations read from files where the source gave none). */
  getMessages(chatId: number, opts: GetMessagesOptions): Promise<MessagePage> {
    return this.call('readMessages', [chatId, opts]);
  }

  search(query: string, opts?: SearchOptions): Promise<SearchHit[]> {
    return this.call('search', [query, opts]);
  }

  searchPage(query: string, opts?: SearchOptions): Promise<SearchPage> {
    return this.call('searchPage', [query, opts]);
  }

  countMatches(query: string, chatId?: number): Promise<SearchCount> {
    return this.call('countMatches', [query, chatId]);
  }

  chatMatches(query: string, chatId: number): Promise<ChatMatches> {
    return this.call('chatMatches', [query, chatId]);
  }

  galleryPage(chatId: number, tab: GalleryTab, opts?: GalleryOptions): Promise<GalleryPage> {
    return this.call('readGallery', [chatId, tab, opts]);
  }

  chatMediaSummary(chatId: number): Promise<ChatMediaSummary> {
    return this.call('chatMediaSummary', [chatId]);
  }

  countMessagesBetween(chatId: number, bounds: number[]): Promise<number[]> {
    return this.call('countMessagesBetween', [chatId, bounds]);
  }

  getAttachment(attachmentId: number): Promise<AttachmentRef | null> {
    return this.call('getAttachment', [attachmentId]);
  }

  chatIndex(chatId: number, filter?: string): Promise<number | null> {
    return this.call('chatIndex', [chatId, filter]);
  }

  stats(): Promise<StoreStats> {
    return this.call('stats', []);
  }

  deleteMessage(messageId: number): Promise<boolean> {
    return this.call('deleteMessage', [messageId]);
  }

  deleteChat(chatId: number): Promise<boolean> {
    return this.call('deleteChat', [chatId]);
  }

  /** One transaction in the worker, as ChatStore.ingest. The bundles are copied to the worker. */
  ingest(bundles: ChatBundle[], opts: ClientIngestOptions = {}): Promise<IngestResult> {
    if (opts.signal?.aborted) return Promise.reject(new IngestCancelledError());
    const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
    const onAbort = (): void => void Atomics.store(cancelFlag, 0, 1);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    return this.call<IngestResult>('ingest', [bundles], cancelFlag, opts.onProgress).finally(() =>
      opts.signal?.removeEventListener('abort', onAbort),
    );
  }

  /** Close the store (checkpointing its log) and end the worker. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      this.worker.once('exit', () => resolve());
      this.post({ type: 'close' });
    });
    return this.closing;
  }

  private call<T>(
    method: string,
    args: unknown[],
    cancelFlag?: Int32Array,
    onProgress?: (p: IngestProgress) => void,
  ): Promise<T> {
    if (this.closing || this.exited) return Promise.reject(new StoreClosedError());
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      this.post({ type: 'call', id, method, args, cancelFlag });
    });
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private onMessage(message: FromWorker): void {
    if (message.type === 'progress') {
      this.pending.get(message.id)?.onProgress?.(message.progress);
      return;
    }
    if (message.type !== 'result' && message.type !== 'error') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.value);
    else pending.reject(fromWire(message.error));
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
