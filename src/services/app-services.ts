import { KeytarVault, type SecretVault } from '../app-backup/keychain';
import type { SchedulerClock } from '../app-backup/scheduler';
import { BackupSettingsFile } from '../app-backup/settings';
import { ensurePrivateDir } from '../node/private-files';
import { channels, type AppInfo, type ChannelName } from '../shared/ipc/contract';
import { BackupService, type BackupPlatform, type DetectedFolder } from './backup-service';
import type { Handlers } from './dispatch';
import { EventBus } from './events';
import { createExportService } from './export-service';
import { FileGrants } from './grants';
import {
  createHandlers,
  createSettingsHandlers,
  type PlatformAdapter,
  type StoreApi,
} from './handlers';
import { createImportService } from './import-service';
import { PreferencesFile, gatedNotify } from './preferences';
import { SettingsService, type AppCore, type SettingsPlatform } from './settings-service';
import { openStoreApi, type OpenedStoreApi } from './store-api';
import { TaskRunner } from './tasks';

export interface AppServicesOptions {
  /**
   * The default data folder: the chat store (database + media folder) unless the person moved it
   * (then `data-location.json` here says where), and this computer's preferences.
   */
  dataDir: string;
  info: AppInfo;
  platform: PlatformAdapter & BackupPlatform & SettingsPlatform;
  /** licenses.json as built by scripts/licenses.mjs, for Settings' list of libraries. */
  licensesFile?: string;
  /** Tests only: damage a data folder copy before it is checked (see SettingsService). */
  afterDataCopy?(to: string): Promise<void>;
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
  /** The chat store in use (a new one after the data folder moved or was deleted). */
  readonly store: StoreApi;
  readonly backups: BackupService;
  readonly settings: SettingsService;
  /** The media file to serve for a `chatkeep-media://media/<name>` request, or null. */
  resolveMedia(name: string): string | null;
  /** An import grant for a file the person dropped on the window (see src/main/ipc.ts). */
  grantDroppedFile(filePath: string): { grantId: string; name: string };
  close(): Promise<void>;
}

/** Everything that holds the data folder open: closed and opened again when it moves. */
interface Core {
  dataDir: string;
  store: OpenedStoreApi;
  backups: BackupService;
  tasks: TaskRunner;
  handlers: Handlers;
}

/**
 * The composition root of everything behind the IPC contract. The Electron main process and the
 * e2e test bridge both build the app from here, so the bridge tests the real services.
 *
 * The store, backups, imports and exports form a "core" bound to one data folder. Settings can
 * close it (to move or delete the folder) and open a new one; requests that arrive meanwhile
 * wait for it, except Settings' own, which answer at once.
 */
export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const logError = options.logError ?? (() => {});
  const home = options.dataDir;
  // The store and the backup settings live here: this user's eyes only.
  await ensurePrivateDir(home);
  const bus = new EventBus();
  const grants = new FileGrants();
  const preferences = new PreferencesFile(home);
  // Settings' "Show notifications" switch: backups ask, the person's choice decides.
  const platform: AppServicesOptions['platform'] = {
    ...options.platform,
    notify: gatedNotify(options.platform.notify?.bind(options.platform), preferences),
  };

  const openCore = async (dataDir: string): Promise<Core> => {
    await ensurePrivateDir(dataDir);
    const tasks = new TaskRunner(bus, (kind, error) => logError(`task ${kind}`, error));
    const store = await openStoreApi(dataDir, { nativeBinding: options.nativeBinding });
    const imports = createImportService({
      storeDir: dataDir,
      nativeBinding: options.nativeBinding,
      grants,
      tasks,
      bus,
    });
    const backups = new BackupService({
      storeDir: dataDir,
      appVersion: options.info.version,
      grants,
      tasks,
      bus,
      vault: options.vault ?? new KeytarVault(),
      settingsFile: new BackupSettingsFile(dataDir),
      platform,
      storeStats: () => store.stats(),
      detectFolders: options.folders.detect,
      validateFolder: options.folders.validate,
      schedule: options.schedule,
      schedulerClock: options.schedulerClock,
      kdf: options.kdf,
      now: options.now,
    });
    try {
      await backups.start();
    } catch (err) {
      await store.close();
      throw err;
    }
    const exports = createExportService({
      storeDir: dataDir,
      nativeBinding: options.nativeBinding,
      grants,
      tasks,
      appVersion: options.info.version,
      reveal: platform.revealPath ? (p) => platform.revealPath?.(p) : undefined,
    });
    const handlers = createHandlers({
      info: options.info,
      store,
      platform,
      grants,
      tasks,
      imports,
      backups,
      exports,
      settings,
    });
    return { dataDir, store, backups, tasks, handlers };
  };

  // Moving the data folder runs as a task of its own runner: the core's runner is closed with
  // the core (and waits for its tasks), which must not wait for the move doing the closing.
  const settingsTasks = new TaskRunner(bus, (kind, error) => logError(`task ${kind}`, error));
  let core: Core | null = null;
  let last: Core;
  let ready: Promise<Core>;
  let markReady: (c: Core) => void = () => {};
  const host: AppCore = {
    close: async () => {
      if (!core) return;
      const closing = core;
      core = null;
      ready = new Promise((resolve) => (markReady = resolve));
      await closing.backups.close();
      await closing.tasks.idle();
      await closing.store.close();
    },
    open: async (dataDir) => {
      core = last = await openCore(dataDir);
      markReady(core);
      ready = Promise.resolve(core);
      bus.emit('store.changed', { chatIds: [] });
    },
    forgetBackupKeys: async () => {
      await core?.backups.forgetComputer();
    },
  };
  const settings = await SettingsService.create({
    home,
    preferences,
    grants,
    tasks: {
      start: (kind, work) => settingsTasks.start(kind, work),
      // Busy when the core runs anything (a backup, import, restore, export) or a move runs.
      anyRunning: () => settingsTasks.anyRunning() || (core?.tasks.anyRunning() ?? false),
    },
    core: host,
    platform,
    licensesFile: options.licensesFile,
    afterCopy: options.afterDataCopy,
  });
  core = last = await openCore(settings.currentDir());
  ready = Promise.resolve(core);

  const handlers = {} as Record<ChannelName, (request: never) => unknown>;
  for (const channel of Object.keys(channels) as ChannelName[]) {
    handlers[channel] = async (request: never) => {
      const current = await ready;
      return (current.handlers[channel] as (r: never) => unknown)(request);
    };
  }
  Object.assign(handlers, createSettingsHandlers(settings), {
    'task.cancel': async ({ taskId }: { taskId: string }) => ({
      cancelled: settingsTasks.cancel(taskId) || ((await ready).tasks.cancel(taskId) ?? false),
    }),
  });

  return {
    handlers: handlers as unknown as Handlers,
    bus,
    get store() {
      return last.store;
    },
    get backups() {
      return last.backups;
    },
    settings,
    resolveMedia: (name) => core?.store.resolveMedia(name) ?? null,
    grantDroppedFile: (filePath) => {
      const { grantId, name } = grants.grant(filePath, 'import', 'dropped');
      return { grantId, name };
    },
    close: async () => {
      await settingsTasks.idle();
      await host.close();
      // Requests after the final close reach the closed core (as before there were cores) and
      // fail or finish there; only a data folder move makes them wait for the next core.
      markReady(last);
      ready = Promise.resolve(last);
    },
  };
}
