import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BACKUP_FOLDER_NAME,
  DestinationError,
  detectDestinations,
  dropboxFoldersFromInfo,
  freeSpace,
  validateDestination,
  withTimeout,
} from './destinations.js';

let tmp: string;
let home: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
  home = path.join(tmp, 'home');
  fs.mkdirSync(home);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const mk = (...parts: string[]) => {
  const p = path.join(...parts);
  fs.mkdirSync(p, { recursive: true });
  return p;
};

describe('detectDestinations', () => {
  it('finds the macOS folders: iCloud, CloudStorage providers, and the legacy Dropbox symlink once', async () => {
    const icloud = mk(home, 'Library', 'Mobile Documents', 'com~apple~CloudDocs');
    const cs = mk(home, 'Library', 'CloudStorage');
    const gdrive = mk(cs, 'GoogleDrive-ann@example.com', 'My Drive');
    const od = mk(cs, 'OneDrive-Personal');
    const odWork = mk(cs, 'OneDrive-Contoso Ltd');
    const dropbox = mk(cs, 'Dropbox');
    fs.symlinkSync(dropbox, path.join(home, 'Dropbox'));
    mk(cs, 'SomethingElse');
    const existing = mk(gdrive, BACKUP_FOLDER_NAME);
    fs.writeFileSync(path.join(existing, 'config'), Buffer.from('CKCF\x01rest', 'latin1'));

    const found = await detectDestinations({
      homedir: home,
      platform: 'darwin',
      env: {},
      macVolumesDir: path.join(tmp, 'Volumes'),
    });
    expect(found.map((d) => [d.kind, d.label, d.root])).toEqual([
      ['icloud', 'iCloud Drive', icloud],
      ['dropbox', 'Dropbox', dropbox],
      ['onedrive', 'OneDrive – Contoso Ltd', odWork],
      ['onedrive', 'OneDrive', od],
      ['google-drive', 'Google Drive (ann@example.com)', gdrive],
    ]);
    const g = found.find((d) => d.kind === 'google-drive')!;
    expect(g.path).toBe(path.join(gdrive, BACKUP_FOLDER_NAME));
    expect(g).toMatchObject({ exists: true, hasBackup: true });
    expect(found[0]).toMatchObject({ exists: false, hasBackup: false });
    expect(found.every((d) => typeof d.freeBytes === 'number' && d.freeBytes > 0)).toBe(true);
  });

  it('reads Dropbox’s info.json (personal and business) wherever the folders are', async () => {
    const personal = mk(tmp, 'elsewhere', 'My Dropbox');
    const business = mk(tmp, 'elsewhere', 'Dropbox (Acme)');
    mk(home, '.dropbox');
    fs.writeFileSync(
      path.join(home, '.dropbox', 'info.json'),
      JSON.stringify({
        personal: { path: personal, host: 123, is_team: false },
        business: { path: business },
      }),
    );
    const found = await detectDestinations({ homedir: home, platform: 'linux', env: {} });
    expect(found.map((d) => [d.label, d.root, d.foundBy])).toEqual([
      ['Dropbox', personal, path.join(home, '.dropbox', 'info.json')],
      ['Dropbox (business)', business, path.join(home, '.dropbox', 'info.json')],
    ]);
  });

  it('ignores a damaged or odd info.json', async () => {
    const info = path.join(tmp, 'info.json');
    fs.writeFileSync(info, '{"personal": {"path": ');
    expect(await dropboxFoldersFromInfo(info)).toEqual([]);
    fs.writeFileSync(
      info,
      JSON.stringify({ personal: { path: 'relative/x' }, other: 7, list: [1] }),
    );
    expect(await dropboxFoldersFromInfo(info)).toEqual([]);
    expect(await dropboxFoldersFromInfo(path.join(tmp, 'missing.json'))).toEqual([]);
  });

  it('finds the Windows folders: %OneDrive% variables, iCloudDrive, a Google Drive virtual drive', async () => {
    const userprofile = mk(tmp, 'Users', 'ann');
    const icloud = mk(userprofile, 'iCloudDrive');
    const odWork = mk(tmp, 'OneDrive - Contoso');
    const odHome = mk(userprofile, 'OneDrive');
    const driveG = mk(tmp, 'G');
    const gMy = mk(driveG, 'My Drive');
    const driveH = mk(tmp, 'H'); // a drive without "My Drive" is not Google Drive
    const localAppData = mk(userprofile, 'AppData', 'Local');
    const dropbox = mk(tmp, 'D', 'Dropbox');
    mk(localAppData, 'Dropbox');
    fs.writeFileSync(
      path.join(localAppData, 'Dropbox', 'info.json'),
      JSON.stringify({ personal: { path: dropbox } }),
    );

    const found = await detectDestinations({
      homedir: path.join(tmp, 'wrong-home'),
      platform: 'win32',
      env: {
        USERPROFILE: userprofile,
        OneDriveCommercial: odWork,
        OneDrive: odHome,
        OneDriveConsumer: odHome,
        LOCALAPPDATA: localAppData,
      },
      windowsDriveRoots: [driveG, driveH],
    });
    expect(found.map((d) => [d.kind, d.label, d.root])).toEqual([
      ['icloud', 'iCloud Drive', icloud],
      ['dropbox', 'Dropbox', dropbox],
      ['onedrive', 'OneDrive (work or school)', odWork],
      ['onedrive', 'OneDrive', odHome],
      ['google-drive', `Google Drive (${driveG})`, gMy],
    ]);
  });

  it('prefers "Google Drive/My Drive" over its parent, and finds Linux folders', async () => {
    const my = mk(home, 'Google Drive', 'My Drive');
    mk(home, 'Nextcloud'); // not a provider we suggest (yet)
    const od = mk(home, 'OneDrive');
    const found = await detectDestinations({ homedir: home, platform: 'linux', env: {} });
    expect(found.map((d) => d.root)).toEqual([od, my]);
  });

  it('finds nothing in an empty home, and never creates anything', async () => {
    expect(
      await detectDestinations({
        homedir: home,
        platform: 'darwin',
        env: {},
        macVolumesDir: path.join(tmp, 'V'),
      }),
    ).toEqual([]);
    expect(
      await detectDestinations({
        homedir: home,
        platform: 'win32',
        env: {},
        windowsDriveRoots: [],
      }),
    ).toEqual([]);
    expect(fs.readdirSync(home)).toEqual([]);
  });
});

describe('freeSpace', () => {
  it('measures the nearest existing folder for a path not created yet', async () => {
    const free = await freeSpace(path.join(tmp, 'not', 'yet', 'there'));
    expect(free).toBeGreaterThan(0);
    const s = fs.statfsSync(tmp);
    expect(Math.abs(free! - s.bavail * s.bsize)).toBeLessThan(1024 ** 3);
  });
});

describe('validateDestination', () => {
  it('creates a missing folder, writes and removes a probe, and reports the folder', async () => {
    const target = path.join(tmp, 'cloud', 'Chatkeep Backup');
    const v = await validateDestination(target, { lowSpaceBytes: 1 });
    expect(v).toMatchObject({
      path: target,
      created: true,
      empty: true,
      lowSpace: false,
      hasBackup: false,
    });
    expect(v.freeBytes).toBeGreaterThan(0);
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('accepts an existing folder with content and says it is not empty; warns on low space', async () => {
    const target = mk(tmp, 'existing');
    fs.writeFileSync(path.join(target, 'config'), 'x');
    const v = await validateDestination(target, { lowSpaceBytes: Number.MAX_SAFE_INTEGER });
    expect(v).toMatchObject({ created: false, empty: false, lowSpace: true, hasBackup: false });
    fs.writeFileSync(path.join(target, 'config'), 'CKCF\u0001');
    expect((await validateDestination(target)).hasBackup).toBe(true);
    expect(fs.readdirSync(target)).toEqual(['config']);
  });

  const problemOf = async (p: string, opts = {}) => {
    const err = await validateDestination(p, opts).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DestinationError);
    expect((err as DestinationError).code).toBe('DESTINATION_UNUSABLE');
    return (err as DestinationError).problem;
  };

  it('names what is wrong: relative path, a file in the way, inside the store', async () => {
    expect(await problemOf('relative/backup')).toBe('not-absolute');
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    expect(await problemOf(file)).toBe('not-a-folder');
    expect(await problemOf(path.join(file, 'below'))).toBe('not-a-folder');
    const store = mk(tmp, 'store');
    expect(await problemOf(path.join(store, 'backup'), { storeDir: store })).toBe('inside-store');
    expect(await problemOf(tmp, { storeDir: store })).toBe('inside-store');
    const err = (await validateDestination(file).catch((e: unknown) => e)) as DestinationError;
    expect(err.message).toMatch(/not a folder is in the way/);
    expect(err.sentence).not.toContain(file);
  });

  // /sys refuses new folders even to root (EPERM); /proc answers ENOENT to a new folder (and
  // sends Node's own recursive mkdir into an endless loop, which makeFolders avoids).
  it.skipIf(process.platform !== 'linux')(
    'reports a folder it may not create, and leaves nothing behind (Linux /sys, /proc)',
    async () => {
      expect(await problemOf('/sys/chatkeep-test/backup')).toBe('not-writable');
      expect(await problemOf('/proc/chatkeep-test/backup')).toBe('unreachable');
      expect(fs.existsSync('/sys/chatkeep-test')).toBe(false);
    },
  );
});

describe('withTimeout', () => {
  it('settles with the work when it is quick, and stops waiting for work that hangs', async () => {
    expect(await withTimeout(Promise.resolve('done'), 1_000, () => 'late')).toBe('done');
    const hang = new Promise<string>(() => {});
    expect(await withTimeout(hang, 20, () => 'gave up')).toBe('gave up');
    await expect(
      withTimeout(hang, 20, () => {
        throw new DestinationError('unreachable', '/net/share', 'ETIMEDOUT');
      }),
    ).rejects.toMatchObject({ code: 'DESTINATION_UNUSABLE', problem: 'unreachable' });
  });
});
