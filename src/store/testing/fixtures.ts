import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChatBundle, MessageRecord } from '../records.js';

/** A fresh temp directory and its removal, for tests. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
export const DAY = 86_400_000;

export function message(key: string, over: Partial<MessageRecord> = {}): MessageRecord {
  return {
    key,
    senderKey: 'ana',
    sentAt: T0,
    text: `message ${key}`,
    kind: 'text',
    attachments: [],
    reactions: [],
    ...over,
  };
}

/** A small group chat bundle; messages default to one per day from T0. */
export function groupBundle(
  messages: MessageRecord[] = [],
  over: Partial<ChatBundle['chat']> = {},
): ChatBundle {
  return {
    source: { kind: 'seed', accountKey: 'test', label: 'Test source' },
    chat: { key: 'friends', type: 'group', title: 'Friends', members: ['ana', 'boris'], ...over },
    people: [
      { key: 'ana', displayName: 'Ana García', handle: '@ana', phone: null },
      { key: 'boris', displayName: 'Борис', handle: null, phone: '+7 900 000 00 00' },
    ],
    messages,
  };
}

export function days(n: number, prefix = 'm'): MessageRecord[] {
  return Array.from({ length: n }, (_, i) =>
    message(`${prefix}${i}`, {
      sentAt: T0 + i * DAY,
      senderKey: i % 3 === 2 ? null : i % 3 === 0 ? 'ana' : 'boris',
    }),
  );
}

/** A mono 8 kHz PCM WAV file of `ms` milliseconds of silence. */
export function wavBytes(ms: number): Buffer {
  const rate = 8000;
  const samples = Math.round((rate * ms) / 1000);
  const data = samples * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(data, 40);
  return b;
}

const OGG_CRC = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

function oggPage(packet: Buffer, granule: bigint, seq: number, flags: number): Buffer {
  const lacing: number[] = [];
  let left = packet.length;
  while (left >= 255) {
    lacing.push(255);
    left -= 255;
  }
  lacing.push(left);
  const head = Buffer.alloc(27 + lacing.length);
  head.write('OggS', 0, 'ascii');
  head[4] = 0;
  head[5] = flags;
  head.writeBigInt64LE(granule, 6);
  head.writeUInt32LE(0x4b43, 14); // stream serial
  head.writeUInt32LE(seq, 18);
  head[26] = lacing.length;
  lacing.forEach((n, i) => (head[27 + i] = n));
  const page = Buffer.concat([head, packet]);
  let crc = 0;
  for (const byte of page) crc = ((crc << 8) ^ OGG_CRC[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  page.writeUInt32LE(crc, 22);
  return page;
}

/**
 * An Ogg Opus file as WhatsApp writes voice notes, lasting `ms`: real headers and page
 * granules (what a duration reader uses) around silent 20 ms frames.
 */
export function opusBytes(ms: number): Buffer {
  const preSkip = 312;
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'ascii');
  head[8] = 1; // version
  head[9] = 1; // channels
  head.writeUInt16LE(preSkip, 10);
  head.writeUInt32LE(48_000, 12);
  const vendor = Buffer.from('chatkeep-test');
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'ascii');
  tags.writeUInt32LE(vendor.length, 8);
  vendor.copy(tags, 12);
  const pages = [oggPage(head, 0n, 0, 2), oggPage(tags, 0n, 1, 0)];
  const frames = Math.max(1, Math.round(ms / 20));
  // One silent 20 ms CELT frame per packet (TOC byte 0xf8 plus nothing: a "DTX" frame).
  for (let i = 1; i <= frames; i++) {
    const granule = BigInt(preSkip + i * 960);
    pages.push(oggPage(Buffer.from([0xf8]), granule, i + 1, i === frames ? 4 : 0));
  }
  return Buffer.concat(pages);
}
