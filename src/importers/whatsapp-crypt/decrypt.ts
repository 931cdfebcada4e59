import fs from 'node:fs';
import { createDecipheriv, createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import {
  DamagedFileError,
  ImportCancelledError,
  TruncatedFileError,
  UnsupportedVersionError,
  WrongKeyError,
} from '../core/errors.js';
import { crypt15AesKey } from './key.js';
import { parsePrefix, type BackupPrefix } from './prefix.js';

export const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

const CHUNK = 1 << 20;

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  const n = fs.readSync(fd, b, 0, len, pos);
  return b.subarray(0, n);
}

export function readPrefix(file: string): BackupPrefix {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  try {
    return parsePrefix(readAt(fd, 0, 2 + 255), size);
  } finally {
    fs.closeSync(fd);
  }
}

/** True when the last 16 bytes are the MD5 of everything before them (single-file backups). */
async function hasMd5Footer(file: string, size: number, signal?: AbortSignal): Promise<boolean> {
  if (size < 32) return false;
  const md5 = createHash('md5');
  for await (const chunk of fs.createReadStream(file, { start: 0, end: size - 17 })) {
    if (signal?.aborted) throw new ImportCancelledError();
    md5.update(chunk as Buffer);
  }
  const fd = fs.openSync(file, 'r');
  try {
    return md5.digest().equals(readAt(fd, size - 16, 16));
  } finally {
    fs.closeSync(fd);
  }
}

function isZlibHeader(b0: number | undefined, b1: number | undefined): boolean {
  return b0 !== undefined && b1 !== undefined && (b0 & 0x0f) === 8 && (b0 * 256 + b1) % 31 === 0;
}

export interface DecryptResult {
  version: BackupPrefix['version'];
  md5Footer: boolean;
  bytes: number;
}

/**
 * Decrypts a crypt14/crypt15 backup to a plain SQLite file, streaming (AES-256-GCM, then zlib
 * inflate) so memory stays flat for any size. The GCM tag is checked at the end; the output is
 * only to be used when this resolves.
 *
 * Wrong key vs damaged file: GCM alone cannot tell them apart, so we decrypt the first block
 * unauthenticated and look for the zlib header. Garbage there means the key is wrong; a valid
 * header with a failing tag means the file is damaged (or truncated, when the zlib stream ends
 * early).
 */
export async function decryptBackup(
  file: string,
  rootKey: Buffer,
  outFile: string,
  opts: { signal?: AbortSignal; onBytes?: (n: number, total: number) => void } = {},
): Promise<DecryptResult> {
  const size = fs.statSync(file).size;
  const prefix = readPrefix(file);
  const aesKey = prefix.version === 'crypt15' ? crypt15AesKey(rootKey) : rootKey;
  const md5Footer = await hasMd5Footer(file, size, opts.signal);
  const tagEnd = md5Footer ? size - 16 : size;
  const cipherStart = prefix.headerSize;
  const cipherEnd = tagEnd - 16; // exclusive
  if (cipherEnd <= cipherStart)
    throw new TruncatedFileError('The backup file has no encrypted data');
  const fd = fs.openSync(file, 'r');
  let tag: Buffer;
  let probe: Buffer;
  try {
    tag = readAt(fd, cipherEnd, 16);
    probe = readAt(fd, cipherStart, Math.min(4096, cipherEnd - cipherStart));
  } finally {
    fs.closeSync(fd);
  }

  const probeDecipher = createDecipheriv('aes-256-gcm', aesKey, prefix.iv);
  const head = probeDecipher.update(probe);
  if (!isZlibHeader(head[0], head[1])) throw new WrongKeyError();
  let inflatedHead: Buffer;
  try {
    inflatedHead = zlib.inflateSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    inflatedHead = Buffer.alloc(0);
  }
  if (
    inflatedHead.length >= 4 &&
    inflatedHead.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004'
  ) {
    throw new UnsupportedVersionError(
      'This backup holds a zip (stickers or settings), not the message database',
    );
  }
  if (inflatedHead.length >= 16 && !inflatedHead.subarray(0, 16).equals(SQLITE_MAGIC)) {
    throw new UnsupportedVersionError('This backup does not hold a SQLite message database');
  }

  const decipher = createDecipheriv('aes-256-gcm', aesKey, prefix.iv);
  decipher.setAuthTag(tag);
  let done = 0;
  const total = cipherEnd - cipherStart;
  const meter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      if (opts.signal?.aborted) return cb(new ImportCancelledError());
      done += chunk.length;
      opts.onBytes?.(done, total);
      cb(null, chunk);
    },
  });
  // Larger pieces than the streams' 64 KiB defaults: fewer hops through the pipeline for a
  // file that inflates to hundreds of megabytes.
  const inflate = zlib.createInflate({ chunkSize: CHUNK });
  let out = 0;
  const count = new Transform({
    transform(chunk: Buffer, _e, cb) {
      out += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    await pipeline(
      fs.createReadStream(file, { start: cipherStart, end: cipherEnd - 1, highWaterMark: CHUNK }),
      meter,
      decipher,
      inflate,
      count,
      fs.createWriteStream(outFile, { highWaterMark: CHUNK }),
    );
  } catch (e) {
    if (e instanceof ImportCancelledError || opts.signal?.aborted) throw new ImportCancelledError();
    const msg = e instanceof Error ? e.message : String(e);
    const zcode = (e as { code?: string }).code;
    if (zcode === 'Z_BUF_ERROR' || /unexpected end of file/i.test(msg)) {
      throw new TruncatedFileError('The backup file is cut short (its data ends early)', {
        cause: e,
      });
    }
    if (/authenticate/i.test(msg)) {
      if ((await diagnose(file, aesKey, prefix.iv, cipherStart, cipherEnd)) === 'truncated') {
        throw new TruncatedFileError('The backup file is cut short (its data ends early)', {
          cause: e,
        });
      }
      throw new DamagedFileError('The backup file is damaged: its data fails the integrity check', {
        cause: e,
      });
    }
    throw new DamagedFileError(`The backup file is damaged (${msg})`, { cause: e });
  }
  const fdOut = fs.openSync(outFile, 'r');
  try {
    if (!readAt(fdOut, 0, 16).equals(SQLITE_MAGIC)) {
      throw new UnsupportedVersionError('This backup does not hold a SQLite message database');
    }
  } finally {
    fs.closeSync(fdOut);
  }
  return { version: prefix.version, md5Footer, bytes: out };
}

/** The database size its header declares (page size x page count), or null if unknown. */
export function sqliteDeclaredSize(header: Buffer): number | null {
  if (header.length < 32 || !header.subarray(0, 16).equals(SQLITE_MAGIC)) return null;
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const pages = header.readUInt32BE(28);
  return pageSize >= 512 && pages > 0 ? pageSize * pages : null;
}

/**
 * After a failed tag check with a key that decrypts the start correctly: was the file cut short?
 * Decrypts again without authentication and inflates; a zlib stream or database that ends early
 * means truncated, anything else damaged. Runs only on this failure path.
 */
async function diagnose(
  file: string,
  aesKey: Buffer,
  iv: Buffer,
  start: number,
  end: number,
): Promise<'truncated' | 'damaged'> {
  const decipher = createDecipheriv('aes-256-gcm', aesKey, iv);
  const unauthenticated = new Transform({
    transform(chunk: Buffer, _e, cb) {
      cb(null, decipher.update(chunk));
    },
  });
  let header = Buffer.alloc(0);
  let out = 0;
  const sink = new Transform({
    transform(chunk: Buffer, _e, cb) {
      if (header.length < 100) header = Buffer.concat([header, chunk.subarray(0, 100)]);
      out += chunk.length;
      cb();
    },
  });
  try {
    await pipeline(
      fs.createReadStream(file, { start, end: end - 1 }),
      unauthenticated,
      zlib.createInflate(),
      sink,
    );
  } catch (e) {
    const code = (e as { code?: string }).code;
    const msg = e instanceof Error ? e.message : '';
    return code === 'Z_BUF_ERROR' || /unexpected end/i.test(msg) ? 'truncated' : 'damaged';
  }
  const expected = sqliteDeclaredSize(header);
  return expected !== null && out < expected ? 'truncated' : 'damaged';
}
