import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFolderBackend } from '../backup/backend/folder';
import { encodeLock } from '../backup/engine/locks';
import { RepoKeys } from '../backup/crypto/repo-keys';
import { Repository } from '../backup/repository';
import { generateStore } from '../seed';
import type { BackupStatusView, RestoreSessionView } from '../shared/backup-types';
import type { TaskFinished } from '../shared/task-types';
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
 * What the app does when its backup folder misbehaves (issue: a backup that survives its
 * folder): a second way in by default, scheduled backups that go on past damaged files with a
 * Repair action, a lock left by another computer that can be taken over, and restores that
 * know the newest snapshot this computer saw.
 */
const PASSWORD = 'correct horse battery staple 42';
const cleanup = cleanupAfterEach();

const tempDir = (prefix: string): string => tempDirFor(cleanup, prefix);
const start = (dataDir: string, picks: string[]): Promise<AppServices> =>
  startTestServices(dataDir, { cleanup, picks, kdf: WEAK_KDF });

/** Starts a task and waits for its end (listening first: a quick task may end at once). */
async function run(services: AppServices, channel: string): Promise<TaskFinished> {
  const ended = new Map<string, TaskFinished>();
  const waiters = new Map<string, (f: TaskFinished) => void>();
  const off = services.bus.subscribe((event, payload) => {
    if (event !== 'task.finished') return;
    const f = payload as TaskFinished;
    ended.set(f.taskId, f);
    waiters.get(f.taskId)?.(f);
  });
  try {
    const { taskId } = await call<{ taskId: string }>(services, channel, {});
    return await new Promise<TaskFinished>((resolve) => {
      const done = ended.get(taskId);
      if (done) resolve(done);
      else waiters.set(taskId, resolve);
    });
  } finally {
    off();
  }
}

/** A store backed up once with a password and the recovery key offered by default. */
async function configured() {
  const store = tempDir('ck-safe-store-');
  const repo = tempDir('ck-safe-repo-');
  generateStore({ out: store, messages: 400, chats: 4, mediaMb: 1, seed: 3 });
  const app = await start(store, [repo]);
  cleanup.push(async () => {
    await call(app, 'backup.forgetComputer', {}).catch(() => undefined);
  });
  const grant = await call<{ grantId: string }>(app, 'files.pick', { purpose: 'backup-folder' });
  const { recoveryKey } = await call<{ recoveryKey: string }>(
    app,
    'backup.generateRecoveryKey',
    {},
  );
  const { taskId } = await call<{ taskId: string }>(app, 'backup.setup', {
    destinationGrantId: grant.grantId,
    secret: { password: PASSWORD },
    recoveryKey,
  });
  const done = await finished(app, taskId);
  expect(done.outcome, done.error?.message).toBe('done');
  return { app, store, repo, recoveryKey };
}

describe('the app and a misbehaving backup folder', () => {
  it('sets up with a password and the recovery key: either one opens the backup', async () => {
    const { repo, recoveryKey } = await configured();
    const backend = createFolderBackend(repo);
    const byKey = await Repository.open(backend, { recoveryKey });
    const byPassword = await Repository.open(backend, { password: PASSWORD });
    expect(byKey.repoId).toBe(byPassword.repoId);
    expect((await byKey.listKeys()).map((k) => k.kind).sort()).toEqual(['password', 'recovery']);
  });

  it('backs up past a damaged older snapshot, offers Repair, and Repair clears it', async () => {
    const first = await configured();
    const { repo, store } = first;
    expect((await run(first.app, 'backup.runNow')).outcome).toBe('done');
    await first.app.close();
    const repoObj = await Repository.open(createFolderBackend(repo), { password: PASSWORD });
    const oldest = (await repoObj.snapshots())[0]!;
    const file = path.join(repo, 'snapshots', oldest.id);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length >> 1]! ^= 0x40;
    fs.writeFileSync(file, bytes);
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(file, old, old);

    // The next day: the app starts again and its scheduled backup runs.
    const app = await start(store, []);
    const next = await run(app, 'backup.runNow');
    expect(next.outcome, next.error?.message).toBe('done');
    let status = await call<BackupStatusView>(app, 'backup.status', {});
    expect(status.problem).toMatchObject({ code: 'REPO_DAMAGED', action: 'repair' });
    expect(status.problem?.message).toMatch(/1 file of your backup is damaged/);

    const repaired = await run(app, 'backup.repair');
    expect(repaired.outcome, repaired.error?.message).toBe('done');
    expect(repaired.summary).toMatch(/repaired/);
    status = await call<BackupStatusView>(app, 'backup.status', {});
    expect(status.problem).toBeNull();
    expect(fs.existsSync(path.join(repo, 'damaged', 'snapshots', oldest.id))).toBe(true);
  });

  it('another computer left a lock: the page names it and offers to take over', async () => {
    const { app, repo } = await configured();
    const opened = await Repository.open(createFolderBackend(repo), { password: PASSWORD });
    const keys = new RepoKeys(
      Buffer.from(opened.exportMasterKey()),
      Buffer.from(opened.repoId, 'hex'),
    );
    await createFolderBackend(repo).writeAtomic(
      `locks/${'e'.repeat(64)}`,
      encodeLock(keys, {
        host: 'family-desktop',
        pid: 4242,
        time: Date.now() - 15 * 60_000,
        exclusive: true,
      }),
    );
    const blocked = await run(app, 'backup.runNow');
    expect(blocked.outcome).toBe('failed');
    expect(blocked.error?.code).toBe('REPO_LOCKED');
    let status = await call<BackupStatusView>(app, 'backup.status', {});
    expect(status.problem).toMatchObject({ code: 'REPO_LOCKED', action: 'take-over' });
    expect(status.problem?.message).toMatch(
      /Another computer \(family-desktop\) has been backing up here since/,
    );
    status = await call<BackupStatusView>(app, 'backup.takeOverLock', {});
    expect(fs.readdirSync(path.join(repo, 'locks'))).toEqual([]);
    expect((await run(app, 'backup.runNow')).outcome).toBe('done');
  });

  it('restore knows the newest snapshot this computer saw: a first open says it cannot tell, a rollback is refused', async () => {
    const { app: first0, repo } = await configured();
    // Another computer: nothing about this backup in its keychain (both share this test's).
    await call(first0, 'backup.forgetComputer', {});
    const store = tempDir('ck-safe-new-');
    const app = await start(store, [repo, repo, repo]);
    const pick = () => call<{ grantId: string }>(app, 'files.pick', { purpose: 'restore-folder' });
    const first = await call<RestoreSessionView>(app, 'restore.open', {
      folderGrantId: (await pick()).grantId,
      secret: { password: PASSWORD },
    });
    expect(first.warning).toMatch(/has not opened this backup before/);
    const again = await call<RestoreSessionView>(app, 'restore.open', {
      folderGrantId: (await pick()).grantId,
      secret: { password: PASSWORD },
    });
    expect(again.warning).toBeNull();
    // The folder goes back: its newest snapshot disappears.
    fs.rmSync(path.join(repo, 'snapshots', first.snapshots[0]!.id));
    await expect(
      call(app, 'restore.open', {
        folderGrantId: (await pick()).grantId,
        secret: { password: PASSWORD },
      }),
    ).rejects.toMatchObject({ code: 'ROLLBACK_DETECTED' });
  });
});
