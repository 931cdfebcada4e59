import type { BrowserWindow } from 'electron';
import { app, clipboard, dialog, Notification, powerMonitor, shell } from 'electron';
import { copyFile, writeFile } from 'node:fs/promises';
import type { BackupPlatform } from '../services/backup-service';
import type { PickPurpose, PlatformAdapter } from '../services/handlers';
import type { SettingsPlatform } from '../services/settings-service';

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
  'data-folder': {
    title: 'Choose where to keep Chatkeep’s data (a “Chatkeep Data” folder is made inside)',
    properties: ['openDirectory', 'createDirectory'],
  },
  'ssh-key': {
    title: 'Choose your SSH private key (for example id_ed25519)',
    properties: ['openFile'],
  },
};

/** Windows passes this to Chatkeep when it starts it at login: stay in the tray. */
export const HIDDEN_ARG = '--hidden';

/** A question only the person can answer: main's own dialog, which the renderer cannot click. */
async function ask(
  getWindow: () => BrowserWindow | null,
  options: { message: string; detail: string; yes: string },
): Promise<boolean> {
  const window = getWindow();
  const box = {
    type: 'question' as const,
    buttons: [options.yes, 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
    message: options.message,
    detail: options.detail,
  };
  const { response } = window
    ? await dialog.showMessageBox(window, box)
    : await dialog.showMessageBox(box);
  return response === 0;
}

/** What only Electron can do for the services: dialogs, notifications, power, login items. */
export function electronPlatform(
  getWindow: () => BrowserWindow | null,
  openExternal: (url: string) => Promise<void>,
): PlatformAdapter & BackupPlatform & SettingsPlatform {
  return {
    openExternal,
    confirmOpenExternal: (url) =>
      ask(getWindow, {
        message: `Open this link in your browser?`,
        // The host first: it is what decides where the link really goes.
        detail: `${new URL(url).host}\n\n${url}`,
        yes: 'Open Link',
      }),
    confirmDestination: (folder) =>
      ask(getWindow, {
        message: 'Keep your encrypted backup in this folder?',
        detail: folder,
        yes: 'Back Up Here',
      }),
    confirmDeleteAllData: () =>
      ask(getWindow, {
        message: 'Delete all Chatkeep data from this computer?',
        detail:
          'Every chat, photo and setting Chatkeep keeps on this computer is deleted. Your backups are not touched.',
        yes: 'Delete Everything',
      }),
    copyText: (text) => clipboard.writeText(text),
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
    getStartAtLogin: () => app.getLoginItemSettings({ args: [HIDDEN_ARG] }).openAtLogin,
    setStartAtLogin(enabled) {
      // Linux has no login items API; an autostart .desktop entry does the same there.
      if (process.platform === 'linux') return;
      // macOS tells the app it was opened at login instead (see startedAtLogin).
      app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] });
    },
  };
}

/** Started at login (rather than by the person): Chatkeep stays in the tray. */
export function startedAtLogin(): boolean {
  if (process.argv.includes(HIDDEN_ARG)) return true;
  return process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
}
