import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStore } from '../src/seed';
import { APP_RESPONSE_HEADERS, CONTENT_SECURITY_POLICY } from '../src/main/security';
import { bootMain, type BootedMain } from './boot/boot-client';
import type { BootState as State, Fetched, Sent } from './boot/protocol';
import { assertBuilt, built } from './built';

/**
 * The Electron main process as users run it, proven without Electron: the *built* bundle
 * (out/main/index.js) boots in Node under a typed stand-in for the electron module
 * (stand-in/electron.ts), with its real services, real worker threads (the built worker
 * bundles), a real SQLite store and the real keychain. What only a real Electron can show
 * (Chromium enforcing the options and headers main sets) is listed in docs/security.md.
 */

const PASSWORD = 'violet tractor mango oblique 1987 quietly';
const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

beforeAll(() => assertBuilt());

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

const body = (r: Fetched) => Buffer.from(r.bodyBase64, 'base64');
const events = (sent: Sent[]) => sent.map((s) => s.args[0]);

describe('a second Chatkeep', () => {
  it('quits at once when another holds the single-instance lock, and starts nothing', async () => {
    const main = await bootMain({ dataDir: tempDir('ck-boot-second-'), singleInstance: false });
    try {
      const state = await main.call<State>({ op: 'state' });
      expect(state.requestedSingleInstanceLock).toBe(true);
      expect(state.quitRequested).toBe(1);
      expect(state.windows).toEqual([]);
      expect(state.ipcChannels).toEqual([]);
      expect(state.appListeners).not.toContain('before-quit');
      expect(state.startedWorkers).toBe(0);
    } finally {
      main.kill();
    }
  });
});

describe('a packaged Chatkeep', () => {
  it('refuses to start with a remote-debugging switch, before anything else', async () => {
    for (const switches of [['remote-debugging-port'], ['remote-debugging-pipe'], ['inspect']]) {
      const main = await bootMain({
        dataDir: tempDir('ck-boot-debug-'),
        packaged: true,
        switches,
      });
      try {
        const state = await main.call<State>({ op: 'state' });
        expect(state.exitCode, switches.join()).toBe(1);
        expect(state.requestedSingleInstanceLock).toBe(false);
        expect(state.privilegedSchemes).toEqual([]);
        expect(state.errors.join('\n')).toContain(`refusing to start with --${switches[0]}`);
      } finally {
        main.kill();
      }
    }
  });

  it('has no DevTools, and keeps its data folder and files to its user (0700 / 0600)', async () => {
    const dataDir = path.join(tempDir('ck-boot-packaged-'), 'Chatkeep');
    const main = await bootMain({ dataDir, packaged: true });
    try {
      await main.call({ op: 'ready' });
      const state = await main.call<State>({ op: 'state' });
      expect(state.exitCode).toBeNull();
      expect(state.windows[0]!.options.webPreferences?.devTools).toBe(false);
      // A setting saved through IPC writes backup-settings.json.
      const saved = await main.call<Reply>({
        op: 'invoke',
        from: 'own',
        channel: 'chatkeep:invoke',
        args: ['backup.updateSettings', { settings: { timeOfDay: '03:30' } }],
      });
      expect(saved.ok).toBe(true);
      const entries = ['.', ...(fs.readdirSync(dataDir, { recursive: true }) as string[])];
      const modes = Object.fromEntries(
        entries.map((name) => {
          const st = fs.statSync(path.join(dataDir, name));
          return [name, `${st.isDirectory() ? 'dir' : 'file'} ${(st.mode & 0o777).toString(8)}`];
        }),
      );
      expect(modes).toMatchObject({
        '.': 'dir 700',
        'chatkeep.db': 'file 600',
        'backup-settings.json': 'file 600',
      });
      for (const [name, mode] of Object.entries(modes)) {
        expect(mode, name).toMatch(/^(dir 700|file 600)$/);
      }
    } finally {
      main.kill();
    }
  });
});

describe('the first Chatkeep, booted from out/main/index.js', () => {
  let main: BootedMain;
  let dataDir: string;
  let backupDir: string;
  let mediaHash: string;

  const invoke = (channel: string, payload: unknown, from: Parameters<typeof call>[0] = 'own') =>
    call(from, channel, payload);
  const call = (
    from: 'own' | 'other-contents' | 'subframe' | 'foreign-page',
    channel: string,
    payload: unknown,
  ) =>
    main.call<Reply>({ op: 'invoke', from, channel: 'chatkeep:invoke', args: [channel, payload] });

  beforeAll(async () => {
    dataDir = tempDir('ck-boot-data-');
    backupDir = tempDir('ck-boot-backup-');
    generateStore({ out: dataDir, messages: 300, chats: 3, mediaMb: 1, seed: 5 });
    const shard = fs.readdirSync(path.join(dataDir, 'media')).find((d) => /^[0-9a-f]{2}$/.test(d))!;
    mediaHash = fs.readdirSync(path.join(dataDir, 'media', shard))[0]!;
    main = await bootMain({ dataDir });
    await main.call({ op: 'ready' });
  });

  afterAll(() => main?.kill());

  it('takes the single-instance lock and registers its two schemes before ready', async () => {
    const state = await main.call<State>({ op: 'state' });
    expect(state.requestedSingleInstanceLock).toBe(true);
    expect(state.quitRequested).toBe(0);
    expect(state.userData).toBe(path.resolve(dataDir));
    expect(state.privilegedSchemes.map((s) => s.scheme)).toEqual(['app', 'chatkeep-media']);
    expect(state.protocols.sort()).toEqual(['app', 'chatkeep-media']);
    expect(state.appListeners).toEqual(
      expect.arrayContaining(['second-instance', 'window-all-closed', 'activate', 'before-quit']),
    );
    expect(state.applicationMenu).toBe(true);
    expect(state.trays).toEqual([{ toolTip: 'Chatkeep' }]);
    // The store worker runs the built bundle, not a source file.
    expect(state.workerFiles).toEqual([built.workers[0]]);
    expect(state.errors).toEqual([]);
  });

  it('opens one window: sandboxed, isolated, no Node, web security on, the built preload', async () => {
    const [window, ...more] = (await main.call<State>({ op: 'state' })).windows;
    expect(more).toEqual([]);
    expect(window!.loadedUrl).toBe('app://chatkeep/index.html');
    const prefs = window!.options.webPreferences!;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      devTools: true,
    });
    // Nothing switches on Blink features or turns the sandbox's defences off.
    for (const absent of ['enableBlinkFeatures', 'additionalArguments']) {
      expect(prefs).not.toHaveProperty(absent);
    }
    expect(prefs.preload).toBe(built.preload);
    expect(fs.existsSync(prefs.preload as string)).toBe(true);
    expect(window!.hasWindowOpenHandler).toBe(true);
    expect(window!.listeners).toEqual(
      expect.arrayContaining(['will-navigate', 'will-redirect', 'will-attach-webview']),
    );
  });

  it('serves the built renderer on app:// with the CSP on the response, and nothing outside it', async () => {
    const index = await main.call<Fetched>({ op: 'fetch', url: 'app://chatkeep/' });
    expect(index.status).toBe(200);
    expect(body(index).equals(fs.readFileSync(path.join(built.renderer, 'index.html')))).toBe(true);
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.headers['x-content-type-options']).toBe(
      APP_RESPONSE_HEADERS['X-Content-Type-Options'],
    );
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    // The page's own meta policy says the same, but frame-ancestors (a meta policy cannot).
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(
      body(index).toString(),
    )![1]!;
    expect(meta.split('; ').sort()).toEqual(
      CONTENT_SECURITY_POLICY.split('; ')
        .filter((d) => !d.startsWith('frame-ancestors'))
        .sort(),
    );

    const script = /src="\.?\/?(assets\/[^"]+\.js)"/.exec(body(index).toString())![1]!;
    const asset = await main.call<Fetched>({ op: 'fetch', url: `app://chatkeep/${script}` });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(body(asset).equals(fs.readFileSync(path.join(built.renderer, script)))).toBe(true);

    for (const url of [
      'app://chatkeep/../../package.json',
      'app://chatkeep/%2e%2e/%2e%2e/package.json',
      'app://chatkeep/..%2f..%2fpackage.json',
      'app://chatkeep/assets/%00.js',
      'app://elsewhere/index.html',
    ]) {
      const refused = await main.call<Fetched>({ op: 'fetch', url });
      expect(refused.status, url).toBe(404);
      expect(refused.headers['content-security-policy'], url).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('serves media by content hash only, refusing traversal, with seeking', async () => {
    const file = path.join(dataDir, 'media', mediaHash.slice(0, 2), mediaHash);
    const media = await main.call<Fetched>({
      op: 'fetch',
      url: `chatkeep-media://media/${mediaHash}`,
    });
    expect(media.status).toBe(200);
    expect(createHash('sha256').update(body(media)).digest('hex')).toBe(mediaHash);
    expect(media.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    const part = await main.call<Fetched>({
      op: 'fetch',
      url: `chatkeep-media://media/${mediaHash}`,
      headers: { range: 'bytes=0-9' },
    });
    expect(part.status).toBe(206);
    expect(body(part).equals(fs.readFileSync(file).subarray(0, 10))).toBe(true);

    for (const url of [
      'chatkeep-media://media/../../etc/passwd',
      'chatkeep-media://media/..%2f..%2fetc%2fpasswd',
      `chatkeep-media://media/${mediaHash.slice(0, 2)}/${mediaHash}`,
      `chatkeep-media://media/..%2fchatkeep.db`,
      `chatkeep-media://media/${'0'.repeat(64)}`,
      `chatkeep-media://elsewhere/${mediaHash}`,
    ]) {
      expect((await main.call<Fetched>({ op: 'fetch', url })).status, url).toBe(404);
    }
  });

  it('denies navigation away, new windows, webviews and every permission', async () => {
    for (const event of ['will-navigate', 'will-redirect'] as const) {
      for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://chatkeep.evil/']) {
        expect(await main.call({ op: 'navigate', event, url }), `${event} ${url}`).toEqual({
          prevented: true,
        });
      }
      expect(
        await main.call({ op: 'navigate', event, url: 'app://chatkeep/index.html#/backup' }),
      ).toEqual({ prevented: false });
    }
    expect(await main.call({ op: 'windowOpen', url: 'https://example.com/' })).toEqual({
      result: { action: 'deny' },
      openedExternally: [],
    });
    expect(await main.call({ op: 'attachWebview' })).toEqual({ prevented: true });
    expect(await main.call({ op: 'permissions' })).toEqual({
      asked: false,
      checked: false,
      device: false,
    });
  });

  it('answers IPC from its own window only, and validates what it gets', async () => {
    expect(await invoke('app.getInfo', {})).toMatchObject({
      ok: true,
      value: { name: 'Chatkeep', shell: 'electron', mediaBaseUrl: 'chatkeep-media://media/' },
    });
    for (const from of ['other-contents', 'subframe', 'foreign-page'] as const) {
      expect(await call(from, 'app.getInfo', {}), from).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN_SENDER', message: 'Request refused.' },
      });
    }
    expect(await invoke('no.such.channel', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL' },
    });
    expect(await invoke('chats.list', { limit: 'all' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    // A dropped file's path becomes an import grant only from our own window.
    const drop = (from: 'own' | 'other-contents', file: string) =>
      main.call({ op: 'invoke', from, channel: 'chatkeep:grant-drop', args: [file] });
    const dropped = path.join(dataDir, 'chatkeep.db');
    expect(await drop('other-contents', dropped)).toBeNull();
    expect(await drop('own', 'relative/path.zip')).toBeNull();
    expect(await drop('own', dropped)).toMatchObject({ name: 'chatkeep.db' });
  });

  it("opens links only after main's own dialog, and only web links", async () => {
    await main.call({ op: 'answerMessageBox', response: 1 });
    expect(await invoke('app.openExternal', { url: 'https://example.com/a' })).toEqual({
      ok: true,
      value: { opened: false, declined: true },
    });
    await main.call({ op: 'answerMessageBox', response: 0 });
    expect(await invoke('app.openExternal', { url: 'https://example.com/b' })).toEqual({
      ok: true,
      value: { opened: true },
    });
    expect(await invoke('app.openExternal', { url: 'file:///etc/passwd' })).toEqual({
      ok: true,
      value: { opened: false },
    });
    expect(await main.call({ op: 'opened' })).toEqual(['https://example.com/b']);
    const asked = await main.call<{ message: string; detail: string }[]>({ op: 'messageBoxes' });
    expect(asked.map((a) => a.detail)).toEqual([
      'example.com\n\nhttps://example.com/a',
      'example.com\n\nhttps://example.com/b',
    ]);
  });

  it('tray and power events drive backups: set-up, Back Up Now, resume', async () => {
    await main.call({ op: 'sent' });
    // Backups off: the tray's Back Up Now shows where to turn them on.
    expect(await main.call({ op: 'trayMenu' })).toEqual([
      'Backups are off',
      '',
      'Back Up Now',
      'Open Chatkeep',
      '',
      'Quit Chatkeep',
    ]);
    await main.call({ op: 'trayClick', label: 'Back Up Now' });
    expect(events(await main.call<Sent[]>({ op: 'sent' }))).toEqual(['app.navigate']);
    // And with no schedule yet, waking the computer changes nothing.
    await main.call({ op: 'power', event: 'resume' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events(await main.call<Sent[]>({ op: 'sent' }))).toEqual([]);

    // Turn backups on through IPC, as the set-up wizard does.
    await main.call({ op: 'answerOpenDialog', path: backupDir });
    const picked = await invoke('files.pick', { purpose: 'backup-folder' });
    expect(picked.ok).toBe(true);
    const grantId = (picked as { value: { grantId: string } }).value.grantId;
    const setup = await invoke('backup.setup', {
      destinationGrantId: grantId,
      secret: { password: PASSWORD },
    });
    expect(setup).toMatchObject({ ok: true, value: { taskId: expect.any(String) } });
    const finished = await main.call<Sent[]>({
      op: 'waitForSent',
      channelEvent: 'task.finished',
      ms: 90_000,
    });
    expect(finished[0]!.args[1]).toMatchObject({ kind: 'backup', outcome: 'done' });
    expect(fs.readdirSync(backupDir)).toContain('config');

    // Waking up now re-plans the schedule: the page hears about it.
    await main.call({ op: 'sent' });
    await main.call({ op: 'power', event: 'resume' });
    const changed = await main.call<Sent[]>({ op: 'waitForSent', channelEvent: 'backup.changed' });
    expect(changed[0]!.args[1]).toMatchObject({ configured: true, nextRunAt: expect.any(Number) });
    // Power changes are listened to (the scheduler starts a backup waiting for AC power on
    // them: src/app-backup/scheduler.test.ts).
    const state = await main.call<State>({ op: 'state' });
    expect(state.powerListeners).toEqual(expect.arrayContaining(['resume', 'on-ac', 'on-battery']));

    // The tray's status line and Back Up Now follow the backup.
    const menu = await main.call<string[]>({ op: 'trayMenu' });
    expect(menu[0]).toMatch(/^Last backup: /);
    await main.call({ op: 'sent' });
    await main.call({ op: 'trayClick', label: 'Back Up Now' });
    const second = await main.call<Sent[]>({
      op: 'waitForSent',
      channelEvent: 'task.finished',
      ms: 90_000,
    });
    expect(second[0]!.args[1]).toMatchObject({ kind: 'backup', outcome: 'done' });
  });

  it('stays in the tray when the window is closed while backups are on', async () => {
    expect(await main.call({ op: 'closeWindow' })).toEqual({ prevented: true, visible: false });
  });

  it('on quit, stops every worker thread and closes the store; the process then ends by itself', async () => {
    // Keep this computer's keychain as it was.
    expect((await invoke('backup.forgetComputer', {})).ok).toBe(true);
    const before = await main.call<State>({ op: 'state' });
    expect(before.liveWorkers).toBeGreaterThanOrEqual(2);
    expect(fs.existsSync(path.join(dataDir, 'chatkeep.db-wal'))).toBe(true);

    const quit = await main.call<{ quitted: boolean; liveWorkers: number; startedWorkers: number }>(
      { op: 'quit' },
    );
    expect(quit).toMatchObject({ quitted: true, liveWorkers: 0 });
    // Every worker main started ran a built bundle beside index.js.
    const { workerFiles } = await main.call<State>({ op: 'state' });
    expect(workerFiles.sort()).toEqual([built.workers[1], built.workers[0]].sort());
    // SQLite removes the write-ahead log when the last connection closes cleanly.
    expect(fs.existsSync(path.join(dataDir, 'chatkeep.db-wal'))).toBe(false);
    // Nothing of main's keeps the process alive: no worker, no timer, no handle.
    main.disconnect();
    const code = await Promise.race([
      main.exited(),
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 10_000)),
    ]);
    expect(code, main.output()).toBe(0);
  });
});
