import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import path from 'node:path';
import { CHANNEL_NAMES } from '../shared/ipc/contract';
import { dispatch, type ErrorLogger, type Handlers } from '../services/dispatch';
import type { EventBus } from '../services/events';
import { isAppUrl } from './security';

import { IPC_EVENT, IPC_GRANT_DROP, IPC_INVOKE } from '../shared/ipc/channels';

/** Only the top frame of our own window, showing our own origin, may call main. */
function senderAllowed(event: IpcMainInvokeEvent, getWindow: () => BrowserWindow | null): boolean {
  const window = getWindow();
  const frame = event.senderFrame;
  if (!window || !frame) return false;
  if (event.sender !== window.webContents) return false;
  if (frame !== window.webContents.mainFrame) return false;
  return isAppUrl(frame.url);
}

export function wireIpc(
  handlers: Handlers,
  bus: EventBus,
  getWindow: () => BrowserWindow | null,
  logError: ErrorLogger,
  grantDropped: (filePath: string) => { grantId: string; name: string } | null,
): () => void {
  // A dropped file's path, found by Electron's webUtils in the preload (the page itself never
  // sees paths). The grant it gets serves imports only, and expires (src/services/grants.ts).
  ipcMain.handle(IPC_GRANT_DROP, (event, filePath: unknown) => {
    if (!senderAllowed(event, getWindow)) return null;
    if (typeof filePath !== 'string' || filePath.length === 0 || filePath.length > 4096)
      return null;
    if (!path.isAbsolute(filePath) || filePath.includes('\0')) return null;
    return grantDropped(filePath);
  });
  const allowed = new Set<string>(CHANNEL_NAMES);
  ipcMain.handle(IPC_INVOKE, async (event, channel: unknown, payload: unknown) => {
    if (!senderAllowed(event, getWindow)) {
      return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'Request refused.' } };
    }
    if (typeof channel !== 'string' || !allowed.has(channel)) {
      return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'Unknown request.' } };
    }
    return dispatch(handlers, channel, payload, logError);
  });
  const unsubscribe = bus.subscribe((name, payload) => {
    const window = getWindow();
    if (window && !window.isDestroyed()) window.webContents.send(IPC_EVENT, name, payload);
  });
  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    ipcMain.removeHandler(IPC_GRANT_DROP);
    unsubscribe();
  };
}
