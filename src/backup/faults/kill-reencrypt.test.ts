import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../../cli/test-helpers.js';
import { createFolderBackend } from '../backend/folder.js';
import { Repository } from '../repository.js';
import { TEST_KDF } from '../test-support.js';
import {
  backup,
  cli,
  initRepo,
  killAfter,
  seededRandom,
  tempBench,
  type Bench,
} from './harness.js';
import { addMessages, fillStore, storeDigest } from './store-fixture.js';

/**
 * SIGKILL at random moments of "re-encrypt everything" (at least 30 kills): a power cut of the
 * process while it copies packs, rewrites snapshots and prunes the old files. After each kill
 * the repository must pass check and every snapshot must restore exactly; a re-encryption run
 * to the end afterwards must leave nothing sealed with the old key.
 *
 * The repository has snapshots under two keys: three backups, then a password change (a new
 * key epoch), then one more backup.
 */

const KILLS = Number(process.env.CK_KILLS ?? 30);
const SEED = Number(process.env.CK_FAULT_SEED ?? Date.now() % 100000);
const PASSWORD = 'correct horse battery staple';

let b: Bench;
/** Store digest at each snapshot, by seq (re-encryption gives a snapshot a new name). */
const digests = new Map<number, string>();
let template: string;

beforeAll(async () => {
  await ensureCliBuilt();
  b = tempBench();
  await fillStore(b.store, { chats: 4, messagesPerChat: 120, photos: 10, photoBytes: 150_000 });
  await initRepo(b);
  const round = async (n: number) => {
    const snap = await backup(b);
    digests.set(snap.seq, (await storeDigest(b.store)).digest);
    await fillStore(b.store, {
      chats: 1,
      messagesPerChat: 30,
      photos: 3,
      photoBytes: 150_000,
      seed: 10 + n,
      chatPrefix: `round${n}`,
    });
    await addMessages(b.store, { messages: 20, photos: 0, seed: 20 + n });
  };
  for (let n = 0; n < 3; n++) await round(n);
  // The same password again: still a new key for everything written from now on.
  const repo = await open();
  repo.setTestKdf(TEST_KDF);
  const [slot] = await repo.listKeys();
  expect(await repo.changePassword(slot!.id, PASSWORD)).toMatchObject({ rotated: true });
  await repo.close();
  await round(3);
  template = path.join(b.root, 'template');
  fs.cpSync(b.repo, template, { recursive: true, preserveTimestamps: true });
}, 180_000);

afterAll(() => {
  if (b) fs.rmSync(b.root, { recursive: true, force: true });
});

function reset(from: string): void {
  fs.rmSync(b.repo, { recursive: true, force: true });
  fs.cpSync(from, b.repo, { recursive: true, preserveTimestamps: true });
}

async function open(): Promise<Repository> {
  return Repository.open(createFolderBackend(b.repo), { password: PASSWORD });
}

/** Check passes and every snapshot restores exactly, whatever key it is sealed with. */
async function verify(): Promise<void> {
  const repo = await open();
  try {
    const report = await repo.check({ readData: true });
    expect(report.problems, JSON.stringify(report.problems)).toEqual([]);
    const snaps = await repo.snapshots();
    // An interrupted rewrite may leave a snapshot under both names for a moment: same seq.
    expect(new Set(snaps.map((s) => s.seq))).toEqual(new Set(digests.keys()));
    for (const s of snaps) {
      const target = fs.mkdtempSync(path.join(b.root, 'restore-'));
      try {
        const r = await repo.restore(s.id, target);
        expect(r.complete).toBe(true);
        expect((await storeDigest(target)).digest).toBe(digests.get(s.seq));
      } finally {
        fs.rmSync(target, { recursive: true, force: true });
      }
    }
  } finally {
    await repo.close();
  }
}

const ARGS = ['key', 'reencrypt', '--grace', '0'];

interface Remaining {
  packs: number;
  indexFiles: number;
  snapshots: number;
}

describe(`re-encryption killed with SIGKILL at random moments (seed ${SEED})`, () => {
  it(`${KILLS} kills: check passes, every snapshot restores, and running it again finishes`, async () => {
    reset(template);
    const t0 = Date.now();
    const full = await cli(b, ARGS);
    expect(full.status, full.stderr + full.stdout).toBe(0);
    const fullMs = Date.now() - t0;
    const done = (full.json as { reencrypt: { remaining: Remaining } }).reencrypt;
    expect(done.remaining).toEqual({ packs: 0, indexFiles: 0, snapshots: 0 });
    await verify();

    const rand = seededRandom(SEED);
    let interrupted = 0;
    for (let i = 0; i < KILLS; i++) {
      reset(template);
      const run = await killAfter(b, ARGS, Math.floor(rand() * fullMs * 1.1));
      if (!run.finished) interrupted++;
      await verify();
      const again = await cli(b, ARGS);
      expect(again.status, again.stderr + again.stdout).toBe(0);
      const after = (again.json as { reencrypt: { remaining: Remaining } }).reencrypt;
      expect(after.remaining, `kill ${i}: ${JSON.stringify(after)}`).toEqual({
        packs: 0,
        indexFiles: 0,
        snapshots: 0,
      });
      await verify();
    }
    expect(interrupted).toBeGreaterThan(KILLS / 4);
  }, 600_000);
});
