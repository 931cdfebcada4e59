import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFolderBackend } from '../backup/backend/folder.js';
import { Repository } from '../backup/repository.js';
import { TEST_KDF } from '../backup/test-support.js';
import { looksLikeChatkeepBackup, validateDestination } from './destinations.js';
import { KeytarVault, RepoKeyStore, type KeytarLike } from './keychain.js';

/**
 * The app-backup pieces against the real backup engine: a folder chosen and validated, a
 * repository created in it, its master key kept by RepoKeyStore (here in this run's memory,
 * as when no keychain is reachable) and used to open the repository again without a password.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const noKeychain: KeytarLike = {
  getPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  setPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  deletePassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  findCredentials: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
};

describe('app-backup with the real backup engine', () => {
  it('validates a folder, recognises the repository made in it, and reopens it with the kept key', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
    dirs.push(root);
    const folder = path.join(root, 'Dropbox', 'Chatkeep Backup');
    expect(await validateDestination(folder)).toMatchObject({ created: true, hasBackup: false });

    const { repo } = await Repository.init(
      createFolderBackend(folder),
      { password: 'correct horse' },
      { kdf: TEST_KDF, insecureTestKdf: true },
    );
    const keys = new RepoKeyStore(new KeytarVault({ loadKeytar: async () => noKeychain }));
    expect(await keys.saveMasterKey('r1', repo.exportMasterKey())).toBe('session');
    await repo.close();

    expect(await looksLikeChatkeepBackup(folder)).toBe(true);
    expect(await validateDestination(folder)).toMatchObject({
      created: false,
      empty: false,
      hasBackup: true,
    });

    const key = await keys.loadMasterKey('r1');
    expect(key?.length).toBe(32);
    const reopened = await Repository.openWithMasterKey(createFolderBackend(folder), key!);
    key!.fill(0);
    expect(await reopened.snapshots()).toEqual([]);
    await reopened.close();
  });
});
