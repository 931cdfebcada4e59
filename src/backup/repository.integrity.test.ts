import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../store/records.js';
import { createFolderBackend } from './backend/backend.js';
import { RepoKeys } from './crypto/repo-keys.js';
import { acquireLock, encodeLock } from './engine/locks.js';
import {
  RepositoryDamagedError,
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

function mutate(file: string, how: 'flip' | 'truncate', at = 0.5): void {
  const b = fs.readFileSync(file);
  if (how === 'truncate') {
    fs.writeFileSync(file, b.subarray(0, Math.floor(b.length * at)));
    return;
  }
  const i = Math.min(b.length - 1, Math.floor(b.length * at));
  b[i] = b[i]! ^ 0x40;
  fs.writeFileSync(file, b);
}

describe('damage is reported as RepositoryDamagedError naming the object', () => {
  for (const how of ['flip', 'truncate'] as const) {
    for (const kind of ['index', 'snapshots'] as const) {
      it(`${how} in ${kind} -> open fails naming it`, async () => {
        const { dir, backend } = await setup();
        const [name] = await backend.list(`${kind}/`);
        mutate(`${dir}/${name}`, how);
        const err = await Repository.open(backend, PW).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RepositoryDamagedError);
        expect((err as RepositoryDamagedError).object).toBe(name);
        // Salvage mode opens and check names the object.
        const r = await Repository.open(backend, PW, { allowDamaged: true });
        const report = await r.check();
        expect(report.ok).toBe(false);
        expect(report.problems.map((p) => p.object)).toContain(name);
      });
    }

    it(`${how} in a pack -> restore fails naming the pack and restores nothing; check names chats and files`, async () => {
      const { dir, backend } = await setup();
      const packs = await backend.list('data/');
      expect(packs).toHaveLength(1);
      const pack = packs[0]!;
      mutate(`${dir}/${pack}`, how, 0.6);
      const repo = await Repository.open(backend, PW);
      const target = new MemoryStore(track(tmpDir()));
      const err = await repo.restoreInto('latest', target).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RepositoryDamagedError);
      expect((err as RepositoryDamagedError).object).toBe(pack);
      expect(target.allMessages()).toHaveLength(0);
      const report = await repo.check({ readData: true });
      expect(report.ok).toBe(false);
      const p = report.problems.find((x) => x.object === pack);
      expect(p).toBeDefined();
      if (how === 'flip') {
        // One flipped byte hits one blob: the video (60% into a pack it dominates).
        const hit = report.problems.flatMap((x) => x.affected?.media ?? []);
        expect(hit.map((m) => m.mediaType)).toEqual(['video']);
      } else {
        // The pack's tail (the snapshot's list blobs) is gone: the snapshot itself is named.
        const snaps = report.problems.flatMap((x) => x.affected?.snapshots ?? []);
        expect(snaps).toContain(repo.latestMarker()!.id);
      }
    });
  }

  it('a flipped byte in one message group names that chat and month', async () => {
    const { dir, backend, repo } = await setup();
    // Find the Carol group's blob through a check of a repo whose pack we damage at that blob.
    const { MasterIndex } = await import('./engine/master-index.js');
    const keys = new RepoKeys(Buffer.from(repo.exportMasterKey()), Buffer.from(repo.repoId, 'hex'));
    const idx = await MasterIndex.load(backend, keys);
    const groups = [...idx.blobs.entries()].filter(([, e]) => e.type === 'messages');
    const s = (await repo.snapshots())[0]!;
    expect(groups.length).toBeGreaterThanOrEqual(5);
    const [, entry] = groups[0]!;
    const file = `${dir}/data/${entry.pack.slice(0, 2)}/${entry.pack}`;
    const b = fs.readFileSync(file);
    b[entry.offset + 30] = b[entry.offset + 30]! ^ 1;
    fs.writeFileSync(file, b);
    const report = await repo.check({ readData: true });
    const chats = report.problems.flatMap((p) => p.affected?.chats ?? []);
    expect(chats).toHaveLength(1);
    expect(chats[0]!.months).toHaveLength(1);
    expect(s.chats.list.map((c) => c.chatRef)).toContain(chats[0]!.chatRef);
    expect(report.problems.flatMap((p) => p.affected?.media ?? [])).toHaveLength(0);
  });

  it('repairIndex rebuilds a damaged index from the packs', async () => {
    const { dir, backend } = await setup();
    const [index] = await backend.list('index/');
    mutate(`${dir}/${index}`, 'flip');
    await expect(Repository.open(backend, PW)).rejects.toMatchObject({ object: index });
    const salvage = await Repository.open(backend, PW, { allowDamaged: true });
    const r = await salvage.repairIndex();
    expect(r).toEqual({ removedIndexFiles: [index], packsIndexed: 1 });
    const repo = await Repository.open(backend, PW);
    expect((await repo.check({ readData: true })).ok).toBe(true);
    const t = new MemoryStore(track(tmpDir()));
    expect((await repo.restoreInto('latest', t)).messages).toBe(8);
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

  it('a damaged config is reported as such', async () => {
    const { dir, backend } = await setup();
    mutate(`${dir}/config`, 'flip', 0.3);
    await expect(Repository.open(backend, PW)).rejects.toMatchObject({
      code: 'REPO_DAMAGED',
      object: 'config',
    });
  });

  it('a missing pack is found by check and by restore', async () => {
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
    await expect(
      repo.restoreInto('latest', new MemoryStore(track(tmpDir()))),
    ).rejects.toMatchObject({
      code: 'REPO_DAMAGED',
      object: pack,
    });
  });

  it('a future format version is RepositoryTooNewError', async () => {
    const { dir, backend } = await setup();
    const b = fs.readFileSync(`${dir}/config`);
    const { encodeConfig, decodeConfig } = await import('./format/config.js');
    const cfg = decodeConfig(b);
    const future = encodeConfig(cfg);
    // Re-seal with version 9 and a valid checksum: a newer Chatkeep wrote it.
    future[4] = 9;
    const { blake2b256 } = await import('./crypto/primitives.js');
    blake2b256(future.subarray(0, future.length - 32)).copy(future, future.length - 32);
    fs.writeFileSync(`${dir}/config`, future);
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
    const report = await sound.prune();
    expect(report.blobsRemoved).toBeGreaterThan(0);
    expect((await sound.check({ readData: true })).ok).toBe(true);
  });
});
