import { RepositoryDamagedError, RepositoryTooNewError } from '../errors.js';

/**
 * Every object starts with a 4-byte ASCII magic naming its kind and a 1-byte format version.
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

export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 5;

export function header(kind: ObjectKind, version = FORMAT_VERSION): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.write(MAGIC[kind], 0, 'ascii');
  b[4] = version;
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
