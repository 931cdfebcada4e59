import type { ChatBundle, MessageRecord } from '../../store/records.js';

/**
 * Serialized (chat, month) group: UTF-8 JSON lines, joined by '\n'.
 *   line 1: {"v":1,"source":SourceRecord,"chat":ChatRecord,"people":PersonRecord[]}
 *   then one MessageRecord per line, in the order the store gave them.
 * The lines are split into content-defined chunks (tree-list.ts) and each chunk is one
 * `messages` blob, so appending to a month rewrites only its last chunk.
 */
export const MONTH_GROUP_VERSION = 1;
/** Average lines per `messages` chunk. */
export const MESSAGE_LINES_AVG = 32;

export class MonthGroupFormatError extends Error {}

/** A chunk ends after at most this many lines, or once it holds this many UTF-16 units. */
const GROUP_LINES_MAX = 1024;
const GROUP_CHUNK_CHARS_MAX = 512 * 1024;

/**
 * A month group's lines (the header, then one line per message) cut into `messages` chunks.
 * A message line ends a chunk when HalfSipHash-2-4 of its message key (UTF-8), under the
 * repository's boundary key, is 0 modulo MESSAGE_LINES_AVG; or when the chunk reaches
 * GROUP_LINES_MAX lines or GROUP_CHUNK_CHARS_MAX characters. Boundaries follow message keys,
 * not text, so an edited message or a new reaction changes only its own chunk, and new
 * messages at the end of a month rewrite only the last one. The header line never ends a
 * chunk by itself.
 */
export function splitMonthGroup(
  header: string,
  rows: Iterable<readonly [string, string]>,
  isBoundary: (key: string) => boolean,
): string[] {
  const chunks: string[] = [];
  let cur: string[] = [header];
  let chars = header.length + 1;
  for (const [line, key] of rows) {
    cur.push(line);
    chars += line.length + 1;
    if (isBoundary(key) || cur.length >= GROUP_LINES_MAX || chars >= GROUP_CHUNK_CHARS_MAX) {
      chunks.push(cur.join('\n'));
      cur = [];
      chars = 0;
    }
  }
  if (cur.length) chunks.push(cur.join('\n'));
  return chunks;
}

/**
 * splitMonthGroup's chunks as UTF-8 bytes, written into one scratch buffer that is reused:
 * each chunk is valid until the next is asked for (a consumer hashes, compresses and seals it
 * at once). No string per chunk, no buffer per chunk.
 */
export function* monthGroupChunkBytes(
  header: string,
  rows: Iterable<readonly [string, string]>,
  isBoundary: (key: string) => boolean,
): Generator<Buffer> {
  let scratch = chunkScratch;
  let off = 0;
  let count = 0;
  let chars = 0;
  const put = (text: string): void => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const need = off + text.length * 3 + 1;
    if (need > scratch.length) {
      const next = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
      scratch.copy(next, 0, 0, off);
      scratch = next;
      chunkScratch = next;
    }
    if (count > 0) scratch[off++] = 0x0a;
    off += scratch.write(text, off, 'utf8');
    count++;
    chars += text.length + 1;
  };
  put(header);
  for (const [line, key] of rows) {
    put(line);
    if (isBoundary(key) || count >= GROUP_LINES_MAX || chars >= GROUP_CHUNK_CHARS_MAX) {
      yield scratch.subarray(0, off);
      off = 0;
      count = 0;
      chars = 0;
    }
  }
  if (count > 0) yield scratch.subarray(0, off);
}

let chunkScratch = Buffer.allocUnsafe(256 * 1024);

/** The header line of a month group. */
export function encodeMonthGroupHeader(bundle: Omit<ChatBundle, 'messages'>): string {
  return JSON.stringify({
    v: MONTH_GROUP_VERSION,
    source: bundle.source,
    chat: bundle.chat,
    people: bundle.people,
  });
}

/** The group's lines; stored split into content-defined chunks (one `messages` blob each). */
export function encodeMonthGroupLines(bundle: ChatBundle): string[] {
  const lines = [encodeMonthGroupHeader(bundle)];
  for (const m of bundle.messages) lines.push(JSON.stringify(m));
  return lines;
}

export function encodeMonthGroup(bundle: ChatBundle): Buffer {
  return Buffer.from(encodeMonthGroupLines(bundle).join('\n'), 'utf8');
}

export function decodeMonthGroup(bytes: Buffer): ChatBundle {
  const lines = bytes.toString('utf8').split('\n');
  const head = JSON.parse(lines[0] ?? '') as Partial<ChatBundle> & { v?: unknown };
  if (head.v !== MONTH_GROUP_VERSION)
    throw new MonthGroupFormatError(`unknown month group version ${String(head.v)}`);
  if (!head.source || !head.chat || !Array.isArray(head.people))
    throw new MonthGroupFormatError('missing header fields');
  const messages: MessageRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    const m = JSON.parse(lines[i]!) as MessageRecord;
    if (typeof m.key !== 'string' || typeof m.sentAt !== 'number')
      throw new MonthGroupFormatError(`bad message on line ${i + 1}`);
    messages.push(m);
  }
  return { source: head.source, chat: head.chat, people: head.people, messages };
}

/**
 * A month group from its parts: the header line and the message lines of whatever chunks
 * could be read (each chunk's plaintext, with the header line taken off the first).
 */
export function decodeMonthGroupParts(header: string, bodies: Iterable<string>): ChatBundle {
  const head = JSON.parse(header) as Partial<ChatBundle> & { v?: unknown };
  if (head.v !== MONTH_GROUP_VERSION)
    throw new MonthGroupFormatError(`unknown month group version ${String(head.v)}`);
  if (!head.source || !head.chat || !Array.isArray(head.people))
    throw new MonthGroupFormatError('missing header fields');
  const messages: MessageRecord[] = [];
  for (const body of bodies) {
    if (body.length === 0) continue;
    for (const line of body.split('\n')) {
      const m = JSON.parse(line) as MessageRecord;
      if (typeof m.key !== 'string' || typeof m.sentAt !== 'number')
        throw new MonthGroupFormatError(`bad message line`);
      messages.push(m);
    }
  }
  return { source: head.source, chat: head.chat, people: head.people, messages };
}
