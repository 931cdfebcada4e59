import { compress, decompress } from 'zstd-napi';
import type { Backend } from '../backend/backend.js';
import type { BlobType, RepoKeys } from '../crypto/repo-keys.js';
import { RepositoryDamagedError, toStorageError } from '../errors.js';
import { PackBuilder, packObjectName } from '../format/pack.js';
import { encodeIndex, type IndexedPack, type MasterIndex } from './master-index.js';

export const PACK_TARGET_BYTES = 16 * 1024 * 1024;

/** Media chunks are already compressed (photos, video, audio); everything else is zstd JSON. */
export function isCompressed(type: BlobType): boolean {
  return type !== 'media';
}

/** Reads an object; a missing object is damage (something referenced it), other errors are storage errors. */
export async function readObject(
  backend: Backend,
  name: string,
  range?: { offset: number; length: number },
): Promise<Buffer> {
  try {
    const b = await backend.read(name, range);
    if (range && b.length !== range.length) throw new RepositoryDamagedError(name, 'truncated');
    return b;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new RepositoryDamagedError(name, 'missing');
    throw toStorageError(err, name);
  }
}

/** Opens a blob box, decompresses it and checks its id: returns the plaintext or throws naming the pack. */
export function openBlobBox(
  keys: RepoKeys,
  type: BlobType,
  id: string,
  box: Buffer,
  pack: string,
): Buffer {
  const payload = keys.openBlob(type, id, box);
  if (!payload) throw new RepositoryDamagedError(pack, `blob ${id} fails authentication`);
  return verifyPayload(keys, type, id, payload, pack);
}

function verifyPayload(
  keys: RepoKeys,
  type: BlobType,
  id: string,
  payload: Buffer,
  pack: string,
): Buffer {
  let plain: Buffer;
  try {
    plain = isCompressed(type) ? decompress(payload) : payload;
  } catch (err) {
    throw new RepositoryDamagedError(pack, `blob ${id} does not decompress`, { cause: err });
  }
  if (keys.blobId(type, plain) !== id) {
    throw new RepositoryDamagedError(pack, `blob ${id} content does not match its id`);
  }
  return plain;
}

/** A compressed blob's verified plaintext kept compressed (zstd) to hold many in memory. */
export async function readBlobCompact(
  backend: Backend,
  keys: RepoKeys,
  index: MasterIndex,
  id: string,
): Promise<{ plain: Buffer; compact: Buffer }> {
  const e = index.get(id);
  if (!e || !isCompressed(e.type)) {
    const plain = await readBlob(backend, keys, index, id);
    return { plain, compact: compress(plain, { compressionLevel: 1 }) };
  }
  const pack = packObjectName(e.pack);
  const box = await readObject(backend, pack, { offset: e.offset, length: e.length });
  const payload = keys.openBlob(e.type, id, box);
  if (!payload) throw new RepositoryDamagedError(pack, `blob ${id} fails authentication`);
  return { plain: verifyPayload(keys, e.type, id, payload, pack), compact: payload };
}

export async function readBlob(
  backend: Backend,
  keys: RepoKeys,
  index: MasterIndex,
  id: string,
): Promise<Buffer> {
  const e = index.get(id);
  if (!e)
    throw new RepositoryDamagedError(
      `blob ${id}`,
      'not in any index file (its pack is missing or was never written)',
    );
  const pack = packObjectName(e.pack);
  const box = await readObject(backend, pack, { offset: e.offset, length: e.length });
  return openBlobBox(keys, e.type, id, box, pack);
}

/**
 * Collects new blobs into packs of about 16 MiB, writes each pack when full and, on finish,
 * one index file for all packs written: packs are durable before the index names them.
 */
export class PackWriter {
  private builder = new PackBuilder();
  private readonly session = new Set<string>();
  readonly written: IndexedPack[] = [];
  bytesWritten = 0;

  constructor(
    private readonly backend: Backend,
    private readonly keys: RepoKeys,
    private readonly index: MasterIndex,
    private readonly targetBytes = PACK_TARGET_BYTES,
  ) {}

  /** Whether a blob with this id is already stored or pending. */
  known(id: string): boolean {
    return this.index.has(id) || this.session.has(id);
  }

  /** Adds a blob unless already stored; returns its id. */
  async add(
    type: BlobType,
    plaintext: Uint8Array,
    id = this.keys.blobId(type, plaintext),
  ): Promise<string> {
    if (this.known(id)) return id;
    let payload: Uint8Array = plaintext;
    if (isCompressed(type)) {
      payload = compress(plaintext, { compressionLevel: 3 });
      // Verify before upload: a compressor bug must not turn into a corrupt backup.
      if (!decompress(payload).equals(plaintext))
        throw new Error(`compression round trip failed for blob ${id}`);
    }
    const box = this.keys.sealBlob(type, id, payload);
    this.builder.add(type, id, box, plaintext.length);
    this.session.add(id);
    if (this.builder.byteLength >= this.targetBytes) await this.flushPack();
    return id;
  }

  async flushPack(): Promise<void> {
    if (this.builder.count === 0) return;
    const b = this.builder;
    this.builder = new PackBuilder();
    const { id, bytes } = b.finish(this.keys);
    await this.backend.writeAtomic(packObjectName(id), bytes);
    this.bytesWritten += bytes.length;
    this.written.push({ id, size: bytes.length, blobs: b.blobs });
  }

  /** Writes the last pack and the index file naming all packs written; adds them to the in-memory index. */
  async finish(): Promise<string | null> {
    await this.flushPack();
    if (this.written.length === 0) return null;
    const { name, bytes } = encodeIndex(this.keys, this.written);
    await this.backend.writeAtomic(name, bytes);
    this.bytesWritten += bytes.length;
    this.index.add(name, this.written);
    return name;
  }
}
