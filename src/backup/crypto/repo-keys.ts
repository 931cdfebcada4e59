import { MESSAGE_LINES_AVG } from '../format/month-group.js';
import { halfSipHashString, halfSipKey, type HalfSipKey } from './half-siphash.js';
import { blake2b256Parts, KEY_BYTES, open, seal, sealInto } from './primitives.js';
import { sodium } from './sodium.js';

/** crypto_kdf context shared by all sub-keys of the master key (8 bytes). */
export const KDF_CONTEXT = 'ckrepo01';
export const SUBKEY_IDS = { blob: 1, blobId: 2, metadata: 3, chunker: 4 } as const;

export const BLOB_TYPES = { messages: 1, media: 2, tree: 3 } as const;
export type BlobType = keyof typeof BLOB_TYPES;
export const BLOB_TYPE_BY_CODE: Record<number, BlobType> = { 1: 'messages', 2: 'media', 3: 'tree' };

const BLOB_AD_LABEL = Buffer.from('ckblob01', 'ascii');

function derive(master: Uint8Array, id: number): Buffer {
  const out = Buffer.alloc(KEY_BYTES);
  sodium.crypto_kdf_derive_from_key(out, id, Buffer.from(KDF_CONTEXT, 'ascii'), master);
  return out;
}

/** The master key's sub-keys and the operations that use them. */
export class RepoKeys {
  readonly blobKey: Buffer;
  readonly idKey: Buffer;
  readonly metaKey: Buffer;
  readonly chunkerKey: Buffer;
  /** HalfSipHash key for month-group chunk boundaries (see format/month-group.ts). */
  readonly boundaryKey: HalfSipKey;

  constructor(
    readonly master: Buffer,
    /** 16 raw bytes. */
    readonly repoId: Buffer,
  ) {
    this.blobKey = derive(master, SUBKEY_IDS.blob);
    this.idKey = derive(master, SUBKEY_IDS.blobId);
    this.metaKey = derive(master, SUBKEY_IDS.metadata);
    this.chunkerKey = derive(master, SUBKEY_IDS.chunker);
    this.boundaryKey = halfSipKey(
      blake2b256Parts([Buffer.from('message boundaries', 'ascii')], this.chunkerKey),
    );
  }

  /** Whether a message with this key ends its month group's chunk. */
  isMessageBoundary(messageKey: string): boolean {
    return halfSipHashString(this.boundaryKey, messageKey) % MESSAGE_LINES_AVG === 0;
  }

  /** Proves possession of the master key without revealing anything about it. */
  keyCheck(): string {
    return blake2b256Parts(
      [Buffer.from('chatkeep key check', 'ascii'), this.repoId],
      this.metaKey,
    ).toString('hex');
  }

  /** Keyed BLAKE2b-256 of (type code || plaintext): the blob's id, hex. */
  blobId(type: BlobType, plaintext: Uint8Array): string {
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
    sealInto(this.blobKey, payload, this.blobAd(type, id), out);
  }

  sealBlob(type: BlobType, id: string, payload: Uint8Array): Buffer {
    return seal(this.blobKey, payload, this.blobAd(type, id));
  }

  openBlob(type: BlobType, id: string, box: Uint8Array): Buffer | null {
    return open(this.blobKey, box, this.blobAd(type, id));
  }

  /** Metadata objects (pack trailers, index, snapshots, locks): AD binds a label, the repo and the object's header. */
  sealMeta(label: string, header: Uint8Array, plaintext: Uint8Array): Buffer {
    return seal(this.metaKey, plaintext, this.metaAd(label, header));
  }

  openMeta(label: string, header: Uint8Array, box: Uint8Array): Buffer | null {
    return open(this.metaKey, box, this.metaAd(label, header));
  }

  private metaAd(label: string, header: Uint8Array): Buffer {
    return Buffer.concat([Buffer.from(label, 'ascii'), this.repoId, header]);
  }
}
