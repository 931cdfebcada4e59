import {
  blake2b256,
  blake2b256Parts,
  KEY_BYTES,
  open,
  randomBytes,
  seal,
} from '../crypto/primitives.js';
import { KDF_CONTEXT, MAX_EPOCHS, SUBKEY_IDS } from '../crypto/repo-keys.js';
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
  /**
   * Version 2: the newest key epoch the slot's keyring holds (its keyring has epoch + 1 keys)
   * and the slot's X25519 public key (64 hex), to which a new keyring is sealed when the
   * keys change without this slot's secret at hand (see Repository.rotateKeys).
   */
  epoch?: number;
  pk?: string;
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
  /** The newest key epoch the slot holds (0 for slots older than key epochs). */
  epoch?: number;
  kdf?: { alg: string; opsLimit?: number; memLimit?: number };
}

const SLOT_AD_LABEL = 'ckslot01';
const SLOT2_LABEL = Buffer.from('ckslot02', 'ascii');
const WRAPPED_SK_BYTES = 24 + KEY_BYTES + 16;
const SEAL_BYTES = 48;
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

/**
 * Version 1 (before key epochs; still read): header || u16 BE json length || json ||
 * seal(slotKey, master) || BLAKE2b-256(all before). Written only by tests, for old folders.
 */
export function encodeKeySlot(
  h: KeySlotHeader,
  slotKey: Buffer,
  master: Buffer,
  repoId: Buffer,
): Buffer {
  const json = Buffer.from(JSON.stringify(h), 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(json.length);
  const prefix = Buffer.concat([header('keySlot', 0, 1), len, json]);
  const box = seal(slotKey, master, slotAd(repoId, prefix));
  const body = Buffer.concat([prefix, box]);
  return Buffer.concat([body, blake2b256(body)]);
}

/** The X25519 key pair of a version 2 slot; `sk` is zeroed by whoever made it. */
export interface SlotKeyPair {
  pk: Buffer;
  sk: Buffer;
}

export function newSlotKeyPair(): SlotKeyPair {
  const pk = Buffer.alloc(KEY_BYTES);
  const sk = Buffer.alloc(KEY_BYTES);
  sodium.crypto_box_keypair(pk, sk);
  return { pk, sk };
}

function slotTag(tagKey: Uint8Array, repoId: Buffer, prefix: Buffer, keyring: Uint8Array): Buffer {
  return blake2b256Parts([SLOT2_LABEL, repoId, prefix, keyring], tagKey);
}

function v2Prefix(h: KeySlotHeader): Buffer {
  const json = Buffer.from(JSON.stringify(h), 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(json.length);
  return Buffer.concat([header('keySlot'), len, json]);
}

/**
 * Version 2 slot: prefix || wrapped secret key || sealed keyring || checksum, where
 * wrapped = seal(slot key, sk, AD = "ckslot02" || repoId || pk) and the sealed keyring is
 * crypto_box_seal(keyring || tag, pk) with tag = keyed BLAKE2b (slot-tag key of epoch 0) over
 * the label, repoId, prefix and keyring. `wrapped` is given to re-deliver a new keyring to a
 * slot whose secret is not at hand (its bytes are reused as they are).
 */
export function encodeKeySlotV2(
  h: KeySlotHeader & { epoch: number; pk: string },
  wrapped: Buffer,
  keyring: Uint8Array,
  tagKey: Uint8Array,
  repoId: Buffer,
): Buffer {
  if (keyring.length !== (h.epoch + 1) * KEY_BYTES)
    throw new RangeError('keyring and epoch differ');
  const prefix = v2Prefix(h);
  const plain = Buffer.alloc(keyring.length + 32);
  plain.set(keyring);
  slotTag(tagKey, repoId, prefix, keyring).copy(plain, keyring.length);
  const ring = Buffer.alloc(plain.length + SEAL_BYTES);
  sodium.crypto_box_seal(ring, plain, Buffer.from(h.pk, 'hex'));
  sodium.sodium_memzero(plain);
  const body = Buffer.concat([prefix, wrapped, ring]);
  return Buffer.concat([body, blake2b256(body)]);
}

/** The wrapped secret key of a new version 2 slot. */
export function wrapSlotSecretKey(slotKey: Buffer, pair: SlotKeyPair, repoId: Buffer): Buffer {
  return seal(slotKey, pair.sk, Buffer.concat([SLOT2_LABEL, repoId, pair.pk]));
}

export interface ParsedKeySlot {
  header: KeySlotHeader;
  prefix: Buffer;
  /** Version 1: the wrapped master key. Version 2: the wrapped secret key || sealed keyring. */
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
  const version = checkHeader(body, 'keySlot', object);
  const jsonLen = body.readUInt16BE(HEADER_BYTES);
  const prefixLen = HEADER_BYTES + 2 + jsonLen;
  if (body.length < prefixLen) throw new RepositoryDamagedError(object, 'bad length');
  let h: KeySlotHeader;
  try {
    h = JSON.parse(body.subarray(HEADER_BYTES + 2, prefixLen).toString('utf8')) as KeySlotHeader;
  } catch {
    throw new RepositoryDamagedError(object, 'unreadable JSON');
  }
  if (!isSlotHeader(h)) throw new RepositoryDamagedError(object, 'missing fields');
  const v2 = version >= 2;
  if (v2 !== (h.epoch !== undefined && h.pk !== undefined))
    throw new RepositoryDamagedError(object, 'missing fields');
  const boxBytes = v2 ? WRAPPED_SK_BYTES + (h.epoch! + 1) * KEY_BYTES + 32 + SEAL_BYTES : BOX_BYTES;
  if (body.length !== prefixLen + boxBytes) throw new RepositoryDamagedError(object, 'bad length');
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
  if (x.epoch !== undefined && !(Number.isInteger(x.epoch) && x.epoch >= 0 && x.epoch < MAX_EPOCHS))
    return false;
  if (x.pk !== undefined && !(typeof x.pk === 'string' && /^[0-9a-f]{64}$/.test(x.pk)))
    return false;
  const k = x.kdf as SlotKdf | undefined;
  if (!k || typeof k.salt !== 'string') return false;
  if (k.alg === 'argon2id13') {
    return k.salt.length === 32 && Number.isInteger(k.opsLimit) && Number.isInteger(k.memLimit);
  }
  return k.alg === 'blake2b-recovery' && k.salt.length === 32 && x.kind === 'recovery';
}

/**
 * The keyring (version 1: the master key alone), or null when the slot key does not open the
 * slot (wrong secret) or, for version 2, its keyring does not verify (the tag binds it to
 * the first data key, which the config's key check then proves).
 */
export function unwrapMaster(slot: ParsedKeySlot, slotKey: Buffer, repoId: Buffer): Buffer | null {
  const { epoch, pk } = slot.header;
  if (epoch === undefined || pk === undefined)
    return open(slotKey, slot.box, slotAd(repoId, slot.prefix));
  const pkBytes = Buffer.from(pk, 'hex');
  const sk = open(
    slotKey,
    slot.box.subarray(0, WRAPPED_SK_BYTES),
    Buffer.concat([SLOT2_LABEL, repoId, pkBytes]),
  );
  if (!sk) return null;
  try {
    const derivedPk = Buffer.alloc(KEY_BYTES);
    sodium.crypto_scalarmult_base(derivedPk, sk);
    if (!derivedPk.equals(pkBytes)) return null;
    const ring = slot.box.subarray(WRAPPED_SK_BYTES);
    const plain = Buffer.alloc(ring.length - SEAL_BYTES);
    if (!sodium.crypto_box_seal_open(plain, ring, pkBytes, sk)) return null;
    const keyring = plain.subarray(0, plain.length - 32);
    const tagKey = Buffer.alloc(KEY_BYTES);
    sodium.crypto_kdf_derive_from_key(
      tagKey,
      SUBKEY_IDS.slotTag,
      Buffer.from(KDF_CONTEXT, 'ascii'),
      keyring.subarray(0, KEY_BYTES),
    );
    const ok = slotTag(tagKey, repoId, slot.prefix, keyring).equals(plain.subarray(keyring.length));
    sodium.sodium_memzero(tagKey);
    if (!ok) {
      sodium.sodium_memzero(plain);
      return null;
    }
    return keyring;
  } finally {
    sodium.sodium_memzero(sk);
  }
}

/** A version 2 slot's wrapped secret key, reused as is when a new keyring is delivered to it. */
export function wrappedSecretKey(slot: ParsedKeySlot): Buffer | null {
  return slot.header.pk === undefined ? null : slot.box.subarray(0, WRAPPED_SK_BYTES);
}

export function slotInfo(id: string, h: KeySlotHeader): KeySlotInfo {
  const kdf =
    h.kdf.alg === 'argon2id13'
      ? { alg: h.kdf.alg, opsLimit: h.kdf.opsLimit, memLimit: h.kdf.memLimit }
      : { alg: h.kdf.alg };
  return { id, kind: h.kind, createdAt: h.createdAt, kdf, epoch: h.epoch ?? 0 };
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
