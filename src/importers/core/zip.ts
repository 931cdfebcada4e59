import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import yauzl from 'yauzl';
import { DamagedFileError, ImportCancelledError, TruncatedFileError } from './errors.js';

export interface ZipEntryInfo {
  name: string;
  size: number;
  compressedSize: number;
  entry: yauzl.Entry;
}

/** A zip opened for random access to its entries (central directory read once, small). */
export class ZipReader {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: ZipEntryInfo[],
  ) {}

  static async open(file: string): Promise<ZipReader> {
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.openPromise(file, {
        lazyEntries: true,
        autoClose: false,
        strictFileNames: false,
      });
    } catch (e) {
      throw zipError(file, e);
    }
    const entries: ZipEntryInfo[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on('entry', (entry: yauzl.Entry) => {
          if (!entry.fileName.endsWith('/')) {
            entries.push({
              name: entry.fileName,
              size: entry.uncompressedSize,
              compressedSize: entry.compressedSize,
              entry,
            });
          }
          zip.readEntry();
        });
        zip.on('end', () => resolve());
        zip.on('error', reject);
        zip.readEntry();
      });
    } catch (e) {
      zip.close();
      throw zipError(file, e);
    }
    return new ZipReader(zip, entries);
  }

  /** Streams an entry to `dest`, returning its SHA-256 and size; throws typed errors. */
  async extract(
    info: ZipEntryInfo,
    dest: string,
    opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {},
  ): Promise<{ hash: string; size: number }> {
    if (opts.signal?.aborted) throw new ImportCancelledError();
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        if (opts.signal?.aborted) return cb(new ImportCancelledError());
        hash.update(chunk);
        size += chunk.length;
        opts.onBytes?.(chunk.length);
        cb(null, chunk);
      },
    });
    try {
      const stream = await this.zip.openReadStreamPromise(info.entry);
      await pipeline(stream, tap, fs.createWriteStream(dest));
    } catch (e) {
      if (e instanceof ImportCancelledError) throw e;
      throw zipError(info.name, e);
    }
    return { hash: hash.digest('hex'), size };
  }

  /** The first `n` bytes of an entry (for content sniffing). */
  async readHead(info: ZipEntryInfo, n: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let got = 0;
    try {
      const stream = await this.zip.openReadStreamPromise(info.entry);
      for await (const chunk of stream) {
        chunks.push(chunk as Buffer);
        got += (chunk as Buffer).length;
        if (got >= n) {
          stream.destroy();
          break;
        }
      }
    } catch (e) {
      throw zipError(info.name, e);
    }
    return Buffer.concat(chunks).subarray(0, n);
  }

  close(): void {
    this.zip.close();
  }
}

/**
 * Limits on what one zip entry may expand to. Real photos, videos and documents barely compress
 * (text about 3-10 times); deflate's own ceiling is about 1,030 times, reached only by runs of
 * one byte value, which is what a "zip bomb" is made of. WhatsApp sends files up to 2 GB.
 */
export const ZIP_LIMITS = {
  maxRatio: 1000,
  /** The ratio is only judged from this size up: small entries cannot hurt. */
  ratioFromBytes: 1 << 20,
  maxEntryBytes: 2 * 1024 ** 3,
} as const;

/**
 * Why an entry would be refused under ZIP_LIMITS, in words for the person importing, or null.
 * The declared sizes are what yauzl checks the actual bytes against while reading.
 */
export function entryLimitProblem(info: ZipEntryInfo): string | null {
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (info.size > ZIP_LIMITS.maxEntryBytes) {
    return `${info.name} would be ${mib(info.size)}, more than the ${mib(ZIP_LIMITS.maxEntryBytes)} WhatsApp sends`;
  }
  if (info.size >= ZIP_LIMITS.ratioFromBytes) {
    const ratio = info.size / Math.max(1, info.compressedSize);
    if (ratio > ZIP_LIMITS.maxRatio) {
      return `${info.name} expands ${Math.round(ratio).toLocaleString('en')} times (${mib(info.compressedSize)} to ${mib(info.size)}), which real files never do`;
    }
  }
  return null;
}

function zipError(what: string, e: unknown): Error {
  const msg = e instanceof Error ? e.message : String(e);
  if (
    /end of central directory|unexpected EOF|truncated|premature|too short|not enough/i.test(msg)
  ) {
    return new TruncatedFileError(`The zip file ${what} is incomplete (${msg})`, { cause: e });
  }
  return new DamagedFileError(`The zip file ${what} is damaged (${msg})`, { cause: e });
}

export function isZipFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(4);
    fs.readSync(fd, b, 0, 4, 0);
    return (
      b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6)
    );
  } finally {
    fs.closeSync(fd);
  }
}
