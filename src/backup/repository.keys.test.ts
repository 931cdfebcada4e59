import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createFolderBackend } from './backend/folder.js';
import {
  InvalidArgumentError,
  LastKeySlotError,
  RepositoryDamagedError,
  RepositoryExistsError,
  RepositoryNotFoundError,
  WeakKdfError,
  WrongSecretError,
} from './errors.js';
import { DEFAULT_ARGON2, parseRecoveryKey } from './format/key-slot.js';
import { Repository } from './repository.js';
import { faultyBackend, folderRepo, TEST_KDF, tmpDir } from './test-support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function setup(password = 'old password') {
  const { dir, backend } = folderRepo();
  dirs.push(dir);
  const { repo } = await Repository.init(
    backend,
    { password },
    { kdf: TEST_KDF, insecureTestKdf: true },
  );
  repo.setTestKdf(TEST_KDF);
  return { dir, backend, repo };
}

function flipByte(file: string, at: (len: number) => number): void {
  const b = fs.readFileSync(file);
  const i = at(b.length);
  b[i] = b[i]! ^ 0x01;
  fs.writeFileSync(file, b);
}

describe('key slots', () => {
  it('opens with the right password, refuses a wrong one with WrongSecretError', async () => {
    const { backend, repo } = await setup();
    const again = await Repository.open(backend, { password: 'old password' });
    expect(again.repoId).toBe(repo.repoId);
    expect(Buffer.from(again.exportMasterKey()).equals(Buffer.from(repo.exportMasterKey()))).toBe(
      true,
    );
    const err = await Repository.open(backend, { password: 'wrong' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongSecretError);
    expect((err as WrongSecretError).code).toBe('WRONG_SECRET');
    expect((err as Error).message).toBe('Wrong password');
  });

  it('a slot is stored twice: one damaged copy changes nothing', async () => {
    const { dir, backend } = await setup();
    const [slot] = await backend.list('keys/');
    const id = slot!.slice('keys/'.length);
    expect(await backend.list('copies/keys/')).toEqual([`copies/keys/${id}`]);
    for (const pos of [() => 2, () => 20, (n: number) => n - 40, (n: number) => n - 1]) {
      flipByte(`${dir}/${slot}`, pos);
      const repo = await Repository.open(backend, { password: 'old password' });
      expect(repo.warnings).toEqual([]);
      flipByte(`${dir}/${slot}`, pos); // undo
    }
    fs.rmSync(`${dir}/${slot}`);
    await Repository.open(backend, { password: 'old password' });
  });

  it('both copies damaged: damage naming the slot, never "wrong password"; a damaged checksum alone still opens', async () => {
    const { dir, backend } = await setup();
    const [slot] = await backend.list('keys/');
    const copy = `copies/${slot}`;
    for (const pos of [() => 2, () => 20, (n: number) => n - 40]) {
      flipByte(`${dir}/${slot}`, pos);
      flipByte(`${dir}/${copy}`, pos);
      const err = await Repository.open(backend, { password: 'old password' }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(RepositoryDamagedError);
      expect([slot, copy]).toContain((err as RepositoryDamagedError).object);
      flipByte(`${dir}/${slot}`, pos); // undo
      flipByte(`${dir}/${copy}`, pos);
    }
    // The last bytes are the checksum: the box inside is intact and proves itself.
    flipByte(`${dir}/${slot}`, (n) => n - 1);
    flipByte(`${dir}/${copy}`, (n) => n - 1);
    const repo = await Repository.open(backend, { password: 'old password' });
    expect(repo.warnings.join(' ')).toMatch(/checksum of key file .* is damaged/);
    for (const f of [slot, copy]) {
      const b = fs.readFileSync(`${dir}/${f}`);
      fs.writeFileSync(`${dir}/${f}`, b.subarray(0, b.length - 7));
    }
    await expect(Repository.open(backend, { password: 'old password' })).rejects.toMatchObject({
      code: 'REPO_DAMAGED',
    });
  });

  it('changes a password by rewrapping: the new one opens, the old one is refused', async () => {
    const { backend, repo } = await setup();
    const [slot] = await repo.listKeys();
    const before = new Set(await backend.list('data/'));
    await repo.changePassword(slot!.id, 'new password');
    await expect(Repository.open(backend, { password: 'old password' })).rejects.toBeInstanceOf(
      WrongSecretError,
    );
    const r = await Repository.open(backend, { password: 'new password' });
    expect(r.repoId).toBe(repo.repoId);
    expect(new Set(await backend.list('data/'))).toEqual(before);
    expect(await r.listKeys()).toHaveLength(1);
  });

  it('adds and removes slots, refusing to remove the last one', async () => {
    const { backend, repo } = await setup();
    const second = await repo.addPassword('second');
    const { slot: rec, recoveryKey } = await repo.addRecoveryKey();
    expect(recoveryKey).toMatch(/^([0-9a-f]{4}-){15}[0-9a-f]{4}$/);
    expect((await repo.listKeys()).map((k) => k.kind).sort()).toEqual([
      'password',
      'password',
      'recovery',
    ]);
    await Repository.open(backend, { password: 'second' });
    // Spaces, dashes and upper case are all fine in a typed recovery key.
    await Repository.open(backend, { recoveryKey: recoveryKey.toUpperCase().replace(/-/g, ' ') });
    const first = (await repo.listKeys()).find((k) => k.kind === 'password' && k.id !== second.id)!;
    await repo.removeKey(first.id);
    await expect(Repository.open(backend, { password: 'old password' })).rejects.toBeInstanceOf(
      WrongSecretError,
    );
    // Removing a key moves to a new data key: the slots that stay are written again (as new
    // files, so with new ids), each holding the new key.
    const afterFirst = await repo.listKeys();
    expect(afterFirst.map((k) => k.id)).not.toContain(second.id);
    expect(afterFirst.map((k) => k.epoch)).toEqual([1, 1]);
    await repo.removeKey(afterFirst.find((k) => k.kind === 'password')!.id);
    const [last] = await repo.listKeys();
    expect(last).toMatchObject({ kind: 'recovery', epoch: 2 });
    expect(rec.id).not.toBe(last!.id);
    await expect(repo.removeKey(last!.id)).rejects.toBeInstanceOf(LastKeySlotError);
    await expect(repo.removeKey('f'.repeat(64))).rejects.toMatchObject({
      code: 'KEY_SLOT_NOT_FOUND',
    });
    await Repository.open(backend, { recoveryKey });
  });

  it('a wrong recovery key has its own message; a malformed one is an argument error', async () => {
    const { backend, repo } = await setup();
    await repo.addRecoveryKey();
    const err = await Repository.open(backend, { recoveryKey: 'ab'.repeat(32) }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WrongSecretError);
    expect((err as Error).message).toBe('This recovery key does not open this backup');
    await expect(Repository.open(backend, { recoveryKey: '1234' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(() => parseRecoveryKey('g'.repeat(64))).toThrow(InvalidArgumentError);
  });

  it('a repository created with a recovery key only returns it formatted', async () => {
    const { dir, backend } = folderRepo();
    dirs.push(dir);
    const raw = 'A1B2'.repeat(16);
    const { recoveryKey } = await Repository.init(backend, { recoveryKey: raw });
    expect(recoveryKey).toBe('a1b2-'.repeat(15) + 'a1b2');
    await Repository.open(backend, { recoveryKey: raw });
    await expect(Repository.open(backend, { password: 'x' })).rejects.toMatchObject({
      code: 'SECRET_KIND_MISSING',
      message: 'This backup has no password: open it with its 64-digit recovery key',
    });
  });

  it('refuses weak Argon2 parameters unless explicitly marked as test-only', async () => {
    const { dir, backend } = folderRepo();
    dirs.push(dir);
    await expect(
      Repository.init(backend, { password: 'p' }, { kdf: TEST_KDF }),
    ).rejects.toBeInstanceOf(WeakKdfError);
    expect(await backend.list('keys/')).toHaveLength(0);
  });

  it('user-created password slots use Argon2id MODERATE by default', async () => {
    const { backend, repo } = await setup();
    repo.setTestKdf(null);
    const info = await repo.addPassword('strong one');
    expect(info.kdf).toEqual({ alg: 'argon2id13', opsLimit: 3, memLimit: 256 * 1024 * 1024 });
    expect(DEFAULT_ARGON2).toEqual({ opsLimit: 3, memLimit: 256 * 1024 * 1024 });
    await Repository.open(backend, { password: 'strong one' });
  });

  it('refuses to init over an existing repository; a missing one is RepositoryNotFound', async () => {
    const { backend } = await setup();
    await expect(
      Repository.init(backend, { password: 'x' }, { kdf: TEST_KDF, insecureTestKdf: true }),
    ).rejects.toBeInstanceOf(RepositoryExistsError);
    const empty = tmpDir();
    dirs.push(empty);
    await expect(
      Repository.open(createFolderBackend(empty), { password: 'x' }),
    ).rejects.toBeInstanceOf(RepositoryNotFoundError);
  });

  it('an interrupted init is a repository already: the slot carries the config, init refuses', async () => {
    const { dir, backend } = folderRepo();
    dirs.push(dir);
    const faulty = faultyBackend(backend, { op: 'writeAtomic', code: 'ENOSPC', match: /^config$/ });
    await expect(
      Repository.init(faulty, { password: 'a' }, { kdf: TEST_KDF, insecureTestKdf: true }),
    ).rejects.toMatchObject({ code: 'STORAGE', problem: 'disk-full' });
    expect(await backend.list('keys/')).toHaveLength(1);
    const repo = await Repository.open(backend, { password: 'a' });
    expect(repo.warnings.join(' ')).toMatch(/"config" file is missing/);
    await expect(
      Repository.init(backend, { password: 'b' }, { kdf: TEST_KDF, insecureTestKdf: true }),
    ).rejects.toMatchObject({ code: 'FOLDER_IN_USE' });
    expect(await backend.list('keys/')).toHaveLength(1);
    await Repository.open(backend, { password: 'a' });
  });

  it('opens with the exported master key (the OS keychain path)', async () => {
    const { backend, repo } = await setup();
    const r = await Repository.openWithMasterKey(backend, repo.exportMasterKey());
    expect(r.repoId).toBe(repo.repoId);
    await expect(Repository.openWithMasterKey(backend, new Uint8Array(5))).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('close forgets the keys: later operations are refused', async () => {
    const { repo } = await setup();
    await repo.close();
    expect(() => repo.exportMasterKey()).toThrow(InvalidArgumentError);
    await expect(repo.addPassword('x')).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
