import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { blake2b256 } from '../crypto/primitives.js';
import type { Backend, LocalCache } from './backend.js';

/** Immutable, content-named objects worth keeping here: every open reads them all. */
const CACHED = /^(index|snapshots)\/([0-9a-f]{64})$/;

/**
 * A local, verified copy of a network repository's index and snapshot files, and (for the
 * engine) its list blobs, so that opening and an incremental backup download almost nothing.
 * Index and snapshot objects are named by the BLAKE2b-256 of their bytes: a cached copy is
 * used only when its bytes still hash to its name, and cached files the repository no longer
 * lists are removed when it is listed. Files written here are written through to the cache.
 * Index and snapshot files are kept as the repository holds them (encrypted). List blobs are
 * kept decrypted (they name chats and months, as the chat store on this computer does), so the
 * cache's folders and files are private to this user (0700 and 0600), like the store.
 */
export function withObjectCache(inner: Backend, dir: string): Backend {
  const objectFile = (name: string) => path.join(dir, 'objects', ...name.split('/'));

  async function readCached(name: string): Promise<Buffer | null> {
    const m = CACHED.exec(name);
    if (!m) return null;
    const bytes = await fs.readFile(objectFile(name)).catch(() => null);
    if (!bytes) return null;
    if (blake2b256(bytes).toString('hex') === m[2]) return bytes;
    await fs.rm(objectFile(name), { force: true }); // damaged on this disk: fetch it again
    return null;
  }

  async function keep(name: string, bytes: Uint8Array): Promise<void> {
    const m = CACHED.exec(name);
    if (!m || blake2b256(bytes).toString('hex') !== m[2]) return;
    await writeQuietly(objectFile(name), bytes);
  }

  const local: LocalCache = {
    getBlob: async (id) => {
      if (!/^[0-9a-f]{64}$/.test(id)) return null;
      return fs.readFile(path.join(dir, 'blobs', id.slice(0, 2), id)).catch(() => null);
    },
    putBlob: async (id, plain) => {
      if (!/^[0-9a-f]{64}$/.test(id)) return;
      await writeQuietly(path.join(dir, 'blobs', id.slice(0, 2), id), plain);
    },
    getFlag: async (name) =>
      fs.access(path.join(dir, 'flags', name)).then(
        () => true,
        () => false,
      ),
    setFlag: async (name, on) => {
      const file = path.join(dir, 'flags', name);
      if (on) await writeQuietly(file, Buffer.from('1'));
      else await fs.rm(file, { force: true }).catch(() => undefined);
    },
  };

  return {
    ...inner,
    local,
    list: async (prefix) => {
      const names = await inner.list(prefix);
      if (prefix === 'index/' || prefix === 'snapshots/') {
        // What the repository no longer has (pruned, forgotten) leaves the cache too.
        const listed = new Set(names);
        const here = await fs
          .readdir(path.join(dir, 'objects', prefix))
          .catch(() => [] as string[]);
        for (const f of here) {
          if (!listed.has(prefix + f))
            await fs.rm(path.join(dir, 'objects', prefix, f), { force: true });
        }
      }
      return names;
    },
    read: async (name, range) => {
      if (!range) {
        const hit = await readCached(name);
        if (hit) return hit;
      }
      const bytes = await inner.read(name, range);
      if (!range) await keep(name, bytes);
      return bytes;
    },
    writeAtomic: async (name, data, opts) => {
      await inner.writeAtomic(name, data, opts);
      await keep(name, data);
    },
    delete: async (name, opts) => {
      await inner.delete(name, opts);
      if (CACHED.test(name)) await fs.rm(objectFile(name), { force: true });
    },
  };
}

/** A cache write that fails (a full disk here) costs a later download, never the operation. */
async function writeQuietly(file: string, data: Uint8Array): Promise<void> {
  try {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await fs.writeFile(tmp, data, { mode: 0o600 });
    await fs.rename(tmp, file);
  } catch {
    // Not kept: it is fetched again next time.
  }
}
