import { MESSAGE_LINES_AVG } from '../format/month-group.js';
import { halfSipHashString, halfSipKey, type HalfSipKey } from './half-siphash.js';
import { KeyRegion } from './key-memory.js';
import { blake2b256Parts, KEY_BYTES, open, seal, sealInto } from './primitives.js';
import { sodium } from './sodium.js';

/** crypto_kdf context shared by all sub-keys of the master key (8 bytes). */
export const KDF_CONTEXT = 'ckrepo01';
export const SUBKEY_IDS = { blob: 1, blobId: 2, metadata: 3, chunker: 4 } as const;

export const BLOB_TYPES = { messages: 1, media: 2, tree: 3 } as const;
export type BlobType = keyof typeof BLOB_TYPES;
export const BLOB_TYPE_BY_CODE: Record<number, BlobType> = { 1: 'messages', 2: 'media', 3: 'tree' };

const BLOB_AD_LABEL = Buffer.from('ckblob01', 'ascii');

function derive(master: Uint8Array, id: number, out: Uint8Array): void {
  sodium.crypto_kdf_derive_from_key(out, id, Buffer.from(KDF_CONTEXT, 'ascii'), master);
}

/**
 * The master key's sub-keys and the operations that use them. The master key and its sub-keys
 * live in one KeyRegion (locked out of swap, see key-memory.ts) until `dispose()`, which zeroes
 * them; the keys are unusable after it.
 */
export class RepoKeys {
  readonly master: Buffer;
  readonly blobKey: Buffer;
  readonly idKey: Buffer;
  readonly metaKey: Buffer;
  readonly chunkerKey: Buffer;
  /** HalfSipHash key for month-group chunk boundaries (see format/month-group.ts). */
  readonly boundaryKey: HalfSipKey;
  private readonly region = new KeyRegion(5 * KEY_BYTES);

  constructor(
    /** Copied: the caller keeps (and zeroes) its own copy. */
    master: Uint8Array,
    /** 16 raw bytes. */
    readonly repoId: Buffer,
  ) {
    if (master.length !== KEY_BYTES) throw new RangeError('A master key is 32 bytes');
    const key = (i: number) => this.region.bytes.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES);
    this.master = key(0);
    this.master.set(master);
    this.blobKey = key(1);
    this.idKey = key(2);
    this.metaKey = key(3);
    this.chunkerKey = key(4);
    derive(this.master, SUBKEY_IDS.blob, this.blobKey);
    derive(this.master, SUBKEY_IDS.blobId, this.idKey);
    derive(this.master, SUBKEY_IDS.metadata, this.metaKey);
    derive(this.master, SUBKEY_IDS.chunker, this.chunkerKey);
    const boundary = blake2b256Parts([Buffer.from('message boundaries', 'ascii')], this.chunkerKey);
    this.boundaryKey = halfSipKey(boundary);
    sodium.sodium_memzero(boundary);
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
      this.metaKey,
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

  /** Seals a blob into `out` (payload length + 40 bytes), e.g. straight into a pack. */
  sealBlobInto(type: BlobType, id: string, payload: Uint8Array, out: Uint8Array): void {
    this.assertLive();
    sealInto(this.blobKey, payload, this.blobAd(type, id), out);
  }

  sealBlob(type: BlobType, id: string, payload: Uint8Array): Buffer {
    this.assertLive();
    return seal(this.blobKey, payload, this.blobAd(type, id));
  }

  openBlob(type: BlobType, id: string, box: Uint8Array): Buffer | null {
    this.assertLive();
    return open(this.blobKey, box, this.blobAd(type, id));
  }

  /** Metadata objects (pack trailers, index, snapshots, locks): AD binds a label, the repo and the object's header. */
  sealMeta(label: string, header: Uint8Array, plaintext: Uint8Array): Buffer {
    this.assertLive();
    return seal(this.metaKey, plaintext, this.metaAd(label, header));
  }

  openMeta(label: string, header: Uint8Array, box: Uint8Array): Buffer | null {
    this.assertLive();
    return open(this.metaKey, box, this.metaAd(label, header));
  }

  private metaAd(label: string, header: Uint8Array): Buffer {
    return Buffer.concat([Buffer.from(label, 'ascii'), this.repoId, header]);
  }
}
