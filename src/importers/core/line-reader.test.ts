import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportCancelledError, UnknownFormatError } from './errors.js';
import { linesOfString, readLines, type Line } from './line-reader.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-lines-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The obvious definition, on a whole string: what the streaming reader must agree with. */
function reference(text: string): { text: string; eol: string }[] {
  const out: { text: string; eol: string }[] = [];
  const re = /\r\n|\n|\r/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({
      text: text.slice(start, m.index),
      eol: { '\r\n': 'crlf', '\n': 'lf', '\r': 'cr' }[m[0]] ?? '',
    });
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push({ text: text.slice(start), eol: '' });
  return out;
}

const strip = (lines: Iterable<Line>) => [...lines].map(({ text, eol }) => ({ text, eol }));

describe('line reader', () => {
  it('agrees with a whole-string split for any text, any chunk size', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom('\r', '\n', '\r\n', '\r\r\n', 'é', '😀', '\u200e'),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        (parts, chunk) => {
          const text = parts.join('');
          expect(strip(linesOfString(text, { chunkSize: chunk }))).toEqual(reference(text));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('drops a byte-order mark and reports the bytes consumed', () => {
    const lines = [...linesOfString('\ufeffa\r\nb')];
    expect(lines.map((l) => l.text)).toEqual(['a', 'b']);
    expect(lines.at(-1)?.offset).toBe(Buffer.byteLength('\ufeffa\r\nb'));
  });

  it('refuses a line longer than the limit as "not a chat export", quickly and in bounded memory', () => {
    const file = path.join(dir, 'one-line.txt');
    // 64 MiB without a line break, written in pieces so the test itself stays small.
    const fd = fs.openSync(file, 'w');
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 64; i++) fs.writeSync(fd, block);
    fs.closeSync(fd);
    const heapBefore = process.memoryUsage().heapUsed;
    let error: unknown = null;
    let read = 0;
    try {
      for (const _ of readLines(file)) read++;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownFormatError);
    expect((error as Error).message).toMatch(
      /Line 1 is longer than 1024 KiB: this is not a chat export/,
    );
    expect(read).toBe(0);
    // It stopped after the first megabyte or two, holding no more than that.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(16 << 20);
  });

  it('reads a long line in one linear pass when the caller allows it', () => {
    const line = 'x'.repeat(3 << 20);
    const lines = [...linesOfString(`${line}\nend`, { maxLineBytes: 4 << 20, chunkSize: 1 << 12 })];
    expect(lines.map((l) => l.text.length)).toEqual([3 << 20, 3]);
  });

  it('stops at a cancel between chunks', () => {
    const abort = new AbortController();
    const text = 'line\n'.repeat(100_000);
    const lines = linesOfString(text, { signal: abort.signal, chunkSize: 1024 });
    lines.next();
    abort.abort();
    expect(() => [...lines]).toThrow(ImportCancelledError);
  });
});
