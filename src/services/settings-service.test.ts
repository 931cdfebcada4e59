import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectSyncedFolders, validateDestination } from '../app-backup/destinations';
import { buildArchiveFixture } from '../export/testing/archive-fixture';
import type { TaskFinished, TaskProgress } from '../shared/task-types';
import { createAppServices, type AppServices } from './app-services';
import {
  LOCATION_FILE,
  MOVED_FOLDER_NAME,
  PREFERENCES_FILE,
  isChatkeepEntry,
  listDataFiles,
} from './data-folder';
import { dispatch } from './dispatch';
import { PreferencesFile, gatedNotify } from './preferences';

/**
 * Settings as the renderer drives it, through dispatch: preferences, the data folder (its size,
 * a move that copies, checks, switches and removes the old copy, and one that fails on purpose
 * and loses nothing), and "Delete all data from this computer".
 */
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Started {
  services: AppServices;
  picks: (string | null)[];
  revealed: string[];
  login: { enabled: boolean };
}

async function start(
  home: string,
  extra: { afterDataCopy?(to: string): Promise<void>; answers?: boolean[] } = {},
): Promise<Started> {
  const picks: (string | null)[] = [];
  const revealed: string[] = [];
  const login = { enabled: false };
  const services = await createAppServices({
    dataDir: home,
    info: {
      name: 'Chatkeep',
      version: '0.0.0-test',
      platform: process.platform,
      shell: 'bridge',
      mediaBaseUrl: '/media/',
    },
    platform: {
      openExternal: async () => {},
      pickPath: async () => picks.shift() ?? null,
      saveText: async () => true,
      revealPath: (p) => void revealed.push(p),
      getStartAtLogin: () => login.enabled,
      setStartAtLogin: (on) => {
        login.enabled = on;
      },
      confirmDeleteAllData: async () => extra.answers?.shift() ?? true,
    },
    folders: { detect: () => detectSyncedFolders(), validate: (dir) => validateDestination(dir) },
    schedule: false,
    afterDataCopy: extra.afterDataCopy,
  });
  let closed = false;
  cleanup.push(() => (closed ? undefined : services.close()));
  const close = services.close.bind(services);
  services.close = async () => {
    closed = true;
    await close();
  };
  return { services, picks, revealed, login };
}

async function call(services: AppServices, channel: string, payload: unknown) {
  const reply = await dispatch(services.handlers, channel, payload);
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  return reply.value as never;
}

function finished(services: AppServices, taskId: string, onProgress?: (p: TaskProgress) => void) {
  return new Promise<TaskFinished>((resolve) => {
    const off = services.bus.subscribe((event, payload) => {
      if (event === 'task.progress' && (payload as TaskProgress).taskId === taskId) {
        onProgress?.(payload as TaskProgress);
      }
      if (event === 'task.finished' && (payload as TaskFinished).taskId === taskId) {
        off();
        resolve(payload as TaskFinished);
      }
    });
  });
}

async function chatTotal(services: AppServices): Promise<number> {
  return ((await call(services, 'chats.list', {})) as { total: number }).total;
}

describe('Settings through the app services', () => {
  it('saves preferences and start at login, and keeps them across a restart', async () => {
    const home = tempDir('ck-set-home-');
    const first = await start(home);
    const view = (await call(first.services, 'settings.update', {
      theme: 'dark',
      textSize: 'large',
      timeFormat: '24h',
      notifications: false,
      startAtLogin: true,
    })) as { preferences: Record<string, unknown>; startAtLogin: boolean };
    expect(view.preferences).toEqual({
      theme: 'dark',
      textSize: 'large',
      timeFormat: '24h',
      notifications: false,
    });
    expect(first.login.enabled).toBe(true);
    await expect(call(first.services, 'settings.update', { theme: 'pink' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await first.services.close();

    const second = await start(home);
    const again = (await call(second.services, 'settings.get', {})) as {
      preferences: Record<string, unknown>;
    };
    expect(again.preferences.theme).toBe('dark');
    expect(again.preferences.timeFormat).toBe('24h');
  });

  it('reads a damaged preferences file as the defaults instead of refusing to start', async () => {
    const home = tempDir('ck-set-bad-');
    fs.writeFileSync(path.join(home, PREFERENCES_FILE), '{"theme": "dark", "textSize": 9');
    const { services } = await start(home);
    const view = (await call(services, 'settings.get', {})) as {
      preferences: Record<string, unknown>;
    };
    expect(view.preferences.theme).toBe('system');
  });

  it('shows the data folder with its size, and in the file manager', async () => {
    const home = tempDir('ck-set-size-');
    buildArchiveFixture(home);
    const { services, revealed } = await start(home);
    const folder = (await call(services, 'settings.dataFolder', {})) as {
      path: string;
      bytes: number;
      files: number;
      moved: boolean;
    };
    const files = await listDataFiles(home);
    expect(folder).toMatchObject({ path: home, moved: false, files: files.length });
    expect(folder.bytes).toBe(files.reduce((n, f) => n + f.size, 0));
    expect(folder.bytes).toBeGreaterThan(10_000);
    expect(await call(services, 'settings.revealDataFolder', {})).toEqual({ shown: true });
    expect(revealed).toEqual([home]);
  });

  it('moves the data folder: copies, checks, switches, removes the old copy; a restart finds it', async () => {
    const home = tempDir('ck-set-move-');
    buildArchiveFixture(home);
    const before = await listDataFiles(home);
    const picked = tempDir('ck-set-dest-');
    fs.writeFileSync(path.join(picked, 'their-notes.txt'), 'untouched');
    const { services, picks } = await start(home);
    const chats = await chatTotal(services);
    expect(chats).toBeGreaterThan(0);

    picks.push(picked);
    const grant = (await call(services, 'files.pick', { purpose: 'data-folder' })) as {
      grantId: string;
    };
    const phases = new Set<string>();
    let lastBytes = 0;
    const { taskId } = (await call(services, 'settings.moveDataFolder', {
      destinationGrantId: grant.grantId,
    })) as { taskId: string };
    const done = await finished(services, taskId, (p) => {
      phases.add(p.phase);
      if (p.phase === 'copy') lastBytes = p.bytesDone;
    });
    expect(done.outcome, done.error?.message).toBe('done');
    expect([...phases]).toEqual(expect.arrayContaining(['copy', 'verify-copy']));
    expect(lastBytes).toBe(before.reduce((n, f) => n + f.size, 0));

    const moved = path.join(picked, MOVED_FOLDER_NAME);
    expect(await chatTotal(services)).toBe(chats);
    const folder = (await call(services, 'settings.dataFolder', {})) as { path: string };
    expect(folder.path).toBe(moved);
    expect(fs.readdirSync(home).filter(isChatkeepEntry)).toEqual([]);
    expect(fs.readFileSync(path.join(picked, 'their-notes.txt'), 'utf8')).toBe('untouched');
    expect(JSON.parse(fs.readFileSync(path.join(home, LOCATION_FILE), 'utf8'))).toEqual({
      format: 1,
      path: moved,
    });
    await services.close();

    const again = await start(home);
    expect(await chatTotal(again.services)).toBe(chats);
    expect(
      ((await call(again.services, 'settings.dataFolder', {})) as { moved: boolean }).moved,
    ).toBe(true);
  });

  it('loses nothing when the copy turns out damaged: the old folder stays in use', async () => {
    const home = tempDir('ck-set-fault-');
    buildArchiveFixture(home);
    const picked = tempDir('ck-set-fault-dest-');
    const { services, picks } = await start(home, {
      // A disk that writes something other than what it was given.
      afterDataCopy: async (to) => {
        const db = path.join(to, 'chatkeep.db');
        const bytes = fs.readFileSync(db);
        bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
        fs.writeFileSync(db, bytes);
      },
    });
    const chats = await chatTotal(services);
    picks.push(picked);
    const grant = (await call(services, 'files.pick', { purpose: 'data-folder' })) as {
      grantId: string;
    };
    const { taskId } = (await call(services, 'settings.moveDataFolder', {
      destinationGrantId: grant.grantId,
    })) as { taskId: string };
    const done = await finished(services, taskId);
    expect(done.outcome).toBe('failed');
    expect(done.error?.code).toBe('DATA_MOVE_COPY_MISMATCH');
    expect(done.error?.message).toMatch(/kept your data where it was/);

    expect(await chatTotal(services)).toBe(chats);
    expect(((await call(services, 'settings.dataFolder', {})) as { path: string }).path).toBe(home);
    expect(fs.existsSync(path.join(home, LOCATION_FILE))).toBe(false);
    expect(fs.readdirSync(picked)).toEqual([]);
    await services.close();
    // And the next start opens the same, whole store.
    const again = await start(home);
    expect(await chatTotal(again.services)).toBe(chats);
  });

  it('refuses a destination inside the data folder before closing anything', async () => {
    const home = tempDir('ck-set-inside-');
    buildArchiveFixture(home);
    fs.mkdirSync(path.join(home, 'inside'));
    const { services, picks } = await start(home);
    picks.push(path.join(home, 'inside'));
    const grant = (await call(services, 'files.pick', { purpose: 'data-folder' })) as {
      grantId: string;
    };
    await expect(
      call(services, 'settings.moveDataFolder', { destinationGrantId: grant.grantId }),
    ).rejects.toMatchObject({ code: 'DATA_MOVE_TARGET_INSIDE' });
    // A grant for another job cannot be used to move the data.
    picks.push(tempDir('ck-set-other-'));
    const other = (await call(services, 'files.pick', { purpose: 'export-folder' })) as {
      grantId: string;
    };
    await expect(
      call(services, 'settings.moveDataFolder', { destinationGrantId: other.grantId }),
    ).rejects.toMatchObject({ code: 'GRANT_WRONG_PURPOSE' });
    expect(await chatTotal(services)).toBeGreaterThan(0);
  });

  it('deletes all data only with the typed confirmation, leaving a fresh empty store', async () => {
    const home = tempDir('ck-set-delete-');
    buildArchiveFixture(home);
    fs.writeFileSync(path.join(home, 'Cookies'), 'a file of the browser engine, not ours');
    const { services } = await start(home, { answers: [false] });
    await call(services, 'settings.update', { theme: 'dark' });
    expect(await chatTotal(services)).toBeGreaterThan(0);
    await expect(
      call(services, 'settings.deleteAllData', { confirmation: 'yes' }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await chatTotal(services)).toBeGreaterThan(0);
    // The person says no in main's own dialog: nothing goes.
    expect(await call(services, 'settings.deleteAllData', { confirmation: 'delete' })).toEqual({
      deleted: false,
    });
    expect(await chatTotal(services)).toBeGreaterThan(0);

    expect(await call(services, 'settings.deleteAllData', { confirmation: 'delete' })).toEqual({
      deleted: true,
    });
    expect(await chatTotal(services)).toBe(0);
    const view = (await call(services, 'settings.get', {})) as {
      preferences: { theme: string };
    };
    expect(view.preferences.theme).toBe('system');
    expect((await listDataFiles(home)).filter((f) => f.rel.startsWith('media'))).toEqual([]);
    expect(fs.readFileSync(path.join(home, 'Cookies'), 'utf8')).toMatch(/browser engine/);
  });

  it('keeps nothing of its own in the data folder that a move or a delete would miss', async () => {
    const home = tempDir('ck-set-entries-');
    buildArchiveFixture(home);
    const { services } = await start(home);
    await call(services, 'settings.update', { theme: 'light' });
    await call(services, 'backup.status', {});
    await services.close();
    const known = new Set([LOCATION_FILE, PREFERENCES_FILE]);
    const strays = fs.readdirSync(home).filter((n) => !isChatkeepEntry(n) && !known.has(n));
    expect(strays).toEqual([]);
    expect(fs.readdirSync(home).filter(isChatkeepEntry)).toEqual(
      expect.arrayContaining(['chatkeep.db', 'media']),
    );
  });

  it('refuses to move the data folder while a task runs, and moves nothing', async () => {
    const home = tempDir('ck-set-busy-');
    buildArchiveFixture(home);
    const { services, picks } = await start(home);
    picks.push(tempDir('ck-set-busy-export-'), tempDir('ck-set-busy-dest-'));
    const exportGrant = (await call(services, 'files.pick', { purpose: 'export-folder' })) as {
      grantId: string;
    };
    const moveGrant = (await call(services, 'files.pick', { purpose: 'data-folder' })) as {
      grantId: string;
    };
    const { taskId } = (await call(services, 'export.start', {
      chats: 'all',
      format: 'txt',
      mediaTypes: [],
      destinationGrantId: exportGrant.grantId,
    })) as { taskId: string };
    const exported = finished(services, taskId);
    await expect(
      call(services, 'settings.moveDataFolder', { destinationGrantId: moveGrant.grantId }),
    ).rejects.toMatchObject({ code: 'DATA_BUSY', message: expect.stringMatching(/busy/) });
    expect((await exported).outcome).toBe('done');
    expect(((await call(services, 'settings.dataFolder', {})) as { path: string }).path).toBe(home);
  });
});

describe('after the app closes', () => {
  it('answers a late request from the closed services instead of waiting forever', async () => {
    const { services } = await start(tempDir('ck-set-late-'));
    await services.close();
    const reply = await Promise.race([
      dispatch(services.handlers, 'backup.forgetComputer', {}),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 5_000)),
    ]);
    expect(reply).not.toBe('hung');
  });
});

describe('the notifications switch', () => {
  it('passes notifications on only while they are turned on', async () => {
    const home = tempDir('ck-set-notify-');
    const preferences = new PreferencesFile(home);
    await preferences.load();
    const shown: string[] = [];
    const notify = gatedNotify((title) => void shown.push(title), preferences)!;
    notify('Backup failed', 'The folder is missing');
    await preferences.update({ notifications: false });
    notify('Time for a password check', '');
    await preferences.update({ notifications: true });
    notify('Backup failed again', '');
    expect(shown).toEqual(['Backup failed', 'Backup failed again']);
    expect(gatedNotify(undefined, preferences)).toBeUndefined();
  });
});
