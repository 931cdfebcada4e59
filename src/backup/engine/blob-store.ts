import { Compressor, Decompressor } from 'zstd-napi';
import type { Backend } from '../backend/backend.js';
import type { BlobType, RepoKeys } from '../crypto/repo-keys.js';
import { ObjectNotFoundError, RepositoryDamagedError, toStorageError } from '../errors.js';
import { paddedBoxLength } from '../crypto/repo-keys.js';
import { BOX_OVERHEAD, blobSpan, PackBuilder, packObjectName } from '../format/pack.js';
import { encodeIndex, type IndexedPack, type MasterIndex } from './master-index.js';
import { classifyDamage } from './object-read.js';

export const PACK_TARGET_BYTES = 16 * 1024 * 1024;

/**
 * One zstd context each per thread, reused: a context per call costs more than compressing a
 * typical 8 kB chunk of messages.
 */
const compressor = new Compressor();
// Level 1: chat JSON compresses about as well as at 3 (within 2% here) in 60% of the time.
compressor.setParameters({ compressionLevel: 1 });
const decompressor = new Decompressor();

export function compress(data: Uint8Array): Buffer {
  return compressor.compress(data);
}

export function decompress(data: Uint8Array): Buffer {
  return decompressor.decompress(data);
}

/** Media chunks are already compressed (photos, video, audio); everything else is zstd JSON. */
export function isCompressed(type: BlobType): boolean {
  return type !== 'media';
}

/**
 * Reads an object something referred to: missing is damage, a short read is "still arriving"
 * or damage (see classifyDamage), other errors are storage errors or "not downloaded".
 */
export async function readObject(
  backend: Backend,
  name: string,
  range?: { offset: number; length: number },
): Promise<Buffer> {
  let b: Buffer;
  try {
    b = await backend.read(name, range);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw new RepositoryDamagedError(name, 'missing');
    throw toStorageError(err, name);
  }
  if (range && b.length !== range.length) {
    throw await classifyDamage(
      backend,
      name,
      new RepositoryDamagedError(name, 'truncated'),
      range.offset + range.length,
    );
  }
  return b;
}

/**
 * A blob's box from its pack; when the pack's copy does not authenticate, copies of the pack
 * a sync client made are tried (rare: read whole).
 */
async function openFromPack(
  backend: Backend,
  keys: RepoKeys,
  type: BlobType,
  id: string,
  e: { pack: string; offset: number; length: number; epoch?: number },
  open: (box: Buffer, pack: string) => Buffer,
): Promise<Buffer> {
  const pack = packObjectName(e.pack);
  try {
    // The padding is read too (the storage sees padded lengths only) and left out here.
    const read = await readObject(backend, pack, { offset: e.offset, length: blobSpan(e) });
    return open(read.subarray(0, e.length), pack);
  } catch (err) {
    if (!(err instanceof RepositoryDamagedError)) throw err;
    if (!backend.variants) throw await classifyDamage(backend, pack, err);
    for (const v of await backend.variants(pack)) {
      if (v.label === 'the object') continue;
      try {
        const whole = await v.read();
        return open(whole.subarray(e.offset, e.offset + e.length), pack);
      } catch {
        // Try the next copy.
      }
    }
    // Not downloaded (a dataless file reads as zeros) or still being written is not damage.
    throw await classifyDamage(backend, pack, err);
  }
}

/** Opens a blob box, decompresses it and checks its id: returns the plaintext or throws naming the pack. */
export function openBlobBox(
  keys: RepoKeys,
  type: BlobType,
  id: string,
  box: Buffer,
  pack: string,
  epoch = 0,
): Buffer {
  const payload = keys.openBlob(type, id, box, epoch);
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
    return { plain, compact: compress(plain) };
  }
  let compact: Buffer | null = null;
  const plain = await openFromPack(backend, keys, e.type, id, e, (box, pack) => {
    const payload = keys.openBlob(e.type, id, box, e.epoch ?? 0);
    if (!payload) throw new RepositoryDamagedError(pack, `blob ${id} fails authentication`);
    compact = payload;
    return verifyPayload(keys, e.type, id, payload, pack);
  });
  return { plain, compact: compact! };
}

export async function readBlob(
  backend: Backend,
  keys: RepoKeys,
  index: Pick<MasterIndex, 'get'>,
  id: string,
): Promise<Buffer> {
  const e = index.get(id);
  if (!e)
    throw new RepositoryDamagedError(
      `blob ${id}`,
      'not in any index file (its pack is missing or was never written)',
    );
  return openFromPack(backend, keys, e.type, id, e, (box, pack) =>
    openBlobBox(keys, e.type, id, box, pack, e.epoch ?? 0),
  );
}

/**
 * Collects new blobs into packs of about 16 MiB, writes each pack when full and, on finish,
 * one index file for all packs written: packs are durable before the index names them.
 */
export class PackWriter {
  private builder: PackBuilder;
  private spare: PackBuilder | null = null;
  private readonly session = new Set<string>();
  readonly written: IndexedPack[] = [];
  bytesWritten = 0;

  constructor(
    private readonly backend: Backend,
    private readonly keys: RepoKeys,
    /** What is stored already (blobs in condemned packs do not count: see MasterIndex.has). */
    private readonly index: Pick<MasterIndex, 'has'> & Partial<Pick<MasterIndex, 'add'>>,
    private readonly targetBytes = PACK_TARGET_BYTES,
  ) {
    this.builder = new PackBuilder(targetBytes + 64 * 1024, keys.epoch);
  }

  /** Ids added through this writer (written or still pending). */
  pending(): Iterable<string> {
    return this.session;
  }

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
      payload = compress(plaintext);
      // Verify before upload: a compressor bug must not turn into a corrupt backup.
      if (!decompress(payload).equals(plaintext))
        throw new Error(`compression round trip failed for blob ${id}`);
    }
    // Sealed straight into the pack, padding included: the plaintext is consumed here, before
    // any await, so a caller may reuse its buffer for the next blob.
    const length = payload.length + BOX_OVERHEAD;
    const span = paddedBoxLength(payload.length);
    this.keys.sealBlobInto(type, id, payload, this.builder.reserve(span));
    this.builder.commit(type, id, length, plaintext.length, span);
    this.session.add(id);
    if (this.builder.byteLength >= this.targetBytes) await this.flushPack();
    return id;
  }

  async flushPack(): Promise<void> {
    if (this.builder.count === 0) return;
    const b = this.builder;
    // Blobs added while this pack is written go to the spare builder; a second pack filling
    // up before the first is written (rare) gets a new one. Two buffers in steady state.
    this.builder = this.spare ?? new PackBuilder(this.targetBytes + 64 * 1024, this.keys.epoch);
    this.spare = null;
    const { id, bytes } = b.finish(this.keys);
    await this.backend.writeAtomic(packObjectName(id), bytes);
    this.bytesWritten += bytes.length;
    this.written.push({ id, size: bytes.length, blobs: b.blobs });
    b.reset();
    this.spare = b;
  }

  /**
   * Writes the last pack and the index file naming all packs written (and `more`, written by
   * a helper such as the media sealer); adds them to the in-memory index.
   */
  async finish(more: IndexedPack[] = []): Promise<string | null> {
    await this.flushPack();
    const packs = [...this.written, ...more];
    if (packs.length === 0) return null;
    const { name, bytes } = encodeIndex(this.keys, packs);
    await this.backend.writeAtomic(name, bytes);
    this.bytesWritten += bytes.length;
    this.index.add?.(name, packs);
    return name;
  }
}
