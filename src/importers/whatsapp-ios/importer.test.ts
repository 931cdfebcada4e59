import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore, type IngestResult } from '../../store/index.js';
import { UnknownFormatError, UnsupportedVersionError } from '../core/errors.js';
import {
  backupFileId,
  iosMediaPath,
  writeChatStorage,
  writeIosBackup,
} from '../fixtures/chatstorage.js';
import { CollectingStore } from '../fixtures/collecting-store.js';
import { ALICE, BOB, DORA, GROUP, sampleWaChats, writeNewSchema } from '../fixtures/msgstore.js';
import { fakeOgg } from '../fixtures/telegram.js';
import { fakeJpeg } from '../fixtures/whatsapp-export.js';
import { whatsappCryptImporter } from '../whatsapp-crypt/importer.js';
import { whatsappIosImporter as importer, WHATSAPP_DOMAIN } from './importer.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const NAMES = { [ALICE]: 'Alice', [DORA]: 'Dora' };

let serial = 0;
function chatStorage(): string {
  const f = path.join(dir, `ChatStorage-${serial++}.sqlite`);
  writeChatStorage(f, sampleWaChats(), NAMES);
  return f;
}

function backup(): { dir: string; jpeg: Uint8Array; ogg: Uint8Array } {
  const jpeg = fakeJpeg(5);
  const ogg = fakeOgg(6);
  const b = path.join(dir, 'backup');
  writeIosBackup(b, chatStorage(), {
    [iosMediaPath(DORA, 'IMG-20230501-WA0001.jpg')]: jpeg,
    [iosMediaPath(GROUP, 'PTT-20230501-WA0003.opus')]: ogg,
  });
  return { dir: b, jpeg, ogg };
}

describe('WhatsApp iOS', () => {
  it('knows where Finder backups keep ChatStorage.sqlite', () => {
    expect(backupFileId(WHATSAPP_DOMAIN, 'ChatStorage.sqlite')).toBe(
      '7c7fba66680ef796b916b067077cc246adacf01d',
    );
  });

  it('detects ChatStorage.sqlite and a backup folder by content', async () => {
    expect(await importer.detect(chatStorage())).toMatchObject({
      format: 'whatsapp-ios',
      variant: 'sqlite',
    });
    const b = backup();
    expect(await importer.detect(b.dir)).toMatchObject({ variant: 'backup' });
    const other = path.join(dir, 'other.db');
    writeNewSchema(other, sampleWaChats());
    expect(await importer.detect(other)).toBeNull();
  });

  it('imports a backup folder with its media', async () => {
    const b = backup();
    const store = new CollectingStore(path.join(dir, 's'));
    const r = await importer.import(b.dir, store);
    expect(r).toMatchObject({ chats: 2, messages: 11, media: { stored: 2, missing: 2 } });
    const byChat = new Map(store.bundles.map((x) => [x.chat.key, x]));
    expect(byChat.get(DORA)?.chat).toMatchObject({ type: 'direct', title: 'Dora' });
    expect(byChat.get(GROUP)?.chat).toMatchObject({ type: 'group', title: 'Family' });
    expect(byChat.get(GROUP)?.chat.members.sort()).toEqual([ALICE, BOB].sort());
    const m = new Map(store.messages.map((x) => [x.key, x]));
    expect(m.get('D1')).toMatchObject({
      senderKey: DORA,
      text: 'Hi from Dora',
      sentAt: Date.UTC(2023, 4, 1, 8),
    });
    expect(m.get('D2')).toMatchObject({ senderKey: null });
    expect(m.get('D3')).toMatchObject({ kind: 'media', text: 'look at this' });
    expect(m.get('D3')?.attachments[0]).toMatchObject({ hash: sha(b.jpeg), mediaType: 'photo' });
    expect(m.get('D4')).toMatchObject({ kind: 'location', extra: { lat: 46.2, lon: 6.1 } });
    expect(m.get('D5')).toMatchObject({ kind: 'deleted' });
    expect(m.get('G1')).toMatchObject({ kind: 'system', senderKey: null });
    expect(m.get('G3')).toMatchObject({ senderKey: BOB });
    expect(m.get('G4')?.attachments[0]).toMatchObject({ mediaType: 'voice', hash: sha(b.ogg) });
    expect(byChat.get(GROUP)?.people.find((p) => p.key === ALICE)?.displayName).toBe('Alice');
  });

  it('reads replies (ZMETADATA), reactions and polls (ZRECEIPTINFO) and named locations', async () => {
    const t0 = Date.UTC(2024, 1, 1, 9);
    const chats = [
      {
        jid: GROUP,
        subject: 'Family',
        messages: [
          { keyId: 'P0', fromMe: false, sender: ALICE, ts: t0, type: 0, text: 'Dinner?' },
          {
            keyId: 'P1',
            fromMe: true,
            ts: t0 + 1000,
            type: 46,
            poll: {
              question: 'Where?',
              options: ['Home', 'Out'],
              votes: [
                { jid: DORA, choices: [1] },
                { jid: ALICE, choices: [0, 1] },
                { jid: BOB, choices: [1] },
              ],
            },
          },
          {
            keyId: 'P2',
            fromMe: false,
            sender: BOB,
            ts: t0 + 2000,
            type: 0,
            text: 'Out, please',
            quotedKeyId: 'P0',
            reactions: [{ fromMe: false, sender: ALICE, emoji: '👍🏽', ts: t0 + 3000 }],
          },
          {
            keyId: 'P3',
            fromMe: false,
            sender: ALICE,
            ts: t0 + 4000,
            type: 5,
            location: { lat: 47.37, lon: 8.54, name: 'Zurich HB' },
          },
        ],
      },
    ];
    const file = path.join(dir, 'polls.sqlite');
    writeChatStorage(file, chats, NAMES);
    const store = new CollectingStore(path.join(dir, 's'));
    await importer.import(file, store);
    const m = new Map(store.messages.map((x) => [x.key, x]));
    expect(m.get('P1')).toMatchObject({
      kind: 'poll',
      senderKey: null,
      text: 'Where?',
      extra: {
        poll: {
          question: 'Where?',
          options: [
            { text: 'Home', votes: 1 },
            { text: 'Out', votes: 3 },
          ],
        },
      },
    });
    expect(m.get('P1')?.reactions).toEqual([]);
    expect(m.get('P2')).toMatchObject({ replyToKey: 'P0', senderKey: BOB });
    expect(m.get('P2')?.reactions).toEqual([{ senderKey: ALICE, emoji: '👍🏽', at: null }]);
    expect(m.get('P0')?.replyToKey).toBeNull();
    expect(m.get('P3')).toMatchObject({
      kind: 'location',
      text: 'Zurich HB',
      extra: { lat: 47.37, lon: 8.54, name: 'Zurich HB' },
    });
    // Every reaction's sender is among the bundle's people, so the real store accepts it.
    const real = ChatStore.open(path.join(dir, 'store'));
    try {
      const r = (await importer.import(file, real)).ingest as IngestResult;
      expect(r.messagesAdded).toBe(4);
    } finally {
      real.close();
    }
  });

  it('previews without writing', async () => {
    const p = await importer.inspect(backup().dir);
    expect(p.messages).toBe(11);
    expect(p.media).toEqual({ count: 4, included: 2, bytes: 128 });
  });

  it('refuses encrypted backups and folders without WhatsApp', async () => {
    const enc = path.join(dir, 'enc');
    fs.mkdirSync(enc);
    fs.writeFileSync(path.join(enc, 'Manifest.db'), Buffer.alloc(4096, 0x5a));
    fs.writeFileSync(path.join(enc, 'Manifest.plist'), 'IsEncrypted');
    expect(await importer.detect(enc)).toMatchObject({ variant: 'encrypted-backup' });
    await expect(importer.inspect(enc)).rejects.toBeInstanceOf(UnsupportedVersionError);
    await expect(importer.inspect(dir)).rejects.toBeInstanceOf(UnknownFormatError);
  });

  it('through the real store: the same account from Android and iOS meets in the same chats', async () => {
    const store = ChatStore.open(path.join(dir, 'store'));
    try {
      const android = path.join(dir, 'msgstore.db');
      writeNewSchema(android, sampleWaChats());
      const a = (await whatsappCryptImporter.import(android, store)).ingest as IngestResult;
      expect(a.messagesAdded).toBe(11);
      const ios = chatStorage();
      const i = (await importer.import(ios, store)).ingest as IngestResult;
      expect(i.messagesAdded).toBe(0);
      expect(store.listChats()).toHaveLength(2);
      const again = (await importer.import(ios, store)).ingest as IngestResult;
      expect(again.messagesAdded).toBe(0);
    } finally {
      store.close();
    }
  });
});
