import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, toStorageError } from '../errors.js';

/**
 * Where a repository's objects live. Objects are immutable once written: a name is written at
 * most once (content-addressed names make a second write of the same name a no-op), and
 * objects are only ever deleted whole.
 */
export interface Backend {
  /** Object names under `prefix` (e.g. "data/", "keys/"), in no particular order. */
  list(prefix: string): Promise<string[]>;
  /** Whole object or a byte range of it. Missing object: an ENOENT error. */
  read(name: string, range?: { offset: number; length: number }): Promise<Buffer>;
  /**
   * Durable once it resolves (unless `durable: false`, for objects whose loss in a crash is
   * harmless, like locks). Never replaces an existing object.
   */
  writeAtomic(name: string, data: Uint8Array, opts?: WriteOptions): Promise<void>;
  /** Removes the object; a missing object is not an error. */
  delete(name: string, opts?: WriteOptions): Promise<void>;
  stat(name: string): Promise<{ size: number } | null>;
  /** Human-readable location, for messages. */
  readonly location?: string;
}

export interface WriteOptions {
  /** Default true: fsync so the change survives a power cut. */
  durable?: boolean;
}

/** Lowercase ascii, digits and '/' only: the same on every filesystem, no case-only clashes. */
const NAME_RE = /^[a-z0-9]+(\/[a-z0-9]+){0,2}$/;

export function assertObjectName(name: string): void {
  if (!NAME_RE.test(name) || name.length > 200) {
    throw new InvalidArgumentError(`Invalid backup object name "${name}"`);
  }
}

const TMP_PREFIX = '.tmp-';

export function createFolderBackend(dir: string): Backend {
  const root = path.resolve(dir);
  const full = (name: string): string => {
    assertObjectName(name);
    return path.join(root, ...name.split('/'));
  };

  async function fsyncDir(d: string): Promise<void> {
    // Directory fsync makes the rename durable on POSIX; Windows cannot open directories.
    if (process.platform === 'win32') return;
    const h = await fs.open(d, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  }

  async function walk(rel: string, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      if (e.name.startsWith(TMP_PREFIX)) continue;
      const name = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(name, out);
      else if (e.isFile() && NAME_RE.test(name)) out.push(name);
    }
  }

  const guard = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw toStorageError(err, name);
    }
  };

  return {
    location: root,
    list: (prefix) =>
      guard(prefix, async () => {
        const rel = prefix.replace(/\/+$/, '');
        if (rel !== '') assertObjectName(rel);
        const out: string[] = [];
        await walk(rel, out);
        return out;
      }),
    read: (name, range) =>
      guard(name, async () => {
        const file = full(name);
        if (!range) return fs.readFile(file);
        const h = await fs.open(file, 'r');
        try {
          const buf = Buffer.alloc(range.length);
          const { bytesRead } = await h.read(buf, 0, range.length, range.offset);
          return buf.subarray(0, bytesRead);
        } finally {
          await h.close();
        }
      }),
    writeAtomic: (name, data, opts) =>
      guard(name, async () => {
        const durable = opts?.durable !== false;
        const file = full(name);
        const d = path.dirname(file);
        const created = await fs.mkdir(d, { recursive: true });
        if (created && durable) {
          // New directories are entries of their parents: make those entries durable too.
          for (let dir = d; ; dir = path.dirname(dir)) {
            await fsyncDir(path.dirname(dir));
            if (dir === created || dir === path.dirname(dir)) break;
          }
        }
        if (await exists(file)) return; // immutable: names are content hashes or random ids
        const tmp = path.join(d, `${TMP_PREFIX}${randomBytes(8).toString('hex')}`);
        const h = await fs.open(tmp, 'wx');
        try {
          await h.writeFile(data);
          if (durable) await h.sync();
        } catch (err) {
          await h.close().catch(() => undefined);
          await fs.rm(tmp, { force: true }).catch(() => undefined);
          throw err;
        }
        await h.close();
        try {
          await fs.rename(tmp, file);
        } catch (err) {
          await fs.rm(tmp, { force: true }).catch(() => undefined);
          throw err;
        }
        if (durable) await fsyncDir(d);
      }),
    delete: (name, opts) =>
      guard(name, async () => {
        const file = full(name);
        try {
          await fs.unlink(file);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw err;
        }
        if (opts?.durable !== false) await fsyncDir(path.dirname(file));
      }),
    stat: (name) =>
      guard(name, async () => {
        try {
          const st = await fs.stat(full(name));
          return { size: st.size };
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
          throw err;
        }
      }),
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
