import fs from 'node:fs';

/**
 * Media files are cut into fixed 1 MiB chunks (since 0.2; FastCDC before). A chat's media file
 * never changes once stored (the store names it by its SHA-256), so content-defined boundaries
 * buy no de-duplication here, only time: identical files are one file already, and a file
 * that is another's prefix shares its aligned chunks either way.
 */
export const MEDIA_CHUNK_BYTES = 1024 * 1024;

/**
 * The file's chunks, read sequentially with synchronous reads into one buffer that is reused:
 * each chunk is valid only until the next is asked for (the sealer consumes it at once). Sync
 * because this runs on a thread of its own (the media worker) or inside a backup that has
 * nothing else to do meanwhile, and chat media are mostly small files, for which the
 * thread-pool round trips of async open/stat/read/close cost more than the reads themselves.
 */
export function* mediaChunks(file: string): Generator<Buffer> {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    let left = size;
    while (left > 0) {
      const n = Math.min(MEDIA_CHUNK_BYTES, left);
      if (scratch.length < n) scratch = Buffer.allocUnsafe(MEDIA_CHUNK_BYTES);
      let have = 0;
      while (have < n) {
        const got = fs.readSync(fd, scratch, have, n - have, null);
        if (got === 0) throw new Error(`media file shrank while being read: ${file}`);
        have += got;
      }
      left -= n;
      yield scratch.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

let scratch = Buffer.allocUnsafe(0);
