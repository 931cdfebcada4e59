import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { Transport } from '../shared/api';
import { IPC_EVENT, IPC_GRANT_DROP, IPC_INVOKE } from '../shared/ipc/channels';
import type { IpcReply } from '../shared/ipc/errors';

/**
 * The whole surface the renderer gets (the `Transport` of src/shared/api.ts): `invoke`,
 * `subscribe` and `grantDroppedFile`. No ipcRenderer, no Node, no event objects (they would
 * leak `sender`), no paths: a dropped file's path is found here by Electron's webUtils and goes
 * straight to main, which answers with a grant. Channel names are checked again in main against
 * the contract. shell-proof/preload.test.ts loads the built file in a sandbox-shaped context.
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
