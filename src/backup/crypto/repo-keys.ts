import { MESSAGE_LINES_AVG } from '../format/month-group.js';
import { halfSipHashString, halfSipKey, type HalfSipKey } from './half-siphash.js';
import { KeyRegion } from './key-memory.js';
import { blake2b256Parts, KEY_BYTES, open, seal, sealInto } from './primitives.js';
import { sodium } from './sodium.js';
import { headerEpoch } from '../format/header.js';

/** crypto_kdf context shared by all sub-keys of the data keys (8 bytes). */
export const KDF_CONTEXT = 'ckrepo01';
/**
 * Sub-key ids. The blob, metadata and padding keys come from each epoch's data key; the id,
 * chunker and slot-tag keys from the first (epoch 0) only, so blob ids and chunk boundaries
 * stay the same across epochs and de-duplication survives a password change.
 */
export const SUBKEY_IDS = {
  blob: 1,
  blobId: 2,
  metadata: 3,
  chunker: 4,
  slotTag: 5,
  padding: 6,
} as const;

export const BLOB_TYPES = { messages: 1, media: 2, tree: 3 } as const;
export type BlobType = keyof typeof BLOB_TYPES;
export const BLOB_TYPE_BY_CODE: Record<number, BlobType> = { 1: 'messages', 2: 'media', 3: 'tree' };

const BLOB_AD_LABEL = Buffer.from('ckblob01', 'ascii');
/** More epochs than anyone will make (one per password change); bounds what a slot may claim. */
export const MAX_EPOCHS = 4096;

function derive(master: Uint8Array, id: number, out: Uint8Array): void {
  sodium.crypto_kdf_derive_from_key(out, id, Buffer.from(KDF_CONTEXT, 'ascii'), master);
}

/**
 * The repository's data keys and the operations that use them.
 *
 * The **keyring** is every epoch's 32-byte data key, oldest first (`master`; a repository
 * made before epochs existed has one, its old master key). A password change or a removed
 * key slot adds an epoch: everything written from then on is sealed with the newest key,
 * which the slots that remain hold and a removed slot never did; older objects name their
 * epoch in their header (blobs through their pack) and are opened with that epoch's key.
 *
 * All keys live in one KeyRegion (locked out of swap, see key-memory.ts) until `dispose()`,
 * which zeroes them; the keys are unusable after it.
 */
export class RepoKeys {
  /** The keyring: `epochs` data keys of 32 bytes, oldest first. */
  readonly master: Buffer;
  /** The newest epoch: what everything written now is sealed with. */
  readonly epoch: number;
  /** Blob key of the newest epoch. */
  readonly blobKey: Buffer;
  readonly idKey: Buffer;
  /** Metadata key of the newest epoch. */
  readonly metaKey: Buffer;
  readonly chunkerKey: Buffer;
  /** Authenticates a key slot's keyring (see format/key-slot.ts). */
  readonly slotTagKey: Buffer;
  /** HalfSipHash key for month-group chunk boundaries (see format/month-group.ts). */
  readonly boundaryKey: HalfSipKey;
  private readonly blobKeys: Buffer[] = [];
  private readonly metaKeys: Buffer[] = [];
  private readonly padKey: Buffer;
  private readonly region: KeyRegion;

  constructor(
    /** The keyring (or a single master key). Copied: the caller keeps (and zeroes) its own copy. */
    master: Uint8Array,
    /** 16 raw bytes. */
    readonly repoId: Buffer,
  ) {
    const epochs = master.length / KEY_BYTES;
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > MAX_EPOCHS)
      throw new RangeError('A keyring is one or more keys of 32 bytes');
    this.epoch = epochs - 1;
    // keyring, blob and metadata key per epoch, then id, chunker, slot-tag and padding keys.
    this.region = new KeyRegion((3 * epochs + 4) * KEY_BYTES);
    const key = (i: number) => this.region.bytes.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES);
    this.master = this.region.bytes.subarray(0, epochs * KEY_BYTES);
    this.master.set(master);
    for (let e = 0; e < epochs; e++) {
      const data = key(e);
      this.blobKeys.push(key(epochs + 2 * e));
      this.metaKeys.push(key(epochs + 2 * e + 1));
      derive(data, SUBKEY_IDS.blob, this.blobKeys[e]!);
      derive(data, SUBKEY_IDS.metadata, this.metaKeys[e]!);
    }
    const first = key(0);
    this.idKey = key(3 * epochs);
    this.chunkerKey = key(3 * epochs + 1);
    this.slotTagKey = key(3 * epochs + 2);
    this.padKey = key(3 * epochs + 3);
    derive(first, SUBKEY_IDS.blobId, this.idKey);
    derive(first, SUBKEY_IDS.chunker, this.chunkerKey);
    derive(first, SUBKEY_IDS.slotTag, this.slotTagKey);
    derive(key(this.epoch), SUBKEY_IDS.padding, this.padKey);
    this.blobKey = this.blobKeys[this.epoch]!;
    this.metaKey = this.metaKeys[this.epoch]!;
    const boundary = blake2b256Parts([Buffer.from('message boundaries', 'ascii')], this.chunkerKey);
    this.boundaryKey = halfSipKey(boundary);
    sodium.sodium_memzero(boundary);
  }

  /** The same keyring with a new random data key at its end: a new epoch. */
  withNewEpoch(): RepoKeys {
    this.assertLive();
    const ring = Buffer.alloc(this.master.length + KEY_BYTES);
    ring.set(this.master);
    sodium.randombytes_buf(ring.subarray(this.master.length));
    const next = new RepoKeys(ring, this.repoId);
    sodium.sodium_memzero(ring);
    return next;
  }

  /** Whether this keyring holds the data key of `epoch`. */
  hasEpoch(epoch: number): boolean {
    return Number.isInteger(epoch) && epoch >= 0 && epoch <= this.epoch;
  }

  /** Whether the keys were locked out of swap (best effort: the OS may refuse). */
  get lockedInMemory(): boolean {
    return this.region.locked;
  }

  get disposed(): boolean {
    return this.region.isReleased;
  }

  /** Zeroes the master key and sub-keys; idempotent. Any use afterwards throws. */
  dispose(): void {
    this.region.release();
    this.boundaryKey.k0 = 0;
    this.boundaryKey.k1 = 0;
  }

  /**
   * Every operation first: a detached key is empty, and BLAKE2b with an empty key is unkeyed
   * (blob ids would reveal content); opening would fail like damage.
   */
  private assertLive(): void {
    if (this.region.isReleased) throw new Error('repository keys used after dispose');
  }

  /** Whether a message with this key ends its month group's chunk. */
  isMessageBoundary(messageKey: string): boolean {
    this.assertLive();
    return halfSipHashString(this.boundaryKey, messageKey) % MESSAGE_LINES_AVG === 0;
  }

  /** Proves possession of the master key without revealing anything about it. */
  keyCheck(): string {
    this.assertLive();
    return blake2b256Parts(
      [Buffer.from('chatkeep key check', 'ascii'), this.repoId],
      this.metaKeys[0]!,
    ).toString('hex');
  }

  /** Keyed BLAKE2b-256 of (type code || plaintext): the blob's id, hex. */
  blobId(type: BlobType, plaintext: Uint8Array): string {
    this.assertLive();
    return blake2b256Parts([Buffer.of(BLOB_TYPES[type]), plaintext], this.idKey).toString('hex');
  }

  private blobAd(type: BlobType, id: string): Buffer {
    return Buffer.concat([
      BLOB_AD_LABEL,
      this.repoId,
      Buffer.of(BLOB_TYPES[type]),
      Buffer.from(id, 'hex'),
    ]);
  }

  /**
   * Seals a blob into `out` with the newest epoch's key, e.g. straight into a pack. `out` is
   * `paddedBoxLength(payload.length)` long: the box (payload + 40 bytes) and, after it,
   * padding filled with a keystream (see fillPadding).
   */
  sealBlobInto(type: BlobType, id: string, payload: Uint8Array, out: Uint8Array): void {
    this.assertLive();
    const boxLength = payload.length + BOX_BYTES;
    sealInto(this.blobKey, payload, this.blobAd(type, id), out.subarray(0, boxLength));
    if (out.length > boxLength) this.fillPadding(out.subarray(boxLength), out.subarray(0, 24));
  }

  /**
   * Padding that looks like the ciphertext around it (zeros would show the cloud where each
   * blob ends): XChaCha20 keystream under the padding key, with the box's own random nonce.
   * Computed, not drawn from the OS, so padding a blob costs no system call.
   */
  fillPadding(out: Uint8Array, nonce: Uint8Array): void {
    if (out.length === 0) return;
    sodium.crypto_stream_xchacha20(out, nonce, this.padKey);
  }

  sealBlob(type: BlobType, id: string, payload: Uint8Array): Buffer {
    this.assertLive();
    return seal(this.blobKey, payload, this.blobAd(type, id));
  }

  /** Null when the box does not open, including a box of an epoch this keyring does not hold. */
  openBlob(type: BlobType, id: string, box: Uint8Array, epoch = 0): Buffer | null {
    this.assertLive();
    const key = this.blobKeys[epoch];
    if (!key) return null;
    return open(key, box, this.blobAd(type, id));
  }

  /**
   * Metadata objects (pack trailers, index, snapshots, locks): AD binds a label, the repo and
   * the object's header, and the header names the epoch whose metadata key seals it.
   */
  sealMeta(label: string, header: Uint8Array, plaintext: Uint8Array): Buffer {
    this.assertLive();
    const key = this.metaKeys[headerEpoch(header)];
    if (!key) throw new Error('sealing with an epoch this keyring does not hold');
    return seal(key, plaintext, this.metaAd(label, header));
  }

  openMeta(label: string, header: Uint8Array, box: Uint8Array): Buffer | null {
    this.assertLive();
    const key = this.metaKeys[headerEpoch(header)];
    if (!key) return null;
    return open(key, box, this.metaAd(label, header));
  }

  private metaAd(label: string, header: Uint8Array): Buffer {
    return Buffer.concat([Buffer.from(label, 'ascii'), this.repoId, header]);
  }
}

const BOX_BYTES = 24 + 16;

/**
 * Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication
 * with PURBs", 2019): rounds a length up so that only O(log log L) bits of it remain, with at
 * most 12 % and typically under 3 % added. Powers of two (the 1 MiB media chunks) stay as they
 * are.
 */
export function padme(length: number): number {
  if (length < 2) return length;
  const e = Math.floor(Math.log2(length));
  const s = Math.floor(Math.log2(e)) + 1;
  const lastBits = e - s;
  const mask = 2 ** lastBits - 1;
  return Math.ceil(length / (mask + 1)) * (mask + 1);
}

/**
 * Bytes a blob takes in a version 2 pack: its payload's length rounded up with Padmé, plus the
 * box's 40 bytes (a constant, so padding the payload hides as much as padding the box, and a
 * full 1 MiB media chunk needs no padding at all).
 */
export function paddedBoxLength(payloadLength: number): number {
  return padme(payloadLength) + BOX_BYTES;
}
