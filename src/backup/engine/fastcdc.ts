import { readFileSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import { blake2b256Parts } from '../crypto/primitives.js';

/**
 * FastCDC content-defined chunking (Xia et al., 2016) with normalized chunking (level 2).
 * The gear table is derived from a repository key so chunk boundaries depend on a secret and
 * do not reveal which known file a sequence of chunk sizes came from.
 */
export interface ChunkerParams {
  min: number;
  avg: number;
  max: number;
}

export const MEDIA_CHUNKER: ChunkerParams = {
  min: 256 * 1024,
  avg: 1024 * 1024,
  max: 4 * 1024 * 1024,
};

export class FastCdc {
  readonly gear = new Uint32Array(256);
  private readonly maskS: number;
  private readonly maskL: number;

  constructor(
    key: Uint8Array,
    readonly params: ChunkerParams = MEDIA_CHUNKER,
  ) {
    // 256 x u32 from 16 keyed BLAKE2b-256 outputs over ("gear", counter).
    for (let block = 0; block < 32; block++) {
      const h = blake2b256Parts([Buffer.from('fastcdc-gear', 'ascii'), Buffer.of(block)], key);
      for (let j = 0; j < 8; j++) this.gear[block * 8 + j] = h.readUInt32LE(j * 4);
    }
    const bits = Math.round(Math.log2(params.avg));
    // Masks use the high bits: with a left-shifting 32-bit gear hash they depend on the last ~32 bytes.
    this.maskS = topBits(bits + 2);
    this.maskL = topBits(bits - 2);
  }

  /** Length of the first chunk of data[0..len), which must hold max bytes unless at end of input. */
  cut(data: Uint8Array, len: number): number {
    const { min, avg, max } = this.params;
    if (len <= min) return len;
    const end = Math.min(len, max);
    const normal = Math.min(avg, end);
    const gear = this.gear;
    let h = 0;
    let i = min;
    for (; i < normal; i++) {
      h = ((h << 1) + gear[data[i]!]!) >>> 0;
      if ((h & this.maskS) === 0) return i + 1;
    }
    for (; i < end; i++) {
      h = ((h << 1) + gear[data[i]!]!) >>> 0;
      if ((h & this.maskL) === 0) return i + 1;
    }
    return end;
  }

  /** Chunks of a file, streamed: memory stays near 2 x max, and near the file size for small files. */
  async *chunkFile(file: string): AsyncGenerator<Buffer> {
    const { max } = this.params;
    // Chat media are mostly small: one synchronous read costs far less than five async calls
    // through the thread pool (the engine runs in its own worker thread, so blocking is fine).
    const st = statSync(file);
    if (st.size <= max) {
      const data = readFileSync(file);
      for (const c of this.chunkBuffer(data)) yield Buffer.from(c.buffer, c.byteOffset, c.length);
      return;
    }
    const h = await fs.open(file, 'r');
    try {
      const { size } = await h.stat();
      // Most chat media are small: a buffer of the file's size, not 2 x max, per file.
      const buf = Buffer.allocUnsafe(Math.max(1, Math.min(max * 2, size + 1)));
      let have = 0;
      let eof = false;
      for (;;) {
        while (!eof && have < Math.min(max, buf.length)) {
          const { bytesRead } = await h.read(buf, have, buf.length - have, null);
          if (bytesRead === 0) eof = true;
          have += bytesRead;
        }
        if (have === 0) return;
        if (!eof && have < max) {
          // The file grew after stat (media files should not): keep reading with room to spare.
          throw new Error(`media file changed while being read: ${file}`);
        }
        const n = this.cut(buf, have);
        yield Buffer.from(buf.subarray(0, n));
        buf.copyWithin(0, n, have);
        have -= n;
      }
    } finally {
      await h.close();
    }
  }

  *chunkBuffer(data: Uint8Array): Generator<Uint8Array> {
    let off = 0;
    while (off < data.length) {
      const n = this.cut(data.subarray(off), data.length - off);
      yield data.subarray(off, off + n);
      off += n;
    }
  }
}

function topBits(n: number): number {
  return n >= 32 ? 0xffffffff : (0xffffffff << (32 - n)) >>> 0;
}
