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

/** Decodes one frame's plaintext. Throws FrameFormatError when the bytes are not a frame. */
export function decodeFrame(buf: Uint8Array): BackupFrame {
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
