import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SchedulerClock } from '../app-backup/scheduler';
import { EARLY_INTERVAL_MS } from '../app-backup/secret-check';
import { generateStore } from '../seed';
import type { BackupStatusView, RestoreFolderView } from '../shared/backup-types';
import type { TaskFinished, TaskProgress } from '../shared/task-types';
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
 * After a restore on a new computer: the folder check that comes before any password, "keep
 * backing up to this folder" (adoption, no new set-up, an incremental next backup) and the
 * "do you still remember your password?" check with an injected clock. Real workers, real
 * folders, the system keychain (gnome-keyring in CI).
 */
const cleanup = cleanupAfterEach();

const PASSWORD = 'correct horse battery staple 42';
const ALL_MEDIA = ['photos', 'videos', 'audio', 'documents', 'stickers'];

const tempDir = (prefix: string): string => tempDirFor(cleanup, prefix);
const start = (
  dataDir: string,
  picks: string[],
  now?: () => number,
  schedulerClock?: SchedulerClock,
): Promise<AppServices> =>
  startTestServices(dataDir, { cleanup, picks, kdf: WEAK_KDF, now, schedulerClock });

function folderBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(path.join(e.parentPath, e.name)).size, 0);
}

async function pick(services: AppServices, purpose: string): Promise<string> {
  return (await call<{ grantId: string }>(services, 'files.pick', { purpose })).grantId;
}

/** A computer that backed up `repo` with PASSWORD, then forgot it (keychain entries removed). */
async function oldComputer(repo: string): Promise<void> {
  const store = tempDir('ck-adopt-a-');
  generateStore({ out: store, messages: 600, chats: 4, mediaMb: 2, seed: 11 });
  const a = await start(store, [repo]);
  const { taskId } = await call<{ taskId: string }>(a, 'backup.setup', {
    destinationGrantId: await pick(a, 'backup-folder'),
    secret: { password: PASSWORD },
    settings: { mediaGroups: ALL_MEDIA },
  });
  const done = await finished(a, taskId);
  expect(done.outcome, done.error?.message).toBe('done');
  // The lost laptop's keychain is not on the new computer.
  await call(a, 'backup.forgetComputer', {});
  await a.close();
}

describe('restore, then keep backing up', () => {
  it('says what a folder holds before any password', async () => {
    const repo = tempDir('ck-adopt-repo-');
    const empty = tempDir('ck-adopt-empty-');
    const photos = tempDir('ck-adopt-photos-');
    writeFileSync(path.join(photos, 'holiday.jpg'), 'not a backup');
    await oldComputer(repo);
    const b = await start(tempDir('ck-adopt-b-'), [empty, photos, repo, path.join(empty, 'gone')]);
    const inspect = async () =>
      call<RestoreFolderView>(b, 'restore.inspect', {
        folderGrantId: await pick(b, 'restore-folder'),
      });
    expect(await inspect()).toMatchObject({ found: false, reason: 'empty' });
    const other = await inspect();
    expect(other).toMatchObject({ found: false, reason: 'not-a-backup' });
    expect(other.found === false && other.message).toMatch(/^This folder has no Chatkeep backup/);
    expect(await inspect()).toEqual({
      found: true,
      opensWith: { password: true, recoveryKey: false },
    });
    expect(await inspect()).toMatchObject({ found: false, reason: 'missing' });
    await expect(
      call(b, 'restore.inspect', { folderGrantId: '/etc', extra: 1 }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('adopts the backup it restored from; the next backup adds well under 10 %', async () => {
    const repo = tempDir('ck-adopt-repo-');
    await oldComputer(repo);
    const firstBytes = folderBytes(repo);

    let clock = Date.UTC(2026, 5, 1, 9);
    const b = await start(tempDir('ck-adopt-b-'), [repo], () => clock);
    const folderGrantId = await pick(b, 'restore-folder');
    const session = await call<{ sessionId: string; snapshots: { id: string; time: number }[] }>(
      b,
      'restore.open',
      { folderGrantId, secret: { password: PASSWORD } },
    );
    const restore = await call<{ taskId: string }>(b, 'restore.start', {
      sessionId: session.sessionId,
      snapshotId: session.snapshots[0]!.id,
      mediaGroups: ALL_MEDIA,
    });
    expect((await finished(b, restore.taskId)).outcome).toBe('done');

    // Adoption stores the key: a wrong password is refused and changes nothing.
    await expect(
      call(b, 'restore.adopt', { sessionId: session.sessionId, secret: { password: 'nope' } }),
    ).rejects.toMatchObject({ code: 'WRONG_SECRET' });
    expect((await call<BackupStatusView>(b, 'backup.status', {})).configured).toBe(false);

    const adopted = await call<BackupStatusView>(b, 'restore.adopt', {
      sessionId: session.sessionId,
      secret: { password: PASSWORD },
    });
    expect(adopted.configured).toBe(true);
    expect(adopted.locked).toBe(false);
    expect(adopted.lastSuccess?.time).toBe(session.snapshots[0]!.time);
    expect(adopted.settings.mediaGroups).toContain('videos');
    expect(adopted.secretCheck).toEqual({ due: false, nextDueAt: clock + EARLY_INTERVAL_MS });

    // "Back up now" with no password: the key is in this computer's keychain now.
    const before = folderBytes(repo);
    const run = await call<{ taskId: string }>(b, 'backup.runNow', {});
    const done = await finished(b, run.taskId);
    expect(done.outcome, done.error?.message).toBe('done');
    const added = folderBytes(repo) - before;
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(firstBytes * 0.1);

    const status = await call<BackupStatusView>(b, 'backup.status', {});
    expect(status.protection).toEqual({ password: true, recoveryKey: false });

    // The reminder: not due yet; due after two weeks; a wrong answer changes nothing.
    expect(status.secretCheck.due).toBe(false);
    clock += EARLY_INTERVAL_MS;
    const due = await call<BackupStatusView>(b, 'backup.status', {});
    expect(due.secretCheck.due).toBe(true);
    expect(await call(b, 'backup.checkSecret', { secret: { password: `${PASSWORD}!` } })).toEqual({
      correct: false,
    });
    expect((await call<BackupStatusView>(b, 'backup.status', {})).secretCheck).toEqual(
      due.secretCheck,
    );
    expect(await call(b, 'backup.checkSecret', { secret: { password: PASSWORD } })).toEqual({
      correct: true,
    });
    const after = await call<BackupStatusView>(b, 'backup.status', {});
    expect(after.secretCheck).toEqual({ due: false, nextDueAt: clock + EARLY_INTERVAL_MS });
    // "Not now" postpones without counting.
    clock += EARLY_INTERVAL_MS;
    const skipped = await call<BackupStatusView>(b, 'backup.skipSecretCheck', {});
    expect(skipped.secretCheck).toEqual({ due: false, nextDueAt: clock + EARLY_INTERVAL_MS });
  });

  it('after adoption the schedule runs the next backup by itself, incrementally', async () => {
    const repo = tempDir('ck-adopt-repo-');
    await oldComputer(repo);
    const firstBytes = folderBytes(repo);

    // A clock whose timers fire only when the test moves time on to them (from the real now:
    // the restored backup's date, the last success after adoption, is a real time).
    let now = Date.now();
    const timers = new Map<number, { at: number; fn: () => void }>();
    let nextHandle = 1;
    const clock: SchedulerClock = {
      now: () => now,
      setTimer: (ms, fn) => {
        timers.set(nextHandle, { at: now + ms, fn });
        return nextHandle++;
      },
      clearTimer: (handle) => void timers.delete(handle as number),
    };
    const b = await start(tempDir('ck-adopt-b-'), [repo], () => now, clock);
    // Backup tasks seen (by progress or end) and the ones finished.
    const backups = new Set<string>();
    const done: TaskFinished[] = [];
    b.bus.subscribe((event, payload) => {
      const task = payload as TaskProgress | TaskFinished;
      if ((event === 'task.progress' || event === 'task.finished') && task.kind === 'backup')
        backups.add(task.taskId);
      if (event === 'task.finished') done.push(payload as TaskFinished);
    });
    const session = await call<{ sessionId: string; snapshots: { id: string; time: number }[] }>(
      b,
      'restore.open',
      { folderGrantId: await pick(b, 'restore-folder'), secret: { password: PASSWORD } },
    );
    const restore = await call<{ taskId: string }>(b, 'restore.start', {
      sessionId: session.sessionId,
      snapshotId: session.snapshots[0]!.id,
      mediaGroups: ALL_MEDIA,
    });
    expect((await finished(b, restore.taskId)).outcome).toBe('done');
    const adopted = await call<BackupStatusView>(b, 'restore.adopt', {
      sessionId: session.sessionId,
      secret: { password: PASSWORD },
    });
    expect(adopted.configured).toBe(true);
    expect(adopted.settings.frequency).not.toBe('manual');
    const before = folderBytes(repo);
    expect(backups.size).toBe(0);

    // Move time on, timer by timer, for up to two days: the schedule starts a backup itself.
    const end = now + 2 * 86_400_000;
    while (now < end && backups.size === 0) {
      const next = [...timers.entries()].sort((x, y) => x[1].at - y[1].at)[0];
      if (!next) break;
      timers.delete(next[0]);
      now = Math.max(now, next[1].at);
      next[1].fn();
      // Let the scheduler's promises (state saved, run started) settle before the next timer.
      await new Promise((r) => setTimeout(r, 20));
    }
    // The last timer started the run (no timer is left while it runs): wait for its first event.
    for (let waited = 0; backups.size === 0 && waited < 30_000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    const [runId] = [...backups];
    expect(runId, 'the schedule started a backup').toBeDefined();
    const finishedRun = await new Promise<TaskFinished>((resolve) => {
      const poll = (): void => {
        const f = done.find((d) => d.taskId === runId);
        if (f) resolve(f);
        else setTimeout(poll, 50);
      };
      poll();
    });
    expect(finishedRun.outcome, finishedRun.error?.message).toBe('done');
    const added = folderBytes(repo) - before;
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(firstBytes * 0.1);
    const status = await call<BackupStatusView>(b, 'backup.status', {});
    expect(status.lastSuccess?.time).toBeGreaterThan(session.snapshots[0]!.time);
  });
});
