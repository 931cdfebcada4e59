import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  AppPreferences,
  DataFolderView,
  LicenseEntry,
  SettingsView,
} from '../shared/settings-types';
import {
  DataFolderError,
  checkMoveTarget,
  copyAndVerify,
  currentDataDir,
  listDataFiles,
  moveTarget,
  removeChatkeepEntries,
  switchDataDir,
} from './data-folder';
import type { FileGrants } from './grants';
import type { PreferencesFile } from './preferences';
import type { TaskRunner } from './tasks';

/**
 * What the Settings page needs of the running app: the chat store and backups are closed while
 * their folder is copied or deleted, then opened again on the folder in use.
 */
export interface AppCore {
  /** Stops the store and backup workers (waiting for them), so no file changes under a copy. */
  close(): Promise<void>;
  /** Opens the store and backups on `dataDir`. */
  open(dataDir: string): Promise<void>;
  /** Removes this computer's copy of the backup's key and marker (the keychain). */
  forgetBackupKeys(): Promise<void>;
}

/** What only the shell can do for Settings (Electron; absent members are unavailable). */
export interface SettingsPlatform {
  revealPath?(target: string): void;
  getStartAtLogin?(): boolean;
  setStartAtLogin?(enabled: boolean): void;
  /**
   * Asks the person, in main's own dialog that the renderer cannot answer, before all data is
   * deleted: the typed word only shows the renderer asked. Absent: nothing is deleted.
   */
  confirmDeleteAllData?(): Promise<boolean>;
}

export interface SettingsServiceOptions {
  /** The default data folder; it holds the location file and the preferences, and never moves. */
  home: string;
  preferences: PreferencesFile;
  grants: FileGrants;
  tasks: Pick<TaskRunner, 'start' | 'anyRunning'>;
  core: AppCore;
  platform: SettingsPlatform;
  /** licenses.json as built (scripts/licenses.mjs); absent in unit tests of other things. */
  licensesFile?: string;
  /** Tests only: damage the copy between copying and checking it. */
  afterCopy?(to: string): Promise<void>;
}

/**
 * The Settings page's actions. Moving and deleting data are the two that could lose years of
 * chats, so both stop everything else first and change nothing until the end is safe: a move
 * copies, checks every byte, switches, and only then removes the old copy; a failure at any point
 * before the switch leaves the old folder in use and untouched.
 */
export class SettingsService {
  private dataDir: string;

  private constructor(
    private readonly o: SettingsServiceOptions,
    dataDir: string,
  ) {
    this.dataDir = dataDir;
  }

  static async create(o: SettingsServiceOptions): Promise<SettingsService> {
    await o.preferences.load();
    return new SettingsService(o, await currentDataDir(o.home));
  }

  /** The data folder in use now. */
  currentDir(): string {
    return this.dataDir;
  }

  async view(): Promise<SettingsView> {
    const { platform } = this.o;
    return {
      preferences: await this.o.preferences.load(),
      startAtLogin: platform.getStartAtLogin?.() ?? false,
      startAtLoginAvailable: Boolean(platform.setStartAtLogin),
    };
  }

  async update(changes: Partial<AppPreferences> & { startAtLogin?: boolean }) {
    const { startAtLogin, ...preferences } = changes;
    if (Object.keys(preferences).length > 0) await this.o.preferences.update(preferences);
    if (startAtLogin !== undefined) this.o.platform.setStartAtLogin?.(startAtLogin);
    return this.view();
  }

  async dataFolder(): Promise<DataFolderView> {
    const files = await listDataFiles(this.dataDir);
    return {
      path: this.dataDir,
      bytes: files.reduce((n, f) => n + f.size, 0),
      files: files.length,
      moved: path.resolve(this.dataDir) !== path.resolve(this.o.home),
    };
  }

  revealDataFolder(): { shown: boolean } {
    if (!this.o.platform.revealPath) return { shown: false };
    this.o.platform.revealPath(this.dataDir);
    return { shown: true };
  }

  async licenses(): Promise<LicenseEntry[]> {
    if (!this.o.licensesFile) return [];
    try {
      return JSON.parse(await readFile(this.o.licensesFile, 'utf8')) as LicenseEntry[];
    } catch {
      throw Object.assign(
        new Error('The list of libraries was not built with this copy of Chatkeep.'),
        { code: 'LICENSES_MISSING' },
      );
    }
  }

  private refuseWhileBusy(what: string): void {
    if (this.o.tasks.anyRunning()) {
      throw new DataFolderError(
        'DATA_BUSY',
        `Chatkeep is busy (a backup, restore, import or export is running). Let it finish or cancel it, then ${what}.`,
      );
    }
  }

  /** "Move data folder…": into a new "Chatkeep Data" folder inside the one picked, as a task. */
  async move(destinationGrantId: string): Promise<{ taskId: string }> {
    const picked = this.o.grants.resolve(destinationGrantId, 'data-destination');
    this.refuseWhileBusy('move the data folder');
    const from = this.dataDir;
    const to = moveTarget(picked, this.o.home);
    const bytes = (await listDataFiles(from)).reduce((n, f) => n + f.size, 0);
    // Checked before the task starts, so the page can say it next to the button.
    await checkMoveTarget(from, to, bytes);
    const taskId = this.o.tasks.start('move-data', async ({ signal, progress }) => {
      const { core, home } = this.o;
      await core.close();
      let switched = false;
      try {
        await copyAndVerify(from, to, {
          signal,
          afterCopy: this.o.afterCopy,
          onProgress: (p) =>
            progress({
              phase: p.phase,
              itemsDone: p.filesDone,
              itemsTotal: p.filesTotal,
              bytesDone: p.bytesDone,
              bytesTotal: p.bytesTotal,
              etaMs: null,
            }),
        });
        await switchDataDir(home, to);
        switched = true;
        await core.open(to);
        this.dataDir = to;
      } catch (err) {
        // Nothing is lost: the old folder was only read. Undo the switch, drop the copy.
        if (switched) await switchDataDir(home, from).catch(() => {});
        await removeChatkeepEntries(to, to !== home);
        await core.open(from);
        this.dataDir = from;
        if (err instanceof DataFolderError || signal.aborted) throw err;
        throw new DataFolderError(
          'DATA_MOVE_FAILED',
          `Chatkeep could not copy its data to “${path.basename(path.dirname(to))}” (${(err as NodeJS.ErrnoException).code ?? 'error'}), so it kept your data where it was.`,
        );
      }
      progress({
        phase: 'remove-old',
        itemsDone: 0,
        itemsTotal: 0,
        bytesDone: 0,
        bytesTotal: 0,
        etaMs: null,
      });
      await removeChatkeepEntries(from, from !== home);
      return { summary: `Your data is now in ${to}.` };
    });
    return { taskId };
  }

  /**
   * "Delete all data from this computer": chats, media, backup settings, this computer's copy of
   * the backup's key and the preferences. Backups are never touched: they are the way back.
   */
  async deleteAll(): Promise<{ deleted: boolean }> {
    this.refuseWhileBusy('delete your data');
    const { core, home, preferences, platform } = this.o;
    if (!(await platform.confirmDeleteAllData?.())) return { deleted: false };
    this.refuseWhileBusy('delete your data');
    await core.forgetBackupKeys();
    await core.close();
    const dir = this.dataDir;
    try {
      await removeChatkeepEntries(dir, dir !== home);
      await switchDataDir(home, home);
      await preferences.remove();
    } finally {
      // A fresh, empty store in the default folder (or the old one, if removing failed midway).
      const next = await currentDataDir(home);
      await core.open(next);
      this.dataDir = next;
    }
    return { deleted: true };
  }
}
