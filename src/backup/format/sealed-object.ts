import { compress, decompress } from 'zstd-napi';
import { blake2b256 } from '../crypto/primitives.js';
import { padme, type RepoKeys } from '../crypto/repo-keys.js';
import { KeyEpochUnknownError, RepositoryDamagedError } from '../errors.js';
import {
  checkHeader,
  header,
  headerEpoch,
  headerLength,
  HEADER_BYTES,
  type ObjectKind,
} from './header.js';

/**
 * Index, snapshot and lock objects: header || XChaCha20-Poly1305(metadata key, body) with the
 * header in the associated data. The header names the key epoch (the newest when writing). Index and snapshot bodies are zstd-compressed JSON and the
 * objects are named by the BLAKE2b-256 of their bytes, so their names double as checksums.
 */
const LABELS: Partial<Record<ObjectKind, string>> = {
  index: 'ckindx01',
  snapshot: 'cksnap01',
  lock: 'cklock01',
};

function label(kind: ObjectKind): string {
  const l = LABELS[kind];
  if (!l) throw new Error(`no sealed-object label for ${kind}`);
  return l;
}

export function encodeSealed(
  kind: ObjectKind,
  keys: RepoKeys,
  value: unknown,
  compressed: boolean,
): Buffer {
  const h = header(kind, keys.epoch);
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  const body = compressed ? padZstd(compress(json, { compressionLevel: 3 })) : json;
  return Buffer.concat([h, keys.sealMeta(label(kind), h, body)]);
}

/** zstd's skippable-frame magic (the first of sixteen): every zstd decoder skips such a frame. */
const SKIPPABLE_MAGIC = 0x184d2a50;

/**
 * Pads a zstd body to its Padmé length with a skippable frame (8-byte frame header, then
 * zeros), so an index or snapshot file's size shows only about its top bits: decoders skip
 * the frame, so readers need nothing special.
 */
export function padZstd(body: Buffer): Buffer {
  const total = padme(body.length + 8);
  const frame = Buffer.alloc(total - body.length);
  frame.writeUInt32LE(SKIPPABLE_MAGIC, 0);
  frame.writeUInt32LE(frame.length - 8, 4);
  return Buffer.concat([body, frame]);
}

export function contentName(prefix: string, bytes: Uint8Array): string {
  return `${prefix}/${blake2b256(bytes).toString('hex')}`;
}

export function decodeSealed(
  kind: ObjectKind,
  keys: RepoKeys,
  buf: Buffer,
  object: string,
  compressed: boolean,
  opts: { contentNamed: boolean },
): unknown {
  if (opts.contentNamed) {
    const expected = object.slice(object.lastIndexOf('/') + 1);
    if (blake2b256(buf).toString('hex') !== expected) {
      throw new RepositoryDamagedError(
        object,
        buf.length < HEADER_BYTES
          ? 'truncated'
          : 'content does not match its name (changed or truncated)',
      );
    }
  }
  const headBytes = headerLength(buf, kind);
  const plain =
    buf.length > headBytes
      ? keys.openMeta(label(kind), buf.subarray(0, headBytes), buf.subarray(headBytes))
      : null;
  // Authenticated first (the header is in the AD), so a flipped version byte reads as damage;
  // content-named objects were already checked against their name above.
  if (plain || opts.contentNamed) checkHeader(buf, kind, object);
  if (!plain && buf.length > headBytes && !keys.hasEpoch(headerEpoch(buf.subarray(0, headBytes))))
    throw new KeyEpochUnknownError(object, headerEpoch(buf.subarray(0, headBytes)));
  if (!plain)
    throw new RepositoryDamagedError(
      object,
      'authentication failed (changed, truncated or from another backup)',
    );
  try {
    const json = compressed ? decompress(plain) : plain;
    return JSON.parse(json.toString('utf8'));
  } catch (err) {
    throw new RepositoryDamagedError(object, 'unreadable contents', { cause: err });
  }
}
