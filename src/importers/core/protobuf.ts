/**
 * A minimal reader and writer of the protocol-buffers wire format, for the few small messages
 * phone backups carry (Signal's backup frames, WhatsApp iOS metadata blobs). Schemas stay with
 * their readers: this only splits bytes into numbered fields, and refuses malformed input with
 * ProtobufError instead of reading past the end.
 */

export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

export const WIRE = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

export interface Field {
  field: number;
  wire: number;
  /** VARINT: the value (exact up to 2^53; see `big` beyond). I64/I32: 0. */
  num: number;
  /** VARINT: the exact 64-bit value when `short` is false (use bigOf). */
  big: bigint;
  /** VARINT: the value fits `num` exactly (below 2^49). */
  short: boolean;
  /** LEN, I64, I32: the raw bytes (a view into the input, not a copy). */
  bytes: Uint8Array;
}

const EMPTY = new Uint8Array(0);

function readVarint(buf: Uint8Array, pos: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtobufError('a number ends early');
    const b = buf[pos++] as number;
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value: value & 0xffffffffffffffffn, next: pos };
    shift += 7n;
  }
  throw new ProtobufError('a number is longer than 10 bytes');
}

/** Small varints (lengths, tags, flags) without BigInt: the common case, kept cheap. */
function readSmallVarint(buf: Uint8Array, pos: number): { value: number; next: number } {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    if (pos >= buf.length) throw new ProtobufError('a number ends early');
    const b = buf[pos++] as number;
    value += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return { value, next: pos };
    mul *= 128;
  }
  const big = readVarint(buf, pos - 8);
  return { value: Number(big.value), next: big.next };
}

/**
 * The fields of one message, in order. Unknown wire types (groups) are refused. A plain loop
 * into an array (no generator, no BigInt for the common short varints): a Signal backup holds
 * millions of fields.
 */
export function parseFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const tag = readSmallVarint(buf, pos);
    pos = tag.next;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (field === 0) throw new ProtobufError('field number 0');
    if (wire === WIRE.VARINT) {
      // Up to 7 bytes (below 2^49) a varint is an exact double; longer ones go through BigInt.
      let len = 0;
      while (pos + len < buf.length && ((buf[pos + len] as number) & 0x80) !== 0 && len < 10) len++;
      if (len < 7) {
        const v = readSmallVarint(buf, pos);
        pos = v.next;
        out.push({ field, wire, num: v.value, big: BigInt(0), bytes: EMPTY, short: true });
      } else {
        const v = readVarint(buf, pos);
        pos = v.next;
        out.push({ field, wire, num: Number(v.value), big: v.value, bytes: EMPTY, short: false });
      }
    } else if (wire === WIRE.LEN) {
      const len = readSmallVarint(buf, pos);
      pos = len.next;
      if (len.value > buf.length - pos) throw new ProtobufError('a field runs past the end');
      out.push({
        field,
        wire,
        num: 0,
        big: BigInt(0),
        bytes: buf.subarray(pos, pos + len.value),
        short: true,
      });
      pos += len.value;
    } else if (wire === WIRE.I64 || wire === WIRE.I32) {
      const n = wire === WIRE.I64 ? 8 : 4;
      if (n > buf.length - pos) throw new ProtobufError('a field runs past the end');
      out.push({
        field,
        wire,
        num: 0,
        big: BigInt(0),
        bytes: buf.subarray(pos, pos + n),
        short: true,
      });
      pos += n;
    } else {
      throw new ProtobufError(`wire type ${wire} is not read here`);
    }
  }
  return out;
}

/** The same, as an iterable (for readers that stop early). */
export function fields(buf: Uint8Array): Field[] {
  return parseFields(buf);
}

/** A varint field's exact unsigned 64-bit value. */
export function bigOf(f: Field): bigint {
  return f.short ? BigInt(f.num) : f.big;
}

const utf8 = new TextDecoder('utf-8');

export function text(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** An unsigned 64-bit value read back as the signed one it was written from (Java longs). */
export function signed64(big: bigint): bigint {
  return BigInt.asIntN(64, big);
}

export function double(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(0, true);
}

/** Builds messages, for the test fixtures that write the formats we read. */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];

  private varint(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    const out: number[] = [];
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) b |= 0x80;
      out.push(b);
    } while (x > 0n);
    this.parts.push(Uint8Array.from(out));
  }

  uint(field: number, v: number | bigint): this {
    this.varint(BigInt(field * 8 + WIRE.VARINT));
    this.varint(BigInt(v));
    return this;
  }

  bool(field: number, v: boolean): this {
    return this.uint(field, v ? 1 : 0);
  }

  bytes(field: number, v: Uint8Array): this {
    this.varint(BigInt(field * 8 + WIRE.LEN));
    this.varint(BigInt(v.length));
    this.parts.push(v);
    return this;
  }

  string(field: number, v: string): this {
    return this.bytes(field, Buffer.from(v, 'utf8'));
  }

  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  double(field: number, v: number): this {
    this.varint(BigInt(field * 8 + WIRE.I64));
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.parts.push(b);
    return this;
  }

  finish(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}
