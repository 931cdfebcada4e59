import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../store/records.js';
import { createFolderBackend } from './backend/folder.js';
import { padme } from './crypto/repo-keys.js';
import { KeysChangedError, SnapshotNotFoundError } from './errors.js';
import { legacyStore } from './fixtures/legacy-store.js';
import { Repository } from './repository.js';
import { folderRepo, MemoryStore, sampleStore, TEST_KDF, tmpDir } from './test-support.js';

const dirs: string[] = [];
const track = (d: string): string => (dirs.push(d), d);
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const OPTS = { mediaTypes: [...MEDIA_TYPES], host: 'h1' };
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'format-v1');
const FIXTURE_RECOVERY_KEY =
  '1111-2222-3333-4444-5555-6666-7777-8888-9999-aaaa-bbbb-cccc-dddd-eeee-ffff-0000';

async function setup() {
  const { dir, backend } = folderRepo();
  track(dir);
  const store = sampleStore(track(tmpDir()));
  const { repo } = await Repository.init(
    backend,
    { password: 'old password' },
    { kdf: TEST_KDF, insecureTestKdf: true },
  );
  repo.setTestKdf(TEST_KDF);
  const { recoveryKey } = await repo.addRecoveryKey();
  return { dir, backend, store, repo, recoveryKey };
}

/** Every key slot file (and its copy), as a cloud's version history would keep them. */
function slotFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const sub of ['keys', path.join('copies', 'keys')]) {
    const d = path.join(dir, sub);
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d)) out.set(path.join(sub, f), fs.readFileSync(path.join(d, f)));
  }
  return out;
}

function putBack(dir: string, files: Map<string, Buffer>): void {
  for (const [name, bytes] of files) fs.writeFileSync(path.join(dir, name), bytes);
}

async function addMessage(store: MemoryStore, key: string, text: string): Promise<void> {
  await store.ingest([
    {
      ...store.chats[0]!.bundle,
      messages: [
        {
          key,
          senderKey: null,
          sentAt: Date.UTC(2025, 5, 1),
          text,
          kind: 'text',
          attachments: [],
          reactions: [],
        },
      ],
    },
  ]);
}

function sorted(s: MemoryStore) {
  return s.allMessages().sort((a, b) => (a.key < b.key ? -1 : 1));
}

async function restoredMessages(repo: Repository, snapshot: string) {
  const target = new MemoryStore(track(tmpDir()));
  const result = await repo.restoreInto(snapshot, target);
  expect(result.mediaSkipped).toBe(0);
  return sorted(target);
}

describe('key epochs', () => {
  it('after a password change, a copy of the old slot opens the snapshots made before it and none made after', async () => {
    const { dir, backend, store, repo, recoveryKey } = await setup();
    const before = await repo.backupFrom(store, OPTS);
    const beforeMessages = sorted(store);
    const oldSlots = slotFiles(dir);
    const oldKeyring = repo.exportMasterKey();

    const slot = (await repo.listKeys()).find((k) => k.kind === 'password')!;
    expect(await repo.changePassword(slot.id, 'new password')).toMatchObject({
      rotated: true,
      epoch: 1,
      newSlot: { kind: 'password', epoch: 1 },
    });
    expect((await repo.listKeys()).map((k) => k.epoch)).toEqual([1, 1]);
    await addMessage(store, 'after-1', 'written after the change');
    const after = await repo.backupFrom(store, OPTS);
    expect(repo.keyEpoch).toBe(1);

    // The cloud's version history hands the old slot back.
    putBack(dir, oldSlots);
    const old = await Repository.open(backend, { password: 'old password' });
    expect((await old.snapshots()).map((s) => s.id)).toEqual([before.id]);
    const skipped = old.problems.find((p) => p.object === `snapshots/${after.id}`);
    expect(skipped?.message).toMatch(/newer key/);
    expect(await restoredMessages(old, before.id)).toEqual(beforeMessages);
    await expect(old.restoreInto(after.id, new MemoryStore(track(tmpDir())))).rejects.toThrow(
      SnapshotNotFoundError,
    );
    // It reads; it never writes (a repair would take the newer files for damage).
    await expect(old.repair()).rejects.toThrow(KeysChangedError);
    await expect(old.backupFrom(store, OPTS)).rejects.toThrow(KeysChangedError);
    await old.close();

    // The old keyring a computer kept is refused: it must not write with it.
    await expect(Repository.openWithMasterKey(backend, oldKeyring)).rejects.toThrow(
      KeysChangedError,
    );

    // The new password and the recovery key (given the new key without its secret) open all.
    for (const secret of [{ password: 'new password' }, { recoveryKey }]) {
      const cur = await Repository.open(backend, secret);
      expect((await cur.snapshots()).map((s) => s.id)).toEqual([before.id, after.id]);
      expect(await restoredMessages(cur, before.id)).toEqual(beforeMessages);
      expect(await restoredMessages(cur, after.id)).toEqual(sorted(store));
      expect((await cur.check({ readData: true })).ok).toBe(true);
      await cur.close();
    }
    const exported = repo.exportMasterKey();
    expect(exported.length).toBe(64);
    const kept = await Repository.openWithMasterKey(backend, exported);
    expect((await kept.snapshots()).length).toBe(2);
    await kept.close();
  });

  it('removing the recovery key moves to a new key: its old slot opens nothing written after', async () => {
    const { dir, backend, store, repo, recoveryKey } = await setup();
    const before = await repo.backupFrom(store, OPTS);
    const oldSlots = slotFiles(dir);
    const rec = (await repo.listKeys()).find((k) => k.kind === 'recovery')!;
    expect(await repo.removeKey(rec.id)).toMatchObject({ rotated: true, epoch: 1 });
    await addMessage(store, 'after-2', 'after the recovery key went');
    const after = await repo.backupFrom(store, OPTS);
    // Prune, forget and the rest work across epochs.
    await repo.forget({ keepLast: 1 });
    await repo.prune({ graceMs: 0 });
    expect((await repo.check({ readData: true })).ok).toBe(true);

    putBack(dir, oldSlots);
    const old = await Repository.open(backend, { recoveryKey });
    expect(await old.snapshots()).toEqual([]);
    expect(old.problems.map((p) => p.object)).toContain(`snapshots/${after.id}`);
    await old.close();
    const cur = await Repository.open(backend, { password: 'old password' });
    expect((await cur.snapshots()).map((s) => s.id)).toEqual([after.id]);
    expect(await restoredMessages(cur, after.id)).toEqual(sorted(store));
    expect(before.id).not.toBe(after.id);
    await cur.close();
  });

  it('repair (a damaged pack of the older key, a damaged index) and copy work across key epochs', async () => {
    const { dir, backend, store, repo } = await setup();
    await repo.backupFrom(store, OPTS);
    const oldPacks = await backend.list('data/');
    const pw = (await repo.listKeys()).find((k) => k.kind === 'password')!;
    await repo.changePassword(pw.id, 'new password');
    await addMessage(store, 'r1', 'after the change');
    await repo.backupFrom(store, OPTS);
    await repo.close();
    // A flipped byte in the middle of the older key's largest pack (the video), settled.
    const sizes = oldPacks.map((p) => fs.statSync(path.join(dir, p)).size);
    const victim = path.join(dir, oldPacks[sizes.indexOf(Math.max(...sizes))]!);
    const bytes = fs.readFileSync(victim);
    bytes[Math.floor(bytes.length * 0.6)]! ^= 0x10;
    fs.writeFileSync(victim, bytes);
    const [index] = await backend.list('index/');
    fs.writeFileSync(path.join(dir, index!), Buffer.from('not an index'));
    const hourAgo = new Date(Date.now() - 3600_000);
    for (const f of [victim, path.join(dir, index!)]) fs.utimesSync(f, hourAgo, hourAgo);

    const r = await Repository.open(backend, { password: 'new password' });
    const report = await r.repair({ source: store });
    expect(report.remaining?.ok).toBe(true);
    expect(report.blobsRebuilt).toBeGreaterThan(0);
    expect((await r.check({ readData: true })).ok).toBe(true);
    expect(await restoredMessages(r, 'latest')).toEqual(sorted(store));

    const { dir: copyDir, backend: copyBackend } = folderRepo();
    track(copyDir);
    await r.copyTo(copyBackend);
    await r.close();
    const copy = await Repository.open(copyBackend, { password: 'new password' });
    expect((await copy.check({ readData: true })).ok).toBe(true);
    expect(await restoredMessages(copy, 'latest')).toEqual(sorted(store));
    await copy.close();
  });

  it('a format 1 folder opens, restores, takes new backups and moves to key epochs', async () => {
    const dir = track(tmpDir());
    fs.cpSync(FIXTURE, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'README.md'));
    const backend = createFolderBackend(dir);
    const store = legacyStore(track(tmpDir()));
    const repo = await Repository.open(backend, { password: 'format one' });
    repo.setTestKdf(TEST_KDF);
    const [first] = await repo.snapshots();
    expect(first).toMatchObject({ seq: 1, host: 'old-host', messageCount: 2 });
    expect(await restoredMessages(repo, first!.id)).toEqual(sorted(store));
    expect((await repo.check({ readData: true })).ok).toBe(true);

    await addMessage(store, 'new-1', 'written by format 2');
    const second = await repo.backupFrom(store, { mediaTypes: ['photo'], host: 'old-host' });
    expect(await restoredMessages(repo, second.id)).toEqual(sorted(store));

    // The format 1 recovery slot cannot receive a new key without its secret: the password
    // changes, the data key stays, and the result says why.
    const pw = (await repo.listKeys()).find((k) => k.kind === 'password')!;
    const changed = await repo.changePassword(pw.id, 'format two');
    expect(changed).toMatchObject({ rotated: false, epoch: 0 });
    // A new recovery key, then removing the old one: every slot left can receive a new key.
    const oldRecovery = (await repo.listKeys()).find((k) => k.kind === 'recovery')!;
    const { recoveryKey } = await repo.addRecoveryKey();
    expect(await repo.removeKey(oldRecovery.id)).toMatchObject({ rotated: true, epoch: 1 });
    await addMessage(store, 'new-2', 'written with key 1');
    const third = await repo.backupFrom(store, { mediaTypes: ['photo'], host: 'old-host' });
    await repo.close();

    for (const secret of [{ password: 'format two' }, { recoveryKey }]) {
      const r = await Repository.open(backend, secret);
      expect((await r.snapshots()).map((s) => s.id)).toEqual([first!.id, second.id, third.id]);
      expect(await restoredMessages(r, third.id)).toEqual(sorted(store));
      expect((await r.check({ readData: true })).ok).toBe(true);
      await r.close();
    }
  });
});

describe('format 1 slots', () => {
  it('a format 1 folder opened with its recovery key moves to key epochs at the first password change', async () => {
    const dir = track(tmpDir());
    fs.cpSync(FIXTURE, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'README.md'));
    fs.rmSync(path.join(dir, '.gitattributes'), { force: true });
    const oldSlots = slotFiles(dir);
    const backend = createFolderBackend(dir);
    const store = legacyStore(track(tmpDir()));
    const repo = await Repository.open(backend, { recoveryKey: FIXTURE_RECOVERY_KEY });
    repo.setTestKdf(TEST_KDF);
    const [first] = await repo.snapshots();
    const pw = (await repo.listKeys()).find((k) => k.kind === 'password')!;
    // The recovery slot is format 1, but this session opened it: it is written again in
    // format 2 with the new key.
    expect(await repo.changePassword(pw.id, 'format two')).toMatchObject({
      rotated: true,
      epoch: 1,
    });
    expect((await repo.listKeys()).map((k) => k.epoch)).toEqual([1, 1]);
    await addMessage(store, 'n1', 'written with key 1');
    const second = await repo.backupFrom(store, { mediaTypes: ['photo'], host: 'old-host' });
    await repo.close();

    const rec = await Repository.open(backend, { recoveryKey: FIXTURE_RECOVERY_KEY });
    expect((await rec.snapshots()).map((s) => s.id)).toEqual([first!.id, second.id]);
    await rec.close();
    // The format 1 slots, given back by a cloud's history, open only the first snapshot.
    putBack(dir, oldSlots);
    const old = await Repository.open(backend, { password: 'format one' });
    expect((await old.snapshots()).map((s) => s.id)).toEqual([first!.id]);
    await old.close();
  });

  it('a backup another computer keeps open stops writing once the password changed elsewhere', async () => {
    const { backend, store, repo } = await setup();
    await repo.backupFrom(store, OPTS);
    const other = await Repository.open(backend, { password: 'old password' });
    const slot = (await repo.listKeys()).find((k) => k.kind === 'password')!;
    await repo.changePassword(slot.id, 'new password');
    const before = await backend.list('data/');
    await addMessage(store, 'o1', 'must not be written with the old key');
    await expect(other.backupFrom(store, OPTS)).rejects.toThrow(KeysChangedError);
    expect(await backend.list('data/')).toEqual(before);
    await other.close();
  });
});

describe('re-encrypt everything', () => {
  it('afterwards an old slot opens nothing, every snapshot restores, and rollback markers still match', async () => {
    const { dir, backend, store, repo, recoveryKey } = await setup();
    const first = await repo.backupFrom(store, OPTS);
    const firstMessages = sorted(store);
    await addMessage(store, 'x1', 'second backup');
    const second = await repo.backupFrom(store, OPTS);
    const marker = repo.latestMarker('h1')!;
    const oldSlots = slotFiles(dir);
    const pw = (await repo.listKeys()).find((k) => k.kind === 'password')!;
    await repo.changePassword(pw.id, 'new password');
    await addMessage(store, 'x2', 'third backup, new key');
    const third = await repo.backupFrom(store, OPTS);

    const report = await repo.reencrypt({ graceMs: 0 });
    expect(report).toMatchObject({
      epoch: 1,
      snapshotsRewritten: 2,
      remaining: { packs: 0, indexFiles: 0, snapshots: 0 },
    });
    expect(report.blobsCopied).toBeGreaterThan(0);
    // Running it again finds nothing to do.
    expect(await repo.reencrypt({ graceMs: 0 })).toMatchObject({
      packsCopied: 0,
      snapshotsRewritten: 0,
      remaining: { packs: 0, indexFiles: 0, snapshots: 0 },
    });

    putBack(dir, oldSlots);
    for (const secret of [{ password: 'old password' }, { recoveryKey }]) {
      // The recovery slot's old copy is tried after the current one: put back alone here.
      const old = await Repository.open(backend, secret);
      if ('password' in secret) {
        expect(await old.snapshots()).toEqual([]);
        expect(old.problems.length).toBeGreaterThan(0);
      }
      await old.close();
    }
    const oldRecoveryOnly = track(tmpDir());
    fs.cpSync(dir, oldRecoveryOnly, { recursive: true });
    for (const sub of ['keys', path.join('copies', 'keys')])
      fs.rmSync(path.join(oldRecoveryOnly, sub), { recursive: true });
    fs.mkdirSync(path.join(oldRecoveryOnly, 'copies', 'keys'), { recursive: true });
    fs.mkdirSync(path.join(oldRecoveryOnly, 'keys'));
    putBack(oldRecoveryOnly, oldSlots);
    const oldRec = await Repository.open(createFolderBackend(oldRecoveryOnly), { recoveryKey });
    expect(await oldRec.snapshots()).toEqual([]);
    await oldRec.close();

    const cur = await Repository.open(backend, { password: 'new password' }, { lastSeen: marker });
    const snaps = await cur.snapshots();
    expect(snaps.map((s) => s.seq)).toEqual([first.seq, second.seq, third.seq]);
    expect(await restoredMessages(cur, snaps[0]!.id)).toEqual(firstMessages);
    expect(await restoredMessages(cur, snaps[2]!.id)).toEqual(sorted(store));
    expect((await cur.check({ readData: true })).ok).toBe(true);
    await cur.close();
  });
});

describe('padding', () => {
  it('Padmé keeps powers of two and adds at most 12 %', () => {
    expect(padme(1024 * 1024)).toBe(1024 * 1024);
    expect(padme(1000)).toBe(1024);
    expect(padme(1025)).toBe(1088);
    for (let n = 2; n < 200_000; n += 997) {
      expect(padme(n)).toBeGreaterThanOrEqual(n);
      expect(padme(n) / n).toBeLessThanOrEqual(1.12);
    }
  });

  it('a pack does not show the exact size of the media file it carries, nor how many blobs it holds', async () => {
    const sizes: number[] = [];
    for (const extra of [0, 7]) {
      const { dir, backend } = folderRepo();
      track(dir);
      const store = new MemoryStore(track(tmpDir()));
      const bytes = Buffer.alloc(300_001 + extra);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761 + extra) >>> 24;
      const hash = store.addMedia(bytes, 'photo', 'image/jpeg');
      await store.ingest([
        {
          source: { kind: 'whatsapp', accountKey: 'me', label: 'WhatsApp' },
          chat: { key: 'c', type: 'direct', title: 'C', members: ['c'] },
          people: [],
          messages: [
            {
              key: 'm',
              senderKey: 'c',
              sentAt: Date.UTC(2025, 0, 1),
              text: null,
              kind: 'media',
              attachments: [
                { mediaType: 'photo', mime: 'image/jpeg', size: bytes.length, hash, fileName: 'x' },
              ],
              reactions: [],
            },
          ],
        },
      ]);
      const { repo } = await Repository.init(
        backend,
        { password: 'pw' },
        { kdf: TEST_KDF, insecureTestKdf: true },
      );
      await repo.backupFrom(store, OPTS);
      const packs = await backend.list('data/');
      const media = await Promise.all(packs.map(async (p) => (await backend.stat(p))!.size));
      sizes.push(Math.max(...media));
      await repo.close();
    }
    expect(sizes[0]).toBe(sizes[1]);
  });

  it('index and snapshot files are padded too, and still read back', async () => {
    const { backend, store, repo } = await setup();
    await repo.backupFrom(store, OPTS);
    await addMessage(store, 'p1', 'another');
    await repo.backupFrom(store, OPTS);
    const files = [...(await backend.list('index/')), ...(await backend.list('snapshots/'))];
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      // 9-byte header, then a box: 40 bytes around a plaintext of Padmé length.
      const plaintext = (await backend.stat(f))!.size - 9 - 40;
      expect(padme(plaintext), f).toBe(plaintext);
    }
    const again = await Repository.open(backend, { password: 'old password' });
    expect(again.problems).toEqual([]);
    expect(await restoredMessages(again, 'latest')).toEqual(sorted(store));
    await again.close();
  });
});
