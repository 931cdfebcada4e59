import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, makeDurable } from './durable.js';

/**
 * Many media files added at once (a restore): each is written to a temporary file and checked
 * against its hash as it is written, without waiting for the disk; `commit` then makes them
 * durable together (see makeDurable) and only then moves them to their final names. A file at
 * its final path still always holds exactly the bytes its name promises, and a crash before
 * `commit` leaves only temporary files, which nothing refers to.
 *
 * One file at a time: `start` a file, `write` its bytes in order, `end` it.
 */
export class MediaBatch {
  private readonly files: { tmp: string; hash: string }[] = [];
  private current: { fd: number; tmp: string; hash: string; sha: Hash } | null = null;

  constructor(
    private readonly tmpDir: string,
    private readonly tmpPath: () => string,
    private readonly finalPath: (hash: string) => string,
  ) {}

  /** Files ended and not yet committed. */
  get count(): number {
    return this.files.length;
  }

  /** Starts the file that should hash to `hash`. */
  start(hash: string): void {
    if (this.current) throw new Error('MediaBatch: end the previous file first');
    this.finalPath(hash); // checks the hash's form
    const tmp = this.tmpPath();
    const fd = fs.openSync(tmp, 'wx');
    this.current = { fd, tmp, hash, sha: createHash('sha256') };
  }

  write(chunk: Uint8Array): void {
    const c = this.current;
    if (!c) throw new Error('MediaBatch: start a file first');
    c.sha.update(chunk);
    let off = 0;
    while (off < chunk.length) off += fs.writeSync(c.fd, chunk, off, chunk.length - off);
  }

  /** Ends the current file: true when its bytes have its hash (otherwise it is dropped). */
  end(): boolean {
    const c = this.current;
    if (!c) throw new Error('MediaBatch: no file started');
    this.current = null;
    fs.closeSync(c.fd);
    if (c.sha.digest('hex') !== c.hash) {
      fs.rmSync(c.tmp, { force: true });
      return false;
    }
    this.files.push({ tmp: c.tmp, hash: c.hash });
    return true;
  }

  /** Drops the current file (its bytes could not all be read). */
  abandon(): void {
    const c = this.current;
    if (!c) return;
    this.current = null;
    fs.closeSync(c.fd);
    fs.rmSync(c.tmp, { force: true });
  }

  /** Makes every ended file durable and moves it to its final name. */
  async commit(): Promise<void> {
    this.abandon();
    try {
      await makeDurable(
        this.files.map((f) => f.tmp),
        this.tmpDir,
      );
    } catch (err) {
      this.discard();
      throw err;
    }
    const shards = new Set<string>();
    for (const f of this.files) {
      const final = this.finalPath(f.hash);
      if (fs.existsSync(final)) {
        fs.rmSync(f.tmp, { force: true });
        continue;
      }
      const shard = path.dirname(final);
      if (!shards.has(shard)) fs.mkdirSync(shard, { recursive: true });
      shards.add(shard);
      fs.renameSync(f.tmp, final);
    }
    this.files.length = 0;
    for (const d of shards) fsyncDir(d);
  }

  /** Removes every file not yet committed. */
  discard(): void {
    this.abandon();
    for (const f of this.files) fs.rmSync(f.tmp, { force: true });
    this.files.length = 0;
  }
}
