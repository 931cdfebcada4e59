import type * as Electron from 'electron';

/** What the boot test asks the harness (harness.ts) to do, and how it answers. */

/** Where an IPC call comes from: our window's top frame, or somewhere main must refuse. */
export type Sender = 'own' | 'other-contents' | 'subframe' | 'foreign-page';

export type BootRequest =
  | { op: 'state' }
  | { op: 'ready' }
  | { op: 'fetch'; url: string; headers?: Record<string, string> }
  | { op: 'navigate'; event: 'will-navigate' | 'will-redirect'; url: string }
  | { op: 'windowOpen'; url: string }
  | { op: 'attachWebview' }
  | { op: 'permissions' }
  | { op: 'invoke'; from: Sender; channel: string; args: unknown[] }
  | { op: 'answerOpenDialog'; path: string | null }
  | { op: 'answerMessageBox'; response: number }
  | { op: 'sent' }
  | { op: 'waitForSent'; channelEvent: string; ms?: number }
  | { op: 'power'; event: 'resume' | 'on-ac' | 'on-battery' | 'suspend' }
  | { op: 'trayMenu' }
  | { op: 'trayClick'; label: string }
  | { op: 'messageBoxes' }
  | { op: 'opened' }
  | { op: 'clipboard' }
  | { op: 'closeWindow' }
  | { op: 'quit' };

export type BootReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** What webContents.send carried: our one event channel, then the event's name and payload. */
export interface Sent {
  channel: string;
  args: unknown[];
}

/** What main has done so far, as the harness reports it. */
export interface BootState {
  requestedSingleInstanceLock: boolean;
  quitRequested: number;
  quitted: boolean;
  exitCode: number | null;
  userData: string | undefined;
  privilegedSchemes: Electron.CustomScheme[];
  protocols: string[];
  ipcChannels: string[];
  windows: {
    options: Electron.BrowserWindowConstructorOptions;
    loadedUrl: string | null;
    visible: boolean;
    hasWindowOpenHandler: boolean;
    listeners: string[];
  }[];
  appListeners: string[];
  powerListeners: string[];
  applicationMenu: boolean;
  trays: { toolTip: string }[];
  permissionHandlers: Record<string, boolean>;
  startedWorkers: number;
  workerFiles: string[];
  liveWorkers: number;
  errors: string[];
}

/** A protocol handler's response, as the harness reports it. */
export interface Fetched {
  status: number;
  headers: Record<string, string>;
  bodyBase64: string;
}
