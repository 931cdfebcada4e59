import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ObjectNotFoundError, ObjectNotLocalError, toStorageError } from '../errors.js';
import {
  assertObjectName,
  NAME_RE,
  type Backend,
  type ObjectStat,
  type ObjectVariant,
  type SurveyEntry,
} from './backend.js';
import { classifyName, TMP_PREFIX } from './sync-names.js';

/**
 * A repository in a folder on this computer, usually one a sync client mirrors to a cloud
 * (iCloud Drive, Google Drive, OneDrive, Dropbox). Beyond reading and writing files it knows
 * what such clients do to a folder (reference/sync-clients.md):
 *
 * - an evicted file is a hidden `.name.icloud` placeholder, or a "dataless" file whose size is
 *   listed but whose blocks are not on disk: reading it is `ObjectNotLocalError`, not damage;
 * - a conflict copy (`name (1)`, `name-DESKTOP`, `name (X's conflicted copy …)`) stands for
 *   its object: it is listed under the object's name, read when the object itself is missing,
 *   offered as a variant when the object does not verify, and deleted with the object.
 */
export function createFolderBackend(dir: string): Backend {
  const root = path.resolve(dir);
  const full = (name: string): string => {
    assertObjectName(name);
    return path.join(root, ...name.split('/'));
  };
  const guard = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw toStorageError(err, name);
    }
  };

  /** One file the folder holds for an object: the object itself, a conflict copy, a placeholder. */
  interface Found {
    name: string;
    kind: SurveyEntry['kind'];
    label: string;
    /** Path relative to the root, with '/' separators. */
    rel: string;
  }

  /** Every file standing for an object under `logical` (walks conflict copies of folders too). */
  async function walk(logical: string, physical: string, out: Found[]): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(path.join(root, physical), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const inCopy = physical !== logical;
    for (const e of entries) {
      const c = classifyName(e.name);
      if (c.kind === 'temp' || c.kind === 'foreign') continue;
      const name = logical ? `${logical}/${c.base}` : c.base;
      if (!NAME_RE.test(name)) continue;
      const rel = physical ? `${physical}/${e.name}` : e.name;
      if (e.isDirectory()) {
        // A folder a client duplicated ("ab (1)") holds copies of the objects in "ab".
        if (c.kind === 'object' || c.kind === 'conflict') await walk(name, rel, out);
        continue;
      }
      if (!e.isFile()) continue;
      if (c.kind === 'object') {
        out.push({ name, kind: inCopy ? 'conflict' : 'object', label: 'the object', rel });
      } else {
        out.push({ name, kind: c.kind, label: c.label, rel });
      }
    }
  }

  /** The files in an object's own folder that stand for it (for the rare, slow paths). */
  async function siblings(name: string): Promise<Found[]> {
    const parent = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
    const found: Found[] = [];
    await walk(parent, parent, found);
    return found
      .filter((f) => f.name === name)
      .sort((a, b) => rank(a) - rank(b) || (a.rel < b.rel ? -1 : 1));
  }

  const rank = (f: Found): number => (f.kind === 'object' ? 0 : f.kind === 'conflict' ? 1 : 2);
  const abs = (rel: string): string => path.join(root, ...rel.split('/'));

  async function readFile(
    file: string,
    range?: { offset: number; length: number },
  ): Promise<Buffer> {
    if (!range) return fs.readFile(file);
    const h = await fs.open(file, 'r');
    try {
      const buf = Buffer.alloc(range.length);
      const { bytesRead } = await h.read(buf, 0, range.length, range.offset);
      return buf.subarray(0, bytesRead);
    } finally {
      await h.close();
    }
  }

  /** Reads one file; an I/O failure on a file whose bytes are not on disk is "not local". */
  async function readLocal(
    name: string,
    file: string,
    range?: { offset: number; length: number },
  ): Promise<Buffer> {
    try {
      return await readFile(file, range);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EISDIR') {
        const st = await fs.stat(file).catch(() => null);
        if (st && !isLocal(st)) throw new ObjectNotLocalError(name, { cause: err });
      }
      throw err;
    }
  }

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

  async function ensureDir(d: string, durable: boolean): Promise<void> {
    const created = await fs.mkdir(d, { recursive: true });
    if (created && durable) {
      // New directories are entries of their parents: make those entries durable too.
      for (let dir = d; ; dir = path.dirname(dir)) {
        await fsyncDir(path.dirname(dir));
        if (dir === created || dir === path.dirname(dir)) break;
      }
    }
  }

  return {
    location: root,
    folder: root,
    list: (prefix) =>
      guard(prefix, async () => {
        const rel = prefix.replace(/\/+$/, '');
        if (rel !== '') assertObjectName(rel);
        const found: Found[] = [];
        await walk(rel, rel, found);
        return [...new Set(found.map((f) => f.name))];
      }),
    survey: (prefix) =>
      guard(prefix, async () => {
        const rel = prefix.replace(/\/+$/, '');
        if (rel !== '') assertObjectName(rel);
        const found: Found[] = [];
        await walk(rel, rel, found);
        const out: SurveyEntry[] = [];
        for (const f of found) {
          const st = await fs.stat(abs(f.rel)).catch(() => null);
          if (!st) continue; // gone since the listing
          out.push({
            name: f.name,
            kind: f.kind,
            label: f.label,
            size: f.kind === 'placeholder' ? 0 : st.size,
            mtimeMs: st.mtimeMs,
            local: f.kind !== 'placeholder' && isLocal(st),
          });
        }
        return out;
      }),
    read: (name, range) =>
      guard(name, async () => {
        try {
          return await readLocal(name, full(name), range);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        // The object itself is not there: a copy or a placeholder may stand for it.
        const alt = (await siblings(name)).filter((f) => f.kind !== 'object');
        const copy = alt.find((f) => f.kind === 'conflict');
        if (copy) return readLocal(name, abs(copy.rel), range);
        if (alt.some((f) => f.kind === 'placeholder')) throw new ObjectNotLocalError(name);
        throw new ObjectNotFoundError(name);
      }),
    variants: (name) =>
      guard(name, async () =>
        (await siblings(name))
          .filter((f) => f.kind !== 'placeholder')
          .map((f): ObjectVariant => ({
            id: f.rel,
            label: f.label,
            read: () => guard(name, () => readLocal(name, abs(f.rel))),
          })),
      ),
    writeAtomic: (name, data, opts) =>
      guard(name, async () => {
        const durable = opts?.durable !== false;
        const file = full(name);
        const d = path.dirname(file);
        await ensureDir(d, durable);
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
        let removed = false;
        try {
          await fs.unlink(file);
          removed = true;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        // Copies a sync client made stand for the same object: they go with it, or the
        // object would live on under another name.
        for (const f of await siblings(name)) {
          await fs.unlink(abs(f.rel)).catch((err: NodeJS.ErrnoException) => {
            if (err.code !== 'ENOENT') throw err;
          });
          removed = true;
        }
        if (removed && opts?.durable !== false) await fsyncDir(path.dirname(file));
      }),
    stat: (name) =>
      guard(name, async () => {
        const st = await fs.stat(full(name)).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return null;
          throw err;
        });
        if (st) return statOf(st);
        const alt = (await siblings(name)).filter((f) => f.kind !== 'object');
        const copy = alt.find((f) => f.kind === 'conflict');
        if (copy) {
          const cs = await fs.stat(abs(copy.rel)).catch(() => null);
          if (cs) return statOf(cs);
        }
        if (alt.length > 0) return { size: 0, local: false };
        return null;
      }),
    move: (from, to) =>
      guard(typeof from === 'string' ? from : from.id, async () => {
        const src = typeof from === 'string' ? full(from) : abs(from.id);
        const dst = full(to);
        await ensureDir(path.dirname(dst), true);
        if (await exists(dst)) {
          // Never replace: the destination already holds these bytes or something we keep.
          throw Object.assign(new Error(`${to} already exists`), { code: 'EEXIST' });
        }
        await fs.rename(src, dst);
        await fsyncDir(path.dirname(dst));
        if (path.dirname(src) !== path.dirname(dst)) await fsyncDir(path.dirname(src));
      }),
    requestDownload: (name) =>
      guard(name, async () => {
        const targets = (await siblings(name)).map((f) => abs(f.rel));
        if (process.platform === 'darwin') {
          // iCloud Drive downloads on request; an evicted file has only a placeholder beside it.
          const file = full(name);
          await new Promise<void>((resolve) => {
            execFile('brctl', ['download', file], { timeout: 30_000 }, () => resolve());
          });
          return;
        }
        // Elsewhere reading is what asks the client (OneDrive, Dropbox, Google Drive) for the
        // bytes; start it and do not wait here, the caller polls.
        for (const t of targets) {
          void fs
            .open(t, 'r')
            .then(async (h) => {
              try {
                await h.read(Buffer.alloc(1), 0, 1, 0);
              } finally {
                await h.close();
              }
            })
            .catch(() => undefined);
        }
      }),
  };
}

/**
 * A file whose size is listed but which has no blocks on disk is a cloud placeholder: an
 * online-only OneDrive or Dropbox file, or a dataless iCloud Drive file (st_blocks is 0 for all
 * of them; Windows reports the allocation size, which is 0 for them too).
 */
function isLocal(st: Stats): boolean {
  return !(st.size > 0 && st.blocks === 0);
}

function statOf(st: Stats): ObjectStat {
  return { size: st.size, mtimeMs: st.mtimeMs, local: isLocal(st) };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
