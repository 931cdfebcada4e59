import { fileTypeFromBuffer } from 'file-type';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSeedCli } from '../cli/seed-cli.js';
import { ChatStore } from '../store/chat-store.js';
import type { ChatBundle, MessageRecord } from '../store/records.js';
import { tempDir } from '../store/testing/fixtures.js';
import { generateBundles, generateStore } from './generate.js';
import { Random, zipfSplit } from './random.js';

const dirs: Array<() => void> = [];
function newDir(): string {
  const t = tempDir();
  dirs.push(t.cleanup);
  return t.dir;
}
afterAll(() => dirs.forEach((c) => c()));

/** Everything a store holds, independent of its random storeId. */
function contents(dir: string): { bundles: ChatBundle[]; media: string[] } {
  const store = ChatStore.open(dir);
  try {
    return store.readSnapshot((r) => ({
      bundles: r.monthGroups().map((g) => r.readMonthBundle(g.chatId, g.month)),
      media: r.mediaRefs().map((m) => m.hash),
    }));
  } finally {
    store.close();
  }
}

describe('generateStore', () => {
  let dir: string;
  let messages: MessageRecord[];
  let bundles: ChatBundle[];
  beforeAll(() => {
    dir = newDir();
    const summary = generateStore({ out: dir, messages: 2000, chats: 40, mediaMb: 2, seed: 42 });
    expect(summary).toMatchObject({ chats: 40, messages: 2000 });
    bundles = contents(dir).bundles;
    messages = bundles.flatMap((b) => b.messages);
  });

  it('is deterministic: the same seed gives the same store, another seed another', () => {
    const again = newDir();
    generateStore({ out: again, messages: 2000, chats: 40, mediaMb: 2, seed: 42 });
    expect(contents(again)).toEqual(contents(dir));
    const other = newDir();
    generateStore({ out: other, messages: 2000, chats: 40, mediaMb: 0, seed: 43 });
    expect(contents(other).bundles[0]?.messages.slice(0, 20)).not.toEqual(
      bundles[0]?.messages.slice(0, 20),
    );
  });

  it('looks like real chats', () => {
    const store = ChatStore.open(dir);
    try {
      const chats = store.listChats({ limit: 100 });
      const groups = chats.filter((c) => c.type === 'group').length;
      expect(groups / chats.length).toBeGreaterThan(0.1);
      expect(groups / chats.length).toBeLessThan(0.55);
      const sizes = chats.map((c) => c.messageCount).sort((a, b) => b - a);
      expect(sizes[0]).toBeGreaterThan(5 * (sizes[Math.floor(sizes.length / 2)] ?? 0));
      const groupChat = chats.find((c) => c.type === 'group');
      expect(store.getChat(groupChat?.id ?? -1)?.members.length).toBeGreaterThanOrEqual(3);
    } finally {
      store.close();
    }
    const share = (f: (m: MessageRecord) => boolean): number =>
      messages.filter(f).length / messages.length;
    expect(share((m) => m.replyToKey != null)).toBeGreaterThan(0.03);
    expect(share((m) => m.replyToKey != null)).toBeLessThan(0.08);
    expect(share((m) => m.reactions.length > 0)).toBeGreaterThan(0.05);
    expect(share((m) => m.reactions.length > 0)).toBeLessThan(0.11);
    expect(share((m) => m.kind === 'system')).toBeGreaterThan(0);
    expect(share((m) => m.editedAt != null)).toBeGreaterThan(0.005);
    expect(share((m) => m.kind === 'media')).toBeGreaterThan(0.05);
    expect(share((m) => m.senderKey === null && m.kind !== 'system')).toBeGreaterThan(0.2);
    const texts = messages.map((m) => m.text ?? '');
    expect(share((m) => (m.text ?? '').includes('\n'))).toBeGreaterThan(0.003);
    const short = texts.filter((t) => t.length > 0 && t.length < 40).length;
    const long = texts.filter((t) => t.length > 200).length;
    expect(short).toBeGreaterThan(long * 5);
    expect(long).toBeGreaterThan(0);
    for (const script of [
      /[áéíóúñ]/,
      /[äöüß]/,
      /\p{Script=Cyrillic}/u,
      /\p{Script=Greek}/u,
      /\p{Script=Arabic}/u,
      /\p{Script=Han}/u,
      /[\p{Script=Hiragana}\p{Script=Katakana}]/u,
      /\p{Extended_Pictographic}/u,
    ]) {
      expect(
        texts.some((t) => script.test(t)),
        String(script),
      ).toBe(true);
    }
    const types = new Set(messages.flatMap((m) => m.attachments.map((a) => a.mediaType)));
    expect([...types].sort()).toEqual([
      'audio',
      'document',
      'gif',
      'photo',
      'sticker',
      'video',
      'voice',
    ]);
  });

  it('writes real, valid media files of every type, about the size asked for', async () => {
    const store = ChatStore.open(dir);
    try {
      const stats = store.stats();
      expect(stats.distinctMediaBytes).toBeGreaterThan(1.4 * 1024 * 1024);
      expect(stats.distinctMediaBytes).toBeLessThan(3.2 * 1024 * 1024);
      const attachments = messages.flatMap((m) => m.attachments).filter((a) => a.hash);
      const seen = new Set<string>();
      for (const a of attachments) {
        if (!a.hash || seen.has(`${a.mediaType}:${a.hash}`)) continue;
        seen.add(`${a.mediaType}:${a.hash}`);
        const bytes = fs.readFileSync(store.media.pathFor(a.hash));
        expect(bytes.length).toBe(a.size);
        const detected = await fileTypeFromBuffer(bytes);
        const expected: Record<string, string> = {
          'image/png': 'image/png',
          'image/gif': 'image/gif',
          'audio/wav': 'audio/wav',
          'application/pdf': 'application/pdf',
          'video/webm': 'video/webm',
        };
        expect(
          detected?.mime === expected[a.mime] ||
            (a.mime === 'audio/wav' && detected?.mime === 'audio/x-wav'),
        ).toBe(true);
        if (a.mime === 'image/png')
          expect(validPng(bytes)).toEqual({ width: a.width, height: a.height });
        if (a.mime === 'image/gif') expect(bytes.at(-1)).toBe(0x3b);
        if (a.mime === 'audio/wav') expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
        if (a.mime === 'application/pdf') expect(validPdf(bytes)).toBe(true);
      }
      expect(new Set([...seen].map((s) => s.split(':')[0])).size).toBe(7);
      // Every file written is referenced by some attachment.
      const onDisk = fs
        .readdirSync(store.media.dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && /^[0-9a-f]{64}$/.test(e.name)).length;
      expect(onDisk).toBe(stats.distinctMediaFiles);
    } finally {
      store.close();
    }
  });

  it('writes metadata only (hash null) without media', () => {
    const d = newDir();
    generateStore({ out: d, messages: 500, chats: 10, seed: 5 });
    const { bundles: b, media } = contents(d);
    expect(media).toEqual([]);
    const atts = b.flatMap((x) => x.messages.flatMap((m) => m.attachments));
    expect(atts.length).toBeGreaterThan(0);
    expect(atts.every((a) => a.hash === null && a.size > 0)).toBe(true);
    expect(fs.existsSync(`${d}/media`) ? fs.readdirSync(`${d}/media`) : []).toEqual([]);
  });

  it('slices big chats into bundles of bounded size', () => {
    const slices = [...generateBundles({ messages: 3000, chats: 2, seed: 1, sliceMessages: 500 })];
    expect(Math.max(...slices.map((s) => s.messages.length))).toBeLessThanOrEqual(500);
    expect(slices.reduce((n, s) => n + s.messages.length, 0)).toBe(3000);
  });
});

describe('random helpers', () => {
  it('zipfSplit sums to the total and decreases', () => {
    const sizes = zipfSplit(10_000, 50);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(sizes.every((s, i) => i === 0 || s <= (sizes[i - 1] ?? 0))).toBe(true);
    expect(zipfSplit(3, 5)).toEqual([1, 1, 1, 0, 0]);
  });
  it('Random is reproducible', () => {
    const a = new Random('x');
    const b = new Random('x');
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(
      Array.from({ length: 5 }, () => b.next()),
    );
  });
});

describe('seed CLI', () => {
  it('generates a store and prints a JSON summary', async () => {
    const d = newDir();
    let out = '';
    let err = '';
    const summary = await runSeedCli(
      ['--messages', '300', '--chats', '5', '--out', d, '--seed', '9'],
      {
        stdout: (t) => (out += t),
        stderr: (t) => (err += t),
      },
    );
    expect(summary.messages).toBe(300);
    expect(JSON.parse(out)).toMatchObject({ messages: 300, chats: 5 });
    expect(err).toMatch(/300 \/ 300 messages/);
  });
  it('rejects bad numbers with a message naming the option', async () => {
    let err = '';
    await expect(
      runSeedCli(['--messages', 'lots', '--out', newDir()], {
        stdout: () => {},
        stderr: (t) => (err += t),
      }),
    ).rejects.toMatchObject({ code: 'commander.invalidArgument' });
    expect(err).toMatch(/--messages/);
  });
});

function validPng(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const channels = bytes[25] === 6 ? 4 : 3;
  const chunks: Buffer[] = [];
  let off = 8;
  while (off < bytes.length) {
    const len = bytes.readUInt32BE(off);
    const type = bytes.toString('latin1', off + 4, off + 8);
    const crc = bytes.readUInt32BE(off + 8 + len);
    expect(zlib.crc32(bytes.subarray(off + 4, off + 8 + len)) >>> 0).toBe(crc);
    if (type === 'IDAT') chunks.push(bytes.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  expect(zlib.inflateSync(Buffer.concat(chunks)).length).toBe((width * channels + 1) * height);
  return { width, height };
}

function validPdf(bytes: Buffer): boolean {
  const text = bytes.toString('latin1');
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
  if (!text.startsWith('%PDF-1.4') || text.slice(startxref, startxref + 4) !== 'xref') return false;
  const offsets = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) =>
    Number(m[1]),
  );
  return offsets.every((o, i) => text.slice(o).startsWith(`${i + 1} 0 obj`));
}
