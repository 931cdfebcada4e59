import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore, type IngestResult } from '../../store/index.js';
import {
  DamagedFileError,
  ImportCancelledError,
  InvalidKeyError,
  NeedsKeyError,
  TruncatedFileError,
  UnsupportedVersionError,
  WrongKeyError,
} from '../core/errors.js';
import { CollectingStore } from '../fixtures/collecting-store.js';
import {
  ALICE,
  BOB,
  DORA,
  GROUP,
  encryptBackup,
  sampleWaChats,
  writeKeyFile14,
  writeKeyFile15,
  writeLegacySchema,
  writeNewSchema,
  writeWaDb,
} from '../fixtures/msgstore.js';
import { fakeJpeg } from '../fixtures/whatsapp-export.js';
import { fakeOgg } from '../fixtures/telegram.js';
import { whatsappCryptImporter as importer } from './importer.js';
import { parseHexKey, readKeyFile } from './key.js';

let dir: string;
const KEY = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
const KEY_TYPED = '0011 2233 4455 6677 8899 aabb ccdd eeff 0011 2233 4455 6677 8899 AABB CCDD EEFF';

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

let serial = 0;
function plainDb(schema: 'new' | 'legacy'): string {
  const f = path.join(dir, `msgstore-${schema}-${serial++}.db`);
  if (schema === 'new') writeNewSchema(f, sampleWaChats());
  else writeLegacySchema(f, sampleWaChats());
  return f;
}

function crypt15(
  schema: 'new' | 'legacy' = 'new',
  opts: Parameters<typeof encryptBackup>[3] = {},
): string {
  const out = path.join(dir, `msgstore-${schema}.db.crypt15`);
  encryptBackup(fs.readFileSync(plainDb(schema)), KEY, out, opts);
  return out;
}

function mediaFolder(): { dir: string; jpeg: Uint8Array; ogg: Uint8Array } {
  const root = path.join(dir, 'WhatsApp', 'Media');
  const jpeg = fakeJpeg(1);
  const ogg = fakeOgg(2);
  fs.mkdirSync(path.join(root, 'WhatsApp Images'), { recursive: true });
  fs.mkdirSync(path.join(root, 'WhatsApp Voice Notes', '202318'), { recursive: true });
  fs.writeFileSync(path.join(root, 'WhatsApp Images', 'IMG-20230501-WA0001.jpg'), jpeg);
  fs.writeFileSync(
    path.join(root, 'WhatsApp Voice Notes', '202318', 'PTT-20230501-WA0003.opus'),
    ogg,
  );
  return { dir: root, jpeg, ogg };
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('keys', () => {
  it('reads the 64-digit key as typed, with spaces', () => {
    expect(parseHexKey(KEY_TYPED)).toEqual(KEY);
    expect(() => parseHexKey('abcd')).toThrow(InvalidKeyError);
    expect(() => parseHexKey('z'.repeat(64))).toThrow(InvalidKeyError);
  });
  it('reads encrypted_backup.key (59 bytes) and the crypt14 key file (158 bytes)', () => {
    const k15 = path.join(dir, 'encrypted_backup.key');
    writeKeyFile15(k15, KEY);
    expect(fs.statSync(k15).size).toBe(59);
    expect(readKeyFile(k15)).toEqual(KEY);
    const k14 = path.join(dir, 'key');
    writeKeyFile14(k14, KEY);
    expect(fs.statSync(k14).size).toBe(158);
    expect(readKeyFile(k14)).toEqual(KEY);
    fs.writeFileSync(path.join(dir, 'junk'), 'hello');
    expect(() => readKeyFile(path.join(dir, 'junk'))).toThrow(InvalidKeyError);
  });
});

describe('crypt15 / crypt14 decryption', () => {
  it('detects backups by their header, not their name', async () => {
    const f = crypt15();
    const renamed = path.join(dir, 'backup.bin');
    fs.copyFileSync(f, renamed);
    expect(await importer.detect(renamed)).toMatchObject({
      format: 'whatsapp-crypt',
      variant: 'crypt15-file',
    });
    expect(await importer.detect(plainDb('legacy'))).toMatchObject({ variant: 'plain-file' });
    fs.writeFileSync(path.join(dir, 'rand'), randomBytes(300));
    expect(await importer.detect(path.join(dir, 'rand'))).toBeNull();
  });

  it.each([
    ['crypt15 with MD5 footer', { version: 'crypt15' as const, md5: true }],
    ['crypt15 without MD5 footer (multi-file)', { version: 'crypt15' as const, md5: false }],
    ['crypt15 without feature-table byte', { version: 'crypt15' as const, featureFlag: false }],
    ['crypt14', { version: 'crypt14' as const }],
  ])('%s imports', async (_name, opts) => {
    const f = crypt15('new', opts);
    const store = new CollectingStore(path.join(dir, 's'));
    const r = await importer.import(f, store, { key: KEY_TYPED });
    expect(r.messages).toBe(11);
    expect(r.chats).toBe(2);
  });

  it('asks for the key, then rejects a wrong one with WRONG_KEY', async () => {
    const f = crypt15();
    const store = new CollectingStore(path.join(dir, 's'));
    await expect(importer.import(f, store)).rejects.toBeInstanceOf(NeedsKeyError);
    const p = await importer.inspect(f);
    expect(p.needs.key).toBe(true);
    const err = await importer.import(f, store, { key: 'ff'.repeat(32) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongKeyError);
    expect((err as WrongKeyError).code).toBe('WRONG_KEY');
    expect((err as WrongKeyError).message).toBe('This key does not open this backup');
    expect(store.bundles).toHaveLength(0);
  });

  it('says a cut-short file is truncated and a corrupted one is damaged', async () => {
    const f = crypt15();
    const bytes = fs.readFileSync(f);
    const cut = path.join(dir, 'cut.crypt15');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expect(
      importer.import(cut, new CollectingStore(dir), { key: KEY_TYPED }),
    ).rejects.toBeInstanceOf(TruncatedFileError);
    const bad = Buffer.from(bytes);
    const at = Math.floor(bytes.length * 0.7);
    bad[at] = (bad[at] ?? 0) ^ 0x40;
    const damaged = path.join(dir, 'bad.crypt15');
    fs.writeFileSync(damaged, bad);
    await expect(
      importer.import(damaged, new CollectingStore(dir), { key: KEY_TYPED }),
    ).rejects.toBeInstanceOf(DamagedFileError);
  });

  it('recognises crypt12 by name and refuses it plainly', async () => {
    const f = path.join(dir, 'msgstore.db.crypt12');
    fs.writeFileSync(f, randomBytes(200));
    expect(await importer.detect(f)).toMatchObject({ variant: 'crypt12' });
    await expect(
      importer.import(f, new CollectingStore(dir), { key: KEY_TYPED }),
    ).rejects.toBeInstanceOf(UnsupportedVersionError);
  });

  it('says a header it does not know is a newer format', async () => {
    // Framing as crypt15 but the prefix carries only an unknown field 9.
    const f = path.join(dir, 'future.crypt16');
    const prefix = Buffer.from([0x08, 0x01, 0x4a, 0x02, 0x01, 0x02]);
    fs.writeFileSync(f, Buffer.concat([Buffer.from([prefix.length, 1]), prefix, randomBytes(100)]));
    await expect(
      importer.import(f, new CollectingStore(dir), { key: KEY_TYPED }),
    ).rejects.toBeInstanceOf(UnsupportedVersionError);
  });
});

describe('msgstore.db schemas', () => {
  it.each(['new', 'legacy'] as const)(
    '%s schema: chats, senders, replies, kinds, media',
    async (schema) => {
      const media = mediaFolder();
      const waDb = path.join(dir, 'wa.db');
      writeWaDb(waDb, { [ALICE]: 'Alice', [DORA]: 'Dora' });
      const store = new CollectingStore(path.join(dir, 's'));
      const r = await importer.import(crypt15(schema), store, {
        keyFile: (() => {
          const k = path.join(dir, 'encrypted_backup.key');
          writeKeyFile15(k, KEY);
          return k;
        })(),
        mediaDir: media.dir,
        waDbPath: waDb,
      });
      expect(r.media).toMatchObject({ stored: 2, missing: 2 });
      const byChat = new Map(store.bundles.map((b) => [b.chat.key, b]));
      expect([...byChat.keys()].sort()).toEqual([DORA, GROUP].sort());
      const direct = byChat.get(DORA);
      expect(direct?.chat).toMatchObject({ type: 'direct', title: 'Dora', members: [DORA] });
      expect(direct?.source).toEqual({
        kind: 'whatsapp',
        accountKey: 'phone',
        label: 'WhatsApp (phone backup)',
      });
      const dm = new Map(direct?.messages.map((m) => [m.key, m]));
      expect(dm.get('D1')).toMatchObject({ senderKey: DORA, text: 'Hi from Dora', kind: 'text' });
      expect(dm.get('D2')).toMatchObject({ senderKey: null, replyToKey: 'D1' });
      expect(dm.get('D3')).toMatchObject({ kind: 'media', text: 'look at this' });
      expect(dm.get('D3')?.attachments[0]).toMatchObject({
        hash: sha(media.jpeg),
        mediaType: 'photo',
        mime: 'image/jpeg',
      });
      expect(dm.get('D4')).toMatchObject({ kind: 'location', extra: { lat: 46.2, lon: 6.1 } });
      expect(dm.get('D5')).toMatchObject({ kind: 'deleted', text: null });
      expect(dm.get('D6')?.attachments[0]).toMatchObject({ hash: null, mediaType: 'photo' });
      const group = byChat.get(GROUP);
      expect(group?.chat).toMatchObject({ type: 'group', title: 'Family' });
      expect(group?.chat.members.sort()).toEqual([ALICE, BOB].sort());
      expect(group?.people.find((p) => p.key === ALICE)).toMatchObject({
        displayName: 'Alice',
        phone: '+41790000002',
      });
      expect(group?.people.find((p) => p.key === BOB)).toMatchObject({
        displayName: '+41790000003',
      });
      const gm = new Map(group?.messages.map((m) => [m.key, m]));
      expect(gm.get('G1')).toMatchObject({ kind: 'system', senderKey: null });
      expect(gm.get('G3')).toMatchObject({ senderKey: BOB, replyToKey: 'G2' });
      expect(gm.get('G4')?.attachments[0]).toMatchObject({
        mediaType: 'voice',
        hash: sha(media.ogg),
      });
      expect(gm.get('G5')).toMatchObject({ kind: 'media', text: 'the plan', senderKey: null });
      expect(gm.get('G5')?.attachments[0]).toMatchObject({
        mediaType: 'document',
        hash: null,
        fileName: 'plan.pdf',
      });
      if (schema === 'new') {
        expect(dm.get('D1')?.reactions).toEqual([
          { senderKey: null, emoji: '👍', at: expect.any(Number) },
        ]);
        expect(gm.get('G3')?.reactions).toEqual([
          { senderKey: ALICE, emoji: '❤️', at: expect.any(Number) },
        ]);
      }
      expect(store.messages.some((m) => m.key === 'S1')).toBe(false); // status updates are not chats
    },
  );

  it('previews a decrypted backup', async () => {
    const p = await importer.inspect(crypt15('new'), {
      key: KEY_TYPED,
      mediaDir: mediaFolder().dir,
    });
    expect(p.messages).toBe(11);
    expect(p.chats.map((c) => c.messages).sort()).toEqual([5, 6]);
    expect(p.media).toEqual({ count: 4, included: 2, bytes: 128 });
    expect(p.needs).toEqual({ owner: false, key: false });
  });

  it('through the real store: idempotent, and both schemas of one phone meet', async () => {
    const store = ChatStore.open(path.join(dir, 'store'));
    try {
      const a = (await importer.import(crypt15('legacy'), store, { key: KEY_TYPED }))
        .ingest as IngestResult;
      expect(a.messagesAdded).toBe(11);
      const b = (await importer.import(crypt15('new'), store, { key: KEY_TYPED }))
        .ingest as IngestResult;
      expect(b.messagesAdded).toBe(0);
      const c = (await importer.import(plainDb('new'), store, {})).ingest as IngestResult;
      expect(c.messagesAdded).toBe(0);
      expect(store.listChats()).toHaveLength(2);
    } finally {
      store.close();
    }
  });

  it('maps "lid" sender ids to phone-number jids through jid_map', async () => {
    const f = path.join(dir, 'lid.db');
    writeNewSchema(f, sampleWaChats(), { lidFor: { [ALICE]: '98765432101234@lid' } });
    const store = new CollectingStore(path.join(dir, 's'));
    await importer.import(f, store);
    const group = store.bundles.find((b) => b.chat.key === GROUP);
    expect(group?.messages.find((m) => m.key === 'G2')?.senderKey).toBe(ALICE);
    // Alice's reaction on G3 was stored under her lid too.
    expect(group?.messages.find((m) => m.key === 'G3')?.reactions[0]?.senderKey).toBe(ALICE);
    expect(group?.chat.members.sort()).toEqual([ALICE, BOB].sort());
  });

  it('cancelled while decrypting or ingesting writes nothing to the real store', async () => {
    const store = ChatStore.open(path.join(dir, 'store'));
    try {
      for (const phase of ['decrypting', 'messages']) {
        const ctl = new AbortController();
        await expect(
          importer.import(crypt15('new'), store, {
            key: KEY_TYPED,
            signal: ctl.signal,
            onProgress: (p) => {
              if (p.phase === phase) ctl.abort();
            },
          }),
        ).rejects.toBeInstanceOf(ImportCancelledError);
        expect(store.listChats()).toHaveLength(0);
      }
    } finally {
      store.close();
    }
  });

  it('a group longer than one bundle keeps members seen only in earlier bundles (real store)', async () => {
    const f = path.join(dir, 'big.db');
    const t0 = Date.UTC(2021, 0, 1);
    writeNewSchema(f, [
      {
        jid: GROUP,
        subject: 'Big',
        messages: Array.from({ length: 6000 }, (_, i) => ({
          keyId: `K${i}`,
          fromMe: false,
          sender: i < 10 ? ALICE : BOB,
          ts: t0 + i * 1000,
          type: 0,
          text: `m${i}`,
        })),
      },
    ]);
    const store = ChatStore.open(path.join(dir, 'store'));
    try {
      const r = (await importer.import(f, store)).ingest as IngestResult;
      expect(r.messagesAdded).toBe(6000);
      expect(store.listChats()).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});
