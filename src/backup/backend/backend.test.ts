import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  ObjectNotFoundError,
  ObjectNotLocalError,
  StorageError,
  toStorageError,
} from '../errors.js';
import { classifyName } from './sync-names.js';
import { tmpDir } from '../test-support.js';
import { createFolderBackend } from './folder.js';

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
    expect(await b.stat(name)).toMatchObject({ size: 11, local: true });
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

  it('a missing object is ObjectNotFoundError (never an errno); a missing folder lists as empty', async () => {
    const { b } = make();
    await expect(b.read('config')).rejects.toBeInstanceOf(ObjectNotFoundError);
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

describe('what sync clients do to the folder', () => {
  const hash = 'ab'.repeat(32);
  const pack = `data/ab/${hash}`;

  it("recognises conflict copies in every client's naming, placeholders and our temporaries", () => {
    const cases: [string, string, string][] = [
      [`${hash} (1)`, 'conflict', 'Google Drive copy'],
      [`${hash} 2`, 'conflict', 'iCloud Drive copy'],
      [`${hash} (Emily's conflicted copy 2026-11-29)`, 'conflict', 'Dropbox conflict copy'],
      [`${hash} (Emily's conflicted copy 2026-11-29) (1)`, 'conflict', 'Dropbox conflict copy'],
      [`${hash}-DESKTOP-ABC`, 'conflict', 'OneDrive conflict copy'],
      [`${hash}-DESKTOP-ABC-1`, 'conflict', 'OneDrive conflict copy'],
      [`${hash} (conflicted copy 2026-11-29 101500)`, 'conflict', 'Nextcloud conflict copy'],
      [`${hash}.sync-conflict-20261129-101500-ABCDEFG`, 'conflict', 'Syncthing conflict copy'],
      [`.${hash}.icloud`, 'placeholder', 'iCloud Drive'],
      ['config (1)', 'conflict', 'Google Drive copy'],
    ];
    for (const [name, kind, label] of cases) {
      expect(classifyName(name), name).toMatchObject({ kind, label });
    }
    expect(classifyName(`${hash} (1)`)).toMatchObject({ base: hash });
    expect(classifyName('.tmp-0123')).toEqual({ kind: 'temp' });
    for (const junk of ['.DS_Store', 'desktop.ini', 'Icon\r', 'Thumbs.db'])
      expect(classifyName(junk).kind, junk).toBe('foreign');
  });

  it('a conflict copy stands for a missing object: listed, read, deleted with it', async () => {
    const { dir, b } = make();
    fs.mkdirSync(path.join(dir, 'data', 'ab'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'ab', `${hash} (1)`), 'bytes');
    expect(await b.list('data/')).toEqual([pack]);
    expect((await b.read(pack)).toString()).toBe('bytes');
    expect((await b.read(pack, { offset: 1, length: 3 })).toString()).toBe('yte');
    expect(await b.stat(pack)).toMatchObject({ size: 5 });
    const variants = await b.variants!(pack);
    expect(variants.map((v) => v.label)).toEqual(['Google Drive copy']);
    await b.delete(pack);
    expect(fs.readdirSync(path.join(dir, 'data', 'ab'))).toEqual([]);
  });

  it('offers the object first, then each copy, as variants; a copied folder counts too', async () => {
    const { dir, b } = make();
    await b.writeAtomic(pack, Buffer.from('original'));
    fs.writeFileSync(path.join(dir, 'data', 'ab', `${hash}-LAPTOP`), 'onedrive');
    fs.mkdirSync(path.join(dir, 'data', 'ab (1)'));
    fs.writeFileSync(path.join(dir, 'data', 'ab (1)', hash), 'folder copy');
    const all = await b.variants!(pack);
    expect(all[0]!.label).toBe('the object');
    expect(await Promise.all(all.map(async (v) => (await v.read()).toString()))).toEqual([
      'original',
      'onedrive',
    ]);
    const surveyed = await b.survey!('data/');
    expect(surveyed.map((e) => [e.kind, e.label]).sort()).toEqual(
      [
        ['conflict', 'OneDrive conflict copy'],
        ['conflict', 'the object'],
        ['object', 'the object'],
      ].sort(),
    );
  });

  it('an evicted iCloud file is "not downloaded", not missing and not damaged', async () => {
    const { dir, b } = make();
    fs.mkdirSync(path.join(dir, 'data', 'ab'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'ab', `.${hash}.icloud`), 'bplist00');
    expect(await b.list('data/')).toEqual([pack]);
    await expect(b.read(pack)).rejects.toBeInstanceOf(ObjectNotLocalError);
    expect(await b.stat(pack)).toEqual({ size: 0, local: false });
    const [e] = await b.survey!('data/');
    expect(e).toMatchObject({ name: pack, kind: 'placeholder', local: false });
  });

  it('moves an object aside without ever replacing one', async () => {
    const { b } = make();
    await b.writeAtomic(pack, Buffer.from('x'));
    await b.move!(pack, `damaged/data/${hash}`);
    expect(await b.list('data/')).toEqual([]);
    expect((await b.read(`damaged/data/${hash}`)).toString()).toBe('x');
    await b.writeAtomic(pack, Buffer.from('y'));
    await expect(b.move!(pack, `damaged/data/${hash}`)).rejects.toMatchObject({ code: 'EEXIST' });
    expect((await b.read(`damaged/data/${hash}`)).toString()).toBe('x');
  });
});
