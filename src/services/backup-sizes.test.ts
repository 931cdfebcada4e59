import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupSizes, folderBytes, groupSizes, snapshotChanges } from './backup-sizes';

const snap = (
  time: number,
  parentHash: string | null,
  messageCount: number,
  media: Record<string, { count: number; bytes: number }>,
  chats = 3,
) => ({ time, parentHash, messageCount, chats: { count: chats, list: [] }, media });

describe('groupSizes', () => {
  it('sums kinds into groups (voice notes with audio, GIFs with stickers)', () => {
    const sizes = groupSizes({
      audio: { files: 1, bytes: 10 },
      voice: { files: 2, bytes: 5 },
      gif: { count: 1, bytes: 7 },
    });
    expect(sizes.audio).toEqual({ files: 3, bytes: 15 });
    expect(sizes.stickers).toEqual({ files: 1, bytes: 7 });
    expect(sizes.photos).toEqual({ files: 0, bytes: 0 });
  });
});

describe('backupSizes', () => {
  const storeMedia = { photo: { files: 2, bytes: 3000 }, video: { files: 1, bytes: 5000 } };

  it('estimates the messages from the database before the first backup', () => {
    const s = backupSizes({
      storeMedia,
      dbBytes: 10_000,
      backupBytes: null,
      last: { mediaBytes: null, addedBytes: null },
      groups: ['photos'],
    });
    expect(s.messagesMeasured).toBe(false);
    expect(s.messagesBytes).toBe(2000);
    expect(s.estimateBytes).toBe(5000);
    expect(s.newBytes).toBeNull();
  });

  it('measures the messages from the backup once there is one, so the estimate meets the size', () => {
    const s = backupSizes({
      storeMedia,
      dbBytes: 10_000,
      backupBytes: 9_100,
      last: { mediaBytes: 8000, addedBytes: 9_100 },
      groups: ['photos', 'videos'],
    });
    expect(s.messagesMeasured).toBe(true);
    expect(s.messagesBytes).toBe(1100);
    // Nothing changed since that backup: the next one is the same size.
    expect(s.estimateBytes).toBe(s.backupBytes);
    expect(s.newBytes).toBe(9_100);
  });
});

describe('snapshotChanges', () => {
  it('says what each backup added, the first one whole', () => {
    const changes = snapshotChanges([
      snap(2, 'a', 1300, { photo: { count: 5, bytes: 50 }, video: { count: 1, bytes: 9 } }, 4),
      snap(1, null, 100, { photo: { count: 2, bytes: 20 }, video: { count: 1, bytes: 9 } }),
    ]);
    expect(changes[1]).toEqual({
      first: true,
      messages: 100,
      chats: 3,
      media: { photos: 2, videos: 1 },
    });
    expect(changes[0]).toEqual({ first: false, messages: 1200, chats: 1, media: { photos: 3 } });
  });

  it('knows no difference for the oldest kept backup when its parent was removed', () => {
    expect(snapshotChanges([snap(5, 'gone', 10, {})])).toEqual([null]);
  });
});

describe('folderBytes', () => {
  it('counts every file under the folder once, without following links', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ck-sizes-'));
    try {
      mkdirSync(path.join(dir, 'data', 'ab'), { recursive: true });
      writeFileSync(path.join(dir, 'config'), Buffer.alloc(100));
      writeFileSync(path.join(dir, 'data', 'ab', 'pack'), Buffer.alloc(5000));
      symlinkSync(path.join(dir, 'data'), path.join(dir, 'loop'));
      expect(await folderBytes(dir)).toBe(5100);
      expect(await folderBytes(path.join(dir, 'missing'))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
