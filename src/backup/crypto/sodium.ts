import { createRequire } from 'node:module';

/**
 * The part of sodium-native the backup engine uses, typed here because the package ships no
 * declarations. Loaded through createRequire so it works from ESM, tsx and bundles alike.
 */
export interface Sodium {
  randombytes_buf(buf: Uint8Array): void;
  crypto_kdf_derive_from_key(
    subkey: Uint8Array,
    subkeyId: number,
    ctx: Uint8Array,
    key: Uint8Array,
  ): void;
  crypto_generichash(out: Uint8Array, input: Uint8Array, key?: Uint8Array): void;
  crypto_generichash_init(state: Uint8Array, key: Uint8Array | null, outLen: number): void;
  crypto_generichash_update(state: Uint8Array, input: Uint8Array): void;
  crypto_generichash_final(state: Uint8Array, out: Uint8Array): void;
  crypto_generichash_STATEBYTES: number;
  crypto_hash_sha256(out: Uint8Array, input: Uint8Array): void;
  crypto_hash_sha256_init(state: Uint8Array): void;
  crypto_hash_sha256_update(state: Uint8Array, input: Uint8Array): void;
  crypto_hash_sha256_final(state: Uint8Array, out: Uint8Array): void;
  crypto_hash_sha256_STATEBYTES: number;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
    c: Uint8Array,
    m: Uint8Array,
    ad: Uint8Array | null,
    nsec: null,
    npub: Uint8Array,
    k: Uint8Array,
  ): number;
  crypto_aead_xchacha20poly1305_ietf_decrypt(
    m: Uint8Array,
    nsec: null,
    c: Uint8Array,
    ad: Uint8Array | null,
    npub: Uint8Array,
    k: Uint8Array,
  ): number;
  crypto_pwhash_async(
    out: Uint8Array,
    passwd: Uint8Array,
    salt: Uint8Array,
    opslimit: number,
    memlimit: number,
    alg: number,
  ): Promise<void>;
  crypto_pwhash_ALG_ARGON2ID13: number;
  crypto_pwhash_SALTBYTES: number;
  crypto_pwhash_OPSLIMIT_MODERATE: number;
  crypto_pwhash_MEMLIMIT_MODERATE: number;
  crypto_pwhash_OPSLIMIT_MIN: number;
  crypto_pwhash_MEMLIMIT_MIN: number;
  crypto_pwhash_OPSLIMIT_MAX: number;
  crypto_pwhash_MEMLIMIT_MAX: number;
  /** Keystream of XChaCha20 (no message): fills `c`. */
  crypto_stream_xchacha20(c: Uint8Array, n: Uint8Array, k: Uint8Array): void;
  crypto_box_keypair(pk: Uint8Array, sk: Uint8Array): void;
  crypto_scalarmult_base(q: Uint8Array, n: Uint8Array): void;
  /** Anonymous public-key encryption to `pk`: `c` is 48 bytes longer than `m`. */
  crypto_box_seal(c: Uint8Array, m: Uint8Array, pk: Uint8Array): void;
  /** False when `c` does not open. */
  crypto_box_seal_open(m: Uint8Array, c: Uint8Array, pk: Uint8Array, sk: Uint8Array): boolean;
  crypto_box_SEALBYTES: number;
  sodium_memzero(buf: Uint8Array): void;
  /** Throws when the OS refuses (RLIMIT_MEMLOCK, sandbox). Linux: also MADV_DONTDUMP. */
  sodium_mlock(buf: Uint8Array): void;
  /** Zeroes the bytes, then unlocks them. */
  sodium_munlock(buf: Uint8Array): void;
}

export const sodium = createRequire(import.meta.url)('sodium-native') as Sodium;
