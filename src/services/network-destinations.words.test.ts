import { describe, expect, it } from 'vitest';
import { DestinationSecretStore, destinationAccount } from '../app-backup/destination-secrets';
import { KeychainUnavailableError, type SecretVault } from '../app-backup/keychain';
import type { BackendLocation } from '../backup/backend/location';
import { BackendOfflineError, BackendUnavailableError, StorageError } from '../backup/errors';
import { describeProblem, TestedConnections } from './network-destinations';

/**
 * The plain words for faults a test server cannot easily be made to show (a full disk, a
 * server gone from DNS, no rclone), the credentials' keychain entry when no keychain answers,
 * and tested connections' one purpose. The real-server cases are in
 * network-destinations.test.ts.
 */
const dav: BackendLocation = {
  kind: 'webdav',
  url: 'https://cloud.example.org/dav/chatkeep',
  user: 'me',
};

describe('plain words for a failed test', () => {
  it('names a full server, a missing permission, an unknown host and a refused port', () => {
    expect(
      describeProblem(new StorageError('disk-full', 'chatkeeptest00', 'HTTP 507'), dav),
    ).toMatchObject({
      problem: 'no-space',
      message: expect.stringMatching(
        /^WebDAV on cloud\.example\.org\/dav\/chatkeep has no space left/,
      ),
    });
    expect(
      describeProblem(new StorageError('permission-denied', 'chatkeeptest00', 'HTTP 403'), dav),
    ).toMatchObject({ problem: 'permission' });
    expect(describeProblem(new BackendOfflineError('WebDAV on x', 'ENOTFOUND'), dav)).toMatchObject(
      {
        problem: 'server-not-found',
        message: expect.stringMatching(/^No server named cloud\.example\.org was found/),
      },
    );
    expect(
      describeProblem(new BackendOfflineError('WebDAV on x', 'ECONNREFUSED'), dav),
    ).toMatchObject({ problem: 'offline', message: expect.stringMatching(/^Nothing answered/) });
    expect(describeProblem(new BackendOfflineError('WebDAV on x', 'ETIMEDOUT'), dav)).toMatchObject(
      {
        problem: 'offline',
        message: expect.stringMatching(/cannot be reached\. Check that this computer is online/),
      },
    );
    const rclone = new BackendUnavailableError(
      'rclone is not installed: install it from rclone.org',
    );
    expect(describeProblem(rclone, { kind: 'rclone', remote: 'gdrive:Chatkeep' })).toEqual({
      ok: false,
      problem: 'no-rclone',
      message: 'rclone is not installed: install it from rclone.org',
    });
  });
});

describe('destination credentials', () => {
  it('stay in memory for the run when no keychain answers, and only known fields are kept', async () => {
    const writes: string[] = [];
    const vault: SecretVault = {
      get: () => Promise.reject(new KeychainUnavailableError('no keychain', 'test')),
      set: (account) => {
        writes.push(account);
        return Promise.reject(new KeychainUnavailableError('no keychain', 'test'));
      },
      delete: () => Promise.reject(new KeychainUnavailableError('no keychain', 'test')),
      accounts: () => Promise.resolve([]),
      available: () =>
        Promise.resolve({ ok: false, code: 'KEYCHAIN_UNAVAILABLE', reason: 'x', detail: 'x' }),
    };
    const store = new DestinationSecretStore(vault);
    await store.save(dav, {
      password: 'hunter2',
      rcloneConfig: '/etc/passwd',
    });
    expect(writes).toEqual([destinationAccount(dav)]);
    expect(await store.load(dav)).toEqual({ password: 'hunter2' });
    await store.forget(dav);
    expect(await store.load(dav)).toEqual({});
  });
});

describe('tested connections', () => {
  it('are good for the purpose they were tested for only', () => {
    const tested = new TestedConnections();
    const id = tested.add({ location: dav, credentials: {}, purpose: 'restore-source' });
    expect(tested.use(id, 'restore-source').location).toEqual(dav);
    expect(() => tested.use(id, 'backup-destination')).toThrow(/Test the connection again/);
    expect(() => tested.use('AAAAAAAAAAAAAAAA', 'restore-source')).toThrow(
      /Test the connection again/,
    );
  });
});
