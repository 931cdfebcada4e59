import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CounterMode, HmacSha256, xor } from './frame-crypto.js';

describe('frame cryptography', () => {
  it('CounterMode gives what OpenSSL AES-256-CTR gives, counters carrying across bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 700 }),
        // Counters near a byte boundary carry into the bytes before them.
        fc.uint8Array({ minLength: 16, maxLength: 16 }).map((iv) => {
          const b = Buffer.from(iv);
          b[15] = 0xfe;
          b[14] = 0xff;
          return b;
        }),
        (data, iv) => {
          const key = randomBytes(32);
          const expected = createCipheriv('aes-256-ctr', key, iv).update(data);
          const ks = new CounterMode(key).keystream(iv, data.length + 3);
          expect(xor(data, ks, 0)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('HmacSha256 gives what createHmac gives', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 32 }),
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 4 }),
        (key, parts) => {
          const ours = new HmacSha256(Buffer.from(key)).mac(...parts);
          const h = createHmac('sha256', Buffer.from(key));
          for (const p of parts) h.update(p);
          expect(ours).toEqual(h.digest());
        },
      ),
      { numRuns: 300 },
    );
  });
});
