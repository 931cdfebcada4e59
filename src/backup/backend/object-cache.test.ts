import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blake2b256 } from '../crypto/primitives.js';
import { tmpDir } from '../test-support.js';
import type { Backend } from './backend.js';
import { createFolderBackend } from './folder.js';
import { withObjectCache } from './object-cache.js';

/** The local cache of a network repository, over a real folder standing in for the server. */

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

function setup(): { server: string; cache: string; backend: Backend; reads: string[] } {
  const root = tmpDir();
  roots.push(root);
  const server = path.join(root, 'server');
  const cache = path.join(root, 'cache');
  fs.mkdirSync(server);
  const inner = createFolderBackend(server);
  const reads: string[] = [];
  const counting: Backend = {
    ...inner,
    read: (name, range) => {
      reads.push(name);
      return inner.read(name, range);
    },
  };
  return { server, cache, backend: withObjectCache(counting, cache), reads };
}

const named = (bytes: Buffer) => `index/${blake2b256(bytes).toString('hex')}`;

describe('withObjectCache', () => {
  it('reads an index file once, then from the cache; a damaged cached copy is fetched again', async () => {
    const { cache, backend, reads } = setup();
    const bytes = Buffer.from('an encrypted index file');
    const name = named(bytes);
    await backend.writeAtomic(name, bytes);
    expect((await backend.read(name)).equals(bytes)).toBe(true);
    expect(reads).toEqual([]); // written through to the cache
    const cached = path.join(cache, 'objects', ...name.split('/'));
    fs.writeFileSync(cached, 'flipped on this disk');
    expect((await backend.read(name)).equals(bytes)).toBe(true);
    expect(reads).toEqual([name]);
    expect(fs.readFileSync(cached).equals(bytes)).toBe(true);
  });

  it('forgets cached files the repository no longer lists', async () => {
    const { server, cache, backend } = setup();
    const bytes = Buffer.from('pruned later');
    const name = named(bytes);
    await backend.writeAtomic(name, bytes);
    fs.rmSync(path.join(server, ...name.split('/'))); // pruned by another computer
    expect(await backend.list('index/')).toEqual([]);
    expect(fs.existsSync(path.join(cache, 'objects', ...name.split('/')))).toBe(false);
  });

  it('keeps list blobs and flags private to this user', async () => {
    const { cache, backend } = setup();
    const id = 'ab'.repeat(32);
    await backend.local!.putBlob(id, Buffer.from('chat list'));
    expect((await backend.local!.getBlob(id))?.toString()).toBe('chat list');
    expect(await backend.local!.getBlob('../../etc/passwd')).toBeNull();
    const file = path.join(cache, 'blobs', 'ab', id);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(cache).mode & 0o777).toBe(0o700);
    expect(await backend.local!.getFlag('backup-running')).toBe(false);
    await backend.local!.setFlag('backup-running', true);
    expect(await backend.local!.getFlag('backup-running')).toBe(true);
    await backend.local!.setFlag('backup-running', false);
    expect(await backend.local!.getFlag('backup-running')).toBe(false);
  });
});
