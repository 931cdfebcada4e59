import type { BrowserWindow } from 'electron';
import { app, Menu, powerMonitor, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectSyncedFolders, validateDestination } from '../app-backup/destinations';
import { setWorkerBundleDir } from '../node/worker-entry';
import { createAppServices, type AppServices } from '../services/app-services';
import { LinuxAutostart } from '../services/linux-autostart';
import { wireIpc } from './ipc';
import { buildAppMenu } from './menu';
import { electronSqliteBinding } from './native';
import { electronPlatform } from './platform';
import { handleAppProtocol, handleMediaProtocol, registerPrivilegedSchemes } from './protocols';
import { hardenSession } from './security';
import { createTray } from './tray';
import { createMainWindow } from './window';

const bundleDir = path.dirname(fileURLToPath(import.meta.url));
setWorkerBundleDir(bundleDir);
const preloadPath = path.join(bundleDir, '../preload/index.cjs');

// A separate data folder for the e2e tests and for people who keep several stores.
if (process.env.CHATKEEP_DATA_DIR) {
  app.setPath('userData', path.resolve(process.env.CHATKEEP_DATA_DIR));
}

// Must run before `ready`; the scheme's privileges cannot be granted later.
registerPrivilegedSchemes();

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
  mainWindow = createMainWindow(preloadPath);
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
    folders: { detect: () => detectSyncedFolders(), validate: (dir) => validateDestination(dir) },
    // Only the error's class: messages can hold paths or user data.
    logError: (where, error) =>
      console.error(`Chatkeep: ${where} failed: ${(error as Error)?.name ?? 'error'}`),
  });
  const { bus, backups } = services;
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
    (filePath) => (existsSync(filePath) ? services!.grantPath(filePath) : null),
  );

  powerMonitor.on('resume', () => backups.onResume());
  powerMonitor.on('on-ac', () => backups.onPowerChange());
  powerMonitor.on('on-battery', () => backups.onPowerChange());

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
      if (backups.isConfigured()) void backups.runNow().catch(() => undefined);
      else bus.emit('app.navigate', { section: 'backup' });
    },
    open: showMainWindow,
    quit: () => app.quit(),
    status: () => backups.trayStatus(),
  });

  // Started at login: stay in the tray until the person opens the window.
  if (!process.argv.includes('--hidden')) openWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
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
  app.whenReady().then(start, (error: unknown) => {
    console.error('Chatkeep failed to start', error);
    app.exit(1);
  });
}
