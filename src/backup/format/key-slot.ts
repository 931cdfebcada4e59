import {
  blake2b256,
  blake2b256Parts,
  KEY_BYTES,
  open,
  randomBytes,
  seal,
} from '../crypto/primitives.js';
import { sodium } from '../crypto/sodium.js';
import { InvalidArgumentError, RepositoryDamagedError, WeakKdfError } from '../errors.js';
import { isRepoConfig, type RepoConfig } from './config.js';
import { checkHeader, header, HEADER_BYTES } from './header.js';

export type KeySlotKind = 'password' | 'recovery';

export interface Argon2Params {
  opsLimit: number;
  memLimit: number;
}

/** MODERATE: the floor for every slot a user creates. */
export const DEFAULT_ARGON2: Argon2Params = {
  opsLimit: sodium.crypto_pwhash_OPSLIMIT_MODERATE,
  memLimit: sodium.crypto_pwhash_MEMLIMIT_MODERATE,
};

export type SlotKdf =
  | { alg: 'argon2id13'; opsLimit: number; memLimit: number; salt: string }
  | { alg: 'blake2b-recovery'; salt: string };

export interface KeySlotHeader {
  kind: KeySlotKind;
  createdAt: number;
  kdf: SlotKdf;
  /**
   * A copy of the repository's config (written by Chatkeep 0.2 and later): a slot alone is
   * enough to open the repository when every copy of `config` is missing or damaged. It is
   * in the slot's associated data, so the box authenticates it.
   */
  config?: RepoConfig;
}

/**
 * Bounds on the Argon2id parameters a slot may ask for. A slot is read from a folder anyone
 * with access to the cloud account can write: without bounds a crafted slot could make
 * opening hang for hours (opsLimit 2^32-1) or exhaust memory. Chatkeep writes MODERATE
 * (ops 3, 256 MiB); SENSITIVE is ops 4, 1 GiB.
 */
export const ARGON2_BOUNDS = { maxOpsLimit: 10, maxMemLimit: 1024 * 1024 * 1024 } as const;

/** Tests may create slots weaker than MODERATE only when this variable is set to 1. */
export const INSECURE_TEST_KDF_ENV = 'CHATKEEP_INSECURE_TEST_KDF';

export function insecureTestKdfAllowed(): boolean {
  return process.env[INSECURE_TEST_KDF_ENV] === '1';
}

export interface KeySlotInfo {
  id: string;
  kind: KeySlotKind;
  createdAt: number;
  kdf?: { alg: string; opsLimit?: number; memLimit?: number };
}

const SLOT_AD_LABEL = 'ckslot01';
const RECOVERY_LABEL = Buffer.from('chatkeep recovery key v1', 'ascii');
const BOX_BYTES = 24 + KEY_BYTES + 16;

export function keySlotObject(id: string): string {
  return `keys/${id}`;
}

/** Derives the key that wraps the master key in a slot from the user's secret. */
export async function deriveSlotKey(kdf: SlotKdf, secret: Buffer): Promise<Buffer> {
  const salt = Buffer.from(kdf.salt, 'hex');
  const out = Buffer.alloc(KEY_BYTES);
  if (kdf.alg === 'argon2id13') {
    await sodium.crypto_pwhash_async(
      out,
      secret,
      salt,
      kdf.opsLimit,
      kdf.memLimit,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
    );
    return out;
  }
  // The recovery key is already 256 random bits: a keyed hash is enough to separate it from the master key.
  return blake2b256Parts([RECOVERY_LABEL, salt], secret);
}

export function passwordBytes(password: string): Buffer {
  // NFC so the same password typed on macOS and Windows gives the same bytes.
  return Buffer.from(password.normalize('NFC'), 'utf8');
}

export function newSlotKdf(kind: KeySlotKind, argon?: Argon2Params, allowWeak = false): SlotKdf {
  if (kind === 'recovery')
    return { alg: 'blake2b-recovery', salt: randomBytes(16).toString('hex') };
  const p = argon ?? DEFAULT_ARGON2;
  if (isWeakArgon2(p) && !(allowWeak && insecureTestKdfAllowed())) {
    throw new WeakKdfError(
      `need at least ops ${DEFAULT_ARGON2.opsLimit}, memory ${DEFAULT_ARGON2.memLimit} bytes` +
        (allowWeak ? ` (weaker test parameters need ${INSECURE_TEST_KDF_ENV}=1)` : ''),
    );
  }
  if (p.opsLimit > ARGON2_BOUNDS.maxOpsLimit || p.memLimit > ARGON2_BOUNDS.maxMemLimit) {
    throw new WeakKdfError('above the bounds every reader accepts');
  }
  if (
    p.opsLimit < sodium.crypto_pwhash_OPSLIMIT_MIN ||
    p.memLimit < sodium.crypto_pwhash_MEMLIMIT_MIN
  ) {
    throw new WeakKdfError('below libsodium minimum');
  }
  return {
    alg: 'argon2id13',
    opsLimit: p.opsLimit,
    memLimit: p.memLimit,
    salt: randomBytes(sodium.crypto_pwhash_SALTBYTES).toString('hex'),
  };
}

export function isWeakArgon2(p: Argon2Params): boolean {
  return p.opsLimit < DEFAULT_ARGON2.opsLimit || p.memLimit < DEFAULT_ARGON2.memLimit;
}

/** Why a slot's KDF is refused before any work is spent on it, or null when it is sane. */
export function kdfProblem(kdf: SlotKdf): string | null {
  if (kdf.alg !== 'argon2id13') return null;
  if (kdf.opsLimit < sodium.crypto_pwhash_OPSLIMIT_MIN || kdf.opsLimit > ARGON2_BOUNDS.maxOpsLimit)
    return `Argon2id operations ${kdf.opsLimit} outside 1..${ARGON2_BOUNDS.maxOpsLimit}`;
  if (kdf.memLimit < sodium.crypto_pwhash_MEMLIMIT_MIN || kdf.memLimit > ARGON2_BOUNDS.maxMemLimit)
    return `Argon2id memory ${kdf.memLimit} bytes outside ${sodium.crypto_pwhash_MEMLIMIT_MIN}..${ARGON2_BOUNDS.maxMemLimit}`;
  return null;
}

/** Chatkeep's own default parameters: such slots are tried first when opening. */
export function isDefaultKdf(kdf: SlotKdf): boolean {
  return (
    kdf.alg !== 'argon2id13' ||
    (kdf.opsLimit === DEFAULT_ARGON2.opsLimit && kdf.memLimit === DEFAULT_ARGON2.memLimit)
  );
}

function slotAd(repoId: Buffer, prefix: Buffer): Buffer {
  return Buffer.concat([Buffer.from(SLOT_AD_LABEL, 'ascii'), repoId, prefix]);
}

/** header || u16 BE json length || json || seal(slotKey, master) || BLAKE2b-256(all before). */
export function encodeKeySlot(
  h: KeySlotHeader,
  slotKey: Buffer,
  master: Buffer,
  repoId: Buffer,
): Buffer {
  const json = Buffer.from(JSON.stringify(h), 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(json.length);
  const prefix = Buffer.concat([header('keySlot'), len, json]);
  const box = seal(slotKey, master, slotAd(repoId, prefix));
  const body = Buffer.concat([prefix, box]);
  return Buffer.concat([body, blake2b256(body)]);
}

export interface ParsedKeySlot {
  header: KeySlotHeader;
  prefix: Buffer;
  box: Buffer;
  /**
   * False when the trailing checksum does not match. Such a slot is still tried: the box's
   * AEAD covers the prefix and the wrapped key, so a slot that opens is sound whatever
   * happened to the checksum bytes.
   */
  checksumOk: boolean;
}

/**
 * Structure, then checksum; throws RepositoryDamagedError naming the slot when the structure
 * cannot be read. A checksum mismatch alone is reported in `checksumOk` (see there).
 */
export function parseKeySlot(buf: Buffer, object: string): ParsedKeySlot {
  if (buf.length < HEADER_BYTES + 2 + BOX_BYTES + 32)
    throw new RepositoryDamagedError(object, 'truncated');
  const body = buf.subarray(0, buf.length - 32);
  const checksumOk = blake2b256(body).equals(buf.subarray(buf.length - 32));
  try {
    return parseSlotBody(body, object, checksumOk);
  } catch (err) {
    if (!checksumOk && err instanceof RepositoryDamagedError)
      throw new RepositoryDamagedError(object, `checksum mismatch (${err.detail})`);
    throw err;
  }
}

function parseSlotBody(body: Buffer, object: string, checksumOk: boolean): ParsedKeySlot {
  checkHeader(body, 'keySlot', object);
  const jsonLen = body.readUInt16BE(HEADER_BYTES);
  const prefixLen = HEADER_BYTES + 2 + jsonLen;
  if (body.length !== prefixLen + BOX_BYTES) throw new RepositoryDamagedError(object, 'bad length');
  let h: KeySlotHeader;
  try {
    h = JSON.parse(body.subarray(HEADER_BYTES + 2, prefixLen).toString('utf8')) as KeySlotHeader;
  } catch {
    throw new RepositoryDamagedError(object, 'unreadable JSON');
  }
  if (!isSlotHeader(h)) throw new RepositoryDamagedError(object, 'missing fields');
  return {
    header: h,
    prefix: body.subarray(0, prefixLen),
    box: body.subarray(prefixLen),
    checksumOk,
  };
}

function isSlotHeader(h: unknown): h is KeySlotHeader {
  const x = h as KeySlotHeader;
  if (!x || (x.kind !== 'password' && x.kind !== 'recovery') || typeof x.createdAt !== 'number')
    return false;
  if (x.config !== undefined && !isRepoConfig(x.config)) return false;
  const k = x.kdf as SlotKdf | undefined;
  if (!k || typeof k.salt !== 'string') return false;
  if (k.alg === 'argon2id13') {
    return k.salt.length === 32 && Number.isInteger(k.opsLimit) && Number.isInteger(k.memLimit);
  }
  return k.alg === 'blake2b-recovery' && k.salt.length === 32 && x.kind === 'recovery';
}

/** The master key, or null when the slot key does not open the box (wrong secret). */
export function unwrapMaster(slot: ParsedKeySlot, slotKey: Buffer, repoId: Buffer): Buffer | null {
  return open(slotKey, slot.box, slotAd(repoId, slot.prefix));
}

export function slotInfo(id: string, h: KeySlotHeader): KeySlotInfo {
  const kdf =
    h.kdf.alg === 'argon2id13'
      ? { alg: h.kdf.alg, opsLimit: h.kdf.opsLimit, memLimit: h.kdf.memLimit }
      : { alg: h.kdf.alg };
  return { id, kind: h.kind, createdAt: h.createdAt, kdf };
}

// ---- recovery keys ----

export function formatRecoveryKey(raw: Buffer): string {
  const hex = raw.toString('hex');
  return hex.match(/.{4}/g)!.join('-');
}

/** 64 hex digits; spaces and dashes ignored, case-insensitive. */
export function parseRecoveryKey(text: string): Buffer {
  const hex = text.replace(/[\s-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new InvalidArgumentError(
      'A recovery key has 64 digits and letters a-f (16 groups of four)',
    );
  }
  return Buffer.from(hex, 'hex');
}
