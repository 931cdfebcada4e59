import fs from 'node:fs/promises';

/**
 * Media files are cut into fixed 1 MiB chunks (since 0.2; FastCDC before). A chat's media file
 * never changes once stored (the store names it by its SHA-256), so content-defined boundaries
 * buy no de-duplication here, only time: identical files are one file already, and a file
 * that is another's prefix shares its aligned chunks either way.
 */
export const MEDIA_CHUNK_BYTES = 1024 * 1024;

/** The file's chunks, read sequentially in large reads into buffers reused chunk by chunk. */
export async function* mediaChunks(file: string): AsyncGenerator<Buffer> {
  const h = await fs.open(file, 'r');
  try {
    const { size } = await h.stat();
    let left = size;
    while (left > 0) {
      const n = Math.min(MEDIA_CHUNK_BYTES, left);
      const buf = Buffer.allocUnsafe(n);
      let have = 0;
      while (have < n) {
        const { bytesRead } = await h.read(buf, have, n - have, null);
        if (bytesRead === 0) throw new Error(`media file shrank while being read: ${file}`);
        have += bytesRead;
      }
      left -= n;
      yield buf;
    }
  } finally {
    await h.close();
  }
}
