import type { BrowserWindow } from 'electron';
import { app, Menu, powerMonitor, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectSyncedFolders, validateDestination } from '../app-backup/destinations';
import { restrictNewFilesToOwner } from '../node/private-files';
import { setWorkerBundleDir } from '../node/worker-entry';
import { createAppServices, type AppServices } from '../services/app-services';
import { LinuxAutostart } from '../services/linux-autostart';
import { wireIpc } from './ipc';
import { buildAppMenu } from './menu';
import { electronSqliteBinding } from './native';
import { electronPlatform, startedAtLogin } from './platform';
import { handleAppProtocol, handleMediaProtocol, registerPrivilegedSchemes } from './protocols';
import { hardenSession } from './security';
import { debuggingSwitch } from './startup-guard';
import { createTray } from './tray';
import { createMainWindow } from './window';

const bundleDir = path.dirname(fileURLToPath(import.meta.url));
setWorkerBundleDir(bundleDir);
const preloadPath = path.join(bundleDir, '../preload/index.cjs');

let mainWindow: BrowserWindow | null = null;
let services: AppServices | null = null;
let quitting = false;

function showMainWindow(): void {
  if (!mainWindow && services) openWindow();
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function openWindow(): void {
  mainWindow = createMainWindow({ preloadPath, devTools: !app.isPackaged });
  mainWindow.on('close', (event) => {
    // With backups on, closing the window keeps Chatkeep in the tray so backups still run.
    if (!quitting && services?.backups.isConfigured()) {
      event.preventDefault();
      mainWindow?.hide();
    }
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  handleAppProtocol(path.join(bundleDir, '../renderer'));

  const linuxAutostart = new LinuxAutostart(
    process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'),
    process.execPath,
  );
  const platform = electronPlatform(
    () => mainWindow,
    (url) => shell.openExternal(url),
  );
  if (process.platform === 'linux') {
    platform.getStartAtLogin = () => linuxAutostart.isEnabled();
    platform.setStartAtLogin = (enabled) => linuxAutostart.set(enabled);
  }

  services = await createAppServices({
    dataDir: app.getPath('userData'),
    nativeBinding: electronSqliteBinding(app.getAppPath(), app.isPackaged),
    info: {
      name: app.getName(),
      version: app.getVersion(),
      platform: process.platform,
      shell: 'electron',
      mediaBaseUrl: 'chatkeep-media://media/',
    },
    platform,
    licensesFile: path.join(bundleDir, 'licenses.json'),
    folders: { detect: () => detectSyncedFolders(), validate: (dir) => validateDestination(dir) },
    // Only the error's class: messages can hold paths or user data.
    logError: (where, error) =>
      console.error(`Chatkeep: ${where} failed: ${(error as Error)?.name ?? 'error'}`),
  });
  const { bus } = services;
  // Read each time: moving or deleting the data folder opens a new BackupService.
  const backups = () => services!.backups;
  handleMediaProtocol(services.resolveMedia);
  wireIpc(
    services.handlers,
    bus,
    () => mainWindow,
    (channel, error) => {
      console.error(
        `Chatkeep: IPC handler ${channel} failed: ${(error as Error)?.name ?? 'error'}`,
      );
    },
    (filePath) => (existsSync(filePath) ? services!.grantDroppedFile(filePath) : null),
  );

  powerMonitor.on('resume', () => backups().onResume());
  powerMonitor.on('on-ac', () => backups().onPowerChange());
  powerMonitor.on('on-battery', () => backups().onPowerChange());

  Menu.setApplicationMenu(
    buildAppMenu({
      showSection: (section) => {
        showMainWindow();
        bus.emit('app.navigate', { section });
      },
    }),
  );
  createTray(path.join(bundleDir, '../renderer/tray.png'), {
    backUpNow: () => {
      if (backups().isConfigured())
        void backups()
          .runNow()
          .catch(() => undefined);
      else {
        showMainWindow();
        bus.emit('app.navigate', { section: 'backup' });
      }
    },
    open: showMainWindow,
    quit: () => app.quit(),
    status: () => backups().trayStatus(),
  });

  // Started at login: stay in the tray until the person opens the window.
  if (!startedAtLogin()) openWindow();
}

function main(): void {
  // Everything Chatkeep creates from here on (the chat store, settings) is 0600/0700.
  restrictNewFilesToOwner();

  // A packaged app never runs with a debugger attached from outside: whoever could pass the
  // switch could read every chat through it.
  const debugging = app.isPackaged ? debuggingSwitch(app.commandLine, process.argv) : null;
  if (debugging) {
    console.error(`Chatkeep: refusing to start with --${debugging} in a packaged app.`);
    app.exit(1);
    return;
  }

  // A separate data folder for the e2e tests and for people who keep several stores.
  if (process.env.CHATKEEP_DATA_DIR) {
    app.setPath('userData', path.resolve(process.env.CHATKEEP_DATA_DIR));
  }

  // Must run before `ready`; the scheme's privileges cannot be granted later.
  registerPrivilegedSchemes();

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', showMainWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' && !services?.backups.isConfigured()) app.quit();
  });
  app.on('activate', showMainWindow);
  app.on('before-quit', (event) => {
    // Let a running backup stop cleanly and close the workers (and their SQLite connections).
    if (quitting || !services) {
      quitting = true;
      return;
    }
    event.preventDefault();
    quitting = true;
    void services.close().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error(`Chatkeep failed to start: ${(error as Error)?.name ?? 'error'}`);
      app.exit(1);
    });
}

main();
