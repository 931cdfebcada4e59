import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore, type IngestResult } from '../../store/index.js';
import { DamagedFileError, ImportCancelledError, TruncatedFileError } from '../core/errors.js';
import { CollectingStore } from '../fixtures/collecting-store.js';
import { fakeJpeg } from '../fixtures/whatsapp-export.js';
import { fakeOgg, writeSingleChatExport, writeTelegramExport } from '../fixtures/telegram.js';
import { flattenText } from './convert.js';
import { telegramImporter as importer } from './importer.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('Telegram JSON export', () => {
  it('detects a folder and its result.json by content', async () => {
    const exp = path.join(dir, 'export');
    writeTelegramExport(exp);
    expect(await importer.detect(exp)).toMatchObject({
      format: 'telegram-json',
      variant: 'folder',
    });
    expect(await importer.detect(path.join(exp, 'result.json'))).toMatchObject({ variant: 'file' });
    fs.writeFileSync(path.join(dir, 'other.json'), '{"name": "package", "version": "1"}');
    expect(await importer.detect(path.join(dir, 'other.json'))).toBeNull();
  });

  it('previews chats, media and the owner without writing', async () => {
    const exp = path.join(dir, 'export');
    writeTelegramExport(exp, { extraMessages: 3 });
    const p = await importer.inspect(exp);
    expect(p.chats).toEqual([
      { key: 'chat:5001', title: 'Hikers', type: 'group', messages: 12 },
      { key: 'chat:4', title: 'Dan', type: 'direct', messages: 3 },
    ]);
    expect(p.media).toEqual({ count: 4, included: 2, bytes: 128 });
    expect(p.suggestedOwner).toBe('Me Myself');
  });

  it('converts every message shape', async () => {
    const exp = path.join(dir, 'export');
    writeTelegramExport(exp);
    const store = new CollectingStore(path.join(dir, 's'));
    const r = await importer.import(exp, store);
    expect(r.chats).toBe(2);
    const b = store.bundles[0];
    expect(b?.source).toEqual({
      kind: 'telegram',
      accountKey: 'user99',
      label: 'Telegram: Me Myself',
    });
    expect(b?.chat).toEqual({
      key: 'chat:5001',
      type: 'group',
      title: 'Hikers',
      members: ['user1', 'user2'],
    });
    const m = new Map(store.messages.map((x) => [x.key, x]));
    expect(m.get('1')).toMatchObject({
      kind: 'system',
      senderKey: null,
      text: 'Ana created group «Hikers»',
    });
    expect(m.get('3')).toMatchObject({
      text: 'See the map (https://example.org/map) and https://x.org now',
      replyToKey: '2',
      editedAt: 1_600_000_500_000,
      senderKey: 'user2',
    });
    expect(m.get('4')).toMatchObject({ senderKey: null, extra: { forwardedFrom: 'News Channel' } });
    expect(m.get('5')?.attachments[0]).toMatchObject({
      mediaType: 'photo',
      mime: 'image/jpeg',
      hash: sha(fakeJpeg(3)),
      width: 800,
      height: 600,
    });
    expect(m.get('5')?.text).toBe('caption here');
    expect(m.get('6')?.attachments[0]).toMatchObject({
      mediaType: 'voice',
      hash: sha(fakeOgg(4)),
      durationMs: 3000,
    });
    expect(m.get('7')?.attachments[0]).toMatchObject({
      mediaType: 'video',
      hash: null,
      mime: 'video/mp4',
    });
    expect(m.get('8')?.attachments[0]).toMatchObject({ mediaType: 'sticker', hash: null });
    expect(m.get('9')).toMatchObject({ kind: 'location', extra: { lat: 46.5, lon: 7.9 } });
    expect(m.get('10')).toMatchObject({ kind: 'poll', text: 'Saturday?' });
    expect(m.get('11')?.reactions).toEqual([
      { senderKey: 'user2', emoji: '❤', at: Date.parse('2020-09-13T12:11:00') },
      { senderKey: null, emoji: '❤', at: Date.parse('2020-09-13T12:12:00') },
    ]);
    expect(m.get('12')?.text).toBe('Ana invited Cleo');
    expect(fs.readFileSync(path.join(store.mediaDir, sha(fakeJpeg(3))))).toEqual(
      Buffer.from(fakeJpeg(3)),
    );
  });

  it('a one-chat export of a personal chat finds the owner and matches the full export', async () => {
    const one = path.join(dir, 'one');
    writeSingleChatExport(one);
    const store = new CollectingStore(path.join(dir, 's'));
    await importer.import(one, store);
    expect(store.bundles[0]?.source.accountKey).toBe('user99');
    expect(store.bundles[0]?.chat.key).toBe('chat:4');
    expect(store.messages.map((m) => m.senderKey)).toEqual(['user4', null]);
  });

  it('flattens formatted text', () => {
    expect(flattenText('x')).toBe('x');
    expect(
      flattenText([
        'a',
        { type: 'text_link', text: 'u', href: 'https://u' },
        { type: 'text_link', text: 'https://v', href: 'https://v' },
      ]),
    ).toBe('au (https://u)https://v');
    expect(flattenText(42)).toBe('');
  });

  it('reports truncated and damaged JSON with typed errors', async () => {
    const exp = path.join(dir, 'export');
    writeTelegramExport(exp);
    const json = fs.readFileSync(path.join(exp, 'result.json'));
    fs.writeFileSync(
      path.join(exp, 'result.json'),
      json.subarray(0, Math.floor(json.length * 0.7)),
    );
    await expect(
      importer.import(exp, new CollectingStore(path.join(dir, 's'))),
    ).rejects.toBeInstanceOf(TruncatedFileError);
    const broken = Buffer.from(json);
    broken.write('}}}}', Math.floor(json.length / 2), 'latin1');
    fs.writeFileSync(path.join(exp, 'result.json'), broken);
    await expect(
      importer.import(exp, new CollectingStore(path.join(dir, 's2'))),
    ).rejects.toBeInstanceOf(DamagedFileError);
  });

  it('through the real store: idempotent, cancellable with nothing written', async () => {
    const exp = path.join(dir, 'export');
    writeTelegramExport(exp, { extraMessages: 7000 });
    const store = ChatStore.open(path.join(dir, 'store'));
    try {
      const ctl = new AbortController();
      await expect(
        importer.import(exp, store, {
          signal: ctl.signal,
          onProgress: (p) => {
            if (p.phase === 'messages' && p.items > 6000) ctl.abort();
          },
        }),
      ).rejects.toBeInstanceOf(ImportCancelledError);
      expect(store.listChats()).toHaveLength(0);
      const first = (await importer.import(exp, store)).ingest as IngestResult;
      expect(first.messagesAdded).toBe(7012);
      const again = (await importer.import(exp, store)).ingest as IngestResult;
      expect(again.messagesAdded).toBe(0);
      expect(store.listChats()).toHaveLength(2);
    } finally {
      store.close();
    }
  });

  it('reads left chats and saved messages of a full export', async () => {
    const exp = path.join(dir, 'full');
    fs.mkdirSync(exp);
    const msg = (id: number, from: string, fromId: string) => ({
      id,
      type: 'message',
      date: '2021-01-01T00:00:00',
      date_unixtime: String(1_609_459_200 + id),
      from,
      from_id: fromId,
      text: `m${id}`,
      text_entities: [],
    });
    fs.writeFileSync(
      path.join(exp, 'result.json'),
      JSON.stringify({
        personal_information: { user_id: 7, first_name: 'Me' },
        chats: {
          list: [{ type: 'saved_messages', id: 7, messages: [msg(1, 'Me', 'user7')] }],
        },
        left_chats: {
          list: [
            {
              name: 'Old club',
              type: 'private_supergroup',
              id: 900,
              messages: [msg(2, 'Zed', 'user8')],
            },
          ],
        },
      }),
    );
    const store = new CollectingStore(path.join(dir, 's'));
    await importer.import(exp, store);
    expect(store.bundles.map((b) => [b.chat.key, b.chat.title, b.chat.type])).toEqual([
      ['chat:7', 'Saved Messages', 'direct'],
      ['chat:900', 'Old club', 'group'],
    ]);
    expect(store.messages.map((m) => m.senderKey)).toEqual([null, 'user8']);
  });
});
