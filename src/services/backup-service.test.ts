import { describe, expect, it } from 'vitest';
import { generateStore } from '../seed';
import type { BackupStatusView, RestoreSessionView, SnapshotView } from '../shared/backup-types';
import type { AppServices } from './app-services';
import {
  call,
  finished,
  startTestServices,
  tempDirFor,
  cleanupAfterEach,
} from './testing/services-harness';

/**
 * The backup and restore flow as the renderer drives it, through dispatch (validation included),
 * with the real store worker, the real backup worker, real folders and the system keychain when
 * one is running (otherwise the key stays in this run's memory, as the app does then).
 */
const cleanup = cleanupAfterEach();

const tempDir = (prefix: string): string => tempDirFor(cleanup, prefix);
const start = (dataDir: string, picks: string[]): Promise<AppServices> =>
  startTestServices(dataDir, { cleanup, picks });

describe('backups through the services', () => {
  it('sets up a backup with a password, then restores it into an empty store', async () => {
    const storeA = tempDir('ck-svc-a-');
    const repo = tempDir('ck-svc-repo-');
    generateStore({ out: storeA, messages: 1500, chats: 8, mediaMb: 1, seed: 7 });

    const a = await start(storeA, [repo, repo, repo]);
    const grant = (await call(a, 'files.pick', { purpose: 'backup-folder' })) as {
      grantId: string;
    };
    // A hand-picked folder's free space, for the wizard's check; only for a backup folder grant.
    const space = (await call(a, 'backup.freeSpace', { folderGrantId: grant.grantId })) as {
      freeBytes: number | null;
    };
    expect(space.freeBytes).toBeGreaterThan(0);
    const other = (await call(a, 'files.pick', { purpose: 'restore-folder' })) as {
      grantId: string;
    };
    await expect(
      call(a, 'backup.freeSpace', { folderGrantId: other.grantId }),
    ).rejects.toMatchObject({ code: 'GRANT_WRONG_PURPOSE' });
    const { taskId } = (await call(a, 'backup.setup', {
      destinationGrantId: grant.grantId,
      secret: { password: 'correct horse battery staple 42' },
      settings: { mediaGroups: ['photos', 'videos', 'audio', 'documents', 'stickers'] },
    })) as { taskId: string };
    const done = await finished(a, taskId);
    expect(done.outcome, done.error?.message).toBe('done');
    expect(done.summary).toMatch(/Backed up 8 chats and 1,500 messages/);

    const status = (await call(a, 'backup.status', {})) as BackupStatusView;
    expect(status.configured).toBe(true);
    expect(status.locked).toBe(false);
    // One truth for sizes: the folder's size is measured, and with nothing changed since, the
    // estimated next backup is that same size; the groups are the snapshot's own.
    const sizes = status.sizes;
    expect(sizes.backupBytes).toBeGreaterThan(0);
    expect(sizes.newBytes).toBeGreaterThan(0);
    expect(sizes.messagesMeasured).toBe(true);
    expect(sizes.estimateBytes).toBe(sizes.backupBytes);
    const history = (await call(a, 'backup.snapshots', {})) as SnapshotView[];
    expect(history).toHaveLength(1);
    expect(history[0]!.mediaGroups).toEqual(sizes.media);
    expect(history[0]!.change).toMatchObject({ first: true, messages: 1500, chats: 8 });
    const statsA = (await call(a, 'store.stats', {})) as { messages: number; chats: number };

    // A new computer: an empty store, the backup folder, the password.
    const storeB = tempDir('ck-svc-b-');
    const b = await start(storeB, [repo, repo]);
    const folder = (await call(b, 'files.pick', { purpose: 'restore-folder' })) as {
      grantId: string;
    };
    await expect(
      call(b, 'restore.open', {
        folderGrantId: folder.grantId,
        secret: { password: 'wrong password' },
      }),
    ).rejects.toMatchObject({ code: 'WRONG_SECRET' });
    const session = (await call(b, 'restore.open', {
      folderGrantId: folder.grantId,
      secret: { password: 'correct horse battery staple 42' },
    })) as RestoreSessionView;
    expect(session.snapshots).toHaveLength(1);
    expect(session.backupBytes).toBe(sizes.backupBytes);
    expect(session.snapshots[0]!.mediaGroups).toEqual(sizes.media);
    expect(session.snapshots[0]!.chats).toBe(8);
    const restore = (await call(b, 'restore.start', {
      sessionId: session.sessionId,
      snapshotId: session.snapshots[0]!.id,
      mediaGroups: ['photos', 'videos', 'audio', 'documents', 'stickers'],
    })) as { taskId: string };
    const restored = await finished(b, restore.taskId);
    expect(restored.outcome, restored.error?.message).toBe('done');
    const statsB = (await call(b, 'store.stats', {})) as { messages: number; chats: number };
    expect(statsB.messages).toBe(statsA.messages);
    expect(statsB.chats).toBe(statsA.chats);
  });

  it('refuses a recovery key it did not generate, and a request naming a path', async () => {
    const store = tempDir('ck-svc-c-');
    const repo = tempDir('ck-svc-repo-');
    const s = await start(store, [repo]);
    const grant = (await call(s, 'files.pick', { purpose: 'backup-folder' })) as {
      grantId: string;
    };
    await expect(
      call(s, 'backup.setup', {
        destinationGrantId: grant.grantId,
        secret: { recoveryKey: '1'.repeat(64) },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(
      call(s, 'backup.setup', { destinationGrantId: '/etc/passwd', secret: { password: 'x' } }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(
      call(s, 'backup.setup', {
        destinationGrantId: 'AAAAAAAAAAAAAAAAAAAAAA',
        secret: { password: 'x' },
      }),
    ).rejects.toMatchObject({ code: 'GRANT_NOT_FOUND' });
  });
});
