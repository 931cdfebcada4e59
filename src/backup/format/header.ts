import { RepositoryDamagedError, RepositoryTooNewError } from '../errors.js';

/**
 * Every object starts with a 4-byte ASCII magic naming its kind and a 1-byte format version.
 * Since version 2, objects sealed with a data key (packs, index files, snapshots, locks) add a
 * u32 BE key epoch: which of the repository's data keys sealed them (see crypto/repo-keys.ts).
 * Readers check the object's integrity (name hash, checksum or AEAD) before trusting the
 * version byte, so a flipped bit is reported as damage and not as "too new".
 */
export const MAGIC = {
  config: 'CKCF',
  keySlot: 'CKKS',
  pack: 'CKPK',
  index: 'CKIX',
  snapshot: 'CKSN',
  lock: 'CKLK',
} as const;
export type ObjectKind = keyof typeof MAGIC;

/** The highest version this code reads; what it writes is in WRITE_VERSION. */
export const FORMAT_VERSION = 2;
/** The fixed part: magic and version. */
export const HEADER_BYTES = 5;
/** Magic, version 2 and the u32 key epoch. */
export const EPOCH_HEADER_BYTES = HEADER_BYTES + 4;

/** Kinds sealed with a data key: since version 2 their header names the key's epoch. */
const EPOCH_KINDS: ReadonlySet<ObjectKind> = new Set(['pack', 'index', 'snapshot', 'lock']);

/** What each kind is written as: the config did not change in version 2. */
export const WRITE_VERSION: Record<ObjectKind, number> = {
  config: 1,
  keySlot: 2,
  pack: 2,
  index: 2,
  snapshot: 2,
  lock: 2,
};

/** `version` other than the current one only to write a version 1 object for a test. */
export function header(kind: ObjectKind, epoch = 0, version = WRITE_VERSION[kind]): Buffer {
  const withEpoch = EPOCH_KINDS.has(kind) && version >= 2;
  const b = Buffer.alloc(withEpoch ? EPOCH_HEADER_BYTES : HEADER_BYTES);
  b.write(MAGIC[kind], 0, 'ascii');
  b[4] = version;
  if (withEpoch) b.writeUInt32BE(epoch, HEADER_BYTES);
  return b;
}

/** Validates magic and version; returns the version. */
export function checkHeader(buf: Uint8Array, kind: ObjectKind, object: string): number {
  if (buf.length < HEADER_BYTES) throw new RepositoryDamagedError(object, 'truncated header');
  const magic = Buffer.from(buf.subarray(0, 4)).toString('latin1');
  if (magic !== MAGIC[kind]) throw new RepositoryDamagedError(object, 'not a Chatkeep object');
  const version = buf[4] ?? 0;
  if (version === 0) throw new RepositoryDamagedError(object, 'invalid format version 0');
  if (version > FORMAT_VERSION) throw new RepositoryTooNewError(object, version, FORMAT_VERSION);
  return version;
}

/** The header's length for an object whose first bytes are `buf` (5, or 9 with an epoch). */
export function headerLength(buf: Uint8Array, kind: ObjectKind): number {
  return EPOCH_KINDS.has(kind) && (buf[4] ?? 0) >= 2 ? EPOCH_HEADER_BYTES : HEADER_BYTES;
}

/**
 * The key epoch a header names: 0 for version 1 objects (written before epochs existed) and
 * for headers too short to say (damage, found when the AEAD fails).
 */
export function headerEpoch(h: Uint8Array): number {
  if (h.length < EPOCH_HEADER_BYTES || (h[4] ?? 0) < 2) return 0;
  return Buffer.from(h.buffer, h.byteOffset, h.byteLength).readUInt32BE(HEADER_BYTES);
}
