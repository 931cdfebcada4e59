import fs from 'node:fs';

export type LineEnd = 'crlf' | 'lf' | 'cr' | '';

export interface Line {
  text: string;
  /** How the line ended ('' at the end of the file). */
  eol: LineEnd;
  /** Bytes of the file consumed once this line is read (for progress). */
  offset: number;
}

/**
 * Reads a UTF-8 text file line by line, synchronously and in bounded memory. Synchronous on
 * purpose: the store ingests from a synchronous iterable inside one SQLite transaction, so text
 * parsers must be able to pull lines without awaiting.
 */
export function* readLines(file: string, chunkSize = 1 << 20): Generator<Line> {
  const fd = fs.openSync(file, 'r');
  try {
    yield* linesOf((buf) => fs.readSync(fd, buf, 0, buf.length, null), chunkSize);
  } finally {
    fs.closeSync(fd);
  }
}

export function* linesOfString(text: string): Generator<Line> {
  const bytes = Buffer.from(text, 'utf8');
  let pos = 0;
  yield* linesOf((buf) => {
    const n = bytes.copy(buf, 0, pos);
    pos += n;
    return n;
  }, 1 << 16);
}

function* linesOf(read: (buf: Buffer) => number, chunkSize: number): Generator<Line> {
  const decoder = new TextDecoder('utf-8');
  const buf = Buffer.allocUnsafe(chunkSize);
  let carry = '';
  let offset = 0;
  for (;;) {
    const n = read(buf);
    const last = n === 0;
    offset += n;
    const s =
      carry + (last ? decoder.decode() : decoder.decode(buf.subarray(0, n), { stream: true }));
    let start = 0;
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 10) {
        yield { text: s.slice(start, i), eol: 'lf', offset };
        start = i + 1;
      } else if (c === 13) {
        // A CR at the end of a chunk may be half of a CRLF: decide with the next chunk.
        if (i + 1 === s.length && !last) break;
        if (s.charCodeAt(i + 1) === 10) {
          yield { text: s.slice(start, i), eol: 'crlf', offset };
          i++;
        } else {
          yield { text: s.slice(start, i), eol: 'cr', offset };
        }
        start = i + 1;
      }
    }
    carry = s.slice(start);
    if (last) break;
  }
  if (carry.length > 0) yield { text: carry, eol: '', offset };
}

/** True when CRLF is the file's usual line end (then a lone LF is a line break inside a message). */
export function usesCrlf(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return crlfDominant(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}

export function crlfDominant(bytes: Uint8Array): boolean {
  let crlf = 0;
  let lf = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10) {
      if (i > 0 && bytes[i - 1] === 13) crlf++;
      else lf++;
    }
  }
  return crlf > lf;
}
