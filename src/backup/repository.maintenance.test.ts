import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../store/records.js';
import { selectForget } from './engine/forget.js';
import type { LoadedSnapshot } from './engine/state.js';
import type { SnapshotDoc } from './format/snapshot.js';
import { Repository } from './repository.js';
import { folderRepo, MemoryStore, sampleStore, TEST_KDF, tmpDir } from './test-support.js';

const dirs: string[] = [];
const track = (d: string): string => (dirs.push(d), d);
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function fake(seq: number, time: Date): LoadedSnapshot {
  const hash = seq.toString(16).padStart(64, '0');
  return { name: `snapshots/${hash}`, hash, doc: { seq, time: time.getTime() } as SnapshotDoc };
}

describe('forget policy (local time, restic semantics)', () => {
  // Two snapshots a day at 09:00 and 21:00 local time for 60 days from 2025-01-01.
  const snaps: LoadedSnapshot[] = [];
  let seq = 0;
  for (let d = 0; d < 60; d++) {
    snaps.push(fake(++seq, new Date(2025, 0, 1 + d, 9)));
    snaps.push(fake(++seq, new Date(2025, 0, 1 + d, 21)));
  }
  const newest = snaps[snaps.length - 1]!;

  it('keepLast keeps the newest N', () => {
    const { keep, remove } = selectForget(snaps, { keepLast: 3 });
    expect(keep.map((s) => s.doc.seq)).toEqual([118, 119, 120]);
    expect(remove).toHaveLength(117);
  });

  it('keepDaily keeps the newest of each of the last N days', () => {
    const { keep } = selectForget(snaps, { keepDaily: 7 });
    expect(keep).toHaveLength(7);
    expect(keep.every((s) => new Date(s.doc.time).getHours() === 21)).toBe(true);
    expect(keep[keep.length - 1]).toBe(newest);
  });

  it('weekly and monthly rules combine with daily', () => {
    const { keep } = selectForget(snaps, { keepDaily: 2, keepWeekly: 4, keepMonthly: 12 });
    const months = new Set(keep.map((s) => new Date(s.doc.time).getMonth()));
    expect(months).toEqual(new Set([0, 1, 2])); // Jan, Feb, Mar 2025
    // 2 days + up to 4 weeks (overlapping the newest) + month ends.
    expect(keep.length).toBeGreaterThanOrEqual(5);
    expect(keep.length).toBeLessThanOrEqual(2 + 4 + 3);
    const jan31 = keep.find(
      (s) => new Date(s.doc.time).getDate() === 31 && new Date(s.doc.time).getMonth() === 0,
    );
    expect(jan31).toBeDefined();
  });

  it('keepYearly keeps one per year; the newest is always kept; an empty policy keeps all', () => {
    expect(selectForget(snaps, { keepYearly: 5 }).keep).toEqual([newest]);
    expect(selectForget(snaps, {}).remove).toHaveLength(0);
  });
});

describe('forget and prune on a repository', () => {
  it('prune frees what forgotten snapshots alone used; all kept snapshots stay restorable', async () => {
    const { dir, backend } = folderRepo();
    track(dir);
    const store = sampleStore(track(tmpDir()));
    const { repo } = await Repository.init(
      backend,
      { password: 'pw' },
      { kdf: TEST_KDF, insecureTestKdf: true },
    );
    await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    await store.ingest([
      {
        ...store.chats[1]!.bundle,
        messages: [{ ...store.chats[1]!.bundle.messages[0]!, key: 'g9', text: 'later' }],
      },
    ]);
    await repo.backupFrom(store, { mediaTypes: ['photo', 'voice', 'document'] });
    const dry = await repo.forget({ keepLast: 1 }, { dryRun: true });
    expect(dry.removed.map((s) => s.seq)).toEqual([1]);
    expect(await backend.list('snapshots/')).toHaveLength(2);
    const { kept, removed } = await repo.forget({ keepLast: 1 });
    expect(kept.map((s) => s.seq)).toEqual([2]);
    expect(removed.map((s) => s.seq)).toEqual([1]);
    expect(await backend.list('snapshots/')).toHaveLength(1);

    const before = await repo.stats();
    // No grace period: only this computer uses the folder.
    const report = await repo.prune({ graceMs: 0 });
    const after = await repo.stats();
    expect(report.bytesFreed).toBeGreaterThan(3 * 1024 * 1024); // the video
    expect(after.packBytes).toBeLessThan(before.packBytes - 3 * 1024 * 1024);
    expect(after.indexFiles).toBe(1);
    expect((await repo.check({ readData: true })).ok).toBe(true);
    const t = new MemoryStore(track(tmpDir()));
    const r = await repo.restoreInto('latest', t);
    expect(r.messages).toBe(9);
    expect(r.mediaFiles).toBe(3);
    // A fresh open sees the same.
    const again = await Repository.open(backend, { password: 'pw' });
    expect((await again.check({ readData: true })).ok).toBe(true);
  });

  it('repacks a mostly unused pack and keeps the used blobs', async () => {
    const { dir, backend } = folderRepo();
    track(dir);
    const store = sampleStore(track(tmpDir()));
    const { repo } = await Repository.init(
      backend,
      { password: 'pw' },
      { kdf: TEST_KDF, insecureTestKdf: true },
    );
    await repo.backupFrom(store, { mediaTypes: ['photo', 'voice', 'document'] });
    const [firstPack] = await backend.list('data/');
    await repo.backupFrom(store, { mediaTypes: ['document'] });
    // Usually one more pack (the new media list); none when that list's only chunk happens to
    // be a chunk of the first list too (chunk boundaries depend on the repository's key).
    const packsBefore = (await backend.list('data/')).length;
    await repo.forget({ keepLast: 1 });
    const report = await repo.prune({ graceMs: 0 });
    expect(report.packsRepacked).toBe(1);
    expect(report.packsWritten).toBe(1);
    expect(report.blobsRemoved).toBeGreaterThanOrEqual(2);
    // The second backup's own pack stays; the first was rewritten.
    const packs = await backend.list('data/');
    expect(packs).toHaveLength(packsBefore);
    expect(packs).not.toContain(firstPack);
    expect((await repo.check({ readData: true })).ok).toBe(true);
    const t = new MemoryStore(track(tmpDir()));
    const r = await repo.restoreInto('latest', t);
    expect(r).toMatchObject({ messages: 8, mediaFiles: 1 });
    const second = await repo.prune({ graceMs: 0 });
    expect(second).toMatchObject({ packsDeleted: 0, packsRepacked: 0, indexFilesReplaced: 0 });
  });
});

describe('prune in stages, safe for computers sharing a slowly syncing folder', () => {
  const HOUR = 3600_000;

  async function forgottenPack() {
    const { dir, backend } = folderRepo();
    track(dir);
    const store = sampleStore(track(tmpDir()));
    const { repo } = await Repository.init(
      backend,
      { password: 'pw' },
      { kdf: TEST_KDF, insecureTestKdf: true },
    );
    await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    const [firstSnap] = await backend.list('snapshots/');
    const firstBytes = await backend.read(firstSnap!);
    await store.ingest([
      {
        ...store.chats[1]!.bundle,
        messages: [{ ...store.chats[1]!.bundle.messages[0]!, key: 'g9', text: 'later' }],
      },
    ]);
    // Without videos: the first pack's video is used only by the first snapshot.
    await repo.backupFrom(store, { mediaTypes: ['photo', 'voice', 'document'] });
    await repo.forget({ keepLast: 1 });
    return { dir, backend, repo, firstSnap: firstSnap!, firstBytes };
  }

  it('marks, then takes out of the index, then deletes, each a grace period apart', async () => {
    const { backend, repo } = await forgottenPack();
    const t0 = Date.now();
    const packsBefore = (await backend.list('data/')).length;
    const one = await repo.prune({ now: t0 });
    // The first pack is mostly the forgotten video: its other blobs are copied to a new pack
    // and the old one is marked.
    expect(one).toMatchObject({ packsRepacked: 1, packsMarked: 1, packsDeleted: 0, bytesFreed: 0 });
    expect(await backend.list('data/')).toHaveLength(packsBefore + 1);
    expect(one.bytesPending).toBeGreaterThan(3 * 1024 * 1024);
    // Marked: still readable, but never de-duplicated against.
    expect((await repo.check({ readData: true })).ok).toBe(true);
    expect(repo.pruneDue(24 * HOUR, t0 + HOUR)).toBe(false);
    expect(repo.pruneDue(24 * HOUR, t0 + 25 * HOUR)).toBe(true);
    const two = await repo.prune({ now: t0 + 25 * HOUR });
    expect(two).toMatchObject({ packsDeleted: 0, packsPending: 1 });
    expect(await backend.list('data/')).toHaveLength(packsBefore + 1);
    const three = await repo.prune({ now: t0 + 50 * HOUR });
    expect(three.packsDeleted, JSON.stringify(three)).toBe(1);
    expect(three.bytesFreed).toBeGreaterThan(3 * 1024 * 1024);
    expect(await backend.list('data/')).toHaveLength(packsBefore);
    const r = await repo.restoreInto('latest', new MemoryStore(track(tmpDir())));
    expect(r).toMatchObject({ complete: true, messages: 9 });
  });

  it('a snapshot that arrives late and needs a condemned pack takes it back', async () => {
    const { backend, repo, firstSnap, firstBytes } = await forgottenPack();
    const t0 = Date.now();
    await repo.prune({ now: t0 });
    // Another computer's sync brings back a snapshot that uses the marked pack.
    await backend.writeAtomic(firstSnap, firstBytes);
    const later = await repo.prune({ now: t0 + 30 * HOUR });
    // The old pack is needed again (for the video); the copy made of its other blobs is now
    // the redundant one, and is marked in its place.
    expect(later).toMatchObject({ packsRevived: 1, packsDeleted: 0, packsMarked: 1 });
    const old = (await repo.snapshots()).find((s) => s.seq === 1)!;
    const r = await repo.restoreInto(old.id, new MemoryStore(track(tmpDir())));
    expect(r).toMatchObject({ complete: true, messages: 8 });
  });

  it('nothing is condemned while a snapshot cannot be read: what it uses is unknown', async () => {
    const { dir, backend } = await forgottenPack();
    const [snap] = await backend.list('snapshots/');
    const file = `${dir}/${snap}`;
    fs.writeFileSync(file, Buffer.concat([fs.readFileSync(file), Buffer.from('x')]));
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(file, old, old);
    const repo = await Repository.open(backend, { password: 'pw' });
    const report = await repo.prune({ graceMs: 0 });
    expect(report).toMatchObject({ packsMarked: 0, packsDeleted: 0, blockedBy: [snap] });
  });

  it('one computer maintains the backup; another is told which and may take over', async () => {
    const { repo } = await forgottenPack();
    await repo.prune({ client: { clientId: 'a', host: 'laptop' } });
    const err = await repo
      .prune({ client: { clientId: 'b', host: 'desktop' } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_MAINTENANCE_OWNER', owner: { host: 'laptop' } });
    expect((err as Error).message).toMatch(/done by laptop/);
    await repo.prune({ client: { clientId: 'b', host: 'desktop' }, takeOver: true });
    await expect(repo.prune({ client: { clientId: 'a', host: 'laptop' } })).rejects.toMatchObject({
      code: 'NOT_MAINTENANCE_OWNER',
      owner: { host: 'desktop' },
    });
    // An owner idle for two weeks can be replaced without asking.
    await repo.prune({
      client: { clientId: 'a', host: 'laptop' },
      now: Date.now() + 15 * 24 * HOUR,
    });
  });
});
