/**
 * HalfSipHash-2-4 (Aumasson and Bernstein's 32-bit SipHash variant): a keyed PRF with a
 * 64-bit key and a 32-bit output, used where the engine needs a keyed hash of many short
 * strings and a native call per string would dominate (month-group chunk boundaries, one per
 * message). Written for JavaScript's 32-bit integer arithmetic; checked against the reference
 * test vectors.
 */

export interface HalfSipKey {
  k0: number;
  k1: number;
}

/** The key from 8 bytes (little-endian words, as the reference code reads them). */
export function halfSipKey(bytes: Uint8Array): HalfSipKey {
  if (bytes.length < 8) throw new RangeError('HalfSipHash needs an 8-byte key');
  const b = (i: number) => bytes[i]!;
  return {
    k0: b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24) | 0,
    k1: b(4) | (b(5) << 8) | (b(6) << 16) | (b(7) << 24) | 0,
  };
}

/** HalfSipHash-2-4 of `bytes`, as an unsigned 32-bit number. */
export function halfSipHash(key: HalfSipKey, bytes: Uint8Array): number {
  // The SipRound is written out in place: a helper closure here costs more than the hash.
  let v0 = key.k0;
  let v1 = key.k1;
  let v2 = 0x6c796765 ^ key.k0;
  let v3 = 0x74656462 ^ key.k1;
  const len = bytes.length;
  const end = len - (len % 4);
  let m = 0;
  for (let i = 0; i <= end; i += 4) {
    let rounds = 2;
    if (i < end) {
      m = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    } else {
      // The last word: the remaining bytes and the length in the top byte.
      m = (len & 0xff) << 24;
      const tail = len & 3;
      if (tail >= 3) m |= bytes[end + 2]! << 16;
      if (tail >= 2) m |= bytes[end + 1]! << 8;
      if (tail >= 1) m |= bytes[end]!;
    }
    v3 ^= m;
    while (rounds-- > 0) {
      v0 = (v0 + v1) | 0;
      v1 = ((v1 << 5) | (v1 >>> 27)) ^ v0;
      v0 = (v0 << 16) | (v0 >>> 16);
      v2 = (v2 + v3) | 0;
      v3 = ((v3 << 8) | (v3 >>> 24)) ^ v2;
      v0 = (v0 + v3) | 0;
      v3 = ((v3 << 7) | (v3 >>> 25)) ^ v0;
      v2 = (v2 + v1) | 0;
      v1 = ((v1 << 13) | (v1 >>> 19)) ^ v2;
      v2 = (v2 << 16) | (v2 >>> 16);
    }
    v0 ^= m;
  }
  v2 ^= 0xff;
  for (let r = 0; r < 4; r++) {
    v0 = (v0 + v1) | 0;
    v1 = ((v1 << 5) | (v1 >>> 27)) ^ v0;
    v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0;
    v3 = ((v3 << 8) | (v3 >>> 24)) ^ v2;
    v0 = (v0 + v3) | 0;
    v3 = ((v3 << 7) | (v3 >>> 25)) ^ v0;
    v2 = (v2 + v1) | 0;
    v1 = ((v1 << 13) | (v1 >>> 19)) ^ v2;
    v2 = (v2 << 16) | (v2 >>> 16);
  }
  return (v1 ^ v3) >>> 0;
}

const encoder = new TextEncoder();
const scratch = new Uint8Array(256);

/**
 * HalfSipHash-2-4 of a string's UTF-8 bytes, without allocating for short ASCII strings (the
 * common case: message keys are hex, digits or base64).
 */
export function halfSipHashString(key: HalfSipKey, s: string): number {
  const n = s.length;
  if (n <= scratch.length) {
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) {
        ascii = false;
        break;
      }
      scratch[i] = c;
    }
    if (ascii) return halfSipHash(key, scratch.subarray(0, n));
  }
  return halfSipHash(key, encoder.encode(s));
}
