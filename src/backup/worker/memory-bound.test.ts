import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillStore, storeDigest } from '../faults/store-fixture.js';
import { BackupClient } from './backup-client.js';

/**
 * Memory bounds, held at a size CI can afford: 200,000 messages and 300 photos backed up and
 * restored by the engine in a worker whose V8 heap is capped. Exceeding the cap kills the
 * worker (ERR_WORKER_OUT_OF_MEMORY), so a change that holds a whole store's messages, lists or
 * index entries in JS objects again fails here (200,000 messages as objects alone are about
 * 100 MB). Measured by lowering the cap (CK_HEAP_CAP_MB): the run passes at 64 MB and the
 * worker dies at 40 MB; 80 MB leaves room for GC timing on a slower machine. The 1M-message
 * figures (peak RSS, with SQLite's and zstd's native memory) are in bench:backup.
 */

const HEAP_CAP_MB = Number(process.env.CK_HEAP_CAP_MB ?? 80);
const FAST_KDF = { kdf: { opsLimit: 1, memLimit: 8192 }, insecureTestKdf: true };

let root: string;
let store: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-mem-'));
  store = path.join(root, 'store');
  const r = await fillStore(store, {
    chats: 200,
    messagesPerChat: 1000,
    photos: 300,
    photoBytes: 20_000,
    months: 24,
  });
  expect(r.messages).toBe(200_000);
}, 120_000);

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe(`backup and restore of 200,000 messages under a ${HEAP_CAP_MB} MB heap cap`, () => {
  it('back up, back up again, restore exactly', async () => {
    const client = BackupClient.start({
      resourceLimits: { maxOldGenerationSizeMb: HEAP_CAP_MB, maxYoungGenerationSizeMb: 16 },
    });
    try {
      const repo = path.join(root, 'repo');
      await client.init(repo, { password: 'memory bound' }, FAST_KDF);
      const first = await client.backup(store, { mediaTypes: ['photo'] });
      expect(first.messageCount).toBe(200_000);
      const again = await client.backup(store, { mediaTypes: ['photo'] });
      expect(again.messageCount).toBe(200_000);
      const target = path.join(root, 'restored');
      const restored = await client.restore('latest', target, {});
      expect(restored.messages).toBe(200_000);
      expect(restored.complete).toBe(true);
      expect((await storeDigest(target)).digest).toBe((await storeDigest(store)).digest);
    } finally {
      await client.close();
    }
  }, 180_000);
});
