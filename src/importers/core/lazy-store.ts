import type { ChatBundle } from '../../store/records.js';
import type { ChatStoreLike, IngestOptions, MediaSink } from './types.js';

/**
 * A chat store opened on first use. Importers only write once they have recognised their input
 * and checked what they can before writing (a key, an owner), so an import that is refused never
 * creates a store folder or an empty database.
 */
export class LazyStore<S extends ChatStoreLike & { close(): void }> implements ChatStoreLike {
  private store: S | null = null;

  constructor(private readonly open: () => S) {}

  private get(): S {
    this.store ??= this.open();
    return this.store;
  }

  readonly media: MediaSink = {
    putFile: (file) => this.get().media.putFile(file),
    putBytes: (bytes) => this.get().media.putBytes(bytes),
  };

  ingest(bundles: Iterable<ChatBundle>, opts?: IngestOptions): unknown {
    return this.get().ingest(bundles, opts);
  }

  get opened(): boolean {
    return this.store !== null;
  }

  /** The store if an importer opened it, without opening it. */
  get openedStore(): S | null {
    return this.store;
  }

  close(): void {
    this.store?.close();
    this.store = null;
  }
}
