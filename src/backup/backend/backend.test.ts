import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, StorageError, toStorageError } from '../errors.js';
import { tmpDir } from '../test-support.js';
import { createFolderBackend } from './backend.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function make() {
  const dir = tmpDir();
  dirs.push(dir);
  return { dir, b: createFolderBackend(dir) };
}

describe('folder backend', () => {
  it('writes, lists, reads ranges, stats and deletes objects', async () => {
    const { dir, b } = make();
    const name = `data/ab/${'ab'.repeat(32)}`;
    await b.writeAtomic(name, Buffer.from('hello world'));
    await b.writeAtomic('keys/' + 'c'.repeat(64), Buffer.from('k'));
    expect((await b.list('data/')).sort()).toEqual([name]);
    expect((await b.list('')).sort()).toEqual(['keys/' + 'c'.repeat(64), name].sort());
    expect((await b.read(name, { offset: 6, length: 5 })).toString()).toBe('world');
    expect(await b.stat(name)).toEqual({ size: 11 });
    expect(await b.stat('data/ab/' + 'f'.repeat(64))).toBeNull();
    await b.delete(name);
    await b.delete(name); // missing: fine
    expect(await b.list('data/')).toEqual([]);
    expect(fs.readdirSync(path.join(dir, 'data', 'ab'))).toEqual([]);
  });

  it('writes into new nested folders, durable or not', async () => {
    const { b } = make();
    await b.writeAtomic(`data/0f/${'0f'.repeat(32)}`, Buffer.from('x'));
    await b.writeAtomic('locks/' + 'a'.repeat(64), Buffer.from('lock'), { durable: false });
    expect((await b.read('locks/' + 'a'.repeat(64))).toString()).toBe('lock');
    await b.delete('locks/' + 'a'.repeat(64), { durable: false });
    expect((await b.list('')).sort()).toEqual([`data/0f/${'0f'.repeat(32)}`]);
  });

  it('never overwrites an existing object', async () => {
    const { b } = make();
    await b.writeAtomic('config', Buffer.from('first'));
    await b.writeAtomic('config', Buffer.from('second'));
    expect((await b.read('config')).toString()).toBe('first');
  });

  it('ignores temporary files and refuses names that are not lowercase ascii', async () => {
    const { dir, b } = make();
    fs.mkdirSync(path.join(dir, 'index'));
    fs.writeFileSync(path.join(dir, 'index', '.tmp-123'), 'x');
    expect(await b.list('index/')).toEqual([]);
    for (const bad of ['Config', 'data/../x', 'keys/ABC', 'a b', 'x/y/z/w', '']) {
      await expect(b.writeAtomic(bad, Buffer.from('x'))).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
  });

  it('a missing object reads as ENOENT; a missing folder lists as empty', async () => {
    const { b } = make();
    await expect(b.read('config')).rejects.toMatchObject({ code: 'ENOENT' });
    const parent = tmpDir();
    dirs.push(parent);
    expect(await createFolderBackend(path.join(parent, 'nope')).list('keys/')).toEqual([]);
  });

  it('maps disk-full and permission errnos to StorageError with advice', () => {
    const e = toStorageError(Object.assign(new Error('x'), { code: 'ENOSPC' }), 'data/ab/cd');
    expect(e).toBeInstanceOf(StorageError);
    expect((e as StorageError).message).toMatch(/full.*Free some space/);
    expect(
      (toStorageError(Object.assign(new Error('x'), { code: 'EROFS' }), 'config') as StorageError)
        .problem,
    ).toBe('read-only');
    const other = new Error('other');
    expect(toStorageError(other, 'config')).toBe(other);
  });
});
