import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore, type IngestResult } from '../../store/index.js';
import {
  InvalidKeyError,
  NeedsKeyError,
  TruncatedFileError,
  DamagedFileError,
  UnknownFormatError,
  UnsupportedVersionError,
  WrongPassphraseError,
} from '../core/errors.js';
import { CollectingStore } from '../fixtures/collecting-store.js';
import {
  ANA,
  BEN,
  CLEO,
  GROUP_ID,
  SELF,
  TEST_PASSPHRASE,
  fakePng,
  sampleSignalDb,
  writeSignalBackup,
  type SignalSchema,
} from '../fixtures/signal-backup.js';
import { detectImport } from '../index.js';
import { signalAndroidImporter as importer } from './importer.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-signal-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const KEY = TEST_PASSPHRASE.replace(/(\d{5})/g, '$1 ').trim();
const aci = (r: { aci: string }) => `aci:${r.aci}`;

function backup(opts: { schema?: SignalSchema; version?: 0 | 1; name?: string } = {}): string {
  const file = path.join(dir, opts.name ?? 'signal-2024-03-10-10-00-00.backup');
  writeSignalBackup(file, sampleSignalDb(opts.schema ?? 'current'), { version: opts.version ?? 1 });
  return file;
}

describe('Signal Android backup', () => {
  it('is detected by its header, alone or in its folder, and needs the passphrase', async () => {
    const file = backup();
    expect(await importer.detect(file)).toMatchObject({
      format: 'signal-android',
      variant: 'file-v1',
    });
    expect(await importer.detect(dir)).toMatchObject({ variant: 'folder-v1' });
    expect((await detectImport(file))?.importer.id).toBe('signal-android');
    const preview = await importer.inspect(file);
    expect(preview.needs.key).toBe(true);
    await expect(
      importer.import(file, new CollectingStore(path.join(dir, 's'))),
    ).rejects.toBeInstanceOf(NeedsKeyError);
    await expect(importer.inspect(file, { key: '1234' })).rejects.toBeInstanceOf(InvalidKeyError);
  });

  for (const schema of ['current', 'early-merged'] as const) {
    for (const version of [0, 1] as const) {
      it(`reads chats, replies, reactions, edits, deletes, media and events (${schema} database, frame version ${version})`, async () => {
        const file = backup({ schema, version });
        const store = new CollectingStore(path.join(dir, 's'));
        const r = await importer.import(file, store, { key: KEY });
        const byChat = new Map(store.bundles.map((b) => [b.chat.key, b.chat]));
        expect([...byChat.values()].map((c) => [c.type, c.title]).sort()).toEqual([
          ['direct', 'Ana Alves'],
          ['direct', 'Note to Self'],
          ['group', 'Climbing'],
        ]);
        expect(byChat.get(`group:${GROUP_ID}`)?.members.sort()).toEqual(
          [aci(ANA), aci(BEN), `e164:${CLEO.e164}`].sort(),
        );
        const m = new Map(store.messages.map((x) => [x.key, x]));
        const t0 = Date.UTC(2024, 2, 10, 9, 0, 0);
        const at = (n: number) => t0 + n * 60_000;
        const k = (n: number, who: string) => `${at(n)}:${who}`;

        expect(m.get(k(0, aci(ANA)))).toMatchObject({
          senderKey: aci(ANA),
          text: 'Hi! Are you coming?',
          kind: 'text',
        });
        expect(m.get(k(0, aci(ANA)))?.reactions).toEqual([
          { senderKey: null, emoji: '👍', at: at(0) + 5000 },
        ]);
        // A reply names its quote by the quoted message's own key.
        expect(m.get(k(1, 'me'))).toMatchObject({
          senderKey: null,
          text: 'Yes',
          replyToKey: k(0, aci(ANA)),
        });
        expect(m.get(k(1, 'me'))?.reactions).toEqual([
          { senderKey: aci(ANA), emoji: '❤️', at: at(1) + 5000 },
        ]);
        // Edited: the latest text, in the original's place and key, with the edit time.
        expect(m.get(k(2, aci(ANA)))).toMatchObject({
          text: 'See you at 8',
          sentAt: at(2),
          editedAt: at(5),
        });
        expect(m.get(k(2, aci(ANA)))?.reactions).toEqual([
          { senderKey: null, emoji: '😂', at: at(3) },
        ]);
        expect(m.has(k(5, aci(ANA)))).toBe(false);
        expect(store.messages.filter((x) => x.text === 'See you at 7')).toHaveLength(0);
        expect(m.get(k(6, aci(ANA)))).toMatchObject({
          kind: 'deleted',
          text: null,
          attachments: [],
        });

        const photos = m.get(k(7, aci(ANA)));
        expect(photos).toMatchObject({ kind: 'media', text: 'the crag' });
        expect(photos?.attachments.map((a) => [a.mediaType, a.mime, a.hash])).toEqual([
          ['photo', 'image/png', sha(fakePng(1))],
          ['photo', 'image/png', sha(fakePng(2))],
        ]);
        expect(m.get(k(8, 'me'))?.attachments[0]).toMatchObject({
          mediaType: 'voice',
          mime: 'audio/aac',
          hash: sha(Buffer.from('voice-bytes')),
        });
        expect(m.get(k(9, aci(ANA)))?.attachments[0]).toMatchObject({ mediaType: 'sticker' });
        // Over 2,000 characters the text travels as an attachment; it is the message's text again.
        const long = m.get(k(10, aci(ANA)));
        expect(long?.text).toMatch(/^A long message\. .*The end\.$/);
        expect(long?.text?.length).toBeGreaterThan(2000);
        expect(long?.attachments).toEqual([]);

        expect(m.get(k(11, aci(ANA)))).toMatchObject({
          kind: 'system',
          senderKey: null,
          text: 'Incoming voice call',
          extra: { call: { video: false, durationS: null, missed: false } },
        });
        expect(m.get(k(12, 'me'))).toMatchObject({
          text: 'Outgoing video call',
          extra: { call: { video: true, missed: false } },
        });
        expect(m.get(k(13, aci(ANA)))).toMatchObject({
          text: 'Missed voice call',
          extra: { call: { missed: true } },
        });
        expect(m.get(k(14, aci(ANA)))?.text).toBe('Your safety number with Ana Alves has changed');
        expect(m.get(k(15, 'me'))?.text).toBe('You set disappearing messages to 1 week');
        expect(m.get(k(16, aci(ANA)))).toMatchObject({ kind: 'contact', text: 'Dora Diaz' });
        expect((m.get(k(16, aci(ANA)))?.extra as { vcard: string }).vcard).toMatch(
          /FN:Dora Diaz\r\nTEL:\+41790000009\r\nEMAIL:dora@example\.org/,
        );
        // Drafts, stories and not-yet-sent scheduled messages are not conversation.
        for (const n of [17, 18, 19])
          expect(m.has(k(n, aci(ANA))) || m.has(k(n, 'me'))).toBe(false);

        expect(m.get(k(30, 'me'))?.text).toBe('You updated the group');
        expect(m.get(k(31, aci(BEN)))?.text).toBe('Hello @Cleo, welcome');
        expect(m.get(k(31, aci(BEN)))?.reactions).toEqual([
          { senderKey: `e164:${CLEO.e164}`, emoji: '🙏', at: at(31) + 9000 },
        ]);
        // A quote's own thumbnail is not an attachment of the reply.
        expect(m.get(k(32, `e164:${CLEO.e164}`))).toMatchObject({
          replyToKey: k(31, aci(BEN)),
          attachments: [],
        });
        expect(m.get(k(33, aci(ANA)))?.attachments[0]).toMatchObject({
          mediaType: 'document',
          fileName: 'topo.pdf',
          mime: 'application/pdf',
        });
        expect(m.get(k(34, `e164:${CLEO.e164}`))?.text).toBe('Cleo left the group');
        expect(m.get(k(35, aci(ANA)))?.text).toBe('Ana Alves is on Signal');
        expect(m.get(k(40, 'me'))?.text).toBe('note to self');

        expect(r).toMatchObject({ format: 'signal-android', chats: 3 });
        expect(r.messages).toBe(store.messages.length);
        expect(r.media).toEqual({ stored: 5, bytes: expect.any(Number) as number, missing: 1 });
        expect(
          store.bundles.every((b) => b.source.kind === 'signal' && b.source.accountKey === 'phone'),
        ).toBe(true);
        for (const b of store.bundles) {
          const people = new Set(b.people.map((p) => p.key));
          for (const x of b.messages) {
            if (x.senderKey) expect(people).toContain(x.senderKey);
            for (const re of x.reactions) if (re.senderKey) expect(people).toContain(re.senderKey);
          }
        }
        expect(
          store.bundles.flatMap((b) => b.people).find((p) => p.key === aci(ANA))?.displayName,
        ).toBe('Ana Alves');
        expect(store.messages.some((x) => x.senderKey === aci(SELF))).toBe(false);
      });
    }
  }

  it('through the real store once; a second import adds nothing', async () => {
    const file = backup();
    const store = ChatStore.open(path.join(dir, 'store'));
    try {
      const first = (await importer.import(file, store, { key: KEY })).ingest as IngestResult;
      expect(first.messagesAdded).toBeGreaterThan(20);
      const again = (await importer.import(file, store, { key: KEY })).ingest as IngestResult;
      expect(again.messagesAdded).toBe(0);
      expect(store.listChats()).toHaveLength(3);
    } finally {
      store.close();
    }
  });

  it('previews with the passphrase, writing nothing', async () => {
    const p = await importer.inspect(backup(), { key: KEY });
    expect(p.chats.map((c) => c.title).sort()).toEqual(['Ana Alves', 'Climbing', 'Note to Self']);
    // Photos, voice note, sticker, document and one whose bytes are not in the backup; the long
    // text and the quote's thumbnail are not attachments of their own.
    expect(p.media.count).toBe(6);
    // All but one carry their bytes: two PNGs, the voice note, the sticker and the PDF.
    expect(p.media.included).toBe(5);
    expect(p.media.bytes).toBe(
      96 + 96 + 'voice-bytes'.length + 'RIFF0000WEBPVP8 sticker'.length + '%PDF-1.4 topo'.length,
    );
    expect(p.needs.key).toBe(false);
  });

  it('says "wrong passphrase" for a wrong passphrase, in both frame formats', async () => {
    for (const version of [0, 1] as const) {
      const file = backup({ version, name: `v${version}.backup` });
      const store = new CollectingStore(path.join(dir, `s${version}`));
      await expect(importer.import(file, store, { key: '9'.repeat(30) })).rejects.toBeInstanceOf(
        WrongPassphraseError,
      );
      expect(store.bundles).toHaveLength(0);
    }
  });

  it('tells damage and a cut file apart from a wrong passphrase', async () => {
    const file = backup();
    const bytes = fs.readFileSync(file);
    const damaged = Buffer.from(bytes);
    const at = Math.floor(bytes.length * 0.6);
    damaged[at] = (damaged[at] ?? 0) ^ 0x01;
    const d = path.join(dir, 'damaged.backup');
    fs.writeFileSync(d, damaged);
    await expect(
      importer.import(d, new CollectingStore(path.join(dir, 'a')), { key: KEY }),
    ).rejects.toBeInstanceOf(DamagedFileError);
    const cut = path.join(dir, 'cut.backup');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    await expect(
      importer.import(cut, new CollectingStore(path.join(dir, 'b')), { key: KEY }),
    ).rejects.toBeInstanceOf(TruncatedFileError);
    // Damage inside the very first frame is still damage, not a wrong passphrase.
    const header = bytes.readUInt32BE(0) + 4;
    const early = Buffer.from(bytes);
    early[header + 8] = (early[header + 8] ?? 0) ^ 0x01;
    const e = path.join(dir, 'early.backup');
    fs.writeFileSync(e, early);
    await expect(
      importer.import(e, new CollectingStore(path.join(dir, 'c')), { key: KEY }),
    ).rejects.toBeInstanceOf(DamagedFileError);
  });

  it('refuses a folder backup (SignalBackups) with the reason, and a pre-2023 database', async () => {
    const root = path.join(dir, 'Signal', 'SignalBackups');
    const snap = path.join(root, 'signal-backup-2026-05-02-10-00-00');
    fs.mkdirSync(snap, { recursive: true });
    fs.mkdirSync(path.join(root, 'files'));
    fs.writeFileSync(path.join(snap, 'main'), Buffer.alloc(64, 1));
    fs.writeFileSync(path.join(snap, 'metadata'), Buffer.alloc(16, 2));
    for (const p of [root, snap, path.dirname(root)]) {
      expect(await importer.detect(p)).toMatchObject({ variant: 'backup-v2' });
      await expect(importer.inspect(p, { key: KEY })).rejects.toThrow(UnsupportedVersionError);
      await expect(
        importer.import(p, new CollectingStore(path.join(dir, 'x')), { key: KEY }),
      ).rejects.toThrow(/no public specification/);
    }
    const old = path.join(dir, 'old.backup');
    const db = sampleSignalDb();
    const { SignalBackupWriter } = await import('../fixtures/signal-backup.js');
    const w = new SignalBackupWriter(old);
    w.version(150);
    w.statement('CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, body TEXT)');
    w.statement('CREATE TABLE mms (_id INTEGER PRIMARY KEY, thread_id INTEGER, body TEXT)');
    w.insert('sms', [1, 1, 'old']);
    w.end();
    w.close();
    expect(db.messages.length).toBeGreaterThan(0);
    await expect(
      importer.import(old, new CollectingStore(path.join(dir, 'y')), { key: KEY }),
    ).rejects.toThrow(/before 2023/);
  });

  it('drops an attached file that fails its own check and imports the rest, with a warning', async () => {
    const file = path.join(dir, 'signal-2024-03-10-10-00-00.backup');
    const { bodies } = writeSignalBackup(file, sampleSignalDb());
    const clean = await importer.import(file, new CollectingStore(path.join(dir, 'ok')), {
      key: KEY,
    });
    expect(clean.warnings).toEqual([]);
    const bytes = fs.readFileSync(file);
    const first = bodies[0];
    if (!first) throw new Error('the fixture has no file bodies');
    bytes[first.offset + 3] = (bytes[first.offset + 3] ?? 0) ^ 0x10;
    const flipped = path.join(dir, 'flipped.backup');
    fs.writeFileSync(flipped, bytes);
    const store = new CollectingStore(path.join(dir, 'flip'));
    const r = await importer.import(flipped, store, { key: KEY });
    expect(r.warnings.join('\n')).toMatch(
      /1 attached file\(s\) in this backup failed their integrity check/,
    );
    expect(r.media.stored).toBe(clean.media.stored - 1);
    expect(r.messages).toBe(clean.messages);
    const photo = store.messages.find((m) => m.text === 'the crag');
    expect(photo?.attachments.map((a) => a.hash === null)).toEqual([true, false]);
  });

  it('refuses what is not a Signal backup', async () => {
    const f = path.join(dir, 'x.backup');
    fs.writeFileSync(f, 'not a backup at all');
    expect(await importer.detect(f)).toBeNull();
    await expect(importer.inspect(f, { key: KEY })).rejects.toBeInstanceOf(UnknownFormatError);
  });
});
