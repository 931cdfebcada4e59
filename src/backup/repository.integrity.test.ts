import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../store/records.js';
import { createFolderBackend } from './backend/folder.js';
import { RepoKeys } from './crypto/repo-keys.js';
import { acquireLock, encodeLock } from './engine/locks.js';
import {
  RepositoryLockedError,
  RepositoryTooNewError,
  RollbackDetectedError,
  StorageError,
} from './errors.js';
import { Repository } from './repository.js';
import {
  faultyBackend,
  folderRepo,
  MemoryStore,
  sampleStore,
  TEST_KDF,
  tmpDir,
} from './test-support.js';

const dirs: string[] = [];
const track = (d: string): string => (dirs.push(d), d);
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const PW = { password: 'pw' };

async function setup() {
  const { dir, backend } = folderRepo();
  track(dir);
  const store = sampleStore(track(tmpDir()));
  const { repo } = await Repository.init(backend, PW, { kdf: TEST_KDF, insecureTestKdf: true });
  await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
  return { dir, backend, store, repo };
}

/** Damage found later: the file changed long ago (a sync client is not still writing it). */
function mutate(file: string, how: 'flip' | 'truncate', at = 0.5, fresh = false): void {
  const b = fs.readFileSync(file);
  if (how === 'truncate') {
    fs.writeFileSync(file, b.subarray(0, Math.floor(b.length * at)));
  } else {
    const i = Math.min(b.length - 1, Math.floor(b.length * at));
    b[i] = b[i]! ^ 0x40;
    fs.writeFileSync(file, b);
  }
  if (!fresh) settle(file);
}

function settle(file: string): void {
  const old = new Date(Date.now() - 3600_000);
  fs.utimesSync(file, old, old);
}

describe('damage never blocks: it is skipped, named, and everything else still works', () => {
  for (const how of ['flip', 'truncate'] as const) {
    it(`${how} in the only index file -> opens naming it; restore, check and the next backup go on`, async () => {
      const { dir, backend, store } = await setup();
      const [name] = await backend.list('index/');
      mutate(`${dir}/${name}`, how);
      const repo = await Repository.open(backend, PW);
      expect(repo.problems).toEqual([expect.objectContaining({ object: name, state: 'damaged' })]);
      // The packs are still there: a restore indexes them in memory (it writes nothing)...
      const before = await repo.restoreInto('latest', new MemoryStore(track(tmpDir())));
      expect(before).toMatchObject({ complete: true, messages: 8 });
      expect(await backend.list('index/')).toEqual([name]);
      // ...and a backup (exclusive lock) indexes them again for good.
      const snap = await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
      expect(snap.seq).toBe(2);
      const t = new MemoryStore(track(tmpDir()));
      const r = await repo.restoreInto('latest', t);
      expect(r).toMatchObject({ complete: true, messages: 8 });
      const report = await repo.check({ readData: true });
      expect(report.problems.map((p) => p.object)).toEqual([name]);
    });

    it(`${how} in the only snapshot -> opens naming it; the next backup goes on above its seq`, async () => {
      const { dir, backend, store } = await setup();
      const [name] = await backend.list('snapshots/');
      mutate(`${dir}/${name}`, how);
      const repo = await Repository.open(backend, PW);
      expect(repo.problems).toEqual([expect.objectContaining({ object: name, state: 'damaged' })]);
      expect(await repo.snapshots()).toEqual([]);
      const snap = await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
      // Above the unreadable snapshot's seq (1), so no seq is ever used twice.
      expect(snap.seq).toBe(2);
      // Nothing was uploaded again: the packs were de-duplicated against.
      expect(snap.sizeAdded).toBeLessThan(4096);
      const t = new MemoryStore(track(tmpDir()));
      expect((await repo.restoreInto('latest', t)).messages).toBe(8);
    });

    it(`${how} in a pack -> restore brings back everything else and names what it could not`, async () => {
      const { dir, backend } = await setup();
      const packs = await backend.list('data/');
      expect(packs).toHaveLength(1);
      const pack = packs[0]!;
      mutate(`${dir}/${pack}`, how, 0.6);
      const repo = await Repository.open(backend, PW);
      const target = new MemoryStore(track(tmpDir()));
      const r = await repo.restoreInto('latest', target);
      expect(r.complete).toBe(false);
      expect(r.missing.problems.map((p) => p.object)).toContain(pack);
      expect(r.missing.problems.every((p) => p.state === 'damaged')).toBe(true);
      if (how === 'flip') {
        // One flipped byte hits one blob: the video (60% into a pack it dominates). Every
        // message comes back; the video's message keeps its attachment without the file.
        expect(r.messages).toBe(8);
        expect(r.missing.media.map((m) => m.mediaType)).toEqual(['video']);
        expect(r.missing.chats).toEqual([]);
        expect(target.allMessages()).toHaveLength(8);
      } else {
        // The pack's tail (the snapshot's own lists) is gone: nothing is even known by name.
        expect(r.missing.listParts).toBeGreaterThan(0);
      }
      const report = await repo.check({ readData: true });
      expect(report.ok).toBe(false);
      expect(report.problems.find((x) => x.object === pack)).toBeDefined();
    });
  }

  it('damage that is still being written by a sync client is "arriving", not damage', async () => {
    const { dir, backend } = await setup();
    const [name] = await backend.list('snapshots/');
    mutate(`${dir}/${name}`, 'truncate', 0.5, true);
    const repo = await Repository.open(backend, PW);
    expect(repo.problems).toEqual([expect.objectContaining({ object: name, state: 'arriving' })]);
    fs.writeFileSync(`${dir}/${name}`, Buffer.alloc(0));
    settle(`${dir}/${name}`);
    const again = await Repository.open(backend, PW);
    // An empty file is a file that has not arrived, however old its date.
    expect(again.problems).toEqual([expect.objectContaining({ object: name, state: 'arriving' })]);
  });

  it('a flipped byte in one message group restores the rest of that month and names it', async () => {
    const { dir, backend, repo } = await setup();
    const keys = new RepoKeys(Buffer.from(repo.exportMasterKey()), Buffer.from(repo.repoId, 'hex'));
    const [indexName] = await backend.list('index/');
    const { decodeIndex } = await import('./engine/master-index.js');
    const { packs } = decodeIndex(keys, await backend.read(indexName!), indexName!);
    const pack = packs[0]!;
    const groups = pack.blobs.filter((b) => b.type === 'messages');
    expect(groups.length).toBeGreaterThanOrEqual(5);
    const entry = groups[0]!;
    const file = `${dir}/data/${pack.id.slice(0, 2)}/${pack.id}`;
    const b = fs.readFileSync(file);
    b[entry.offset + 30] = b[entry.offset + 30]! ^ 1;
    fs.writeFileSync(file, b);
    settle(file);
    const report = await repo.check({ readData: true });
    const chats = report.problems.flatMap((p) => p.affected?.chats ?? []);
    expect(chats).toHaveLength(1);
    expect(chats[0]!.months).toHaveLength(1);
    expect(report.problems.flatMap((p) => p.affected?.media ?? [])).toHaveLength(0);
    const r = await repo.restoreInto('latest', new MemoryStore(track(tmpDir())));
    expect(r.missing.chats).toEqual([
      expect.objectContaining({ chatRef: chats[0]!.chatRef, months: chats[0]!.months }),
    ]);
    expect(r.messages).toBeGreaterThan(0);
    expect(r.messages).toBeLessThan(8);
  });

  it('damage shared by several snapshots names every one of them', async () => {
    const { dir, backend, store, repo } = await setup();
    await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    const ids = (await repo.snapshots()).map((s) => s.id);
    expect(ids).toHaveLength(2);
    const [pack] = await backend.list('data/');
    mutate(`${dir}/${pack}`, 'truncate', 0.9);
    const report = await repo.check();
    const named = new Set(report.problems.flatMap((p) => p.affected?.snapshots ?? []));
    expect([...named].sort()).toEqual([...ids].sort());
  });

  it('a missing pack is found by check; restore brings back the rest and names it', async () => {
    const { dir, backend, repo } = await setup();
    const [pack] = await backend.list('data/');
    fs.rmSync(`${dir}/${pack}`);
    const report = await repo.check();
    expect(report.problems).toContainEqual(
      expect.objectContaining({ kind: 'missing-object', object: pack }),
    );
    expect(report.problems.flatMap((p) => p.affected?.snapshots ?? [])).toContain(
      repo.latestMarker()!.id,
    );
    const r = await repo.restoreInto('latest', new MemoryStore(track(tmpDir())));
    expect(r.complete).toBe(false);
    expect(r.missing.problems).toContainEqual(expect.objectContaining({ object: pack }));
  });

  it('a future format version is RepositoryTooNewError', async () => {
    const { dir, backend } = await setup();
    const { encodeConfig, decodeConfig } = await import('./format/config.js');
    const { blake2b256 } = await import('./crypto/primitives.js');
    for (const name of ['config', 'copies/config']) {
      const cfg = decodeConfig(fs.readFileSync(`${dir}/${name}`));
      const future = encodeConfig(cfg);
      // Re-sealed with version 9 and a valid checksum: a newer Chatkeep wrote it.
      future[4] = 9;
      blake2b256(future.subarray(0, future.length - 32)).copy(future, future.length - 32);
      fs.writeFileSync(`${dir}/${name}`, future);
    }
    const err = await Repository.open(backend, PW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepositoryTooNewError);
    expect((err as Error).message).toMatch(/Update Chatkeep/);
  });

  it('check passes on a sound repository, reading all or a share of the data', async () => {
    const { repo } = await setup();
    const full = await repo.check({ readData: true });
    expect(full).toMatchObject({ ok: true, problems: [], packsRead: 1 });
    expect(full.blobsRead).toBeGreaterThan(8);
    const part = await repo.check({ readDataPercent: 0 });
    expect(part).toMatchObject({ ok: true, packsRead: 0 });
  });
});

describe('rollback detection', () => {
  it('refuses a folder whose newest snapshot is older than the one last seen', async () => {
    const { dir, backend, store, repo } = await setup();
    await store.ingest([
      {
        ...store.chats[2]!.bundle,
        messages: [{ ...store.chats[2]!.bundle.messages[0]!, key: 'new' }],
      },
    ]);
    await repo.backupFrom(store, { mediaTypes: [] });
    const marker = repo.latestMarker()!;
    expect(marker.seq).toBe(2);
    await Repository.open(backend, PW, { lastSeen: marker });
    const newest = (await backend.list('snapshots/')).find((n) => n.endsWith(marker.hash))!;
    fs.rmSync(`${dir}/${newest}`);
    await expect(Repository.open(backend, PW, { lastSeen: marker })).rejects.toBeInstanceOf(
      RollbackDetectedError,
    );
  });

  it('refuses a folder whose snapshot at the last seen seq is a different one', async () => {
    const { dir, store, repo } = await setup();
    const copy = track(tmpDir());
    fs.cpSync(dir, copy, { recursive: true });
    await repo.backupFrom(store, { mediaTypes: [] });
    const marker = repo.latestMarker()!;
    const other = await Repository.open(createFolderBackend(copy), PW);
    await other.backupFrom(store, { mediaTypes: ['photo'] });
    expect(other.latestMarker()!.seq).toBe(marker.seq);
    const err = await Repository.open(createFolderBackend(copy), PW, { lastSeen: marker }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RollbackDetectedError);
    expect((err as RollbackDetectedError).code).toBe('ROLLBACK_DETECTED');
  });
});

describe('locks', () => {
  it('a live exclusive lock blocks backup and restore; a shared lock blocks only exclusive work', async () => {
    const { backend, store, repo } = await setup();
    const keys = new RepoKeys(Buffer.from(repo.exportMasterKey()), Buffer.from(repo.repoId, 'hex'));
    const held = await acquireLock(backend, keys, true);
    const err = await repo.backupFrom(store, { mediaTypes: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepositoryLockedError);
    expect((err as RepositoryLockedError).holder).toMatchObject({
      pid: process.pid,
      exclusive: true,
      host: os.hostname(),
    });
    await expect(
      repo.restoreInto('latest', new MemoryStore(track(tmpDir()))),
    ).rejects.toBeInstanceOf(RepositoryLockedError);
    await held.release();
    const shared = await acquireLock(backend, keys, false);
    await repo.restoreInto('latest', new MemoryStore(track(tmpDir())));
    await expect(repo.prune()).rejects.toBeInstanceOf(RepositoryLockedError);
    await shared.release();
    await repo.backupFrom(store, { mediaTypes: [] });
    expect(await backend.list('locks/')).toHaveLength(0);
  });

  it('removes stale locks: older than 30 minutes, or held by a dead process on this host', async () => {
    const { backend, store, repo } = await setup();
    const keys = new RepoKeys(Buffer.from(repo.exportMasterKey()), Buffer.from(repo.repoId, 'hex'));
    await backend.writeAtomic(
      'locks/' + 'a'.repeat(64),
      encodeLock(keys, {
        host: 'other-host',
        pid: 1,
        time: Date.now() - 31 * 60 * 1000,
        exclusive: true,
      }),
    );
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await backend.writeAtomic(
      'locks/' + 'b'.repeat(64),
      encodeLock(keys, { host: os.hostname(), pid: dead, time: Date.now(), exclusive: true }),
    );
    // A live lock on another host is respected even though its pid means nothing here.
    await repo.backupFrom(store, { mediaTypes: [] });
    expect(await backend.list('locks/')).toHaveLength(0);
    await backend.writeAtomic(
      'locks/' + 'c'.repeat(64),
      encodeLock(keys, { host: 'other-host', pid: 1, time: Date.now(), exclusive: false }),
    );
    await expect(repo.backupFrom(store, { mediaTypes: [] })).rejects.toBeInstanceOf(
      RepositoryLockedError,
    );
  });

  it('heartbeat replaces the lock object', async () => {
    const { backend, repo } = await setup();
    const keys = new RepoKeys(Buffer.from(repo.exportMasterKey()), Buffer.from(repo.repoId, 'hex'));
    const held = await acquireLock(backend, keys, true);
    const before = held.object;
    await held.heartbeat();
    expect(held.object).not.toBe(before);
    expect(await backend.list('locks/')).toEqual([held.object]);
    await held.release();
    expect(await backend.list('locks/')).toEqual([]);
  });
});

describe('storage errors', () => {
  for (const [code, problem] of [
    ['ENOSPC', 'disk-full'],
    ['EACCES', 'permission-denied'],
    ['EPERM', 'permission-denied'],
    ['EROFS', 'read-only'],
  ] as const) {
    it(`${code} while writing packs -> StorageError '${problem}', repository unharmed`, async () => {
      const { dir, backend, store } = await setup();
      await store.ingest([
        {
          ...store.chats[0]!.bundle,
          messages: [{ ...store.chats[0]!.bundle.messages[0]!, key: 'zz', text: 'more' }],
        },
      ]);
      const faulty = faultyBackend(createFolderBackend(dir), {
        op: 'writeAtomic',
        code,
        match: /^(data|index|snapshots)\//,
      });
      const repo = await Repository.open(faulty, PW);
      const err = await repo
        .backupFrom(store, { mediaTypes: [...MEDIA_TYPES] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageError);
      expect((err as StorageError).problem).toBe(problem);
      expect((err as StorageError).code).toBe('STORAGE');
      expect((err as Error).message).toContain(code);
      const sound = await Repository.open(backend, PW);
      expect(await sound.snapshots()).toHaveLength(1);
      expect((await sound.check({ readData: true })).ok).toBe(true);
      const t = new MemoryStore(track(tmpDir()));
      expect((await sound.restoreInto('latest', t)).messages).toBe(8);
      expect(await backend.list('locks/')).toHaveLength(0);
    });
  }

  it('ENOSPC while writing the snapshot leaves packs the next prune removes', async () => {
    const { dir, backend, store } = await setup();
    await store.ingest([
      {
        ...store.chats[0]!.bundle,
        messages: [{ ...store.chats[0]!.bundle.messages[0]!, key: 'zz', text: 'more' }],
      },
    ]);
    const faulty = faultyBackend(createFolderBackend(dir), {
      op: 'writeAtomic',
      code: 'ENOSPC',
      match: /^snapshots\//,
    });
    const repo = await Repository.open(faulty, PW);
    await expect(repo.backupFrom(store, { mediaTypes: [] })).rejects.toBeInstanceOf(StorageError);
    const sound = await Repository.open(backend, PW);
    expect(await sound.snapshots()).toHaveLength(1);
    const report = await sound.prune({ graceMs: 0 });
    expect(report.blobsRemoved).toBeGreaterThan(0);
    expect((await sound.check({ readData: true })).ok).toBe(true);
  });
});
