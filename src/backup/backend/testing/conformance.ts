/**
 * What every backend must do, as tests: the folder backend and every network backend against
 * its real server run the same suite (`runConformance`). Objects are written once and read by
 * name, whole or by range; they appear whole or not at all; a name is never written over;
 * missing is a typed ObjectNotFoundError; listings find exactly the objects (nested, and
 * nothing foreign); sizes from 0 B to 64 MiB come back byte for byte.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ObjectNotFoundError } from '../../errors.js';
import type { Backend } from '../backend.js';

export interface ConformanceTarget {
  backend: Backend;
  /** Where the objects land on this computer (to plant foreign files), when known. */
  dataDir?: string;
  stop(): Promise<void>;
}

const hex = (n: number) => randomBytes(n).toString('hex');
const packName = () => {
  const h = hex(32);
  return `data/${h.slice(0, 2)}/${h}`;
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export function runConformance(
  title: string,
  start: () => Promise<ConformanceTarget>,
  opts: { skip?: string | null; timeoutMs?: number } = {},
): void {
  const suite = opts.skip ? describe.skip : describe;
  suite(`${title}: backend conformance${opts.skip ? ` (skipped: ${opts.skip})` : ''}`, () => {
    let t: ConformanceTarget;
    let b: Backend;
    beforeAll(async () => {
      t = await start();
      b = t.backend;
    }, 60_000);
    afterAll(async () => {
      await t?.backend.close?.();
      await t?.stop();
    });

    it('an empty place lists nothing; a missing object is ObjectNotFoundError, stat null, delete fine', async () => {
      expect(await b.list('keys/')).toEqual([]);
      expect(await b.list('data/')).toEqual([]);
      expect(await b.stat('config')).toBeNull();
      await expect(b.read('config')).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(b.read(`index/${hex(32)}`, { offset: 0, length: 4 })).rejects.toBeInstanceOf(
        ObjectNotFoundError,
      );
      await b.delete(`snapshots/${hex(32)}`);
    });

    it('writes at every depth; lists by prefix, nested; reads whole and by range; stats; deletes', async () => {
      const pack = packName();
      const slot = `keys/${hex(32)}`;
      const copy = `copies/keys/${hex(32)}`;
      await b.writeAtomic('config', Buffer.from('the config'));
      await b.writeAtomic(slot, Buffer.from('a key slot'));
      await b.writeAtomic(copy, Buffer.from('its copy'));
      await b.writeAtomic('copies/config', Buffer.from('the config'));
      await b.writeAtomic(pack, Buffer.from('0123456789abcdef'));
      expect(await b.list('data/')).toEqual([pack]);
      expect((await b.list('copies/')).sort()).toEqual(['copies/config', copy].sort());
      expect(await b.list('keys/')).toEqual([slot]);
      expect((await b.read(pack, { offset: 4, length: 6 })).toString()).toBe('456789');
      // A range running past the end gives what there is.
      expect((await b.read(pack, { offset: 12, length: 10 })).toString()).toBe('cdef');
      expect((await b.read(pack, { offset: 16, length: 4 })).length).toBe(0);
      expect((await b.read(slot)).toString()).toBe('a key slot');
      expect(await b.stat(pack)).toMatchObject({ size: 16 });
      await b.delete(pack);
      await b.delete(pack);
      await b.delete(copy);
      expect(await b.list('data/')).toEqual([]);
      expect(await b.list('copies/')).toEqual(['copies/config']);
      await expect(b.read(pack)).rejects.toBeInstanceOf(ObjectNotFoundError);
      for (const n of ['config', 'copies/config', slot]) await b.delete(n);
    });

    it('never writes over an object', async () => {
      const lock = `locks/${hex(32)}`;
      await b.writeAtomic(lock, Buffer.from('first'));
      await b.writeAtomic(lock, Buffer.from('second, longer'));
      expect((await b.read(lock)).toString()).toBe('first');
      await b.delete(lock);
    });

    it('sizes from 0 B to a few MiB come back byte for byte', async () => {
      for (const size of [0, 1, 4095, 65_537, 3 * 1024 * 1024 + 7]) {
        const name = packName();
        const data = randomBytes(size);
        await b.writeAtomic(name, data);
        const back = await b.read(name);
        expect(back.length).toBe(size);
        expect(sha(back)).toBe(sha(data));
        expect((await b.stat(name))?.size).toBe(size);
        if (size > 100) {
          const mid = Math.floor(size / 3);
          expect(sha(await b.read(name, { offset: mid, length: 100 }))).toBe(
            sha(data.subarray(mid, mid + 100)),
          );
        }
        await b.delete(name);
      }
    });

    it(
      'a 64 MiB object appears whole or not at all while it is written',
      async () => {
        const name = packName();
        const data = randomBytes(64 * 1024 * 1024);
        let done = false;
        const writing = b
          .writeAtomic(name, data)
          .then(() => b.flush?.())
          .finally(() => (done = true));
        // Meanwhile a second reader never sees a part of it: absent, or all 64 MiB.
        const seen: number[] = [];
        while (!done) {
          const st = await b.stat(name);
          if (st) seen.push(st.size);
          if ((await b.list('data/')).includes(name) && !done) {
            const tail = await b.read(name, { offset: data.length - 16, length: 16 });
            expect(tail.equals(data.subarray(data.length - 16))).toBe(true);
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        await writing;
        expect(seen.every((s) => s === data.length)).toBe(true);
        const back = await b.read(name);
        expect(back.length).toBe(data.length);
        expect(sha(back)).toBe(sha(data));
        await b.delete(name);
      },
      opts.timeoutMs ?? 180_000,
    );

    it('many writes at once all land', async () => {
      const names = Array.from({ length: 24 }, packName);
      await Promise.all(names.map((n, i) => b.writeAtomic(n, Buffer.from(`pack ${i}`))));
      await b.flush?.();
      expect((await b.list('data/')).sort()).toEqual([...names].sort());
      await Promise.all(names.map((n) => b.delete(n)));
      expect(await b.list('data/')).toEqual([]);
    });

    it('moves without ever replacing', async () => {
      if (!b.move) return;
      const pack = packName();
      const aside = `damaged/data/${pack.slice(-64)}`;
      await b.writeAtomic(pack, Buffer.from('bad bytes'));
      await b.move(pack, aside);
      expect(await b.stat(pack)).toBeNull();
      expect((await b.read(aside)).toString()).toBe('bad bytes');
      await b.writeAtomic(pack, Buffer.from('again'));
      await expect(b.move(pack, aside)).rejects.toMatchObject({ code: 'EEXIST' });
      expect((await b.read(aside)).toString()).toBe('bad bytes');
      await b.delete(pack);
      await b.delete(aside);
    });

    it('refuses names that are not lowercase ascii before sending anything', async () => {
      for (const bad of ['Config', '../config', 'keys/a b', 'data/ab/../../x', 'keys/', '']) {
        await expect(b.writeAtomic(bad, Buffer.from('x'))).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );
        await expect(b.read(bad)).rejects.toBeInstanceOf(InvalidArgumentError);
      }
    });

    it('lists only its own objects (no temporaries or foreign files)', async () => {
      if (!t.dataDir) return;
      const slot = `keys/${hex(32)}`;
      await b.writeAtomic(slot, Buffer.from('k'));
      const keysDir = path.join(t.dataDir, 'keys');
      for (const f of ['.tmp-0123456789abcdef', 'README.txt', '.DS_Store', 'Thumbs.db']) {
        fs.writeFileSync(path.join(keysDir, f), 'not ours');
      }
      expect(await b.list('keys/')).toEqual([slot]);
      await b.delete(slot);
    });
  });
}
