import { sodium } from './sodium.js';

export const KEY_BYTES = 32;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;

export function randomBytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  sodium.randombytes_buf(b);
  return b;
}

/** XChaCha20-Poly1305 with a fresh random nonce: returns nonce || ciphertext || tag. */
export function seal(key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const out = Buffer.alloc(NONCE_BYTES + plaintext.length + TAG_BYTES);
  nonce.copy(out, 0);
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    out.subarray(NONCE_BYTES),
    plaintext,
    ad,
    null,
    nonce,
    key,
  );
  return out;
}

/** seal, written into `out` (exactly NONCE_BYTES + plaintext + TAG_BYTES long): no allocation. */
export function sealInto(
  key: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array,
  out: Uint8Array,
): void {
  const nonce = out.subarray(0, NONCE_BYTES);
  sodium.randombytes_buf(nonce);
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    out.subarray(NONCE_BYTES),
    plaintext,
    ad,
    null,
    nonce,
    key,
  );
}

/** Inverse of seal; null when the box does not authenticate (wrong key, tampered, truncated). */
export function open(key: Uint8Array, box: Uint8Array, ad: Uint8Array): Buffer | null {
  if (box.length < NONCE_BYTES + TAG_BYTES) return null;
  const nonce = box.subarray(0, NONCE_BYTES);
  const c = box.subarray(NONCE_BYTES);
  const out = Buffer.alloc(c.length - TAG_BYTES);
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(out, null, c, ad, nonce, key);
    return out;
  } catch {
    return null;
  }
}

/** BLAKE2b-256, keyed when `key` is given. */
export function blake2b256(data: Uint8Array, key?: Uint8Array): Buffer {
  const out = Buffer.alloc(32);
  if (key) sodium.crypto_generichash(out, data, key);
  else sodium.crypto_generichash(out, data);
  return out;
}

/** BLAKE2b-256 over several parts without concatenating them. */
export function blake2b256Parts(parts: Uint8Array[], key?: Uint8Array): Buffer {
  const state = Buffer.alloc(sodium.crypto_generichash_STATEBYTES);
  sodium.crypto_generichash_init(state, key ?? null, 32);
  for (const p of parts) sodium.crypto_generichash_update(state, p);
  const out = Buffer.alloc(32);
  sodium.crypto_generichash_final(state, out);
  return out;
}

export function sha256Hex(data: Uint8Array): string {
  const out = Buffer.alloc(32);
  sodium.crypto_hash_sha256(out, data);
  return out.toString('hex');
}

export class Sha256 {
  private readonly state = Buffer.alloc(sodium.crypto_hash_sha256_STATEBYTES);
  constructor() {
    sodium.crypto_hash_sha256_init(this.state);
  }
  update(data: Uint8Array): void {
    sodium.crypto_hash_sha256_update(this.state, data);
  }
  digestHex(): string {
    const out = Buffer.alloc(32);
    sodium.crypto_hash_sha256_final(this.state, out);
    return out.toString('hex');
  }
}
