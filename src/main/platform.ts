import type { BrowserWindow } from 'electron';
import { app, dialog, Notification, powerMonitor, shell } from 'electron';
import { copyFile, writeFile } from 'node:fs/promises';
import type { BackupPlatform } from '../services/backup-service';
import type { PickPurpose, PlatformAdapter } from '../services/handlers';

const PICKERS: Record<
  PickPurpose,
  { title: string; properties: ('openFile' | 'openDirectory' | 'createDirectory')[] }
> = {
  'import-file': { title: 'Choose a chat export or phone backup', properties: ['openFile'] },
  'import-folder': { title: 'Choose a phone backup folder', properties: ['openDirectory'] },
  'backup-folder': {
    title: 'Choose where to keep your encrypted backup',
    properties: ['openDirectory', 'createDirectory'],
  },
  'restore-folder': {
    title: 'Choose the folder of your Chatkeep backup',
    properties: ['openDirectory'],
  },
  'export-folder': {
    title: 'Choose where to put the export (a new folder is made inside)',
    properties: ['openDirectory', 'createDirectory'],
  },
};

/** What only Electron can do for the services: dialogs, notifications, power, login items. */
export function electronPlatform(
  getWindow: () => BrowserWindow | null,
  openExternal: (url: string) => Promise<void>,
): PlatformAdapter & BackupPlatform {
  return {
    openExternal,
    async pickPath(purpose) {
      const window = getWindow();
      const options = PICKERS[purpose];
      const result = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async saveText(suggestedName, text) {
      const window = getWindow();
      const options = {
        defaultPath: suggestedName,
        filters: [{ name: 'Text', extensions: ['txt'] }],
      };
      const result = window
        ? await dialog.showSaveDialog(window, options)
        : await dialog.showSaveDialog(options);
      if (result.canceled || !result.filePath) return false;
      await writeFile(result.filePath, text, { encoding: 'utf8', mode: 0o600 });
      return true;
    },
    async saveFile(suggestedName, sourcePath) {
      const window = getWindow();
      const options = { defaultPath: suggestedName };
      const result = window
        ? await dialog.showSaveDialog(window, options)
        : await dialog.showSaveDialog(options);
      if (result.canceled || !result.filePath) return false;
      await copyFile(sourcePath, result.filePath);
      return true;
    },
    revealPath(target) {
      shell.showItemInFolder(target);
    },
    notify(title, body) {
      if (Notification.isSupported()) new Notification({ title, body }).show();
    },
    isOnBattery: () => powerMonitor.isOnBatteryPower(),
    getStartAtLogin: () => app.getLoginItemSettings().openAtLogin,
    setStartAtLogin(enabled) {
      // Linux has no login items API; an autostart .desktop entry does the same there.
      if (process.platform === 'linux') return;
      app.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true });
    },
  };
}
