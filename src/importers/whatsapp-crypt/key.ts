import fs from 'node:fs';
import { createHmac } from 'node:crypto';
import { InvalidKeyError } from '../core/errors.js';

/** The 64-digit key as people type it: hex digits, spaces/dashes/newlines ignored. */
export function parseHexKey(input: string): Buffer {
  const hex = input.replace(/[\s-]/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new InvalidKeyError(
      `A WhatsApp backup key has 64 hexadecimal digits (0-9, a-f); this one has ${hex.length} characters` +
        (/[^0-9a-fA-F]/.test(hex) ? ' including other characters' : ''),
    );
  }
  return Buffer.from(hex, 'hex');
}

/**
 * The root key from a key file: `encrypted_backup.key` (crypt15, a 59-byte Java-serialized
 * byte[]), `key` (crypt14, 158 bytes) — in both the key is the last 32 bytes — or a text file
 * holding the 64 hex digits.
 */
export function readKeyFile(file: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InvalidKeyError(`Cannot read the key file ${file}`, { cause: e });
  }
  const text = bytes.toString('latin1').trim();
  if (/^[0-9a-fA-F\s-]+$/.test(text) && text.replace(/[\s-]/g, '').length === 64)
    return parseHexKey(text);
  const javaArray = bytes[0] === 0xac && bytes[1] === 0xed && bytes.length >= 32 + 10;
  if (javaArray || bytes.length === 158) return Buffer.from(bytes.subarray(bytes.length - 32));
  throw new InvalidKeyError(
    `${file} is not a WhatsApp key file (expected encrypted_backup.key, a 158-byte "key" file, or 64 hex digits)`,
  );
}

/** crypt15 AES key: HKDF-SHA256(root, salt = 32 zero bytes, info = "backup encryption"), 32 bytes. */
export function crypt15AesKey(root: Uint8Array): Buffer {
  const prk = createHmac('sha256', Buffer.alloc(32)).update(root).digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from('backup encryption'), Buffer.from([1])]))
    .digest();
}
