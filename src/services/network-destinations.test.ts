import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { destinationAccount, DestinationSecretStore } from '../app-backup/destination-secrets';
import { KeytarVault } from '../app-backup/keychain';
import { SETTINGS_FILE_NAME } from '../app-backup/settings';
import {
  freePort,
  missingBinary,
  RCLONE,
  SSHD,
  startRcloneWebdav,
  startS3rver,
  startSshd,
  type TestServer,
} from '../backup/backend/testing/servers';
import { generateStore } from '../seed';
import type {
  BackupStatusView,
  ConnectionTestView,
  RestoreFolderView,
} from '../shared/backup-types';
import type { AppServices } from './app-services';
import {
  call,
  finished,
  startTestServices,
  tempDirFor,
  cleanupAfterEach,
  WEAK_KDF,
} from './testing/services-harness';

/**
 * Network destinations in the app's services: "Test connection" against real servers (rclone
 * serve webdav, OpenSSH's sshd, s3rver) with its plain-word problems, set-up and restore through
 * a tested connection, and where the credentials end up (the keychain, never the settings
 * file). Real workers and the system keychain (gnome-keyring in CI).
 */
const cleanup = cleanupAfterEach();

const PASSWORD = 'correct horse battery staple 42';

const tempDir = (prefix: string): string => tempDirFor(cleanup, prefix);
const start = (dataDir: string, picks: string[] = []): Promise<AppServices> =>
  startTestServices(dataDir, { cleanup, picks, kdf: WEAK_KDF });

async function server(startIt: () => Promise<TestServer>): Promise<TestServer> {
  const s = await startIt();
  cleanup.push(() => s.stop());
  return s;
}

const test = (s: AppServices, request: Record<string, unknown>) =>
  call<ConnectionTestView>(s, 'backup.testConnection', request);

describe('network destinations in the app', { timeout: 120_000 }, () => {
  it.skipIf(missingBinary(RCLONE, 'rclone'))(
    'WebDAV: a wrong password is named, the right one backs up with the password only in the keychain, and a new computer restores from it',
    async () => {
      const dav = await server(startRcloneWebdav);
      const store = tempDir('ck-net-a-');
      generateStore({ out: store, messages: 300, chats: 3, mediaMb: 1, seed: 5 });
      const a = await start(store);

      const wrong = await test(a, {
        purpose: 'backup-destination',
        location: dav.location,
        credentials: { password: 'not-the-password' },
      });
      expect(wrong).toMatchObject({ ok: false, problem: 'wrong-password' });
      expect(wrong.ok === false && wrong.message).toMatch(
        /did not accept the user name and password/,
      );

      const right = await test(a, {
        purpose: 'backup-destination',
        location: dav.location,
        credentials: { password: dav.credentials.password },
      });
      expect(right).toMatchObject({ ok: true, hasBackup: false });
      if (!right.ok) throw new Error('unreachable');
      expect(right.label).toMatch(/^WebDAV on 127\.0\.0\.1:\d+\/repo$/);

      // A connection id is for one purpose: it cannot open a restore, nor come with a folder.
      await expect(
        call(a, 'restore.inspect', { connectionId: right.connectionId }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(
        call(a, 'backup.setup', {
          connectionId: right.connectionId,
          destinationGrantId: 'AAAAAAAAAAAAAAAAAAAAAA',
          secret: { password: PASSWORD },
        }),
      ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });

      const { taskId } = await call<{ taskId: string }>(a, 'backup.setup', {
        connectionId: right.connectionId,
        secret: { password: PASSWORD },
      });
      const done = await finished(a, taskId);
      expect(done.outcome, done.error?.message).toBe('done');
      const status = await call<BackupStatusView>(a, 'backup.status', {});
      expect(status.destination?.label).toBe(right.label);

      // The settings file names the location, never the password; the keychain holds it.
      const settingsText = readFileSync(path.join(store, SETTINGS_FILE_NAME), 'utf8');
      expect(settingsText).toContain('"kind": "webdav"');
      expect(settingsText).not.toContain(dav.credentials.password!);
      const kept = await new DestinationSecretStore(new KeytarVault()).load(dav.location);
      expect(kept.password).toBe(dav.credentials.password);

      // A second backup signs in from the keychain alone.
      const again = await call<{ taskId: string }>(a, 'backup.runNow', {});
      expect((await finished(a, again.taskId)).outcome).toBe('done');

      // Setting up there again is refused before anything is written: a backup is there.
      const taken = await test(a, {
        purpose: 'backup-destination',
        location: dav.location,
        credentials: { password: dav.credentials.password },
      });
      expect(taken).toMatchObject({ ok: false, problem: 'invalid' });
      expect(taken.ok === false && taken.message).toMatch(/already a Chatkeep backup/);

      // A new computer: test, inspect, open, restore, keep backing up there.
      const b = await start(tempDir('ck-net-b-'));
      const source = await test(b, {
        purpose: 'restore-source',
        location: dav.location,
        credentials: { password: dav.credentials.password },
      });
      expect(source).toMatchObject({ ok: true, hasBackup: true });
      if (!source.ok) throw new Error('unreachable');
      expect(
        await call<RestoreFolderView>(b, 'restore.inspect', { connectionId: source.connectionId }),
      ).toEqual({ found: true, opensWith: { password: true, recoveryKey: false } });
      const session = await call<{ sessionId: string; snapshots: { id: string }[] }>(
        b,
        'restore.open',
        { connectionId: source.connectionId, secret: { password: PASSWORD } },
      );
      // Two backups the same day: the default retention keeps the newest of the day.
      expect(session.snapshots).toHaveLength(1);
      const restore = await call<{ taskId: string }>(b, 'restore.start', {
        sessionId: session.sessionId,
        snapshotId: session.snapshots[0]!.id,
        mediaGroups: ['photos'],
      });
      const restored = await finished(b, restore.taskId);
      expect(restored.outcome, restored.error?.message).toBe('done');
      expect(restored.summary).toMatch(/^Restored 3 chats, 300 messages/);
      const adopted = await call<BackupStatusView>(b, 'restore.adopt', {
        sessionId: session.sessionId,
        secret: { password: PASSWORD },
      });
      expect(adopted.configured).toBe(true);
      expect(adopted.destination?.label).toBe(right.label);
      const next = await call<{ taskId: string }>(b, 'backup.runNow', {});
      const nextDone = await finished(b, next.taskId);
      expect(nextDone.outcome, nextDone.error?.message).toBe('done');

      // Turning backups off removes the server's password from the keychain.
      await call(b, 'backup.turnOff', { current: { password: PASSWORD } });
      const vault = new KeytarVault();
      expect(await vault.get(destinationAccount(dav.location))).toBeNull();
    },
  );

  it.skipIf(missingBinary(SSHD, 'openssh-server'))(
    'SFTP: the host key is shown to confirm on first use, and a changed key is refused',
    async () => {
      const sshd = (await server(startSshd)) as Awaited<ReturnType<typeof startSshd>>;
      const keyDir = tempDir('ck-net-key-');
      const keyFile = path.join(keyDir, 'id_ed25519');
      writeFileSync(keyFile, sshd.userKey, { mode: 0o600 });
      const a = await start(tempDir('ck-net-sftp-'), Array<string>(5).fill(keyFile));
      const keyGrant = async () =>
        (await call<{ grantId: string }>(a, 'files.pick', { purpose: 'ssh-key' })).grantId;

      const first = await test(a, {
        purpose: 'backup-destination',
        location: sshd.location,
        credentials: { privateKeyGrantId: await keyGrant() },
      });
      expect(first).toEqual({
        ok: false,
        problem: 'host-key-unknown',
        message: expect.stringMatching(/has not connected to 127\.0\.0\.1 before/),
        fingerprint: sshd.fingerprint,
      });

      const trusted = await test(a, {
        purpose: 'backup-destination',
        location: sshd.location,
        credentials: { privateKeyGrantId: await keyGrant() },
        trustHostKey: sshd.fingerprint,
      });
      expect(trusted).toMatchObject({ ok: true, hasBackup: false });

      // Another key was pinned for this server on an earlier run: the one it shows now is
      // refused, even when the request offers to trust it.
      await new DestinationSecretStore(new KeytarVault()).save(sshd.location, {
        hostKey: `SHA256:${'A'.repeat(43)}`,
      });
      cleanup.push(async () => {
        await new DestinationSecretStore(new KeytarVault()).forget(sshd.location);
      });
      const changed = await test(a, {
        purpose: 'backup-destination',
        location: sshd.location,
        credentials: { privateKeyGrantId: await keyGrant() },
        trustHostKey: sshd.fingerprint,
      });
      expect(changed).toMatchObject({
        ok: false,
        problem: 'host-key-changed',
        fingerprint: sshd.fingerprint,
      });
      // Only the explicit "the server was reinstalled" answer, with the key it shows, gets in.
      const replaced = await test(a, {
        purpose: 'backup-destination',
        location: sshd.location,
        credentials: { privateKeyGrantId: await keyGrant() },
        replaceHostKey: sshd.fingerprint,
      });
      expect(replaced).toMatchObject({ ok: true });
      const wrongReplacement = await test(a, {
        purpose: 'backup-destination',
        location: sshd.location,
        credentials: { privateKeyGrantId: await keyGrant() },
        replaceHostKey: `SHA256:${'B'.repeat(43)}`,
      });
      expect(wrongReplacement).toMatchObject({ ok: false, problem: 'host-key-changed' });
    },
  );

  it('S3 and unreachable servers: bucket missing, offline and server not found in plain words', async () => {
    const s3 = await server(() => startS3rver({ bucket: 'chatkeep' }));
    const a = await start(tempDir('ck-net-s3-'));
    const s3Location = s3.location as { kind: 's3'; endpoint: string };
    const missing = await test(a, {
      purpose: 'backup-destination',
      location: { ...s3Location, bucket: 'no-such-bucket', prefix: '' },
      credentials: {
        accessKeyId: s3.credentials.accessKeyId,
        secretAccessKey: s3.credentials.secretAccessKey,
      },
    });
    expect(missing).toMatchObject({ ok: false, problem: 'not-found' });
    expect(missing.ok === false && missing.message).toMatch(
      /bucket "no-such-bucket" does not exist/,
    );

    const ok = await test(a, {
      purpose: 'backup-destination',
      location: s3.location,
      credentials: {
        accessKeyId: s3.credentials.accessKeyId,
        secretAccessKey: s3.credentials.secretAccessKey,
      },
    });
    expect(ok).toMatchObject({ ok: true });

    const closedPort = await freePort();
    const offline = await test(a, {
      purpose: 'backup-destination',
      location: { kind: 'webdav', url: `http://127.0.0.1:${closedPort}/dav`, user: 'me' },
      credentials: { password: 'x' },
    });
    expect(offline).toMatchObject({ ok: false, problem: 'offline' });
    expect(offline.ok === false && offline.message).toMatch(/Nothing answered at 127\.0\.0\.1/);

    const unknown = await test(a, {
      purpose: 'backup-destination',
      location: { kind: 'webdav', url: 'https://no-such-server.invalid/dav', user: 'me' },
      credentials: { password: 'x' },
    });
    expect(unknown).toMatchObject({ ok: false, problem: 'server-not-found' });

    // The contract refuses what the forms never send.
    await expect(
      test(a, {
        purpose: 'backup-destination',
        location: { kind: 'folder', path: '/etc' },
        credentials: {},
      }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(
      test(a, {
        purpose: 'backup-destination',
        location: { kind: 'webdav', url: 'https://me:secret@host/dav' },
        credentials: {},
      }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(
      test(a, {
        purpose: 'backup-destination',
        location: s3.location,
        credentials: { sessionToken: 'x' },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
