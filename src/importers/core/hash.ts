import { createHash } from 'node:crypto';

/** Short, stable content key: 128 bits of SHA-256 over the parts joined by NUL. */
export function contentKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
