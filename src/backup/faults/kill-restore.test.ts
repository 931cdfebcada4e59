import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../../cli/test-helpers.js';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../store/index.js';
import { backup, initRepo, killAfter, seededRandom, tempBench, type Bench } from './harness.js';
import { fillStore, storeDigest } from './store-fixture.js';

/**
 * A restore killed midway must leave the store it restores into exactly as it was: restore
 * copies media first and ingests all records in one transaction, so a kill lands either before
 * the commit (nothing visible) or after it (everything, exactly as a restore that finished). The target here has chats of its own,
 * so "unchanged" is a real claim, not the trivial case of an empty store.
 */

const ITERATIONS = 8;
const SEED = Number(process.env.CK_FAULT_SEED ?? Date.now() % 100000);

let b: Bench;
let target: string;
let snapshotDigest: string;

beforeAll(async () => {
  await ensureCliBuilt();
  b = tempBench();
  await fillStore(b.store, { chats: 20, messagesPerChat: 400, photos: 40, photoBytes: 1_000_000 });
  snapshotDigest = (await storeDigest(b.store)).digest;
  await initRepo(b);
  await backup(b);
  target = path.join(b.root, 'current-store');
  await fillStore(target, {
    chats: 3,
    messagesPerChat: 50,
    photos: 2,
    seed: 9,
    chatPrefix: 'mine',
  });
});

afterAll(() => {
  if (b) fs.rmSync(b.root, { recursive: true, force: true });
});

describe(`restore killed with SIGKILL (seed ${SEED})`, () => {
  it('leaves the current store unchanged, then a full restore completes', async () => {
    const before = await storeDigest(target);
    // Time an uninterrupted restore into a copy, to spread the kills over all of it.
    const copy = path.join(b.root, 'timing-copy');
    fs.cpSync(target, copy, { recursive: true });
    const t0 = Date.now();
    const timing = await killAfter(b, ['restore', 'latest', '--target', copy], 60_000);
    expect(timing.status).toBe(0);
    const fullMs = Date.now() - t0;
    // What a restore that got past its commit leaves (the process may still be closing).
    const complete = await storeDigest(copy);
    fs.rmSync(copy, { recursive: true, force: true });
    // The store as it was, put back whenever a run got past its commit, so every kill starts
    // from the same store (a kill after the commit is one more outcome, not the end of the test).
    const pristine = path.join(b.root, 'pristine-store');
    fs.cpSync(target, pristine, { recursive: true });
    const putBack = (): void => {
      fs.rmSync(target, { recursive: true, force: true });
      fs.cpSync(pristine, target, { recursive: true });
    };

    const rand = seededRandom(SEED);
    let interrupted = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const delay = 50 + Math.floor(rand() * Math.max(100, fullMs * 0.85));
      const run = await killAfter(b, ['restore', 'latest', '--target', target], delay);
      const after = await storeDigest(target);
      if (run.finished || after.digest === complete.digest) {
        // Finished, or killed after its commit: everything is there, exactly.
        expect(after.digest).toBe(complete.digest);
        putBack();
        continue;
      }
      interrupted++;
      expect(after).toEqual(before);
      // And the store is still a healthy database, not just the same digest.
      const db = new Database(path.join(target, DB_FILE), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
    }
    expect(interrupted).toBeGreaterThan(0);

    const done = await killAfter(b, ['restore', 'latest', '--target', target], 120_000);
    expect(done.status).toBe(0);
    const merged = await storeDigest(target);
    expect(merged.messages).toBe(before.messages + 8000);
    // The restored chats are exactly the snapshot's: restore them alone into a fresh store.
    const fresh = path.join(b.root, 'fresh');
    expect((await killAfter(b, ['restore', 'latest', '--target', fresh], 120_000)).status).toBe(0);
    expect((await storeDigest(fresh)).digest).toBe(snapshotDigest);
  });
});
