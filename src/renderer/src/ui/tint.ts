/** How many colours avatars and sender names cycle through (`.tint-0` ... in styles.css). */
export const TINTS = 8;

/**
 * A stable colour slot for a person or chat: the same key always gets the same colour, and
 * neighbouring keys spread over the palette (FNV-1a over the key's characters).
 */
export function tintOf(key: string | number): number {
  const text = String(key);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % TINTS;
}
