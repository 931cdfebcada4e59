import { blake2b256 } from '../crypto/primitives.js';
import {
  BLOB_TYPE_BY_CODE,
  BLOB_TYPES,
  type BlobType,
  type RepoKeys,
} from '../crypto/repo-keys.js';
import { KeyEpochUnknownError, RepositoryDamagedError } from '../errors.js';
import { padme, paddedBoxLength } from '../crypto/repo-keys.js';
import { checkHeader, EPOCH_HEADER_BYTES, header, headerEpoch, headerLength } from './header.js';

/**
 * Pack file, version 2: header (with the key epoch) || blob boxes, each followed by padding to
 * its Padmé length || trailer box || locator box (a fixed 44 bytes sealing the trailer box's
 * length, so nothing in clear says how many blobs the pack holds). Version 1 (read only):
 * 5-byte header, boxes back to back, trailer box, u32 BE trailer box length in clear.
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
  /**
   * The key epoch of the pack (version 2 packs, whose boxes are padded: see
   * `blobSpan`); absent for a version 1 pack (epoch 0, no padding). Kept per blob so that
   * it travels wherever a pack's blob list does (prune, repair, the index).
   */
  epoch?: number;
}

/**
 * Bytes a reader may read for a blob: its box and, in a version 2 pack, the padding after it,
 * so a ranged read shows the storage the padded length only.
 */
export function blobSpan(b: { length: number; epoch?: number | undefined }): number {
  return b.epoch === undefined ? b.length : paddedBoxLength(b.length - BOX_OVERHEAD);
}

const TRAILER_LABEL = 'ckpack01';
const LOCATOR_LABEL = 'ckpkln01';
const ENTRY_BYTES = 1 + 32 + 4 + 4 + 4;
/** The version 2 locator box: nonce, u32 trailer box length, tag. */
export const LOCATOR_BYTES = 24 + 4 + 16;
/** Enough of a pack's head for any version's header. */
export const PACK_HEAD_BYTES = EPOCH_HEADER_BYTES;

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
  private readonly headerBytes: number;
  private size: number;
  blobs: PackBlob[] = [];

  constructor(
    capacity = 1024 * 1024,
    private readonly epoch = 0,
  ) {
    const h = header('pack', epoch);
    this.headerBytes = h.length;
    this.size = h.length;
    this.buf = Buffer.allocUnsafe(Math.max(capacity, h.length));
    h.copy(this.buf, 0);
  }

  /** Empties the builder for the next pack, keeping its buffer (and the header in it). */
  reset(): void {
    this.size = this.headerBytes;
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

  /**
   * Records the box just written into `reserve(span)`: `length` bytes of box, then padding up
   * to `span`.
   */
  commit(type: BlobType, id: string, length: number, rawLength: number, span = length): void {
    this.blobs.push({ type, id, offset: this.size, length, rawLength, epoch: this.epoch });
    this.size += span;
  }

  add(type: BlobType, id: string, box: Uint8Array, rawLength: number): void {
    this.reserve(box.length).set(box);
    this.commit(type, id, box.length, rawLength);
  }

  /** The finished pack's bytes and its id (hash). The bytes stay valid until the next use. */
  finish(keys: RepoKeys): { id: string; bytes: Buffer } {
    // Padded like a blob (zeros inside the box), so its size hides the number of blobs.
    const t = Buffer.alloc(padme(4 + this.blobs.length * ENTRY_BYTES));
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
    const head = this.buf.subarray(0, this.headerBytes);
    const box = keys.sealMeta(TRAILER_LABEL, head, t);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(box.length);
    const locator = keys.sealMeta(LOCATOR_LABEL, head, length);
    const tail = this.reserve(box.length + locator.length);
    box.copy(tail, 0);
    locator.copy(tail, box.length);
    const bytes = this.buf.subarray(0, this.size + box.length + locator.length);
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
  const head = bytes.subarray(0, headerLength(bytes, 'pack'));
  const tailBytes = tailLength(head);
  if (bytes.length < head.length + tailBytes) throw new RepositoryDamagedError(object, 'truncated');
  const span = trailerSpan(
    keys,
    head,
    bytes.length,
    bytes.subarray(bytes.length - tailBytes),
    object,
  );
  return openPackTrailer(
    keys,
    head,
    bytes.subarray(span.offset, span.offset + span.length),
    span.offset,
    object,
  );
}

/** How many bytes at a pack's end say where its trailer is: 4 (version 1) or the locator box. */
export function tailLength(head: Buffer): number {
  return (head[4] ?? 0) >= 2 ? LOCATOR_BYTES : 4;
}

/**
 * Where a pack's trailer box lies, from the pack's header, size and last `tailLength` bytes
 * (version 2: the locator box, authenticated with the header).
 */
export function trailerSpan(
  keys: RepoKeys,
  head: Buffer,
  size: number,
  tail: Buffer,
  object: string,
): { offset: number; length: number } {
  const tailBytes = tailLength(head);
  if (size < head.length + tailBytes || tail.length !== tailBytes)
    throw new RepositoryDamagedError(object, 'truncated');
  let length: number;
  if (tailBytes === 4) {
    length = tail.readUInt32BE(0);
  } else {
    const plain = keys.openMeta(LOCATOR_LABEL, head, tail);
    if (!plain || plain.length !== 4)
      throw epochOrDamage(keys, head, object, 'trailer locator authentication failed');
    length = plain.readUInt32BE(0);
  }
  const offset = size - tailBytes - length;
  if (offset < head.length) throw new RepositoryDamagedError(object, 'bad trailer length');
  return { offset, length };
}

/** A pack of an epoch this keyring does not hold is not damaged: say which it is. */
function epochOrDamage(
  keys: RepoKeys,
  head: Buffer,
  object: string,
  detail: string,
): RepositoryDamagedError {
  const epoch = headerEpoch(head);
  if (!keys.hasEpoch(epoch)) return new KeyEpochUnknownError(object, epoch);
  return new RepositoryDamagedError(object, detail);
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
  const version = checkHeader(header, 'pack', object);
  const t = keys.openMeta(TRAILER_LABEL, header, box);
  if (!t || t.length < 4)
    throw epochOrDamage(keys, header, object, 'trailer authentication failed');
  const n = t.readUInt32BE(0);
  // Version 2 pads the trailer (with zeros, inside the box) to its Padmé length.
  const expected = version >= 2 ? padme(4 + n * ENTRY_BYTES) : 4 + n * ENTRY_BYTES;
  if (t.length !== expected) throw new RepositoryDamagedError(object, 'bad trailer');
  const out: PackBlob[] = [];
  const epoch = version >= 2 ? headerEpoch(header) : undefined;
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
    if (epoch !== undefined) b.epoch = epoch;
    if (b.offset < header.length || b.offset + blobSpan(b) > boxStart) {
      throw new RepositoryDamagedError(object, 'trailer points outside the pack');
    }
    out.push(b);
  }
  return out;
}
