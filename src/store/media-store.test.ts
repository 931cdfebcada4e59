import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidMediaHashError } from './errors.js';
import { MediaStore } from './media-store.js';
import { tempDir } from './testing/fixtures.js';

let dir: string;
let cleanup: () => void;
let media: MediaStore;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  media = new MediaStore(path.join(dir, 'media'));
});
afterEach(() => cleanup());

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('MediaStore', () => {
  it('stores bytes under their SHA-256, once', async () => {
    const bytes = new TextEncoder().encode('hello media');
    const put = media.putBytes(bytes);
    expect(put).toEqual({ hash: sha(bytes), size: bytes.length });
    const file = media.pathFor(put.hash);
    expect(file).toBe(path.join(dir, 'media', put.hash.slice(0, 2), put.hash));
    expect(fs.readFileSync(file, 'utf8')).toBe('hello media');
    expect(media.has(put.hash)).toBe(true);

    const src = path.join(dir, 'src.bin');
    fs.writeFileSync(src, bytes);
    expect(await media.putFile(src)).toEqual(put);
    expect(media.putBytes(bytes)).toEqual(put);
    const shardFiles = fs.readdirSync(path.dirname(file));
    expect(shardFiles).toEqual([put.hash]);
    expect(fs.readdirSync(path.join(dir, 'media', 'tmp'))).toEqual([]);
  });

  it('streams large files and hashes them correctly', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 7);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    const src = path.join(dir, 'big.bin');
    fs.writeFileSync(src, big);
    const put = await media.putFile(src);
    expect(put).toEqual({ hash: sha(big), size: big.length });
    expect(fs.readFileSync(media.pathFor(put.hash)).equals(big)).toBe(true);
  });

  it('leaves no temp file behind when the source cannot be read', async () => {
    await expect(media.putFile(path.join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
    const tmp = path.join(dir, 'media', 'tmp');
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
  });

  it.each([
    '../'.repeat(3) + 'etc/passwd',
    '%2e%2e%2f%2e%2e%2fsecret',
    '/etc/passwd',
    'C:\\Windows\\win.ini',
    'A'.repeat(64),
    'a'.repeat(63),
    'a'.repeat(65),
    `${'a'.repeat(62)}/.`,
    `ab/${'a'.repeat(64)}`,
    `${'a'.repeat(64)}\0`,
    '',
  ])('rejects %j', (name) => {
    expect(() => media.pathFor(name)).toThrow(InvalidMediaHashError);
    expect(media.resolveForServing(name)).toBeNull();
  });

  it('serves only stored files inside its folder', () => {
    const { hash } = media.putBytes(new Uint8Array([1, 2, 3]));
    expect(media.resolveForServing(hash)).toBe(media.pathFor(hash));
    expect(media.resolveForServing('f'.repeat(64))).toBeNull();

    // A symlink planted under a valid name must not lead out of the folder.
    const outside = path.join(dir, 'outside.txt');
    fs.writeFileSync(outside, 'secret');
    const evil = 'e'.repeat(64);
    fs.mkdirSync(path.dirname(media.pathFor(evil)), { recursive: true });
    fs.symlinkSync(outside, media.pathFor(evil));
    expect(media.resolveForServing(evil)).toBeNull();
  });
});
