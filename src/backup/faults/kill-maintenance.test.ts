import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../../cli/test-helpers.js';
import { createFolderBackend } from '../backend/folder.js';
import { RepoKeys } from '../crypto/repo-keys.js';
import { decodeIndex } from '../engine/master-index.js';
import { Repository } from '../repository.js';
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
 * SIGKILL at random moments of forget, prune and repair (at least 50 kills each): a power cut
 * of the process. Afterwards the repository must pass check and every snapshot still there
 * must restore exactly; for repair, running it again must finish the job.
 *
 * Each kill starts from a fresh copy of a prepared repository, so every run has real work to
 * be interrupted in; verification runs in this process (no CLI start-up per check).
 */

const KILLS = Number(process.env.CK_KILLS ?? 50);
const SEED = Number(process.env.CK_FAULT_SEED ?? Date.now() % 100000);
const PASSWORD = 'correct horse battery staple';

let b: Bench;
/** Store digest at each snapshot, by snapshot id. */
const digests = new Map<string, string>();
let template: string;

beforeAll(async () => {
  await ensureCliBuilt();
  b = tempBench();
  await fillStore(b.store, { chats: 4, messagesPerChat: 120, photos: 10, photoBytes: 150_000 });
  await initRepo(b);
  for (let round = 0; round < 4; round++) {
    const snap = await backup(b);
    digests.set(snap.id, (await storeDigest(b.store)).digest);
    // Each round changes a month and adds photos, so forgetting leaves sparse packs to repack.
    await fillStore(b.store, {
      chats: 1,
      messagesPerChat: 30,
      photos: 4,
      photoBytes: 150_000,
      seed: 10 + round,
      chatPrefix: `round${round}`,
    });
    await addMessages(b.store, { messages: 20, photos: 0, seed: 20 + round });
  }
  template = path.join(b.root, 'template');
  fs.cpSync(b.repo, template, { recursive: true, preserveTimestamps: true });
}, 120_000);

afterAll(() => {
  if (b) fs.rmSync(b.root, { recursive: true, force: true });
});

/** A fresh copy of `from` at the bench's repository path. */
function reset(from: string): void {
  fs.rmSync(b.repo, { recursive: true, force: true });
  // Timestamps kept: a damaged file is "settled", not one a sync client is still writing.
  fs.cpSync(from, b.repo, { recursive: true, preserveTimestamps: true });
}

async function open(): Promise<Repository> {
  return Repository.open(createFolderBackend(b.repo), { password: PASSWORD });
}

/** Check passes and every snapshot left restores exactly; returns how many are left. */
async function verify(): Promise<number> {
  const repo = await open();
  try {
    const report = await repo.check({ readData: true });
    expect(report.problems, JSON.stringify(report.problems)).toEqual([]);
    const snaps = await repo.snapshots();
    for (const s of snaps) {
      const target = fs.mkdtempSync(path.join(b.root, 'restore-'));
      try {
        const r = await repo.restore(s.id, target);
        expect(r.complete).toBe(true);
        expect((await storeDigest(target)).digest).toBe(digests.get(s.id));
      } finally {
        fs.rmSync(target, { recursive: true, force: true });
      }
    }
    return snaps.length;
  } finally {
    await repo.close();
  }
}

/** How long an uninterrupted run takes, on a copy. */
async function timed(from: string, args: string[]): Promise<number> {
  reset(from);
  const t0 = Date.now();
  const r = await cli(b, args);
  expect(r.status, r.stderr + r.stdout).toBe(0);
  return Date.now() - t0;
}

async function killLoop(
  from: string,
  args: string[],
  after: () => Promise<void>,
): Promise<{ interrupted: number }> {
  const rand = seededRandom(SEED + args.length);
  const fullMs = await timed(from, args);
  let interrupted = 0;
  for (let i = 0; i < KILLS; i++) {
    reset(from);
    const run = await killAfter(b, args, Math.floor(rand() * fullMs * 1.1));
    if (!run.finished) interrupted++;
    await after();
  }
  return { interrupted };
}

/** Each loop starts 50 CLI processes and verifies after each: minutes on a busy 2-core machine. */
const LOOP_TIMEOUT_MS = 240_000;

describe(`forget, prune and repair killed with SIGKILL at random moments (seed ${SEED})`, () => {
  it(
    `forget: ${KILLS} kills, check passes and every snapshot left restores exactly`,
    async () => {
      const { interrupted } = await killLoop(template, ['forget', '--keep-last', '1'], async () => {
        const left = await verify();
        expect(left).toBeGreaterThanOrEqual(1);
      });
      expect(interrupted).toBeGreaterThan(KILLS / 4);
    },
    LOOP_TIMEOUT_MS,
  );

  it(
    `prune: ${KILLS} kills, check passes and every snapshot left restores exactly`,
    async () => {
      // Forgotten snapshots leave unused and sparse packs: prune has deleting and repacking to do.
      reset(template);
      expect((await cli(b, ['forget', '--keep-last', '2'])).status).toBe(0);
      const forgotten = path.join(b.root, 'forgotten');
      fs.rmSync(forgotten, { recursive: true, force: true });
      fs.cpSync(b.repo, forgotten, { recursive: true, preserveTimestamps: true });
      const { interrupted } = await killLoop(forgotten, ['prune', '--grace', '0'], async () => {
        expect(await verify()).toBe(2);
        // And a prune that runs to the end afterwards leaves it sound too.
        const r = await cli(b, ['prune', '--grace', '0']);
        expect(r.status, r.stderr).toBe(0);
      });
      expect(interrupted).toBeGreaterThan(KILLS / 4);
      expect(await verify()).toBe(2);
    },
    LOOP_TIMEOUT_MS,
  );

  it(
    `repair: ${KILLS} kills, never worse than before, and repair run again finishes the job`,
    async () => {
      // A damaged photo in a pack and a damaged index file, settled (not a sync client still
      // writing them). The chat store still has the photo, so repair can make it again.
      reset(template);
      const repo = await open();
      const keys = new RepoKeys(
        Buffer.from(repo.exportMasterKey()),
        Buffer.from(repo.repoId, 'hex'),
      );
      await repo.close();
      const [indexName] = fs.readdirSync(path.join(b.repo, 'index'));
      const indexFile = path.join(b.repo, 'index', indexName!);
      const { packs } = decodeIndex(keys, fs.readFileSync(indexFile), `index/${indexName}`);
      const withPhoto = packs.find((p) => p.blobs.some((x) => x.type === 'media'))!;
      const photo = withPhoto.blobs.find((x) => x.type === 'media')!;
      const packFile = path.join(b.repo, 'data', withPhoto.id.slice(0, 2), withPhoto.id);
      const old = new Date(Date.now() - 3600_000);
      for (const [file, at] of [
        [packFile, photo.offset + 100],
        [indexFile, 40],
      ] as const) {
        const bytes = fs.readFileSync(file);
        bytes[at]! ^= 0x08;
        fs.writeFileSync(file, bytes);
        fs.utimesSync(file, old, old);
      }
      const damaged = path.join(b.root, 'damaged');
      fs.rmSync(damaged, { recursive: true, force: true });
      fs.cpSync(b.repo, damaged, { recursive: true, preserveTimestamps: true });
      const snapshotsBefore = (await (await open()).snapshots()).map((s) => s.id).sort();
      const { interrupted } = await killLoop(damaged, ['repair'], async () => {
        const repo = await open();
        expect((await repo.snapshots()).map((s) => s.id).sort()).toEqual(snapshotsBefore);
        await repo.close();
        const r = await cli(b, ['repair']);
        expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);
        expect(await verify()).toBe(snapshotsBefore.length);
      });
      expect(interrupted).toBeGreaterThan(KILLS / 4);
    },
    LOOP_TIMEOUT_MS,
  );
});
