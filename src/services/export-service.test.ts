import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArchiveFixture } from '../export/testing/archive-fixture';
import { generateStore } from '../seed';
import type { TaskProgress } from '../shared/task-types';
import type { AppServices } from './app-services';
import { newExportFolder } from './export-service';
import {
  call,
  finished,
  startTestServices,
  tempDirFor,
  cleanupAfterEach,
} from './testing/services-harness';

/**
 * "Export…" as the renderer drives it, through dispatch (validation included): a folder grant
 * from the picker, the export worker with its own read-only store connection, progress, cancel,
 * and "Show in folder".
 */
const cleanup = cleanupAfterEach();

const tempDir = (prefix: string): string => tempDirFor(cleanup, prefix);
const start = (dataDir: string, picks: string[], revealed: string[]): Promise<AppServices> =>
  startTestServices(dataDir, {
    cleanup,
    picks,
    platform: { revealPath: (p) => void revealed.push(p) },
  });

describe('export through the app services', () => {
  it('estimates, exports into a new folder inside the picked one, and shows it', async () => {
    const dataDir = tempDir('ck-exp-data-');
    buildArchiveFixture(dataDir);
    const target = tempDir('ck-exp-dest-');
    fs.writeFileSync(path.join(target, 'their-file.txt'), 'untouched');
    const revealed: string[] = [];
    const services = await start(dataDir, [target], revealed);
    const estimate = (await call(services, 'export.estimate', {
      chats: 'all',
      format: 'html',
      mediaTypes: ['photo', 'document'],
      singleFile: true,
    })) as { messages: number; mediaFiles: number; singleFileTooLarge: boolean };
    expect(estimate).toMatchObject({ messages: 14, mediaFiles: 2, singleFileTooLarge: false });

    const grant = (await call(services, 'files.pick', { purpose: 'export-folder' })) as {
      grantId: string;
    };
    const progress: TaskProgress[] = [];
    const { taskId } = (await call(services, 'export.start', {
      destinationGrantId: grant.grantId,
      chats: 'all',
      format: 'html',
      mediaTypes: ['photo', 'video', 'audio', 'voice', 'document', 'sticker', 'gif'],
    })) as { taskId: string };
    const done = await finished(services, taskId, (p) => progress.push(p));
    expect(done).toMatchObject({ kind: 'export', outcome: 'done', error: null });
    expect(done.summary).toMatch(
      /^Exported 2 chats \(14 messages and 2 media files\) to “Chatkeep export \d{4}-\d\d-\d\d \d\d\.\d\d”\.$/,
    );
    expect(progress.at(-1)).toMatchObject({ itemsDone: 14, itemsTotal: 14 });
    const made = fs.readdirSync(target).filter((f) => f.startsWith('Chatkeep export'));
    expect(made).toHaveLength(1);
    expect(fs.readFileSync(path.join(target, 'their-file.txt'), 'utf8')).toBe('untouched');
    expect(fs.existsSync(path.join(target, made[0]!, 'index.html'))).toBe(true);

    expect(await call(services, 'export.reveal', { taskId })).toEqual({ shown: true });
    expect(revealed).toEqual([path.join(target, made[0]!, 'index.html')]);
    expect(await call(services, 'export.reveal', { taskId: 'not-a-real-task-id' })).toEqual({
      shown: false,
    });
  });

  it('refuses what the contract does not allow, and a grant it never gave', async () => {
    const dataDir = tempDir('ck-exp-data-');
    buildArchiveFixture(dataDir);
    const services = await start(dataDir, [], []);
    const base = { chats: 'all', format: 'html', mediaTypes: [] };
    await expect(
      call(services, 'export.estimate', { ...base, path: '/etc' }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(
      call(services, 'export.estimate', { ...base, format: 'txt', singleFile: true }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(
      call(services, 'export.estimate', { ...base, from: 10, to: 5 }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(
      call(services, 'export.start', { ...base, destinationGrantId: 'AAAAAAAAAAAAAAAAAAAA' }),
    ).rejects.toMatchObject({ code: 'GRANT_NOT_FOUND' });
    await expect(
      call(services, 'export.estimate', { ...base, chats: [4242] }),
    ).rejects.toMatchObject({
      code: 'CHAT_NOT_FOUND',
    });
  });

  it('cancels: the task says so and the new folder is gone', async () => {
    const dataDir = tempDir('ck-exp-data-');
    generateStore({ out: dataDir, messages: 30_000, chats: 3, seed: 'svc-cancel' });
    const target = tempDir('ck-exp-dest-');
    const services = await start(dataDir, [target], []);
    const grant = (await call(services, 'files.pick', { purpose: 'export-folder' })) as {
      grantId: string;
    };
    const { taskId } = (await call(services, 'export.start', {
      destinationGrantId: grant.grantId,
      chats: 'all',
      format: 'html',
      mediaTypes: [],
    })) as { taskId: string };
    let cancelled = false;
    const done = await finished(services, taskId, (p) => {
      if (!cancelled && p.itemsDone > 0) {
        cancelled = true;
        void call(services, 'task.cancel', { taskId });
      }
    });
    expect(done.outcome).toBe('cancelled');
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('numbers a second export made in the same minute', () => {
    const dir = tempDir('ck-exp-name-');
    const when = new Date(2024, 5, 1, 14, 5);
    const first = newExportFolder(dir, when);
    expect(path.basename(first)).toBe('Chatkeep export 2024-06-01 14.05');
    fs.mkdirSync(first);
    expect(path.basename(newExportFolder(dir, when))).toBe('Chatkeep export 2024-06-01 14.05 (2)');
  });
});
