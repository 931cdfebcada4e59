import { DamagedFileError, TruncatedFileError, UnsupportedVersionError } from '../core/errors.js';

/**
 * The protobuf `BackupPrefix` at the start of crypt14/crypt15 files, read by hand (varints and
 * length-delimited fields; unknown fields skipped) so we need no protobuf dependency.
 */
export interface BackupPrefix {
  version: 'crypt14' | 'crypt15';
  keyType: number | null;
  iv: Buffer;
  /** Bytes before the ciphertext. */
  headerSize: number;
}

interface Field {
  no: number;
  wire: number;
  value: number | Buffer;
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    const b = buf[pos + i];
    if (b === undefined) throw new RangeError('varint past end');
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos + i + 1];
    shift += 7;
  }
  throw new RangeError('varint too long');
}

export function readFields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (no === 0) throw new RangeError('field number 0');
    if (wire === 0) {
      const [v, p2] = readVarint(buf, p1);
      out.push({ no, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, p1);
      if (p2 + len > buf.length) throw new RangeError('field past end');
      out.push({ no, wire, value: buf.subarray(p2, p2 + len) });
      pos = p2 + len;
    } else if (wire === 1) {
      if (p1 + 8 > buf.length) throw new RangeError('field past end');
      out.push({ no, wire, value: buf.subarray(p1, p1 + 8) });
      pos = p1 + 8;
    } else if (wire === 5) {
      if (p1 + 4 > buf.length) throw new RangeError('field past end');
      out.push({ no, wire, value: buf.subarray(p1, p1 + 4) });
      pos = p1 + 4;
    } else {
      throw new RangeError(`wire type ${wire}`);
    }
  }
  return out;
}

const bytesOf = (f: Field | undefined): Buffer | null =>
  f && Buffer.isBuffer(f.value) ? f.value : null;

/**
 * Parses the framing: byte 0 is the prefix length N, an optional 0x01 feature-table byte (never a
 * valid first protobuf tag), then N bytes of BackupPrefix. `head` must hold at least the first
 * 2 + 255 bytes of the file (or the whole file if shorter).
 */
export function parsePrefix(head: Buffer, fileSize: number): BackupPrefix {
  if (head.length < 2) throw new TruncatedFileError('The backup file is empty or cut short');
  const n = head[0] ?? 0;
  const flag = head[1] === 0x01 ? 1 : 0;
  const start = 1 + flag;
  if (n === 0) throw new DamagedFileError('The backup file has no header');
  if (start + n > head.length)
    throw new TruncatedFileError('The backup file ends inside its header');
  let fields: Field[];
  try {
    fields = readFields(head.subarray(start, start + n));
  } catch (e) {
    throw new DamagedFileError(`The backup header is unreadable (${(e as Error).message})`, {
      cause: e,
    });
  }
  const keyTypeField = fields.find((f) => f.no === 1 && f.wire === 0);
  const keyType = typeof keyTypeField?.value === 'number' ? keyTypeField.value : null;
  const c15 = bytesOf(fields.find((f) => f.no === 3 && f.wire === 2));
  const c14 = bytesOf(fields.find((f) => f.no === 2 && f.wire === 2));
  let iv: Buffer | null = null;
  let version: BackupPrefix['version'];
  try {
    if (c15) {
      version = 'crypt15';
      iv = bytesOf(readFields(c15).find((f) => f.no === 1 && f.wire === 2));
    } else if (c14) {
      version = 'crypt14';
      const sub = readFields(c14);
      iv =
        bytesOf(sub.find((f) => f.no === 5 && f.wire === 2)) ??
        bytesOf(
          sub
            .filter((f) => f.wire === 2 && Buffer.isBuffer(f.value) && f.value.length === 16)
            .pop(),
        );
    } else {
      throw new UnsupportedVersionError(
        'This WhatsApp backup uses a header this version of Chatkeep does not know (newer than crypt15?)',
      );
    }
  } catch (e) {
    if (e instanceof UnsupportedVersionError) throw e;
    throw new DamagedFileError(`The backup header is unreadable (${(e as Error).message})`, {
      cause: e,
    });
  }
  if (!iv || iv.length !== 16) {
    throw new UnsupportedVersionError(
      'The backup header has no 16-byte IV where crypt14/crypt15 keep it',
    );
  }
  if (keyType !== null && keyType > 1 && version === 'crypt15') {
    throw new UnsupportedVersionError(`Unknown crypt15 key type ${keyType}`);
  }
  const headerSize = start + n;
  if (fileSize < headerSize + 16)
    throw new TruncatedFileError('The backup file ends right after its header');
  return { version, keyType, iv: Buffer.from(iv), headerSize };
}
