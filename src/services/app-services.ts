import { KeytarVault, type SecretVault } from '../app-backup/keychain';
import type { SchedulerClock } from '../app-backup/scheduler';
import { BackupSettingsFile } from '../app-backup/settings';
import { ensurePrivateDir } from '../node/private-files';
import type { AppInfo } from '../shared/ipc/contract';
import { BackupService, type BackupPlatform, type DetectedFolder } from './backup-service';
import type { Handlers } from './dispatch';
import { EventBus } from './events';
import { createExportService } from './export-service';
import { FileGrants } from './grants';
import { createHandlers, type PlatformAdapter, type StoreApi } from './handlers';
import { createImportService } from './import-service';
import { openStoreApi } from './store-api';
import { TaskRunner } from './tasks';

export interface AppServicesOptions {
  /** The chat store's directory (database + media folder). */
  dataDir: string;
  info: AppInfo;
  platform: PlatformAdapter & BackupPlatform;
  /** Path to an Electron-ABI better-sqlite3 binding, when running unpackaged in Electron. */
  nativeBinding?: string;
  /** The OS keychain; the real one (keytar) unless a caller brings another. */
  vault?: SecretVault;
  /** Synced-folder detection and folder checks (src/app-backup/destinations). */
  folders: {
    detect(): Promise<DetectedFolder[]>;
    validate(folder: string): Promise<unknown>;
  };
  /** Run backups on their schedule (the app); tests and the bridge may turn timers off. */
  schedule?: boolean;
  /** Argon2id cost for new password slots; only tests lower it. */
  kdf?: { opsLimit: number; memLimit: number };
  /** The wall clock for the password reminder; only tests inject one. */
  now?: () => number;
  /** The backup scheduler's clock and timers; only tests inject one, to run the schedule. */
  schedulerClock?: SchedulerClock;
  logError?(where: string, error: unknown): void;
}

export interface AppServices {
  handlers: Handlers;
  bus: EventBus;
  store: StoreApi;
  backups: BackupService;
  /** The media file to serve for a `chatkeep-media://media/<name>` request, or null. */
  resolveMedia(name: string): string | null;
  /** An import grant for a file the person dropped on the window (see src/main/ipc.ts). */
  grantDroppedFile(filePath: string): { grantId: string; name: string };
  close(): Promise<void>;
}

/**
 * The composition root of everything behind the IPC contract. The Electron main process and the
 * e2e test bridge both build the app from here, so the bridge tests the real services.
 */
export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const logError = options.logError ?? (() => {});
  // The store and the backup settings live here: this user's eyes only.
  await ensurePrivateDir(options.dataDir);
  const bus = new EventBus();
  const grants = new FileGrants();
  const tasks = new TaskRunner(bus, (kind, error) => logError(`task ${kind}`, error));
  const store = await openStoreApi(options.dataDir, { nativeBinding: options.nativeBinding });
  const imports = createImportService({
    storeDir: options.dataDir,
    nativeBinding: options.nativeBinding,
    grants,
    tasks,
    bus,
  });
  const backups = new BackupService({
    storeDir: options.dataDir,
    appVersion: options.info.version,
    grants,
    tasks,
    bus,
    vault: options.vault ?? new KeytarVault(),
    settingsFile: new BackupSettingsFile(options.dataDir),
    platform: options.platform,
    storeStats: () => store.stats(),
    detectFolders: options.folders.detect,
    validateFolder: options.folders.validate,
    schedule: options.schedule,
    schedulerClock: options.schedulerClock,
    kdf: options.kdf,
    now: options.now,
  });
  await backups.start();
  const exports = createExportService({
    storeDir: options.dataDir,
    nativeBinding: options.nativeBinding,
    grants,
    tasks,
    appVersion: options.info.version,
    reveal: options.platform.revealPath ? (p) => options.platform.revealPath?.(p) : undefined,
  });
  const handlers = createHandlers({
    info: options.info,
    store,
    platform: options.platform,
    grants,
    tasks,
    imports,
    backups,
    exports,
  });
  return {
    handlers,
    bus,
    store,
    backups,
    resolveMedia: (name) => store.resolveMedia(name),
    grantDroppedFile: (filePath) => {
      const { grantId, name } = grants.grant(filePath, 'import', 'dropped');
      return { grantId, name };
    },
    close: async () => {
      await backups.close();
      await tasks.idle();
      await store.close();
    },
  };
}
