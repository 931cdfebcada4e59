import fs from 'node:fs';
import { throwIfCancelled } from './cancel.js';
import { UnknownFormatError } from './errors.js';

export type LineEnd = 'crlf' | 'lf' | 'cr' | '';

export interface Line {
  text: string;
  /** How the line ended ('' at the end of the file). */
  eol: LineEnd;
  /** Bytes of the file consumed once this line is read (for progress). */
  offset: number;
}

export interface LineReaderOptions {
  /**
   * The longest line accepted, in bytes. A longer line means the file is not the text we expect
   * (a chat export never holds one): reading stops with UnknownFormatError instead of holding
   * an unbounded line in memory. Default: 1 MiB.
   */
  maxLineBytes?: number;
  /** Checked once per chunk read, so a cancel ends even a file of one endless line. */
  signal?: AbortSignal;
  chunkSize?: number;
}

export const MAX_LINE_BYTES = 1 << 20;

/**
 * Reads a UTF-8 text file line by line, synchronously, in one pass and bounded memory.
 * Synchronous on purpose: the store ingests from a synchronous iterable inside one SQLite
 * transaction, so text parsers must be able to pull lines without awaiting.
 *
 * Every byte is looked at once: a line that spans chunks is kept as a list of its pieces and
 * joined when it ends, never rescanned. Lines are split on bytes (CR and LF never occur inside a
 * UTF-8 multi-byte sequence) and each line is decoded on its own.
 */
export function* readLines(file: string, opts: LineReaderOptions = {}): Generator<Line> {
  const fd = fs.openSync(file, 'r');
  try {
    yield* linesOf((buf) => fs.readSync(fd, buf, 0, buf.length, null), opts);
  } finally {
    fs.closeSync(fd);
  }
}

export function* linesOfString(text: string, opts: LineReaderOptions = {}): Generator<Line> {
  const bytes = Buffer.from(text, 'utf8');
  let pos = 0;
  yield* linesOf(
    (buf) => {
      const n = bytes.copy(buf, 0, pos);
      pos += n;
      return n;
    },
    { chunkSize: 1 << 16, ...opts },
  );
}

function* linesOf(read: (buf: Buffer) => number, opts: LineReaderOptions): Generator<Line> {
  const max = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const buf = Buffer.allocUnsafe(opts.chunkSize ?? 1 << 20);
  // The current line's bytes from earlier chunks (copies: `buf` is reused).
  let pieces: Buffer[] = [];
  let pieceBytes = 0;
  let offset = 0;
  let lineNumber = 1;
  // A CR ended the previous chunk: whether it was half of a CRLF shows in the next one.
  let pendingCr = false;
  let first = true;

  const tooLong = (): never => {
    throw new UnknownFormatError(
      `Line ${lineNumber} is longer than ${Math.round(max / 1024)} KiB: this is not a chat export`,
    );
  };
  const take = (chunk: Buffer, from: number, to: number): string => {
    if (pieceBytes + (to - from) > max) tooLong();
    let text: string;
    if (pieces.length === 0) text = chunk.toString('utf8', from, to);
    else {
      pieces.push(chunk.subarray(from, to));
      text = Buffer.concat(pieces).toString('utf8');
    }
    pieces = [];
    pieceBytes = 0;
    lineNumber++;
    return text;
  };

  for (;;) {
    throwIfCancelled(opts.signal);
    const n = read(buf);
    if (n === 0) break;
    offset += n;
    let start = 0;
    if (first) {
      first = false;
      // The byte-order mark some editors write is not part of the first line.
      if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    if (pendingCr) {
      pendingCr = false;
      const crlf = buf[start] === 10;
      yield { text: take(buf, start, start), eol: crlf ? 'crlf' : 'cr', offset };
      if (crlf) start++;
    }
    for (let i = start; i < n; i++) {
      const c = buf[i];
      if (c === 10) {
        yield { text: take(buf, start, i), eol: 'lf', offset };
        start = i + 1;
      } else if (c === 13) {
        if (i + 1 === n) {
          // Keep the text; the next chunk says whether an LF follows.
          pieceBytes += i - start;
          if (pieceBytes > max) tooLong();
          pieces.push(Buffer.from(buf.subarray(start, i)));
          pendingCr = true;
          start = n;
          break;
        }
        const crlf = buf[i + 1] === 10;
        yield { text: take(buf, start, i), eol: crlf ? 'crlf' : 'cr', offset };
        if (crlf) i++;
        start = i + 1;
      }
    }
    if (start < n) {
      pieceBytes += n - start;
      if (pieceBytes > max) tooLong();
      pieces.push(Buffer.from(buf.subarray(start, n)));
    }
  }
  if (pendingCr) yield { text: take(buf, 0, 0), eol: 'cr', offset };
  else if (pieceBytes > 0) yield { text: take(buf, 0, 0), eol: '', offset };
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
