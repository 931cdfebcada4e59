import { createDecipheriv, createHmac, timingSafeEqual, type Decipher } from 'node:crypto';
import fs from 'node:fs';
import { throwIfCancelled } from '../core/cancel.js';
import {
  DamagedFileError,
  TruncatedFileError,
  UnknownFormatError,
  UnsupportedVersionError,
  WrongPassphraseError,
} from '../core/errors.js';
import { CounterMode, HmacSha256, xor } from './frame-crypto.js';
import { decodeFrame, FrameFormatError, type BackupFrame } from './frame.js';
import { deriveBackupKeys, type BackupKeys } from './keys.js';

/**
 * Reads a Signal Android `.backup` file as a stream of frames (format: README.md), in bounded
 * memory: one frame, or one 64 KiB piece of an attachment, at a time.
 *
 * Every frame's MAC is checked before its bytes are decrypted and used. The first frame tells a
 * wrong passphrase from damage: with a wrong key its length (encrypted since version 1) decrypts
 * to nonsense and its MAC fails on bytes that decrypt to no frame at all, while a damaged frame
 * under the right key still decrypts to the frame Signal always writes first.
 */

/** Backup frame versions this reader knows: 0 (length in clear), 1 (length encrypted). */
export const FRAME_VERSIONS = [0, 1] as const;
const MAC_BYTES = 10;
/** No statement frame comes near this; a length beyond it is damage (or a wrong key). */
const MAX_FRAME_BYTES = 64 << 20;
const READ_CHUNK = 1 << 20;
const BODY_CHUNK = 64 << 10;

export interface BackupHeader {
  iv: Buffer;
  salt: Buffer;
  version: number;
  /** Bytes the header takes at the start of the file. */
  bytes: number;
}

/** A file read forward through one reused buffer. */
class Source {
  private buf = Buffer.allocUnsafe(READ_CHUNK);
  private start = 0;
  private end = 0;
  /** File offset of buf[start]. */
  position = 0;

  private constructor(
    private readonly fd: fs.promises.FileHandle,
    readonly size: number,
  ) {}

  static async open(file: string): Promise<Source> {
    const fd = await fs.promises.open(file, 'r');
    try {
      return new Source(fd, (await fd.stat()).size);
    } catch (e) {
      await fd.close();
      throw e;
    }
  }

  get remaining(): number {
    return this.size - this.position;
  }

  /** Exactly n bytes (n ≤ READ_CHUNK), or null at the end of the file. */
  async read(n: number): Promise<Buffer | null> {
    if (this.end - this.start < n) {
      const have = this.end - this.start;
      if (n > this.buf.length) {
        const bigger = Buffer.allocUnsafe(n);
        this.buf.copy(bigger, 0, this.start, this.end);
        this.buf = bigger;
      } else this.buf.copy(this.buf, 0, this.start, this.end);
      this.start = 0;
      this.end = have;
      while (this.end < n) {
        const { bytesRead } = await this.fd.read(
          this.buf,
          this.end,
          this.buf.length - this.end,
          this.position + this.end,
        );
        if (bytesRead === 0) return null;
        this.end += bytesRead;
      }
    }
    const out = this.buf.subarray(this.start, this.start + n);
    this.start += n;
    this.position += n;
    return out;
  }

  async skip(n: number): Promise<boolean> {
    const buffered = this.end - this.start;
    if (n <= buffered) {
      this.start += n;
      this.position += n;
      return true;
    }
    this.position += n;
    this.start = this.end = 0;
    return this.position <= this.size;
  }

  close(): Promise<void> {
    return this.fd.close();
  }
}

function isSignalHeader(frame: BackupFrame): frame is Extract<BackupFrame, { type: 'header' }> {
  return frame.type === 'header' && frame.iv.length === 16;
}

/** Reads and checks the plaintext header; null when the file is not a Signal backup. */
export async function readHeader(file: string): Promise<BackupHeader | null> {
  const fd = await fs.promises.open(file, 'r');
  try {
    const len = Buffer.alloc(4);
    if ((await fd.read(len, 0, 4, 0)).bytesRead < 4) return null;
    const n = len.readUInt32BE(0);
    // Signal's header is about 60 bytes: an IV, a salt and a version.
    if (n < 18 || n > 1024) return null;
    const body = Buffer.alloc(n);
    if ((await fd.read(body, 0, n, 4)).bytesRead < n) return null;
    let frame: BackupFrame;
    try {
      frame = decodeFrame(body);
    } catch {
      return null;
    }
    if (!isSignalHeader(frame)) return null;
    return {
      iv: Buffer.from(frame.iv),
      salt: Buffer.from(frame.salt),
      version: frame.version,
      bytes: 4 + n,
    };
  } finally {
    await fd.close();
  }
}

async function checkedHeader(file: string): Promise<BackupHeader> {
  const header = await readHeader(file);
  if (!header) throw new UnknownFormatError(`${file} is not a Signal backup`);
  if (!(FRAME_VERSIONS as readonly number[]).includes(header.version)) {
    throw new UnsupportedVersionError(
      `This Signal backup uses frame version ${header.version}, newer than the versions Chatkeep reads (0 and 1): update Chatkeep`,
    );
  }
  return header;
}

export interface FrameReaderOptions {
  signal?: AbortSignal;
}

/** One frame as read, with where it started (for messages about damage). */
export interface ReadFrame {
  frame: BackupFrame;
  index: number;
  offset: number;
}

export class BackupFileReader {
  private counter: number;
  private readonly iv: Buffer;
  private readonly ctr: CounterMode;
  private readonly hmac: HmacSha256;
  private frames = 0;
  /** Body bytes of the last frame that the caller has not read yet. */
  private pendingBody = 0;

  private constructor(
    private readonly src: Source,
    readonly header: BackupHeader,
    private readonly keys: BackupKeys,
    private readonly opts: FrameReaderOptions,
  ) {
    this.iv = Buffer.from(header.iv);
    this.counter = header.iv.readUInt32BE(0);
    this.ctr = new CounterMode(keys.cipherKey);
    this.hmac = new HmacSha256(keys.macKey);
  }

  static async open(
    file: string,
    passphrase: string,
    opts: FrameReaderOptions = {},
  ): Promise<BackupFileReader> {
    const header = await checkedHeader(file);
    // The stretching takes a quarter of a second; a cancel before it should not wait for it.
    throwIfCancelled(opts.signal);
    return BackupFileReader.openWithKeys(file, deriveBackupKeys(passphrase, header.salt), opts);
  }

  /** With keys already derived (tests that read many files under one key). */
  static async openWithKeys(
    file: string,
    keys: BackupKeys,
    opts: FrameReaderOptions = {},
  ): Promise<BackupFileReader> {
    const header = await checkedHeader(file);
    const src = await Source.open(file);
    await src.skip(header.bytes);
    return new BackupFileReader(src, header, keys, opts);
  }

  get position(): number {
    return this.src.position;
  }

  get size(): number {
    return this.src.size;
  }

  private nextIv(): Buffer {
    this.iv.writeUInt32BE(this.counter >>> 0, 0);
    this.counter = (this.counter + 1) >>> 0;
    return this.iv;
  }

  private mac(): ReturnType<typeof createHmac> {
    return createHmac('sha256', this.keys.macKey);
  }

  private where(offset: number): string {
    return `frame ${this.frames + 1} at byte ${offset.toLocaleString('en')}`;
  }

  /** The next frame; the caller must read or skip a frame's body before asking again. */
  async next(): Promise<ReadFrame> {
    throwIfCancelled(this.opts.signal);
    if (this.pendingBody > 0) await this.skipBody();
    const offset = this.src.position;
    const first = this.frames === 0;
    // A copy: the source's buffer is reused by the next read.
    const lenRead = await this.src.read(4);
    const lenBytes = lenRead ? Buffer.from(lenRead) : null;
    if (!lenBytes) {
      throw new TruncatedFileError(
        'This Signal backup ends before its end marker: the file was cut short (an interrupted copy?)',
      );
    }
    const iv = this.nextIv();
    const encryptedLength = this.header.version >= 1;
    // Version 1 encrypts the length as the first four bytes of the frame's keystream.
    const length = encryptedLength
      ? xor(lenBytes, this.ctr.keystream(iv, 4), 0).readInt32BE(0)
      : lenBytes.readInt32BE(0);
    if (length <= MAC_BYTES || length > MAX_FRAME_BYTES) {
      if (first && encryptedLength) throw new WrongPassphraseError();
      throw new DamagedFileError(
        `This Signal backup is damaged: ${this.where(offset)} has an impossible length`,
      );
    }
    if (length > this.src.remaining) {
      if (first && encryptedLength && length > 1 << 20) throw new WrongPassphraseError();
      throw new TruncatedFileError(
        `This Signal backup ends inside ${this.where(offset)} (it needs ${length.toLocaleString('en')} bytes, the file has ${this.src.remaining.toLocaleString('en')} more): it was cut short, or is damaged there`,
      );
    }
    const body = await this.src.read(length);
    if (!body) throw new TruncatedFileError('This Signal backup was cut short');
    const ciphertext = body.subarray(0, length - MAC_BYTES);
    const theirs = body.subarray(length - MAC_BYTES);
    const valid = encryptedLength
      ? this.hmac.verify(theirs, lenBytes, ciphertext)
      : this.hmac.verify(theirs, ciphertext);
    const skip = encryptedLength ? 4 : 0;
    const plain = xor(ciphertext, this.ctr.keystream(iv, skip + ciphertext.length), skip);
    if (!valid) {
      if (first && !looksLikeFirstFrame(plain)) throw new WrongPassphraseError();
      throw new DamagedFileError(
        `This Signal backup is damaged: ${this.where(offset)} fails its integrity check`,
      );
    }
    let frame: BackupFrame;
    try {
      frame = decodeFrame(plain);
    } catch (e) {
      if (!(e instanceof FrameFormatError)) throw e;
      throw new DamagedFileError(
        `This Signal backup is damaged: ${this.where(offset)} is not a backup frame (${e.message})`,
      );
    }
    this.frames++;
    if (frame.type === 'attachment' || frame.type === 'avatar' || frame.type === 'sticker')
      this.pendingBody = frame.length;
    return { frame, index: this.frames, offset };
  }

  /**
   * Streams the current frame's body (an attachment, avatar or sticker) to `sink` in pieces,
   * then checks its MAC. Returns false when the MAC fails: that one file is damaged (Signal
   * itself then drops the file and restores the rest).
   */
  async readBody(sink: (piece: Buffer) => void | Promise<void>): Promise<boolean> {
    let left = this.pendingBody;
    this.pendingBody = 0;
    const iv = this.nextIv();
    const decipher: Decipher = createDecipheriv('aes-256-ctr', this.keys.cipherKey, iv);
    const mac = this.mac().update(iv);
    while (left > 0) {
      throwIfCancelled(this.opts.signal);
      const n = Math.min(BODY_CHUNK, left);
      const piece = await this.src.read(n);
      if (!piece)
        throw new TruncatedFileError('This Signal backup was cut short inside a file it holds');
      mac.update(piece);
      await sink(decipher.update(piece));
      left -= n;
    }
    const theirs = await this.src.read(MAC_BYTES);
    if (!theirs)
      throw new TruncatedFileError('This Signal backup was cut short inside a file it holds');
    return timingSafeEqual(mac.digest().subarray(0, MAC_BYTES), theirs);
  }

  /** Passes over the current frame's body without decrypting it. */
  async skipBody(): Promise<void> {
    const n = this.pendingBody + MAC_BYTES;
    this.pendingBody = 0;
    this.nextIv();
    if (!(await this.src.skip(n)) || this.src.position > this.src.size) {
      throw new TruncatedFileError('This Signal backup was cut short inside a file it holds');
    }
  }

  close(): Promise<void> {
    return this.src.close();
  }
}

/** Signal writes the database version first: a damaged first frame still decrypts to one. */
function looksLikeFirstFrame(plain: Buffer): boolean {
  try {
    return decodeFrame(plain).type === 'version';
  } catch {
    return false;
  }
}
