import { blake2b256 } from '../crypto/primitives.js';
import {
  BLOB_TYPE_BY_CODE,
  BLOB_TYPES,
  type BlobType,
  type RepoKeys,
} from '../crypto/repo-keys.js';
import { RepositoryDamagedError } from '../errors.js';
import { checkHeader, header, HEADER_BYTES } from './header.js';

/**
 * Pack file: header || blob boxes back to back || trailer box || u32 BE trailer box length.
 * The trailer (sealed with the metadata key) lists every blob so the index can be rebuilt
 * from the packs alone. Packs are named data/<2 hex>/<BLAKE2b-256 of the whole file>.
 */
export interface PackBlob {
  type: BlobType;
  id: string;
  offset: number;
  length: number;
  /** Plaintext length (before compression for compressed types). */
  rawLength: number;
}

const TRAILER_LABEL = 'ckpack01';
const ENTRY_BYTES = 1 + 32 + 4 + 4 + 4;

export function packObjectName(hashHex: string): string {
  return `data/${hashHex.slice(0, 2)}/${hashHex}`;
}

export function packIdFromName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** Box overhead: nonce and tag. */
export const BOX_OVERHEAD = 24 + 16;

/**
 * A pack being filled: blob boxes are sealed straight into one buffer (no copy per blob, no
 * concatenation at the end), which grows only for an unusually large blob.
 */
export class PackBuilder {
  private buf: Buffer;
  private size = HEADER_BYTES;
  blobs: PackBlob[] = [];

  constructor(capacity = 1024 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, HEADER_BYTES));
    header('pack').copy(this.buf, 0);
  }

  /** Empties the builder for the next pack, keeping its buffer (and the header in it). */
  reset(): void {
    this.size = HEADER_BYTES;
    this.blobs = [];
  }

  get byteLength(): number {
    return this.size;
  }

  get count(): number {
    return this.blobs.length;
  }

  /** Room for `n` more bytes at the end; the caller writes them and then calls `commit`. */
  reserve(n: number): Buffer {
    if (this.size + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.size + n));
      this.buf.copy(next, 0, 0, this.size);
      this.buf = next;
    }
    return this.buf.subarray(this.size, this.size + n);
  }

  /** Records the box just written into `reserve(length)`. */
  commit(type: BlobType, id: string, length: number, rawLength: number): void {
    this.blobs.push({ type, id, offset: this.size, length, rawLength });
    this.size += length;
  }

  add(type: BlobType, id: string, box: Uint8Array, rawLength: number): void {
    this.reserve(box.length).set(box);
    this.commit(type, id, box.length, rawLength);
  }

  /** The finished pack's bytes and its id (hash). The bytes stay valid until the next use. */
  finish(keys: RepoKeys): { id: string; bytes: Buffer } {
    const t = Buffer.alloc(4 + this.blobs.length * ENTRY_BYTES);
    t.writeUInt32BE(this.blobs.length, 0);
    let o = 4;
    for (const b of this.blobs) {
      t[o] = BLOB_TYPES[b.type];
      Buffer.from(b.id, 'hex').copy(t, o + 1);
      t.writeUInt32BE(b.offset, o + 33);
      t.writeUInt32BE(b.length, o + 37);
      t.writeUInt32BE(b.rawLength, o + 41);
      o += ENTRY_BYTES;
    }
    const box = keys.sealMeta(TRAILER_LABEL, this.buf.subarray(0, HEADER_BYTES), t);
    const tail = this.reserve(box.length + 4);
    box.copy(tail, 0);
    tail.writeUInt32BE(box.length, box.length);
    const bytes = this.buf.subarray(0, this.size + box.length + 4);
    return { id: blake2b256(bytes).toString('hex'), bytes };
  }
}

/** Reads a whole pack's trailer after checking the pack's bytes against its name. */
export function readPackTrailer(keys: RepoKeys, bytes: Buffer, object: string): PackBlob[] {
  if (blake2b256(bytes).toString('hex') !== packIdFromName(object)) {
    throw new RepositoryDamagedError(
      object,
      'content does not match its name (changed or truncated)',
    );
  }
  checkHeader(bytes, 'pack', object);
  if (bytes.length < HEADER_BYTES + 4) throw new RepositoryDamagedError(object, 'truncated');
  const boxLen = bytes.readUInt32BE(bytes.length - 4);
  const boxStart = bytes.length - 4 - boxLen;
  if (boxStart < HEADER_BYTES) throw new RepositoryDamagedError(object, 'bad trailer length');
  return openPackTrailer(
    keys,
    bytes.subarray(0, HEADER_BYTES),
    bytes.subarray(boxStart, bytes.length - 4),
    boxStart,
    object,
  );
}

/** Where a pack's trailer box lies, from the pack's size and its last four bytes. */
export function trailerSpan(
  size: number,
  lastFour: Buffer,
  object: string,
): { offset: number; length: number } {
  if (size < HEADER_BYTES + 4 || lastFour.length !== 4)
    throw new RepositoryDamagedError(object, 'truncated');
  const length = lastFour.readUInt32BE(0);
  const offset = size - 4 - length;
  if (offset < HEADER_BYTES) throw new RepositoryDamagedError(object, 'bad trailer length');
  return { offset, length };
}

/**
 * Authenticates a trailer box (the pack's header is in its associated data) and lists the
 * blobs it names; every blob must lie between the header and the trailer (`boxStart`).
 */
export function openPackTrailer(
  keys: RepoKeys,
  header: Buffer,
  box: Buffer,
  boxStart: number,
  object: string,
): PackBlob[] {
  checkHeader(header, 'pack', object);
  const t = keys.openMeta(TRAILER_LABEL, header, box);
  if (!t || t.length < 4) throw new RepositoryDamagedError(object, 'trailer authentication failed');
  const n = t.readUInt32BE(0);
  if (t.length !== 4 + n * ENTRY_BYTES) throw new RepositoryDamagedError(object, 'bad trailer');
  const out: PackBlob[] = [];
  for (let i = 0, o = 4; i < n; i++, o += ENTRY_BYTES) {
    const type = BLOB_TYPE_BY_CODE[t[o]!];
    if (!type) throw new RepositoryDamagedError(object, `unknown blob type ${t[o]}`);
    const b: PackBlob = {
      type,
      id: t.subarray(o + 1, o + 33).toString('hex'),
      offset: t.readUInt32BE(o + 33),
      length: t.readUInt32BE(o + 37),
      rawLength: t.readUInt32BE(o + 41),
    };
    if (b.offset < HEADER_BYTES || b.offset + b.length > boxStart) {
      throw new RepositoryDamagedError(object, 'trailer points outside the pack');
    }
    out.push(b);
  }
  return out;
}
