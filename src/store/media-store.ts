import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { InvalidMediaHashError } from './errors.js';
import { fsyncDir } from './durable.js';
import { MediaBatch } from './media-batch.js';

const HASH = /^[0-9a-f]{64}$/;

export function isMediaHash(value: unknown): value is string {
  return typeof value === 'string' && HASH.test(value);
}

/**
 * Media bytes, stored once per content: `<dir>/<first 2 hex>/<64 hex sha-256>`.
 *
 * Files appear atomically (written to `<dir>/tmp/`, fsynced, renamed into place), so a file at
 * its final path always holds exactly the bytes its name promises.
 */
export class MediaStore {
  private readonly tmpDir: string;
  private realDir: string | null = null;

  constructor(readonly dir: string) {
    this.tmpDir = path.join(dir, 'tmp');
  }

  /** Path of a hash's file (whether or not it exists). Only a well-formed hash yields a path. */
  pathFor(hash: string): string {
    if (!isMediaHash(hash)) throw new InvalidMediaHashError(String(hash));
    return path.join(this.dir, hash.slice(0, 2), hash);
  }

  has(hash: string): boolean {
    return fs.existsSync(this.pathFor(hash));
  }

  /** Copy a file in, hashing while streaming; returns its hash and size. */
  async putFile(srcPath: string): Promise<{ hash: string; size: number }> {
    // Open the source first: a missing file then fails before any temp file exists.
    const source = await fsp.open(srcPath, 'r');
    let tmp: string | null = null;
    try {
      fs.mkdirSync(this.tmpDir, { recursive: true });
      tmp = this.tmpPath();
      const target = await fsp.open(tmp, 'wx');
      const hasher = createHash('sha256');
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hasher.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(source.createReadStream(), tap, target.createWriteStream());
      const hash = hasher.digest('hex');
      this.commitTmp(tmp, hash);
      return { hash, size };
    } catch (error) {
      // The temp file was created before the copy started, so removing it now is final.
      if (tmp) await fsp.rm(tmp, { force: true });
      throw error;
    } finally {
      await source.close().catch(() => undefined);
    }
  }

  putBytes(bytes: Uint8Array): { hash: string; size: number } {
    const hash = createHash('sha256').update(bytes).digest('hex');
    if (this.has(hash)) return { hash, size: bytes.byteLength };
    fs.mkdirSync(this.tmpDir, { recursive: true });
    const tmp = this.tmpPath();
    try {
      const fd = fs.openSync(tmp, 'wx');
      try {
        fs.writeSync(fd, bytes);
      } finally {
        fs.closeSync(fd);
      }
      this.commitTmp(tmp, hash);
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      throw error;
    }
    return { hash, size: bytes.byteLength };
  }

  /**
   * For the app's media protocol: `name` is whatever the URL carried. Returns the file's path
   * when `name` is exactly a stored hash, otherwise null. Nothing outside `dir` can be named:
   * only 64 lowercase hex digits are accepted, and symlinks leading out are refused.
   */
  resolveForServing(name: string): string | null {
    if (!isMediaHash(name)) return null;
    const file = this.pathFor(name);
    let real: string;
    try {
      real = fs.realpathSync(file);
      if (!fs.statSync(real).isFile()) return null;
    } catch {
      return null;
    }
    this.realDir ??= fs.realpathSync(this.dir);
    return real.startsWith(this.realDir + path.sep) ? file : null;
  }

  /** Files added together, made durable together (a restore's media; see MediaBatch). */
  batch(): MediaBatch {
    fs.mkdirSync(this.tmpDir, { recursive: true });
    return new MediaBatch(
      this.tmpDir,
      () => this.tmpPath(),
      (hash) => this.pathFor(hash),
    );
  }

  private tmpPath(): string {
    return path.join(this.tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}.part`);
  }

  /** fsync the temp file and move it to its final name (a concurrent writer may have won). */
  private commitTmp(tmp: string, hash: string): void {
    const fd = fs.openSync(tmp, 'r+');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const final = this.pathFor(hash);
    if (fs.existsSync(final)) {
      fs.rmSync(tmp, { force: true });
      return;
    }
    const shard = path.dirname(final);
    fs.mkdirSync(shard, { recursive: true });
    fs.renameSync(tmp, final);
    fsyncDir(shard);
  }
}
