/**
 * The renderer half of `electron` as a sandboxed preload sees it (contextBridge, ipcRenderer,
 * webUtils), for shell-proof/preload.test.ts. Typed against the installed electron .d.ts like
 * electron.ts; records what the preload exposes and sends.
 */
import type * as Electron from 'electron';

type IpcListener = (event: Electron.IpcRendererEvent, ...args: unknown[]) => void;

export function rendererStandIn(paths: Map<unknown, string> = new Map()) {
  const exposed: { key: string; api: unknown }[] = [];
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<IpcListener>>();
  const replies: unknown[] = [];

  const contextBridge = {
    exposeInMainWorld(apiKey: string, api: unknown) {
      exposed.push({ key: apiKey, api });
    },
  } satisfies Pick<Electron.ContextBridge, 'exposeInMainWorld'>;

  // Electron's on/removeListener return the IpcRenderer itself, for chaining.
  const self = () => ipcRenderer as unknown as Electron.IpcRenderer;
  const ipcRenderer: Pick<Electron.IpcRenderer, 'invoke' | 'on' | 'removeListener'> = {
    async invoke(channel: string, ...args: unknown[]) {
      invoked.push({ channel, args });
      return replies.shift();
    },
    on(channel: string, listener: IpcListener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
      return self();
    },
    removeListener(channel: string, listener: IpcListener) {
      listeners.get(channel)?.delete(listener);
      return self();
    },
  };

  const webUtils = {
    getPathForFile: (file: File) => paths.get(file) ?? '',
  } satisfies Pick<Electron.WebUtils, 'getPathForFile'>;

  return {
    module: { contextBridge, ipcRenderer, webUtils },
    exposed,
    invoked,
    replies,
    /** Main sending an event on `channel`, as Electron delivers it (an event object first). */
    emit(channel: string, ...args: unknown[]) {
      const event = { sender: ipcRenderer, senderId: 0 } as unknown as Electron.IpcRendererEvent;
      for (const listener of listeners.get(channel) ?? []) listener(event, ...args);
    },
    listenerCount: (channel: string) => listeners.get(channel)?.size ?? 0,
  };
}
