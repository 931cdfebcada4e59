import type { AppInfo } from '../shared/ipc/contract';
import type { Handlers } from './dispatch';
import { EventBus } from './events';
import { createHandlers, type PlatformAdapter, type StoreApi } from './handlers';
import { openStoreApi } from './store-api';

export interface AppServicesOptions {
  /** The chat store's directory (database + media folder). */
  dataDir: string;
  info: AppInfo;
  platform: PlatformAdapter;
  /** Path to an Electron-ABI better-sqlite3 binding, when running unpackaged in Electron. */
  nativeBinding?: string;
}

export interface AppServices {
  handlers: Handlers;
  bus: EventBus;
  store: StoreApi;
  /** The media file to serve for a `chatkeep-media://media/<name>` request, or null. */
  resolveMedia(name: string): string | null;
  close(): Promise<void>;
}

/**
 * The composition root of everything behind the IPC contract. The Electron main process and the
 * e2e test bridge both build the app from here, so the bridge tests the real services.
 */
export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const bus = new EventBus();
  const store = await openStoreApi(options.dataDir, { nativeBinding: options.nativeBinding });
  const handlers = createHandlers({ info: options.info, store, platform: options.platform });
  return {
    handlers,
    bus,
    store,
    resolveMedia: (name) => store.resolveMedia(name),
    close: () => store.close(),
  };
}
