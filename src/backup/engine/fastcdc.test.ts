import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../test-support.js';
import { FastCdc } from './fastcdc.js';
import { joinChunks, splitLines } from './tree-list.js';

function pseudoRandom(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

const KEY = Buffer.alloc(32, 7);
const SMALL = { min: 2048, avg: 8192, max: 32768 };

describe('FastCDC', () => {
  it('cuts within min and max, covers the input exactly, and is deterministic', () => {
    const data = pseudoRandom(1 << 20, 1);
    const c = new FastCdc(KEY, SMALL);
    const chunks = [...c.chunkBuffer(data)];
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    for (const ch of chunks.slice(0, -1)) {
      expect(ch.length).toBeGreaterThanOrEqual(SMALL.min);
      expect(ch.length).toBeLessThanOrEqual(SMALL.max);
    }
    const avg = data.length / chunks.length;
    expect(avg).toBeGreaterThan(SMALL.avg / 2);
    expect(avg).toBeLessThan(SMALL.avg * 2);
    expect([...new FastCdc(KEY, SMALL).chunkBuffer(data)].map((x) => x.length)).toEqual(
      chunks.map((x) => x.length),
    );
  });

  it('boundaries depend on the key', () => {
    const data = pseudoRandom(1 << 20, 2);
    const a = [...new FastCdc(KEY, SMALL).chunkBuffer(data)].map((x) => x.length);
    const b = [...new FastCdc(Buffer.alloc(32, 8), SMALL).chunkBuffer(data)].map((x) => x.length);
    expect(a).not.toEqual(b);
  });

  it('an insertion near the start leaves most later chunks identical', () => {
    const data = pseudoRandom(1 << 20, 3);
    const c = new FastCdc(KEY, SMALL);
    const hex = (b: Uint8Array) => Buffer.from(b).toString('base64');
    const before = new Set([...c.chunkBuffer(data)].map(hex));
    const shifted = Buffer.concat([
      data.subarray(0, 5000),
      Buffer.from('inserted!'),
      data.subarray(5000),
    ]);
    const after = [...c.chunkBuffer(shifted)].map(hex);
    const shared = after.filter((x) => before.has(x)).length;
    expect(shared / after.length).toBeGreaterThan(0.9);
  });

  it('chunkFile streams the same chunks as chunkBuffer, including tiny and empty files', async () => {
    const dir = tmpDir();
    try {
      const c = new FastCdc(KEY, SMALL);
      for (const n of [0, 1, 2047, 2048, 100_000, 300_001]) {
        const data = pseudoRandom(n, n + 11);
        const f = path.join(dir, `f${n}`);
        fs.writeFileSync(f, data);
        const streamed: Buffer[] = [];
        for await (const ch of c.chunkFile(f)) streamed.push(ch);
        expect(streamed.map((x) => x.length)).toEqual(
          [...c.chunkBuffer(data)].map((x) => x.length),
        );
        expect(Buffer.concat(streamed).equals(data)).toBe(true);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('content-defined line lists', () => {
  const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ i, v: `line ${i}` }));

  it('split then join gives the lines back', () => {
    const chunks = splitLines(lines, KEY);
    expect(chunks.length).toBeGreaterThan(20);
    expect(joinChunks(chunks.map((c) => Buffer.from(c)))).toEqual(lines);
    expect(joinChunks([])).toEqual([]);
  });

  it('changing one line changes one chunk', () => {
    const a = splitLines(lines, KEY);
    const changed = [...lines];
    changed[2500] = JSON.stringify({ i: 2500, v: 'changed' });
    const b = splitLines(changed, KEY);
    const setA = new Set(a);
    expect(b.filter((c) => !setA.has(c)).length).toBeLessThanOrEqual(2);
  });
});
