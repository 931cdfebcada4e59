/**
 * A stand-in for the `electron` module, so the *built* main bundle (out/main/index.js) can boot
 * in plain Node on machines where no Electron binary can be had (shell-proof/boot.test.ts).
 *
 * Every export is typed against the installed electron package's own .d.ts: each object is
 * checked with `satisfies Pick<RealInterface, …>` and each class `implements Pick<RealClass, …>`,
 * so a member the main process uses that Electron renamed or retyped fails `npm run typecheck`
 * here, and a member it uses that this file lacks fails the boot at run time.
 *
 * Behind the exports, `standIn` records what main did (windows, handlers, menus, sends) and lets
 * the harness play the part of Electron and of the person (ready, quit, dialogs, power events).
 */
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Electron from 'electron';

type Listener = (...args: unknown[]) => void;
/** An ipcMain.handle listener, as Electron types it. */
type Handler = Parameters<Electron.IpcMain['handle']>[1];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What main did, for the harness to report, and the answers it will get. */
export const standIn = {
  isPackaged: false,
  switches: new Set<string>(),
  singleInstanceLock: true,
  requestedSingleInstanceLock: false,
  quitRequested: 0,
  quitted: false,
  exitCode: null as number | null,
  paths: new Map<string, string>([['userData', path.join(os.tmpdir(), 'chatkeep-stand-in')]]),
  privilegedSchemes: [] as Electron.CustomScheme[],
  protocolHandlers: new Map<string, (request: Request) => Response | Promise<Response>>(),
  ipcHandlers: new Map<string, Handler>(),
  windows: [] as StandInBrowserWindow[],
  applicationMenu: null as StandInMenu | null,
  trays: [] as StandInTray[],
  opened: [] as string[],
  /** Paths main asked the file manager to show (a finished export). */
  shownInFolder: [] as string[],
  clipboard: [] as string[],
  /** Answers for the next OS pickers and questions, in order. */
  openDialogAnswers: [] as (string | null)[],
  messageBoxAnswers: [] as number[],
  messageBoxes: [] as Electron.MessageBoxOptions[],
  permissionRequestHandler: null as Parameters<Electron.Session['setPermissionRequestHandler']>[0],
  permissionCheckHandler: null as Parameters<Electron.Session['setPermissionCheckHandler']>[0],
  devicePermissionHandler: null as Parameters<Electron.Session['setDevicePermissionHandler']>[0],
  onBattery: false,
  loginItems: [] as Electron.Settings[],
  readyResolve: null as (() => void) | null,
};

// ---- app ----

class StandInApp extends EventEmitter {
  readonly commandLine = {
    hasSwitch: (name: string) => standIn.switches.has(name),
  } satisfies Pick<Electron.CommandLine, 'hasSwitch'> as unknown as Electron.CommandLine;

  get isPackaged(): boolean {
    return standIn.isPackaged;
  }

  private readonly ready = new Promise<void>((resolve) => (standIn.readyResolve = resolve));

  whenReady(): Promise<void> {
    return this.ready;
  }

  requestSingleInstanceLock(): boolean {
    standIn.requestedSingleInstanceLock = true;
    return standIn.singleInstanceLock;
  }

  /** As Electron does: before-quit (which may be prevented), then will-quit and quit. */
  quit(): void {
    standIn.quitRequested++;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.emit('will-quit', { preventDefault: () => undefined });
    standIn.quitted = true;
    this.emit('quit', {}, 0);
  }

  exit(exitCode?: number): void {
    standIn.exitCode = exitCode ?? 0;
  }

  getPath(name: Parameters<Electron.App['getPath']>[0]): string {
    const found = standIn.paths.get(name);
    if (!found) throw new Error(`stand-in: no path for ${name}`);
    return found;
  }

  setPath(name: string, value: string): void {
    standIn.paths.set(name, value);
  }

  getName(): string {
    return 'Chatkeep';
  }

  getVersion(): string {
    return (
      JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  }

  getAppPath(): string {
    return repoRoot;
  }

  getLoginItemSettings(): Electron.LoginItemSettings {
    return {
      openAtLogin: false,
      wasOpenedAtLogin: false,
      status: 'not-registered',
      executableWillLaunchAtLogin: false,
      launchItems: [],
    };
  }

  setLoginItemSettings(settings: Electron.Settings): void {
    standIn.loginItems.push(settings);
  }
}

// `on` and `emit` are Node's EventEmitter's, as Electron's own are (their `this` differs).
type AppMembers =
  | 'whenReady'
  | 'requestSingleInstanceLock'
  | 'quit'
  | 'exit'
  | 'getPath'
  | 'setPath'
  | 'getName'
  | 'getVersion'
  | 'getAppPath'
  | 'isPackaged'
  | 'commandLine'
  | 'getLoginItemSettings'
  | 'setLoginItemSettings';

export const app = new StandInApp();
app satisfies Pick<Electron.App, AppMembers>;

// ---- windows ----

class StandInWebFrame {
  constructor(
    public url: string,
    readonly isMain: boolean,
  ) {}
}

export class StandInWebContents extends EventEmitter {
  readonly mainFrame: StandInWebFrame;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: Parameters<Electron.WebContents['setWindowOpenHandler']>[0] | null = null;

  constructor(url = '') {
    super();
    this.mainFrame = new StandInWebFrame(url, true);
  }

  setWindowOpenHandler(handler: Parameters<Electron.WebContents['setWindowOpenHandler']>[0]) {
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
}
({}) as StandInWebContents satisfies Pick<Electron.WebContents, 'setWindowOpenHandler' | 'send'>;

export class StandInBrowserWindow
  extends EventEmitter
  implements Pick<Electron.BrowserWindow, 'show' | 'focus' | 'hide' | 'restore'>
{
  readonly webContents = new StandInWebContents();
  loadedUrl: string | null = null;
  visible = false;
  destroyed = false;

  constructor(readonly options: Electron.BrowserWindowConstructorOptions) {
    super();
    standIn.windows.push(this);
  }

  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }

  show(): void {
    this.visible = true;
  }

  focus(): void {}

  hide(): void {
    this.visible = false;
  }

  restore(): void {}

  isMinimized(): boolean {
    return false;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
}
({}) as StandInBrowserWindow satisfies Pick<
  Electron.BrowserWindow,
  'loadURL' | 'isMinimized' | 'isDestroyed'
>;
export const BrowserWindow = StandInBrowserWindow;

export const nativeTheme = { shouldUseDarkColors: false } satisfies Pick<
  Electron.NativeTheme,
  'shouldUseDarkColors'
>;

// ---- session, protocols, net ----

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler) {
      standIn.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler) {
      standIn.permissionCheckHandler = handler;
    },
    setDevicePermissionHandler(handler) {
      standIn.devicePermissionHandler = handler;
    },
  } satisfies Pick<
    Electron.Session,
    'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
  >,
};

export const protocol = {
  registerSchemesAsPrivileged(schemes: Electron.CustomScheme[]) {
    standIn.privilegedSchemes.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>) {
    standIn.protocolHandlers.set(scheme, handler);
  },
} satisfies Pick<Electron.Protocol, 'registerSchemesAsPrivileged' | 'handle'>;

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

/** Electron's net.fetch, for the file: URLs the protocol handlers hand it (with Range). */
export const net = {
  async fetch(input: string | Request, init?: RequestInit): Promise<Response> {
    const url = new URL(typeof input === 'string' ? input : input.url);
    if (url.protocol !== 'file:') throw new Error(`stand-in net.fetch: only file: URLs (${url})`);
    const file = fileURLToPath(url);
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new Error(`net::ERR_FILE_NOT_FOUND ${url}`);
    }
    const bytes = readFileSync(file);
    const type = MIME[path.extname(file)] ?? 'application/octet-stream';
    const range = /^bytes=(\d+)-(\d*)$/.exec(new Headers(init?.headers).get('range') ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
      return new Response(bytes.subarray(start, end + 1), {
        status: 206,
        headers: {
          'content-type': type,
          'content-range': `bytes ${start}-${end}/${bytes.length}`,
        },
      });
    }
    return new Response(bytes, { status: 200, headers: { 'content-type': type } });
  },
} satisfies Pick<Electron.Net, 'fetch'>;

// ---- IPC ----

export const ipcMain = {
  handle(channel: string, listener: Handler) {
    standIn.ipcHandlers.set(channel, listener);
  },
  removeHandler(channel: string) {
    standIn.ipcHandlers.delete(channel);
  },
} satisfies Pick<Electron.IpcMain, 'handle' | 'removeHandler'>;

// ---- menus, tray, images ----

export class StandInMenu {
  constructor(readonly template: Electron.MenuItemConstructorOptions[]) {}

  static buildFromTemplate(template: Electron.MenuItemConstructorOptions[]): StandInMenu {
    return new StandInMenu(template);
  }

  static setApplicationMenu(menu: StandInMenu | null): void {
    standIn.applicationMenu = menu;
  }
}
// Main builds menus only to hand them back to Electron, so a stand-in Menu may pass for one.
({
  buildFromTemplate: (t: Electron.MenuItemConstructorOptions[]) =>
    StandInMenu.buildFromTemplate(t) as unknown as Electron.Menu,
  setApplicationMenu: (menu: Electron.Menu | null) =>
    StandInMenu.setApplicationMenu(menu as unknown as StandInMenu | null),
}) satisfies Pick<typeof Electron.Menu, 'buildFromTemplate' | 'setApplicationMenu'>;
export const Menu = StandInMenu;

export class StandInTray extends EventEmitter implements Pick<Electron.Tray, 'setToolTip'> {
  toolTip = '';
  contextMenu: StandInMenu | null = null;

  constructor(readonly image: unknown) {
    super();
    standIn.trays.push(this);
  }

  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }

  setContextMenu(menu: StandInMenu | null): void {
    this.contextMenu = menu;
  }
}
export const Tray = StandInTray;

export const nativeImage = {
  // Main only hands the image to the Tray; the stand-in keeps where it came from.
  createFromPath: (imagePath: string) => ({ imagePath }) as unknown as Electron.NativeImage,
} satisfies Pick<typeof Electron.nativeImage, 'createFromPath'>;

// ---- the operating system ----

export const powerMonitor = Object.assign(new EventEmitter(), {
  isOnBatteryPower: () => standIn.onBattery,
}) satisfies Pick<Electron.PowerMonitor, 'isOnBatteryPower'>;

export const shell = {
  async openExternal(url: string) {
    standIn.opened.push(url);
  },
  showItemInFolder(fullPath: string) {
    standIn.shownInFolder.push(fullPath);
  },
} satisfies Pick<Electron.Shell, 'openExternal' | 'showItemInFolder'>;

/** Electron 45's clipboard is asynchronous, as the W3C one is. */
export const clipboard = {
  async writeText(text: string) {
    standIn.clipboard.push(text);
  },
} satisfies Pick<Electron.Clipboard, 'writeText'>;

async function openDialog(...args: unknown[]): Promise<Electron.OpenDialogReturnValue> {
  void args;
  const answer = standIn.openDialogAnswers.shift() ?? null;
  return { canceled: answer === null, filePaths: answer === null ? [] : [answer] };
}

async function messageBox(...args: unknown[]): Promise<Electron.MessageBoxReturnValue> {
  const options = (args.length > 1 ? args[1] : args[0]) as Electron.MessageBoxOptions;
  standIn.messageBoxes.push(options);
  return {
    response: standIn.messageBoxAnswers.shift() ?? options.cancelId ?? 0,
    checkboxChecked: false,
  };
}

export const dialog = {
  showOpenDialog: openDialog as Electron.Dialog['showOpenDialog'],
  showSaveDialog: (async () => ({
    canceled: true,
  })) as unknown as Electron.Dialog['showSaveDialog'],
  showMessageBox: messageBox as Electron.Dialog['showMessageBox'],
} satisfies Pick<Electron.Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showMessageBox'>;

export class Notification implements Pick<Electron.Notification, 'show'> {
  static isSupported(): boolean {
    return false;
  }
  constructor(readonly options: Electron.NotificationConstructorOptions) {}
  show(): void {}
}

/** An IPC event as Electron builds it: from our window's top frame, or from elsewhere. */
export function invokeEvent(
  window: StandInBrowserWindow,
  from: 'own' | 'other-contents' | 'subframe',
): { sender: unknown; senderFrame: unknown } {
  const own = window.webContents;
  if (from === 'other-contents') {
    const other = new StandInWebContents('app://chatkeep/index.html');
    return { sender: other, senderFrame: other.mainFrame };
  }
  if (from === 'subframe') {
    return { sender: own, senderFrame: new StandInWebFrame('app://chatkeep/frame.html', false) };
  }
  return { sender: own, senderFrame: own.mainFrame };
}

export type { Listener };
