import { blake2b256 } from '../crypto/primitives.js';

/**
 * Long lists in a snapshot (month groups, chats, media) are stored as JSON lines split into
 * "tree" blobs at content-defined line boundaries: a line ends a chunk when a keyed hash of it
 * falls in 1/LINES_AVG of the range. Inserting or changing one line changes one chunk, so an
 * incremental backup rewrites a few small blobs rather than the whole list.
 */
export const LINES_AVG = 64;
export const LINES_MAX = 1024;
export const CHUNK_BYTES_MAX = 512 * 1024;

export function splitLines(lines: string[], key: Uint8Array, avg = LINES_AVG): string[] {
  const chunks: string[] = [];
  let cur: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    cur.push(line);
    bytes += line.length + 1;
    const h = blake2b256(Buffer.from(line, 'utf8'), key);
    if (h.readUInt32LE(0) % avg === 0 || cur.length >= LINES_MAX || bytes >= CHUNK_BYTES_MAX) {
      chunks.push(cur.join('\n'));
      cur = [];
      bytes = 0;
    }
  }
  if (cur.length) chunks.push(cur.join('\n'));
  return chunks;
}

export function joinChunks(chunks: Buffer[]): string[] {
  const out: string[] = [];
  for (const c of chunks) {
    if (c.length === 0) continue;
    for (const line of c.toString('utf8').split('\n')) out.push(line);
  }
  return out;
}
