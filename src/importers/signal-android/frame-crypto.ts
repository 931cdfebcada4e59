import { createCipheriv, hash, timingSafeEqual, type Cipher } from 'node:crypto';

/**
 * The two primitives of a Signal backup, cheap per frame: a backup holds one frame per database
 * row, and creating an OpenSSL cipher and an HMAC object for each of half a million frames costs
 * more than the cryptography itself.
 *
 * - AES-256-CTR is computed from one AES-256-ECB cipher kept for the whole file: the keystream is
 *   the encryption of successive counter blocks (the 16-byte IV, then the IV plus 1, 2, …, the
 *   whole block counting up big-endian, as Java's and OpenSSL's CTR modes do), XORed with the data.
 * - HMAC-SHA256 is computed from two one-shot SHA-256 hashes over the padded key (RFC 2104).
 */

export class CounterMode {
  private readonly ecb: Cipher;

  constructor(key: Buffer) {
    this.ecb = createCipheriv('aes-256-ecb', key, null);
    this.ecb.setAutoPadding(false);
  }

  /** The first `length` bytes of the keystream that starts at counter block `iv`. */
  keystream(iv: Buffer, length: number): Buffer {
    const blocks = Math.ceil(length / 16);
    const counters = Buffer.allocUnsafe(blocks * 16);
    iv.copy(counters, 0, 0, 16);
    for (let b = 1; b < blocks; b++) {
      const at = b * 16;
      counters.copy(counters, at, at - 16, at);
      for (let j = at + 15; j >= at; j--) {
        const v = ((counters[j] as number) + 1) & 0xff;
        counters[j] = v;
        if (v !== 0) break;
      }
    }
    return this.ecb.update(counters);
  }
}

/** `data` XOR `stream` (from `offset` in the stream), into a new buffer. */
export function xor(data: Uint8Array, stream: Buffer, offset: number): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++)
    out[i] = (data[i] as number) ^ (stream[offset + i] as number);
  return out;
}

export class HmacSha256 {
  private readonly inner: Buffer;
  private readonly outer: Buffer;

  constructor(key: Buffer) {
    if (key.length > 64)
      throw new Error('HMAC keys over 64 bytes are hashed first; not needed here');
    this.inner = Buffer.alloc(64, 0x36);
    this.outer = Buffer.alloc(64, 0x5c);
    for (let i = 0; i < key.length; i++) {
      this.inner[i] = (this.inner[i] as number) ^ (key[i] as number);
      this.outer[i] = (this.outer[i] as number) ^ (key[i] as number);
    }
  }

  mac(...parts: Uint8Array[]): Buffer {
    const inner = hash('sha256', Buffer.concat([this.inner, ...parts]), 'buffer');
    return hash('sha256', Buffer.concat([this.outer, inner]), 'buffer');
  }

  /** Whether the first `theirs.length` bytes of the MAC of `parts` are `theirs`. */
  verify(theirs: Uint8Array, ...parts: Uint8Array[]): boolean {
    return timingSafeEqual(this.mac(...parts).subarray(0, theirs.length), theirs);
  }
}
