/**
 * Runs in a child Node process (see boot-client.ts): boots the *built* main bundle under the
 * electron stand-in, then plays Electron and the person on the parent's request, answering with
 * what main did. Started as
 *   node --import tsx --import ./shell-proof/stand-in/register.mjs shell-proof/boot/harness.ts
 * with the scenario in SHELL_PROOF_* environment variables.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as WorkerThreads from 'node:worker_threads';
import type { Worker as NodeWorker } from 'node:worker_threads';
import type * as StandIn from '../stand-in/electron';
import type { BootReply, BootRequest, BootState, Sender } from './protocol';

// ---- every worker thread main starts, to see that quitting ends them all ----
const workerThreads = createRequire(import.meta.url)('node:worker_threads') as typeof WorkerThreads;
const liveWorkers = new Set<NodeWorker>();
let startedWorkers = 0;
const workerFiles = new Set<string>();
const OriginalWorker = workerThreads.Worker;
class TrackedWorker extends OriginalWorker {
  constructor(...args: ConstructorParameters<typeof OriginalWorker>) {
    super(...args);
    startedWorkers++;
    workerFiles.add(String(args[0]));
    liveWorkers.add(this);
    this.once('exit', () => liveWorkers.delete(this));
  }
}
workerThreads.Worker = TrackedWorker;
// The bundle's `import { Worker } from 'node:worker_threads'` sees the tracked class.
syncBuiltinESMExports();

// Through the resolve hook, exactly as the bundle gets it.
const electron = (await import('electron')) as unknown as typeof StandIn;
const { standIn, invokeEvent } = electron;

standIn.isPackaged = process.env.SHELL_PROOF_PACKAGED === '1';
standIn.singleInstanceLock = process.env.SHELL_PROOF_SINGLE_INSTANCE !== '0';
for (const name of (process.env.SHELL_PROOF_SWITCHES ?? '').split(',').filter(Boolean)) {
  standIn.switches.add(name);
}

const mainBundle = path.resolve(process.env.SHELL_PROOF_MAIN ?? 'out/main/index.js');
const errors: string[] = [];
const originalError = console.error;
console.error = (...args: unknown[]) => {
  errors.push(args.map(String).join(' '));
  originalError(...args);
};
await import(pathToFileURL(mainBundle).href);

const window = () => {
  const w = standIn.windows.at(-1);
  if (!w) throw new Error('main opened no window');
  return w;
};

/** Everything main sent to the window since the last call. */
let sentSeen = 0;
function newlySent() {
  const sent = standIn.windows.flatMap((w) => w.webContents.sent);
  const fresh = sent.slice(sentSeen);
  sentSeen = sent.length;
  return fresh;
}

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function responseView(response: Response) {
  const body = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    bodyBase64: body.toString('base64'),
  };
}

function menuItems(template: unknown): { label: string; click?: () => void }[] {
  return (template as { label?: string; click?: () => void }[]).map((item) => ({
    label: item.label ?? '',
    click: item.click,
  }));
}

async function invoke(from: Sender, channel: string, args: unknown[]) {
  const handler = standIn.ipcHandlers.get(channel);
  if (!handler) throw new Error(`no IPC handler for ${channel}`);
  const w = window();
  const ownUrl = w.webContents.mainFrame.url;
  if (from === 'foreign-page') w.webContents.mainFrame.url = 'https://evil.example/';
  try {
    const event = invokeEvent(w, from === 'foreign-page' ? 'own' : from);
    return await handler(event as never, ...args);
  } finally {
    w.webContents.mainFrame.url = ownUrl;
  }
}

const ops: { [K in BootRequest['op']]: (req: Extract<BootRequest, { op: K }>) => unknown } = {
  state: () =>
    ({
      requestedSingleInstanceLock: standIn.requestedSingleInstanceLock,
      quitRequested: standIn.quitRequested,
      quitted: standIn.quitted,
      exitCode: standIn.exitCode,
      userData: standIn.paths.get('userData'),
      privilegedSchemes: standIn.privilegedSchemes,
      protocols: [...standIn.protocolHandlers.keys()],
      ipcChannels: [...standIn.ipcHandlers.keys()],
      windows: standIn.windows.map((w) => ({
        options: w.options,
        loadedUrl: w.loadedUrl,
        visible: w.visible,
        hasWindowOpenHandler: w.webContents.windowOpenHandler !== null,
        listeners: w.webContents.eventNames().map(String),
      })),
      appListeners: electron.app.eventNames().map(String),
      powerListeners: electron.powerMonitor.eventNames().map(String),
      applicationMenu: standIn.applicationMenu !== null,
      trays: standIn.trays.map((t) => ({ toolTip: t.toolTip })),
      permissionHandlers: {
        request: standIn.permissionRequestHandler !== null,
        check: standIn.permissionCheckHandler !== null,
        device: standIn.devicePermissionHandler !== null,
      },
      startedWorkers,
      workerFiles: [...workerFiles],
      liveWorkers: liveWorkers.size,
      errors,
    }) satisfies BootState,
  ready: async () => {
    standIn.readyResolve?.();
    // Ready when main has opened its window and wired IPC (start() is async).
    await until(
      () => (standIn.ipcHandlers.size > 0 && standIn.trays.length > 0) || standIn.exitCode !== null,
      'main to finish starting',
    );
    if (standIn.exitCode !== null) {
      throw new Error(`main exited with code ${standIn.exitCode}: ${errors.join(' | ')}`);
    }
    return null;
  },
  fetch: async ({ url, headers }) => {
    const scheme = new URL(url).protocol.replace(/:$/, '');
    const handler = standIn.protocolHandlers.get(scheme);
    if (!handler) throw new Error(`no protocol handler for ${scheme}`);
    return responseView(await handler(new Request(url, { headers })));
  },
  navigate: ({ event, url }) => {
    let prevented = false;
    window().webContents.emit(event, { preventDefault: () => (prevented = true) }, url);
    return { prevented };
  },
  windowOpen: ({ url }) => {
    const handler = window().webContents.windowOpenHandler;
    if (!handler) throw new Error('no window open handler');
    const opened = standIn.opened.length;
    const result = handler({ url } as never);
    return { result, openedExternally: standIn.opened.slice(opened) };
  },
  attachWebview: () => {
    let prevented = false;
    window().webContents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    return { prevented };
  },
  permissions: async () => {
    const contents = window().webContents as never;
    const asked = await new Promise<boolean>((resolve) =>
      standIn.permissionRequestHandler!(contents, 'clipboard-sanitized-write', resolve, {
        requestingUrl: 'app://chatkeep/index.html',
      } as never),
    );
    const checked = standIn.permissionCheckHandler!(contents, 'clipboard-read', 'app://chatkeep', {
      requestingUrl: 'app://chatkeep/index.html',
    } as never);
    const device = standIn.devicePermissionHandler!({ deviceType: 'usb' } as never);
    return { asked, checked, device };
  },
  invoke: async ({ from, channel, args }) => invoke(from, channel, args),
  answerOpenDialog: ({ path: answer }) => {
    standIn.openDialogAnswers.push(answer);
    return null;
  },
  answerMessageBox: ({ response }) => {
    standIn.messageBoxAnswers.push(response);
    return null;
  },
  sent: () => newlySent(),
  waitForSent: async ({ channelEvent, ms }) => {
    const found: unknown[] = [];
    await until(
      () => {
        found.push(...newlySent().filter((s) => s.args[0] === channelEvent));
        return found.length > 0;
      },
      `main to send ${channelEvent}`,
      ms,
    );
    return found;
  },
  power: ({ event }) => {
    electron.powerMonitor.emit(event);
    return null;
  },
  trayMenu: () => {
    const tray = standIn.trays.at(-1)!;
    tray.emit('mouse-move');
    return menuItems(tray.contextMenu?.template ?? []).map((item) => item.label);
  },
  trayClick: ({ label }) => {
    const tray = standIn.trays.at(-1)!;
    const item = menuItems(tray.contextMenu?.template ?? []).find((i) => i.label === label);
    if (!item?.click) throw new Error(`no tray menu item "${label}"`);
    item.click();
    return null;
  },
  messageBoxes: () => standIn.messageBoxes.map((m) => ({ message: m.message, detail: m.detail })),
  opened: () => standIn.opened,
  clipboard: () => standIn.clipboard,
  closeWindow: () => {
    let prevented = false;
    window().emit('close', { preventDefault: () => (prevented = true) });
    return { prevented, visible: window().visible };
  },
  quit: async () => {
    electron.app.quit();
    await until(() => standIn.quitted, 'the app to quit');
    await until(() => liveWorkers.size === 0, 'every worker thread to end', 10_000).catch(
      () => undefined,
    );
    return { quitted: standIn.quitted, liveWorkers: liveWorkers.size, startedWorkers };
  },
};

process.on('message', (message: BootRequest & { id: number }) => {
  const { id } = message;
  const op = ops[message.op] as (req: BootRequest) => unknown;
  Promise.resolve()
    .then(() => op(message))
    .then(
      (value) => process.send!({ id, ok: true, value } satisfies BootReply),
      (error: unknown) =>
        process.send!({
          id,
          ok: false,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        } satisfies BootReply),
    );
});
process.send!({ id: 0, ok: true, value: 'booted' } satisfies BootReply);
