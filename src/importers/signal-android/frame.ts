import {
  bigOf,
  parseFields,
  ProtobufError,
  signed64,
  text,
  WIRE,
  type Field,
} from '../core/protobuf.js';

/**
 * The messages of Signal Android's legacy backup (`BackupFrame` and what it holds), decoded
 * from the protobuf wire format. Field numbers are those of Signal's public `Backups.proto`;
 * see README.md.
 */

export type SqlValue = string | number | bigint | Buffer | null;

export interface SqlStatementFrame {
  statement: string;
  params: SqlValue[];
}

export type BackupFrame =
  | { type: 'header'; iv: Uint8Array; salt: Uint8Array; version: number }
  | { type: 'statement'; sql: SqlStatementFrame }
  | { type: 'preference' }
  | { type: 'attachment'; rowId: number; attachmentId: number; length: number }
  | { type: 'version'; version: number }
  | { type: 'end' }
  | { type: 'avatar'; recipientId: string | null; length: number }
  | { type: 'sticker'; rowId: number; length: number }
  | { type: 'keyValue' }
  | { type: 'empty' };

export class FrameFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameFormatError';
  }
}

function all(buf: Uint8Array): Field[] {
  try {
    return parseFields(buf);
  } catch (e) {
    if (e instanceof ProtobufError) throw new FrameFormatError(e.message);
    throw e;
  }
}

function uint(f: Field | undefined): number {
  return f && f.wire === WIRE.VARINT ? f.num : 0;
}

function first(fs: Field[], n: number): Field | undefined {
  return fs.find((f) => f.field === n);
}

function sqlValue(buf: Uint8Array): SqlValue {
  for (const f of all(buf)) {
    switch (f.field) {
      case 1:
        if (f.wire === WIRE.LEN) return text(f.bytes);
        break;
      case 2:
        if (f.wire === WIRE.VARINT) {
          if (f.short) return f.num;
          // Java longs travel as uint64: read them back signed (-1 is a common value).
          const v = signed64(bigOf(f));
          return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(v)
            : v;
        }
        break;
      case 3:
        if (f.wire === WIRE.I64)
          return new DataView(f.bytes.buffer, f.bytes.byteOffset, 8).getFloat64(0, true);
        break;
      case 4:
        if (f.wire === WIRE.LEN) return Buffer.from(f.bytes);
        break;
      case 5:
        return null;
    }
  }
  return null;
}

/**
 * Statement frames are nearly all of a backup (one per database row): they are decoded here in
 * one pass over the bytes, without building field lists, which halves the garbage a large
 * backup makes.
 */
class Cursor {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    public end: number,
  ) {}

  /** A varint that fits a double exactly (lengths, tags); longer ones throw. */
  small(): number {
    let value = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) throw new FrameFormatError('a number ends early');
      const b = this.buf[this.pos++] as number;
      value += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return value;
      mul *= 128;
    }
    throw new FrameFormatError('a length is too long');
  }

  /** A full 64-bit varint as the signed value Java wrote, a number when it is safe. */
  signed(): number | bigint {
    const start = this.pos;
    let value = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) throw new FrameFormatError('a number ends early');
      const b = this.buf[this.pos++] as number;
      value += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return value;
      mul *= 128;
    }
    // Negative longs (often -1) take all 10 bytes: assemble the two 32-bit halves, and only
    // fall back to BigInt when the value is beyond a double's exact range.
    this.pos = start;
    const bytes: number[] = [];
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new FrameFormatError('a number ends early');
      const b = this.buf[this.pos++] as number;
      bytes.push(b & 0x7f);
      if ((b & 0x80) === 0) break;
      if (i === 9) throw new FrameFormatError('a number is longer than 10 bytes');
    }
    const at = (i: number) => bytes[i] ?? 0;
    const lo =
      (at(0) | (at(1) << 7) | (at(2) << 14) | (at(3) << 21) | ((at(4) & 0x0f) << 28)) >>> 0;
    const hi =
      (at(4) >> 4) |
      (at(5) << 3) |
      (at(6) << 10) |
      (at(7) << 17) |
      (at(8) << 24) |
      ((at(9) & 1) << 31) |
      0;
    const exact = hi * 4294967296 + lo;
    if (hi >= -(1 << 21) && hi < 1 << 21 && Number.isSafeInteger(exact)) return exact;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The end of a length-delimited field starting here. */
  lengthEnd(): number {
    const len = this.small();
    if (len > this.end - this.pos) throw new FrameFormatError('a field runs past the end');
    return this.pos + len;
  }

  skip(wire: number): void {
    if (wire === WIRE.VARINT) this.signed();
    else if (wire === WIRE.LEN) this.pos = this.lengthEnd();
    else if (wire === WIRE.I64 || wire === WIRE.I32) {
      const n = wire === WIRE.I64 ? 8 : 4;
      if (n > this.end - this.pos) throw new FrameFormatError('a field runs past the end');
      this.pos += n;
    } else throw new FrameFormatError(`wire type ${wire} is not read here`);
  }
}

const utf8 = new TextDecoder('utf-8');

function statementOf(c: Cursor): SqlStatementFrame {
  let statement = '';
  const params: SqlValue[] = [];
  while (c.pos < c.end) {
    const tag = c.small();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === WIRE.LEN && (field === 1 || field === 2)) {
      const end = c.lengthEnd();
      if (field === 1) statement = utf8.decode(c.buf.subarray(c.pos, end));
      else {
        const outer = c.end;
        c.end = end;
        params.push(paramOf(c));
        c.end = outer;
      }
      c.pos = end;
    } else c.skip(wire);
  }
  return { statement, params };
}

/** One parameter: its first field Chatkeep knows decides (Signal writes exactly one). */
function paramOf(c: Cursor): SqlValue {
  let value: SqlValue | undefined;
  while (c.pos < c.end) {
    const tag = c.small();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (value !== undefined) {
      c.skip(wire);
      continue;
    }
    if (field === 1 && wire === WIRE.LEN) {
      const end = c.lengthEnd();
      value = utf8.decode(c.buf.subarray(c.pos, end));
      c.pos = end;
    } else if (field === 2 && wire === WIRE.VARINT) value = c.signed();
    else if (field === 3 && wire === WIRE.I64) {
      if (c.end - c.pos < 8) throw new FrameFormatError('a field runs past the end');
      value = new DataView(c.buf.buffer, c.buf.byteOffset + c.pos, 8).getFloat64(0, true);
      c.pos += 8;
    } else if (field === 4 && wire === WIRE.LEN) {
      const end = c.lengthEnd();
      value = Buffer.from(c.buf.subarray(c.pos, end));
      c.pos = end;
    } else if (field === 5) {
      c.skip(wire);
      value = null;
    } else c.skip(wire);
  }
  return value ?? null;
}

/** Decodes one frame's plaintext. Throws FrameFormatError when the bytes are not a frame. */
export function decodeFrame(buf: Uint8Array): BackupFrame {
  // The common case first: a statement frame, read in one pass.
  if (buf.length > 0 && buf[0] === ((2 << 3) | WIRE.LEN)) {
    const c = new Cursor(buf, buf.length);
    c.pos = 1;
    const end = c.lengthEnd();
    if (end === buf.length) {
      c.end = end;
      return { type: 'statement', sql: statementOf(c) };
    }
  }
  const fs = all(buf);
  for (const f of fs) {
    const sub = () => {
      if (f.wire !== WIRE.LEN) throw new FrameFormatError(`field ${f.field} is not a message`);
      return all(f.bytes);
    };
    switch (f.field) {
      case 1: {
        const h = sub();
        const iv = first(h, 1);
        const salt = first(h, 2);
        return {
          type: 'header',
          iv: iv?.wire === WIRE.LEN ? iv.bytes : new Uint8Array(0),
          salt: salt?.wire === WIRE.LEN ? salt.bytes : new Uint8Array(0),
          version: uint(first(h, 3)),
        };
      }
      case 2: {
        const s = sub();
        const st = first(s, 1);
        return {
          type: 'statement',
          sql: {
            statement: st?.wire === WIRE.LEN ? text(st.bytes) : '',
            params: s
              .filter((p) => p.field === 2 && p.wire === WIRE.LEN)
              .map((p) => sqlValue(p.bytes)),
          },
        };
      }
      case 3:
        return { type: 'preference' };
      case 4: {
        const a = sub();
        return {
          type: 'attachment',
          rowId: uint(first(a, 1)),
          attachmentId: uint(first(a, 2)),
          length: uint(first(a, 3)),
        };
      }
      case 5:
        return { type: 'version', version: uint(first(sub(), 1)) };
      case 6:
        if (f.wire === WIRE.VARINT && f.num !== 0) return { type: 'end' };
        break;
      case 7: {
        const a = sub();
        const rid = first(a, 3);
        return {
          type: 'avatar',
          recipientId: rid?.wire === WIRE.LEN ? text(rid.bytes) : null,
          length: uint(first(a, 2)),
        };
      }
      case 8: {
        const s = sub();
        return { type: 'sticker', rowId: uint(first(s, 1)), length: uint(first(s, 2)) };
      }
      case 9:
        return { type: 'keyValue' };
    }
  }
  return { type: 'empty' };
}
