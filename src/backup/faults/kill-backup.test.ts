import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../../cli/test-helpers.js';
import {
  backup,
  dataBytes,
  expectCheckPasses,
  initRepo,
  killAfter,
  killWhen,
  restoredDigest,
  seededRandom,
  snapshots,
  tempBench,
  type Bench,
} from './harness.js';
import { fillStore, storeDigest } from './store-fixture.js';

/**
 * SIGKILL at random moments of a backup: no signal handler, no cleanup, exactly like a power
 * cut of the process (not of the disk). After each kill the repository must pass `check`
 * (the dead process's lock is stale: same host, pid gone), every earlier snapshot must restore
 * exactly, and the backup that finally completes must reuse what the killed runs uploaded.
 */

const ITERATIONS = 8;
const SEED = Number(process.env.CK_FAULT_SEED ?? Date.now() % 100000);

let b: Bench;
let firstDigest: string;
let secondDigest: string;
let first: { id: string; sizeAdded: number };
let newBytes: number;
let leftover = 0;
let interruptedRuns = 0;
let final: { id: string; sizeAdded: number };

beforeAll(async () => {
  await ensureCliBuilt();
  b = tempBench();
  await fillStore(b.store, { chats: 10, messagesPerChat: 300, photos: 8, photoBytes: 500_000 });
  await initRepo(b);
  first = await backup(b);
  firstDigest = (await storeDigest(b.store)).digest;
  // New content the killed backups will be working on: mostly media, the slow part to upload.
  const added = await fillStore(b.store, {
    chats: 20,
    messagesPerChat: 300,
    photos: 50,
    photoBytes: 1_000_000,
    seed: 2,
    chatPrefix: 'later',
  });
  newBytes = added.photoBytes;
  secondDigest = (await storeDigest(b.store)).digest;
});

afterAll(() => {
  if (b) fs.rmSync(b.root, { recursive: true, force: true });
});

describe(`backup killed with SIGKILL at random moments (seed ${SEED})`, () => {
  it('leaves a repository that checks and restores every earlier snapshot exactly', async () => {
    const rand = seededRandom(SEED);
    const dataAfterFirst = dataBytes(b);
    // How long this backup takes uninterrupted, timed on a copy of the repository.
    // Its own root: its own state folder, so the copy's new snapshot is not this repo's marker.
    const scratch = { ...b, root: `${b.root}/scratch1`, repo: `${b.repo}-scratch1` };
    fs.cpSync(b.repo, scratch.repo, { recursive: true });
    const t0 = Date.now();
    await backup(scratch);
    const fullMs = Date.now() - t0;
    fs.rmSync(scratch.repo, { recursive: true, force: true });
    // The repository as the killed runs find it: when a run finishes before its kill (the
    // machine was faster than when the timing was taken) and nothing was interrupted yet, the
    // loop starts again from here with kills earlier in the run.
    const before = `${b.root}/before-kills`;
    const state = `${b.root}/state`;
    fs.cpSync(b.repo, before, { recursive: true });
    fs.cpSync(state, `${before}-state`, { recursive: true });
    let interrupted = 0;
    let spanMs = fullMs;
    for (let i = 0; i < ITERATIONS; i++) {
      // Spread the kills over the whole run, start-up included.
      const delay = 50 + Math.floor(rand() * Math.max(100, spanMs - 100));
      const run = await killAfter(b, ['backup'], delay);
      if (!run.finished) interrupted++;
      await expectCheckPasses(b);
      const snaps = await snapshots(b);
      expect(snaps[0]?.id).toBe(first.id);
      expect(await restoredDigest(b, first.id)).toBe(firstDigest);
      // A run that happened to finish made a complete second snapshot: it must be exact too.
      for (const s of snaps.slice(1)) expect(await restoredDigest(b, s.id)).toBe(secondDigest);
      if (snaps.length > 1) {
        if (interrupted > 0) break; // nothing left to interrupt
        fs.rmSync(b.repo, { recursive: true, force: true });
        fs.cpSync(before, b.repo, { recursive: true });
        // This computer's record of its newest snapshot goes back too (it is not a rollback).
        fs.rmSync(state, { recursive: true, force: true });
        fs.cpSync(`${before}-state`, state, { recursive: true });
        spanMs = Math.max(200, spanMs / 2);
      }
    }
    fs.rmSync(before, { recursive: true, force: true });
    fs.rmSync(`${before}-state`, { recursive: true, force: true });
    await expectCheckPasses(b);
    expect(interrupted).toBeGreaterThan(0);

    leftover = dataBytes(b) - dataAfterFirst;
    interruptedRuns = interrupted;
  });

  it('the next backup completes, checks with --read-data and restores exactly', async () => {
    final = await backup(b);
    process.stdout.write(
      `kill-backup seed ${SEED}: ${interruptedRuns} interrupted runs left ${leftover} bytes of ` +
        `packs; the completing backup wrote ${final.sizeAdded} bytes for ${newBytes} of new media\n`,
    );
    await expectCheckPasses(b, true);
    expect(await restoredDigest(b, final.id)).toBe(secondDigest);
    expect(await restoredDigest(b, first.id)).toBe(firstDigest);
  });

  // Resuming adopts the packs a killed run left (verified, then indexed) instead of uploading
  // their blobs again.
  it('a backup killed mid-upload is resumed: the next run does not upload that part again', async () => {
    const added = await fillStore(b.store, {
      chats: 5,
      messagesPerChat: 200,
      photos: 30,
      photoBytes: 1_000_000,
      seed: 3,
      chatPrefix: 'third',
    });
    const expected = (await storeDigest(b.store)).digest;
    const scratch = { ...b, root: `${b.root}/scratch2`, repo: `${b.repo}-scratch2` };
    fs.cpSync(b.repo, scratch.repo, { recursive: true });
    const uninterrupted = (await backup(scratch)).sizeAdded;
    fs.rmSync(scratch.repo, { recursive: true, force: true });

    const before = dataBytes(b);
    const killed = await killWhen(
      b,
      ['backup'],
      () => dataBytes(b) > before + added.photoBytes / 3,
    );
    expect(killed.finished).toBe(false);
    const uploaded = dataBytes(b) - before;
    expect(uploaded).toBeGreaterThan(added.photoBytes / 4);

    const resumed = await backup(b);
    process.stdout.write(
      `resume: the killed run uploaded ${uploaded} bytes; the next run wrote ${resumed.sizeAdded}, ` +
        `an uninterrupted one ${uninterrupted}\n`,
    );
    expect(resumed.sizeAdded).toBeLessThan(uninterrupted - uploaded * 0.8);
    await expectCheckPasses(b, true);
    expect(await restoredDigest(b, resumed.id)).toBe(expected);
  });
});
