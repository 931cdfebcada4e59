import type { BrowserWindow } from 'electron';
import { app, Menu, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setWorkerBundleDir } from '../node/worker-entry';
import { createAppServices, type AppServices } from '../services/app-services';
import { buildAppMenu } from './menu';
import { electronSqliteBinding } from './native';
import { handleAppProtocol, handleMediaProtocol, registerPrivilegedSchemes } from './protocols';
import { wireIpc } from './ipc';
import { hardenSession } from './security';
import { createMainWindow } from './window';

const bundleDir = path.dirname(fileURLToPath(import.meta.url));
setWorkerBundleDir(bundleDir);

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
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

async function start(): Promise<void> {
  hardenSession((await import('electron')).session.defaultSession);
  handleAppProtocol(path.join(bundleDir, '../renderer'));

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
    platform: { openExternal: (url) => shell.openExternal(url) },
  });
  handleMediaProtocol(services.resolveMedia);
  const bus = services.bus;
  wireIpc(
    services.handlers,
    bus,
    () => mainWindow,
    (channel, error) => {
      // Only the channel and the error's name: messages can hold paths or user data.
      console.error(`IPC handler ${channel} failed: ${(error as Error)?.name ?? 'error'}`);
    },
  );

  Menu.setApplicationMenu(
    buildAppMenu({ showSection: (section) => bus.emit('app.navigate', { section }) }),
  );
  mainWindow = createMainWindow(path.join(bundleDir, '../preload/index.cjs'));
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', showMainWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!mainWindow && services)
      mainWindow = createMainWindow(path.join(bundleDir, '../preload/index.cjs'));
  });
  app.on('before-quit', (event) => {
    // Close the store's worker (and its SQLite connection) before the process goes away.
    if (quitting || !services) return;
    event.preventDefault();
    quitting = true;
    void services.close().finally(() => app.quit());
  });
  app.whenReady().then(start, (error: unknown) => {
    console.error('Chatkeep failed to start', error);
    app.exit(1);
  });
}
