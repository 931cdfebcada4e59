import { hash, hkdfSync } from 'node:crypto';
import { InvalidKeyError } from '../core/errors.js';

/**
 * Signal's backup passphrase and the keys it yields (see README.md): the 30 digits (spaces
 * dropped) are stretched with 250,000 rounds of SHA-512 over the header's salt, the first 32
 * bytes go through HKDF-SHA256 with the info "Backup Export", and the 64 bytes out are the
 * AES-256 key followed by the HMAC-SHA256 key.
 */

export const PASSPHRASE_DIGITS = 30;
const ROUNDS = 250_000;

export interface BackupKeys {
  cipherKey: Buffer;
  macKey: Buffer;
}

/** The passphrase as Signal takes it: digits only, 30 of them (spaces and dashes allowed). */
export function normalisePassphrase(input: string): string {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits) || digits.length !== PASSPHRASE_DIGITS) {
    throw new InvalidKeyError(
      `A Signal backup passphrase is ${PASSPHRASE_DIGITS} digits (shown in groups of five when backups were turned on); this one has ${digits.replace(/\D/g, '').length} digit(s)${/\D/.test(digits) ? ' and other characters' : ''}`,
    );
  }
  return digits;
}

export function stretchPassphrase(passphrase: string, salt: Uint8Array): Buffer {
  const input = Buffer.from(passphrase, 'utf8');
  // Round 1 hashes salt || passphrase || passphrase; each later round hash || passphrase.
  let h = hash('sha512', Buffer.concat([salt, input, input]), 'buffer');
  const buf = Buffer.alloc(64 + input.length);
  input.copy(buf, 64);
  for (let i = 1; i < ROUNDS; i++) {
    h.copy(buf, 0);
    h = hash('sha512', buf, 'buffer');
  }
  return h.subarray(0, 32);
}

export function deriveBackupKeys(passphrase: string, salt: Uint8Array): BackupKeys {
  const key = stretchPassphrase(passphrase, salt);
  const out = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'Backup Export', 64));
  return { cipherKey: out.subarray(0, 32), macKey: out.subarray(32, 64) };
}
