import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateDestination } from '../app-backup/destinations';
import { SETTINGS_FILE_NAME } from '../app-backup/settings';
import { createFolderBackend } from '../backup/backend/folder';
import { Repository } from '../backup/repository';
import { generateStore } from '../seed';
import type { BackupStatusView, DestinationView } from '../shared/backup-types';
import type { TaskFinished } from '../shared/task-types';
import type { AppServices } from './app-services';
import type { DetectedFolder } from './backup-service';
import {
  call as callServices,
  finished as servicesFinished,
  startTestServices,
  tempDirFor,
  cleanupAfterEach,
  WEAK_KDF,
} from './testing/services-harness';

/**
 * The renderer is untrusted: it shows messages anyone can send. These requests are what a
 * compromised renderer would send to undo someone's backups without knowing the password. Each
 * must be refused with a typed error and leave everything as it was: the settings file byte for
 * byte, the backup folder file for file, the key slots, the key this computer keeps.
 */
const PASSWORD = 'correct horse battery staple 42';
const WRONG = { password: 'not the password, but strong 1987' };
const cleanup = cleanupAfterEach();

const tempDir = (prefix: string): string => tempDirFor(cleanup, prefix);

interface Harness {
  app: AppServices;
  picks: string[];
  detected: DetectedFolder[];
  answers: boolean[];
  clipboard: string[];
}

async function start(dataDir: string): Promise<Harness> {
  const h = { picks: [], detected: [], answers: [], clipboard: [] } as unknown as Harness;
  h.app = await startTestServices(dataDir, {
    cleanup,
    picks: h.picks,
    platform: {
      confirmDestination: async () => h.answers.shift() ?? false,
      copyText: (text) => void h.clipboard.push(text),
    },
    folders: { detect: async () => h.detected, validate: (dir) => validateDestination(dir) },
    kdf: WEAK_KDF,
  });
  return h;
}

const call = <T>(h: Harness, channel: string, payload: unknown): Promise<T> =>
  callServices<T>(h.app, channel, payload);
const finished = (h: Harness, taskId: string): Promise<TaskFinished> =>
  servicesFinished(h.app, taskId);

async function pick(h: Harness, folder: string, purpose = 'backup-folder') {
  h.picks.push(folder);
  return call<{ grantId: string }>(h, 'files.pick', { purpose });
}

/** Every file of a folder with its size and bytes' hash-free fingerprint (size + mtime). */
function listing(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((name) => {
      const st = fs.statSync(path.join(dir, name));
      return st.isFile() ? `${name} ${st.size} ${st.mtimeMs}` : `${name}/`;
    })
    .sort();
}

/** A store backed up once, with the password and a recovery key. */
async function configured() {
  const store = tempDir('ck-distrust-store-');
  const repo = tempDir('ck-distrust-repo-');
  generateStore({ out: store, messages: 300, chats: 3, mediaMb: 1, seed: 11 });
  const h = await start(store);
  cleanup.push(async () => {
    await call(h, 'backup.forgetComputer', {}).catch(() => undefined);
  });
  const grant = await pick(h, repo);
  const { recoveryKey } = await call<{ recoveryKey: string }>(h, 'backup.generateRecoveryKey', {});
  const { taskId } = await call<{ taskId: string }>(h, 'backup.setup', {
    destinationGrantId: grant.grantId,
    secret: { password: PASSWORD },
    recoveryKey,
  });
  expect((await finished(h, taskId)).outcome).toBe('done');
  // The scheduler writes the run's outcome down just after the task ends.
  const settingsFile = path.join(store, SETTINGS_FILE_NAME);
  await expect
    .poll(() => /"lastSuccessAt": \d+/.test(fs.readFileSync(settingsFile, 'utf8')))
    .toBe(true);
  return { h, store, repo, recoveryKey };
}

/** What must not change when a request is refused. */
async function everything(h: Harness, store: string, repo: string) {
  const status = await call<BackupStatusView>(h, 'backup.status', {});
  const opened = await Repository.open(createFolderBackend(repo), { password: PASSWORD });
  const slots = (await opened.listKeys()).map((k) => `${k.kind}:${k.id}`).sort();
  await opened.close();
  return {
    settingsFile: fs.readFileSync(path.join(store, SETTINGS_FILE_NAME), 'utf8'),
    repo: listing(repo),
    slots,
    configured: status.configured,
    locked: status.locked,
    destination: status.destination,
    settings: status.settings,
  };
}

describe('a renderer that does not know the password', () => {
  it('cannot move, thin out, stop or turn off backups; with the password it can', async () => {
    const { h, store, repo } = await configured();
    const elsewhere = tempDir('ck-distrust-elsewhere-');
    const before = await everything(h, store, repo);

    const refusals: [string, unknown, string][] = [];
    const attempt = async (channel: string, payload: unknown) => {
      const error = await call(h, channel, payload).then(
        () => null,
        (e: { code?: string }) => e,
      );
      refusals.push([channel, payload, error?.code ?? 'ACCEPTED']);
    };

    const moveTo = async () => (await pick(h, elsewhere)).grantId;
    const newSetup = { secret: { password: 'a new password for the attacker 2031' } };
    await attempt('backup.setup', { ...newSetup, destinationGrantId: await moveTo() });
    await attempt('backup.setup', {
      ...newSetup,
      destinationGrantId: await moveTo(),
      current: WRONG,
    });
    const forgetAll = { keepDaily: 0, keepWeekly: 0, keepMonthly: 0 };
    await attempt('backup.updateSettings', { settings: { retention: forgetAll } });
    await attempt('backup.updateSettings', { settings: { retention: forgetAll }, current: WRONG });
    await attempt('backup.updateSettings', {
      settings: { retention: { ...before.settings.retention, keepMonthly: 0 } },
    });
    await attempt('backup.updateSettings', { settings: { frequency: 'manual' } });
    await attempt('backup.updateSettings', { settings: { frequency: 'manual' }, current: WRONG });
    await attempt('backup.turnOff', {});
    await attempt('backup.turnOff', { current: WRONG });
    await attempt('backup.changePassword', {
      current: { password: PASSWORD },
      newPassword: 'x',
    });

    expect(refusals.map(([channel, , code]) => `${channel} ${code}`)).toEqual([
      'backup.setup SECRET_REQUIRED',
      'backup.setup WRONG_SECRET',
      'backup.updateSettings SECRET_REQUIRED',
      'backup.updateSettings WRONG_SECRET',
      'backup.updateSettings SECRET_REQUIRED',
      'backup.updateSettings SECRET_REQUIRED',
      'backup.updateSettings WRONG_SECRET',
      'backup.turnOff SECRET_REQUIRED',
      'backup.turnOff WRONG_SECRET',
      'backup.changePassword WEAK_PASSWORD',
    ]);
    expect(await everything(h, store, repo)).toEqual(before);
    expect(fs.readdirSync(elsewhere)).toEqual([]);

    // Changes that keep more, or keep backups running, need nothing.
    const more = { keepDaily: 30, keepWeekly: 10, keepMonthly: 24 };
    await call(h, 'backup.updateSettings', { settings: { retention: more, frequency: 'weekly' } });

    // The same requests with the password go through: the guard checks, it does not block.
    const fewest = { keepDaily: 1, keepWeekly: 0, keepMonthly: 0 };
    const narrowed = await call<{ retention: unknown; frequency: string }>(
      h,
      'backup.updateSettings',
      { settings: { retention: fewest, frequency: 'manual' }, current: { password: PASSWORD } },
    );
    expect(narrowed).toMatchObject({ retention: fewest, frequency: 'manual' });
    const moved = await call<{ taskId: string }>(h, 'backup.setup', {
      ...newSetup,
      destinationGrantId: await moveTo(),
      current: { password: PASSWORD },
    });
    expect((await finished(h, moved.taskId)).outcome).toBe('done');
    const status = await call<BackupStatusView>(h, 'backup.status', {});
    expect(status.destination?.path).toBe(elsewhere);
    // The old backup is left as it was: moving never deletes.
    expect(listing(repo)).toEqual(before.repo);
    await call(h, 'backup.turnOff', { current: newSetup.secret });
    expect((await call<BackupStatusView>(h, 'backup.status', {})).configured).toBe(false);
  });

  it('cannot re-encrypt the backup without the password; with it, old key files open nothing written after', async () => {
    const { h, store, repo } = await configured();
    const before = await everything(h, store, repo);
    const codes: string[] = [];
    for (const payload of [{}, { current: WRONG }]) {
      await call(h, 'backup.reencrypt', payload).then(
        () => codes.push('ACCEPTED'),
        (e: { code?: string }) => codes.push(e.code ?? 'ERROR'),
      );
    }
    expect(codes[0]).not.toBe('ACCEPTED');
    expect(codes[1]).toBe('WRONG_SECRET');
    expect(await everything(h, store, repo)).toEqual(before);

    // A password change moves to a new key; re-encryption then rewrites what came before.
    const next = 'a different strong password 2032';
    await call(h, 'backup.changePassword', { current: { password: PASSWORD }, newPassword: next });
    const opened = await Repository.open(createFolderBackend(repo), { password: next });
    expect((await opened.listKeys()).map((k) => k.epoch)).toEqual([1, 1]);
    await opened.close();
    const { taskId } = await call<{ taskId: string }>(h, 'backup.reencrypt', {
      current: { password: next },
    });
    const done = await finished(h, taskId);
    expect(done.outcome).toBe('done');
    expect(done.summary).toMatch(/newest key/);
    const after = await Repository.open(createFolderBackend(repo), { password: next });
    const snaps = await after.snapshots();
    expect(snaps).toHaveLength(1);
    expect((await after.check({ readData: true })).ok).toBe(true);
    await after.close();
  });

  it('cannot set up backups with a weak password, nor reuse a grant for another purpose', async () => {
    const store = tempDir('ck-distrust-new-');
    const repo = tempDir('ck-distrust-repo-');
    const h = await start(store);
    const forBackup = await pick(h, repo);
    await expect(
      call(h, 'backup.setup', { destinationGrantId: forBackup.grantId, secret: { password: 'x' } }),
    ).rejects.toMatchObject({ code: 'WEAK_PASSWORD', message: expect.stringMatching(/guess/) });
    await expect(
      call(h, 'backup.setup', {
        destinationGrantId: forBackup.grantId,
        secret: { password: 'password123' },
      }),
    ).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });

    const forImport = await pick(h, repo, 'import-folder');
    const forRestore = await pick(h, repo, 'restore-folder');
    for (const grant of [forImport, forRestore]) {
      await expect(
        call(h, 'backup.setup', {
          destinationGrantId: grant.grantId,
          secret: { password: PASSWORD },
        }),
      ).rejects.toMatchObject({ code: 'GRANT_WRONG_PURPOSE' });
    }
    await expect(call(h, 'import.inspect', { grantId: forBackup.grantId })).rejects.toMatchObject({
      code: 'GRANT_WRONG_PURPOSE',
    });
    expect(fs.readdirSync(repo)).toEqual([]);
    expect((await call<BackupStatusView>(h, 'backup.status', {})).configured).toBe(false);
  });

  it('cannot back up to a synced folder Chatkeep found unless the person confirms it in main', async () => {
    const store = tempDir('ck-distrust-found-');
    const cloud = tempDir('ck-distrust-cloud-');
    const h = await start(store);
    h.detected.push({ kind: 'dropbox', label: 'Dropbox', path: cloud, freeBytes: null });
    const [offer] = await call<DestinationView[]>(h, 'backup.destinations', {});
    h.answers.push(false);
    await expect(
      call(h, 'backup.setup', {
        destinationGrantId: offer!.grantId,
        secret: { password: PASSWORD },
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(fs.readdirSync(cloud)).toEqual([]);
    // Offered for restoring, the same folder cannot be backed up to at all.
    const [forRestore] = await call<DestinationView[]>(h, 'backup.destinations', {
      purpose: 'restore-folder',
    });
    await expect(
      call(h, 'backup.setup', {
        destinationGrantId: forRestore!.grantId,
        secret: { password: PASSWORD },
      }),
    ).rejects.toMatchObject({ code: 'GRANT_WRONG_PURPOSE' });
    expect(fs.readdirSync(cloud)).toEqual([]);

    h.answers.push(true);
    const { taskId } = await call<{ taskId: string }>(h, 'backup.setup', {
      destinationGrantId: offer!.grantId,
      secret: { password: PASSWORD },
    });
    cleanup.push(async () => {
      await call(h, 'backup.forgetComputer', {}).catch(() => undefined);
    });
    expect((await finished(h, taskId)).outcome).toBe('done');
    expect(fs.readdirSync(cloud)).toContain('config');
  });

  it('has main copy only a recovery key main showed', async () => {
    const store = tempDir('ck-distrust-copy-');
    const h = await start(store);
    await expect(
      call(h, 'backup.copyRecoveryKey', { recoveryKey: 'ab'.repeat(32) }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(h.clipboard).toEqual([]);
    const { recoveryKey } = await call<{ recoveryKey: string }>(
      h,
      'backup.generateRecoveryKey',
      {},
    );
    // However the renderer spells it, main puts the key on the clipboard in groups of four.
    await call(h, 'backup.copyRecoveryKey', { recoveryKey: recoveryKey.toUpperCase() });
    expect(h.clipboard).toEqual([recoveryKey.split('-').join(' ')]);
  });
});
