import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { Transport } from '../shared/api';
import type { IpcReply } from '../shared/ipc/errors';

// Kept in step with src/main/ipc.ts; the preload imports nothing from main.
const IPC_INVOKE = 'chatkeep:invoke';
const IPC_EVENT = 'chatkeep:event';
const IPC_GRANT_DROP = 'chatkeep:grant-drop';

/**
 * The whole surface the renderer gets: two functions. No ipcRenderer, no Node, no event objects
 * (they would leak `sender`). Channel names are checked again in main against the contract.
 */
const transport: Transport = {
  invoke: (channel, request) =>
    ipcRenderer.invoke(IPC_INVOKE, String(channel), request) as Promise<IpcReply<unknown>>,
  subscribe(event, listener) {
    const onEvent = (_e: unknown, name: unknown, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT, onEvent);
    return () => ipcRenderer.removeListener(IPC_EVENT, onEvent);
  },
  async grantDroppedFile(file) {
    const filePath = webUtils.getPathForFile(file);
    if (!filePath) return null;
    return (await ipcRenderer.invoke(IPC_GRANT_DROP, filePath)) as {
      grantId: string;
      name: string;
    } | null;
  },
};

contextBridge.exposeInMainWorld('chatkeep', transport);
