import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { createFolderBackend } from '../backend/folder.js';
import { RollbackDetectedError, StorageError } from '../errors.js';
import { encodeKeySlot } from '../format/key-slot.js';
import { Repository } from '../repository.js';
import { faultyBackend, MemoryStore, sampleStore, TEST_KDF, tmpDir } from '../test-support.js';
import { MEDIA_TYPES } from '../../store/records.js';

/**
 * The hostile-folder suite: what sync clients (iCloud Drive, OneDrive, Dropbox, Google Drive)
 * and ordinary accidents do to a backup folder, one by one (reference/sync-clients.md). For
 * each: everything restorable is restored exactly, the outcome is the documented one, and
 * nothing in the folder is deleted.
 */

const PW = { password: 'pw' };
const dirs: string[] = [];
const track = (d: string): string => (dirs.push(d), d);
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

interface World {
  dir: string;
  backend: Backend;
  store: MemoryStore;
  repo: Repository;
  recoveryKey: string;
  /** The first snapshot (before the second backup's media) and its pack. */
  first: { id: string; digest: string };
  latest: { id: string; digest: string };
  /** The pack the second backup wrote (it holds a new photo). */
  secondPack: string;
}

/** Messages (store-independent fields) and media bytes: equal digests mean an exact restore. */
function digest(s: MemoryStore): string {
  const chats = s.chats
    .map((c) => ({ ...c.bundle, messages: [...c.bundle.messages] }))
    .sort((a, b) => (a.chat.key < b.chat.key ? -1 : 1));
  const media = [...s.mediaTypes.keys()]
    .filter((h) => s.hasMedia(h))
    .sort()
    .map((h) =>
      createHash('sha256')
        .update(fs.readFileSync(s.mediaPath(h)))
        .digest('hex'),
    );
  return createHash('sha256').update(JSON.stringify({ chats, media })).digest('hex');
}

async function world(): Promise<World> {
  const dir = track(tmpDir());
  const backend = createFolderBackend(dir);
  const store = sampleStore(track(tmpDir()));
  const { repo } = await Repository.init(backend, PW, { kdf: TEST_KDF, insecureTestKdf: true });
  const { recoveryKey } = await repo.addRecoveryKey();
  const s1 = await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
  const first = { id: s1.id, digest: digest(store) };
  const packsBefore = new Set(await backend.list('data/'));
  const extra = store.addMedia(Buffer.from('PNG'.repeat(20000)), 'photo', 'image/png');
  const chat = store.chats[0]!.bundle;
  await store.ingest([
    {
      ...chat,
      messages: [
        {
          key: 'late',
          senderKey: 'alice',
          sentAt: Date.UTC(2025, 3, 1),
          text: 'one more',
          kind: 'media',
          attachments: [
            { mediaType: 'photo', mime: 'image/png', size: 60000, hash: extra, fileName: 'p.png' },
          ],
          reactions: [],
        },
      ],
    },
  ]);
  const s2 = await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
  const secondPack = (await backend.list('data/')).find((p) => !packsBefore.has(p))!;
  for (const f of files(dir)) settle(path.join(dir, f));
  return {
    dir,
    backend,
    store,
    repo,
    recoveryKey,
    first,
    latest: { id: s2.id, digest: digest(store) },
    secondPack,
  };
}

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith('locks'))
    .sort();
}

/** Written long ago: whatever is wrong with it now is not a sync client still writing it. */
function settle(file: string): void {
  const old = new Date(Date.now() - 3600_000);
  fs.utimesSync(file, old, old);
}

async function restore(backend: Backend, snapshot = 'latest', opts = {}) {
  const repo = await Repository.open(backend, PW);
  const target = new MemoryStore(track(tmpDir()));
  const result = await repo.restoreInto(snapshot, target, opts);
  return { result, target, repo };
}

function expectNothingDeleted(w: World, before: string[], except: string[] = []): void {
  const now = new Set(files(w.dir));
  for (const f of before)
    if (!except.includes(f)) expect(now.has(f), `${f} was deleted`).toBe(true);
}

const CLIENTS = {
  Dropbox: (n: string) => `${n} (Emily's conflicted copy 2026-11-29)`,
  'Google Drive': (n: string) => `${n} (1)`,
  OneDrive: (n: string) => `${n}-DESKTOP-ABC`,
};

async function objectOf(w: World, kind: string): Promise<string[]> {
  switch (kind) {
    case 'config':
      return ['config', 'copies/config'];
    case 'key slot': {
      const slots = await w.backend.list('keys/');
      return slots.flatMap((s) => [s, `copies/${s}`]);
    }
    case 'pack':
      return [w.secondPack];
    case 'index':
      return w.backend.list('index/');
    default:
      return w.backend.list('snapshots/');
  }
}

describe('conflict copies', () => {
  for (const [client, rename] of Object.entries(CLIENTS)) {
    for (const kind of ['config', 'key slot', 'pack', 'index', 'snapshot']) {
      it(`${client}: only a conflict copy of the ${kind} is left -> it stands for it, restore is exact`, async () => {
        const w = await world();
        const before = files(w.dir);
        const moved: string[] = [];
        for (const name of await objectOf(w, kind)) {
          fs.renameSync(path.join(w.dir, name), path.join(w.dir, rename(name)));
          moved.push(name);
        }
        const { result, target } = await restore(w.backend);
        expect(result.complete).toBe(true);
        expect(digest(target)).toBe(w.latest.digest);
        expectNothingDeleted(w, before, moved);
        for (const name of moved) expect(fs.existsSync(path.join(w.dir, rename(name)))).toBe(true);
      });
    }
  }

  for (const kind of ['config', 'key slot', 'pack', 'index', 'snapshot']) {
    it(`the ${kind} is damaged but a conflict copy of it verifies -> the copy is used`, async () => {
      const w = await world();
      const before = files(w.dir);
      for (const name of await objectOf(w, kind)) {
        const file = path.join(w.dir, name);
        const bytes = fs.readFileSync(file);
        fs.writeFileSync(path.join(w.dir, CLIENTS['Google Drive'](name)), bytes);
        bytes[Math.floor(bytes.length / 2)]! ^= 0x20;
        fs.writeFileSync(file, bytes);
        settle(file);
      }
      const { result, target } = await restore(w.backend);
      expect(result.complete).toBe(true);
      expect(digest(target)).toBe(w.latest.digest);
      expectNothingDeleted(w, before);
    });
  }
});

describe('files that are not here yet', () => {
  it('an evicted pack (iCloud placeholder) is "not downloaded": the rest restores, then all of it once it is back', async () => {
    const w = await world();
    const file = path.join(w.dir, w.secondPack);
    const bytes = fs.readFileSync(file);
    fs.rmSync(file);
    const placeholder = path.join(path.dirname(file), `.${path.basename(file)}.icloud`);
    fs.writeFileSync(placeholder, 'bplist00 placeholder');
    const older = await restore(w.backend, w.first.id);
    expect(older.result.complete).toBe(true);
    expect(digest(older.target)).toBe(w.first.digest);
    const { result, repo } = await restore(w.backend);
    expect(result.complete).toBe(false);
    expect(result.missing.problems).toEqual([
      expect.objectContaining({ object: w.secondPack, state: 'not-downloaded' }),
    ]);
    const check = await repo.check();
    expect(check.problems).toEqual([]);
    expect(check.notHere.map((p) => p.object)).toContain(w.secondPack);
    // Waiting for the sync client: the file comes back while the restore waits for it.
    setTimeout(() => {
      fs.writeFileSync(file, bytes);
      fs.rmSync(placeholder);
    }, 300);
    const phases: string[] = [];
    const waited = await restore(w.backend, 'latest', {
      waitForSyncMs: 10_000,
      onProgress: (p: { phase: string }) => phases.push(p.phase),
    });
    expect(waited.result.complete).toBe(true);
    expect(digest(waited.target)).toBe(w.latest.digest);
    expect(phases).toContain('download');
  });

  it('an online-only (dataless) pack, listed with its size but no bytes on disk, is "not downloaded"', async () => {
    const w = await world();
    const file = path.join(w.dir, w.secondPack);
    const size = fs.statSync(file).size;
    // A sparse file: the size is there, the blocks are not (what OneDrive and Dropbox
    // online-only files and dataless iCloud files look like to stat).
    fs.rmSync(file);
    fs.writeFileSync(file, '');
    fs.truncateSync(file, size);
    settle(file);
    expect(fs.statSync(file).blocks).toBe(0);
    const { result } = await restore(w.backend);
    expect(result.missing.problems).toEqual([
      expect.objectContaining({ object: w.secondPack, state: 'not-downloaded' }),
    ]);
    expect(result.complete).toBe(false);
  });

  it('a read that fails with EIO on a file whose bytes are not local is "not downloaded"', async () => {
    const w = await world();
    const inner = createFolderBackend(w.dir);
    const evicted: Backend = {
      ...inner,
      read: async (name, range) => {
        if (name === w.secondPack) {
          const { ObjectNotLocalError } = await import('../errors.js');
          throw new ObjectNotLocalError(name);
        }
        return inner.read(name, range);
      },
      stat: async (name) => {
        const st = await inner.stat(name);
        return name === w.secondPack && st ? { ...st, local: false } : st;
      },
    };
    const repo = await Repository.open(evicted, PW);
    const r = await repo.restoreInto('latest', new MemoryStore(track(tmpDir())));
    expect(r.missing.problems).toEqual([
      expect.objectContaining({ object: w.secondPack, state: 'not-downloaded' }),
    ]);
  });

  it('a zero-length or half-written file is "arriving", not damage', async () => {
    const w = await world();
    const file = path.join(w.dir, w.secondPack);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length >> 1)); // being written right now
    let { result } = await restore(w.backend);
    expect(result.missing.problems).toEqual([
      expect.objectContaining({ object: w.secondPack, state: 'arriving' }),
    ]);
    fs.writeFileSync(file, '');
    settle(file);
    ({ result } = await restore(w.backend));
    expect(result.missing.problems).toEqual([
      expect.objectContaining({ object: w.secondPack, state: 'arriving' }),
    ]);
    const [snap] = await w.backend.list('snapshots/');
    fs.writeFileSync(path.join(w.dir, snap!), '');
    const repo = await Repository.open(w.backend, PW);
    expect(repo.problems).toEqual([expect.objectContaining({ object: snap, state: 'arriving' })]);
  });

  it('packs that arrive after their snapshot: missing, then restored once they are here', async () => {
    const w = await world();
    const file = path.join(w.dir, w.secondPack);
    const aside = path.join(w.dir, '..', `${path.basename(w.dir)}-pack`);
    fs.renameSync(file, aside);
    track(aside);
    const { result } = await restore(w.backend);
    expect(result.complete).toBe(false);
    expect(result.missing.problems).toEqual([
      expect.objectContaining({ object: w.secondPack, state: 'missing' }),
    ]);
    setTimeout(() => fs.renameSync(aside, file), 300);
    const waited = await restore(w.backend, 'latest', { waitForSyncMs: 10_000 });
    expect(waited.result.complete).toBe(true);
    expect(digest(waited.target)).toBe(w.latest.digest);
  });

  it('a snapshot whose index file has not arrived: its packs are indexed in memory', async () => {
    const w = await world();
    const before = files(w.dir);
    for (const name of await w.backend.list('index/')) fs.rmSync(path.join(w.dir, name));
    const { result, target } = await restore(w.backend);
    expect(result.complete).toBe(true);
    expect(digest(target)).toBe(w.latest.digest);
    expect(files(w.dir)).toEqual(before.filter((f) => !f.startsWith('index')));
  });
});

describe('accidents', () => {
  it('a read-only folder: open, snapshots, check and restore work without writing a lock', async () => {
    const w = await world();
    const before = files(w.dir);
    const readOnly = faultyBackend(
      faultyBackend(createFolderBackend(w.dir), {
        op: 'writeAtomic',
        code: 'EROFS',
      }),
      { op: 'delete', code: 'EROFS' },
    );
    const repo = await Repository.open(readOnly, PW);
    expect(await repo.snapshots()).toHaveLength(2);
    expect((await repo.check({ readData: true })).ok).toBe(true);
    expect(repo.readOnly).toBe(true);
    const target = new MemoryStore(track(tmpDir()));
    expect((await repo.restoreInto('latest', target)).complete).toBe(true);
    expect(digest(target)).toBe(w.latest.digest);
    const err = await repo
      .backupFrom(w.store, { mediaTypes: [...MEDIA_TYPES] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).problem).toBe('read-only');
    expect(files(w.dir)).toEqual(before);
  });

  it('the newest snapshot deleted: refused as a rollback where it was seen, restorable (older) elsewhere', async () => {
    const w = await world();
    const marker = w.repo.latestMarker()!;
    fs.rmSync(path.join(w.dir, 'snapshots', marker.hash));
    await expect(Repository.open(w.backend, PW, { lastSeen: marker })).rejects.toBeInstanceOf(
      RollbackDetectedError,
    );
    const { result, target } = await restore(w.backend);
    expect(result.complete).toBe(true);
    expect(digest(target)).toBe(w.first.digest);
  });

  it('config missing (both copies): init refuses the folder, the password still opens it', async () => {
    const w = await world();
    fs.rmSync(path.join(w.dir, 'config'));
    fs.rmSync(path.join(w.dir, 'copies', 'config'));
    const before = files(w.dir);
    await expect(
      Repository.init(w.backend, PW, { kdf: TEST_KDF, insecureTestKdf: true }),
    ).rejects.toMatchObject({
      code: 'FOLDER_IN_USE',
      message: expect.stringMatching(/may still be syncing/),
    });
    expect(files(w.dir)).toEqual(before);
    const { result, target, repo } = await restore(w.backend);
    expect(repo.warnings.join(' ')).toMatch(/"config" file is missing/);
    expect(digest(target)).toBe(w.latest.digest);
    expect(result.complete).toBe(true);
    // The keychain path (master key) finds the config in a key slot too.
    await Repository.openWithMasterKey(w.backend, w.repo.exportMasterKey());
    // And the recovery key opens it as well.
    await Repository.open(w.backend, { recoveryKey: w.recoveryKey });
  });

  it('one copy of config damaged: opens with a note; both damaged in their checksums: the key check vouches', async () => {
    const w = await world();
    const flip = (name: string, at: (n: number) => number) => {
      const file = path.join(w.dir, name);
      const b = fs.readFileSync(file);
      b[at(b.length)]! ^= 1;
      fs.writeFileSync(file, b);
    };
    flip('config', (n) => n >> 1);
    let repo = await Repository.open(w.backend, PW);
    expect(repo.warnings.join(' ')).toMatch(/One of the two copies of the backup's "config"/);
    flip('config', (n) => n >> 1);
    flip('config', (n) => n - 1);
    flip('copies/config', (n) => n - 1);
    repo = await Repository.open(w.backend, PW);
    expect(repo.repoId).toBe(w.repo.repoId);
    const { target } = await restore(w.backend);
    expect(digest(target)).toBe(w.latest.digest);
  });

  it('a crafted key slot (huge Argon2 cost) is skipped: the real slot opens at once', async () => {
    const w = await world();
    const keys = w.repo.exportMasterKey();
    const cfgRepoId = Buffer.from(w.repo.repoId, 'hex');
    for (const [i, kdf] of [
      { opsLimit: 2 ** 32 - 1, memLimit: 8192 },
      { opsLimit: 3, memLimit: 64 * 1024 ** 3 },
    ].entries()) {
      const crafted = encodeKeySlot(
        {
          kind: 'password',
          createdAt: 0,
          kdf: { alg: 'argon2id13', ...kdf, salt: '00'.repeat(16) },
        },
        Buffer.alloc(32, 1),
        Buffer.from(keys),
        cfgRepoId,
      );
      await w.backend.writeAtomic(`keys/${String(i).repeat(64)}`, crafted);
    }
    const started = Date.now();
    const repo = await Repository.open(w.backend, PW);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(repo.repoId).toBe(w.repo.repoId);
    // With only crafted slots, opening says the slots are damaged, quickly, never "wrong password".
    for (const s of await w.backend.list('keys/'))
      if (!/^keys\/[01]{64}$/.test(s)) fs.rmSync(path.join(w.dir, s));
    fs.rmSync(path.join(w.dir, 'copies', 'keys'), { recursive: true });
    const err = await Repository.open(w.backend, PW).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REPO_DAMAGED', message: expect.stringMatching(/Argon2id/) });
  });
});
