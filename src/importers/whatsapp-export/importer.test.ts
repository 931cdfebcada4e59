import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportCancelledError, NeedsOwnerError, UnknownFormatError } from '../core/errors.js';
import { CollectingStore } from '../fixtures/collecting-store.js';
import {
  fakeJpeg,
  renderExport,
  sampleChat,
  writeExportZip,
  type ExportStyle,
  type FixtureMessage,
} from '../fixtures/whatsapp-export.js';
import { titleFromFileName, whatsappExportImporter as importer } from './importer.js';

const REAL = '/work/shared/fixtures/whatsapp-export-ios/chat-export.zip';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** SHA-256 of every zip entry, read with yauzl directly (independent of the importer's reader). */
async function zipEntryHashes(file: string): Promise<Map<string, string>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  const entries: yauzl.Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      zip.readEntry();
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  const out = new Map<string, string>();
  for (const e of entries) {
    const h = createHash('sha256');
    for await (const chunk of await zip.openReadStreamPromise(e)) h.update(chunk as Buffer);
    out.set(e.fileName, h.digest('hex'));
  }
  zip.close();
  return out;
}

describe('real iOS export with media', () => {
  it('detects it by its zip entries', async () => {
    expect(await importer.detect(REAL)).toMatchObject({
      format: 'whatsapp-export',
      variant: 'zip',
    });
  });

  it('previews without an owner and asks for one', async () => {
    const p = await importer.inspect(REAL, {});
    expect(p.messages).toBe(52);
    expect(p.participants).toEqual(['Emily', 'John', 'Loris']);
    expect(p.suggestedOwner).not.toBeNull();
    expect(p.needs.owner).toBe(true);
    expect(p.media).toEqual({ count: 4, included: 4, bytes: 146284 + 64825 + 240325 + 2721 });
    expect(p.chats[0]?.title).toBe('WhatsApp Chat Parser Example');
    expect(p.chats[0]?.type).toBe('group');
    const store = new CollectingStore(dir);
    await expect(importer.import(REAL, store, {})).rejects.toBeInstanceOf(NeedsOwnerError);
    expect(store.bundles).toHaveLength(0);
  });

  it('imports 52 messages (the poll and the line after it their own), 4 system, 3 senders, 4 attachments with their bytes', async () => {
    const store = new CollectingStore(dir);
    const r = await importer.import(REAL, store, { owner: 'John' });
    const msgs = store.messages;
    expect(r.messages).toBe(52);
    expect(msgs).toHaveLength(52);
    expect(msgs.filter((m) => m.kind === 'system')).toHaveLength(4);
    const senders = new Set(msgs.filter((m) => m.kind !== 'system').map((m) => m.senderKey));
    expect(senders).toEqual(new Set([null, 'name:Loris', 'name:Emily']));
    expect(store.bundles[0]?.chat.members.sort()).toEqual(['name:Emily', 'name:Loris']);
    const atts = msgs.flatMap((m) => m.attachments);
    expect(atts).toHaveLength(4);
    const hashes = await zipEntryHashes(REAL);
    for (const a of atts) {
      expect(a.hash).toBe(hashes.get(a.fileName ?? ''));
      const stored = fs.readFileSync(path.join(store.mediaDir, a.hash ?? ''));
      expect(createHash('sha256').update(stored).digest('hex')).toBe(a.hash);
      expect(stored.length).toBe(a.size);
    }
    expect(atts.map((a) => [a.mediaType, a.mime])).toEqual([
      ['photo', 'image/jpeg'],
      ['video', 'video/mp4'],
      ['audio', 'audio/mpeg'],
      ['document', 'application/zip'],
    ]);
    expect(new Set(msgs.map((m) => m.key)).size).toBe(52);
    const multi = msgs.find((m) => m.text?.startsWith('Come on...'));
    expect(multi?.text).toBe("Come on...\ndon't be so mysterious and show us!");
    expect(r.media).toEqual({ stored: 4, bytes: 454155, missing: 0 });
    // The poll, written after a lone LF as iOS does, is a poll record of its own.
    expect(msgs.find((m) => m.text === 'Lastly, a poll :)')?.kind).toBe('text');
    expect(msgs.find((m) => m.text === "Well I guess that's it")?.senderKey).toBe('name:Loris');
    const poll = msgs.find((m) => m.kind === 'poll');
    expect(poll?.senderKey).toBe('name:Loris');
    expect(poll?.text).toBe('When can we meet?');
    expect(poll?.extra).toEqual({
      poll: {
        question: 'When can we meet?',
        options: [
          { text: 'Thursday 15 evening', votes: 2 },
          { text: 'Friday 16 afternoon', votes: 1 },
          { text: 'Friday 16 evening', votes: 2 },
          { text: 'Saturday 17 afternoon', votes: 3 },
          { text: 'Saturday 17 evening', votes: 3 },
        ],
      },
    });
  });
});

const STYLES: ExportStyle[] = [
  'ios-24h-dotted',
  'ios-us-12h',
  'ios-year-first',
  'android-us-12h',
  'android-gb-24h',
  'android-es-pm',
  'android-fi-klo',
  'android-de-dotted-ampm',
];

async function importText(text: string, name: string, opts = {}) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const store = new CollectingStore(fs.mkdtempSync(path.join(dir, 's-')));
  const result = await importer.import(file, store, { owner: 'Ana', timeZone: 'UTC', ...opts });
  return { store, result, file };
}

describe('export styles and locale traps', () => {
  const expected = sampleChat();
  it.each(STYLES)('%s reads back the same messages', async (style) => {
    const { store } = await importText(
      renderExport(style, expected),
      `WhatsApp Chat - ${style}.txt`,
    );
    const msgs = store.messages;
    expect(msgs).toHaveLength(expected.length);
    msgs.forEach((m, i) => {
      const e = expected[i] as FixtureMessage;
      const [y, mo, d, h, mi, s] = e.at;
      expect(m.sentAt).toBe(Date.UTC(y, mo - 1, d, h, mi, s));
      if (e.author === null) expect(m.kind).toBe('system');
      else expect(m.senderKey).toBe(e.author === 'Ana' ? null : `name:${e.author}`);
      if (e.file) {
        expect(m.kind).toBe('media');
        expect(m.attachments[0]).toMatchObject({
          fileName: e.file,
          hash: null,
          mediaType: 'photo',
        });
      } else {
        expect(m.text).toBe(e.text);
      }
    });
    expect(new Set(msgs.map((m) => m.key)).size).toBe(msgs.length);
  });

  it('infers month-first from a single late date in a long file', async () => {
    const msgs: FixtureMessage[] = [];
    for (let i = 1; i <= 12; i++)
      msgs.push({ at: [2020, 1, i, 10, 0, 0], author: 'Ana', text: `m${i}` });
    msgs.push({ at: [2020, 1, 25, 10, 0, 0], author: 'Ben', text: 'decides' });
    const { store } = await importText(renderExport('android-us-12h', msgs), 'chat.txt');
    expect(store.messages[1]?.sentAt).toBe(Date.UTC(2020, 0, 2, 10));
  });

  it('warns and reads day-first when no date decides', async () => {
    const msgs: FixtureMessage[] = [{ at: [2020, 1, 2, 10, 0, 0], author: 'Ana', text: 'x' }];
    const { store, result } = await importText(renderExport('android-gb-24h', msgs), 'chat.txt');
    expect(result.warnings.join()).toMatch(/day-first/);
    expect(store.messages[0]?.sentAt).toBe(Date.UTC(2020, 0, 2, 10));
    const forced = await importText(renderExport('android-gb-24h', msgs), 'c2.txt', {
      dateOrder: 'month-first',
    });
    expect(forced.store.messages[0]?.sentAt).toBe(Date.UTC(2020, 1, 1, 10));
  });

  it('reads wall-clock times in the given time zone, keys unchanged', async () => {
    const text = renderExport('android-gb-24h', sampleChat());
    const utc = await importText(text, 'a.txt');
    const ny = await importText(text, 'b.txt', { timeZone: 'America/New_York' });
    const m0 = utc.store.messages[0];
    const n0 = ny.store.messages[0];
    expect((n0?.sentAt ?? 0) - (m0?.sentAt ?? 0)).toBe(4 * 3600_000); // 2021-03-14 09:05 is already EDT (DST began at 02:00)
    expect(ny.store.messages.map((m) => m.key)).toEqual(utc.store.messages.map((m) => m.key));
  });

  it('keeps a lone LF inside an iOS message even when the next line looks like a header', async () => {
    const text =
      '[01.02.20, 10:00:00] Ana: quoting\n[01.02.20, 09:00:00] Ben: old line\r\n[01.02.20, 10:01:00] Ben: ok\r\n';
    const { store } = await importText(text, 'q.txt');
    expect(store.messages.map((m) => m.text)).toEqual([
      'quoting\n[01.02.20, 09:00:00] Ben: old line',
      'ok',
    ]);
  });
});

describe('message kinds', () => {
  const text = [
    '1/2/20, 9:00 - Ana: <Media omitted>',
    '1/2/20, 9:01 - Ben: This message was deleted',
    '1/2/20, 9:02 - Ben: fixed it <This message was edited>',
    '1/2/20, 9:03 - Ana: location: https://maps.google.com/?q=46.2044,6.1432',
    '1/2/20, 9:04 - Ana: POLL:',
    'Lunch?',
    'OPTION: Yes (2 votes)',
    'OPTION: No (0 votes)',
    '1/2/20, 9:05 - Ben: IMG-20200201-WA0001.jpg (file attached)',
    'a caption',
    '1/2/20, 9:06 - Ben changed the subject from "A" to "B"',
    '13/2/20, 9:06 - Ana: bye',
    '',
  ].join('\n');

  it('classifies omitted media, deletions, edits, locations, polls, captions and system lines', async () => {
    const { store } = await importText(text, 'WhatsApp Chat with Ben.txt');
    const m = store.messages;
    expect(m.map((x) => x.kind)).toEqual([
      'media',
      'deleted',
      'text',
      'location',
      'poll',
      'media',
      'system',
      'text',
    ]);
    expect(m[0]?.attachments[0]).toMatchObject({ hash: null, fileName: null });
    expect(m[2]).toMatchObject({ text: 'fixed it', extra: { edited: true } });
    expect(m[3]?.extra).toMatchObject({ lat: 46.2044, lon: 6.1432 });
    expect(m[4]?.extra).toEqual({
      poll: {
        question: 'Lunch?',
        options: [
          { text: 'Yes', votes: 2 },
          { text: 'No', votes: 0 },
        ],
      },
    });
    expect(m[5]).toMatchObject({ text: 'a caption', senderKey: 'name:Ben' });
    expect(m[6]?.senderKey).toBeNull();
    expect(store.bundles[0]?.chat).toMatchObject({ title: 'Ben', type: 'group' });
  });
});

describe('identity, keys and media', () => {
  const chat = sampleChat();

  it('gives the same keys to a re-export, and a longer export only adds new keys', async () => {
    const a = await importText(renderExport('ios-24h-dotted', chat.slice(0, 6)), '_chat.txt');
    const b = await importText(renderExport('ios-24h-dotted', chat), '_chat.txt');
    const keysA = a.store.messages.map((m) => m.key);
    const keysB = b.store.messages.map((m) => m.key);
    expect(keysB.slice(0, 6)).toEqual(keysA);
    expect(new Set(keysB).size).toBe(chat.length);
    expect(a.store.bundles[0]?.source).toEqual(b.store.bundles[0]?.source);
    expect(a.store.bundles[0]?.source.accountKey).toBe('export:title:Trip planning');
  });

  it('zip with media and txt without media give the same keys; media bytes stored', async () => {
    const jpeg = fakeJpeg(7);
    const zipFile = path.join(dir, 'WhatsApp Chat - Trip planning.zip');
    await writeExportZip(
      zipFile,
      '_chat.txt',
      renderExport('ios-24h-dotted', chat),
      {
        'IMG-20210315-WA0001.jpg': jpeg,
      },
      { macJunk: true },
    );
    const withMedia = new CollectingStore(path.join(dir, 'z'));
    await importer.import(zipFile, withMedia, { owner: 'Ana', timeZone: 'UTC' });
    const noMedia = chat.map((m) => (m.file ? { ...m, file: undefined, omitted: true } : m));
    const { store: without } = await importText(
      renderExport('ios-24h-dotted', noMedia),
      '_chat.txt',
    );
    expect(withMedia.messages.map((m) => m.key)).toEqual(without.messages.map((m) => m.key));
    const att = withMedia.messages.find((m) => m.kind === 'media')?.attachments[0];
    expect(att).toMatchObject({
      hash: createHash('sha256').update(jpeg).digest('hex'),
      size: jpeg.length,
      mime: 'image/jpeg',
    });
    expect(without.messages.find((m) => m.kind === 'media')?.attachments[0]?.hash).toBeNull();
  });

  it('finds media beside an unzipped .txt, by content type', async () => {
    const jpeg = fakeJpeg(9);
    fs.writeFileSync(path.join(dir, 'IMG-20210315-WA0001.jpg'), jpeg);
    const { store } = await importText(
      renderExport('android-gb-24h', chat),
      'WhatsApp Chat with Trip.txt',
    );
    expect(store.messages.find((m) => m.kind === 'media')?.attachments[0]?.hash).toBe(
      createHash('sha256').update(jpeg).digest('hex'),
    );
  });

  it('titles from file names in several languages', () => {
    expect(titleFromFileName('WhatsApp Chat with Sam.txt')).toBe('Sam');
    expect(titleFromFileName('WhatsApp Chat - Family.zip')).toBe('Family');
    expect(titleFromFileName('WhatsApp-Chat mit Lena (1).zip')).toBe('Lena');
    expect(titleFromFileName('Chat de WhatsApp con Lucía.txt')).toBe('Lucía');
    expect(titleFromFileName('_chat.txt')).toBeNull();
  });

  it('rejects an owner who never wrote, listing the participants', async () => {
    const file = path.join(dir, 'c.txt');
    fs.writeFileSync(file, renderExport('android-gb-24h', chat));
    const err = await importer
      .import(file, new CollectingStore(dir), { owner: 'Zed' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NeedsOwnerError);
    expect((err as NeedsOwnerError).participants).toEqual(['Ana', 'Ben Ng', 'Chris']);
  });

  it('cancels: nothing reaches the store', async () => {
    const file = path.join(dir, 'c.txt');
    fs.writeFileSync(file, renderExport('android-gb-24h', chat));
    const ctl = new AbortController();
    const store = new CollectingStore(dir);
    const run = importer.import(file, store, {
      owner: 'Ana',
      signal: ctl.signal,
      onProgress: (p) => {
        if (p.phase === 'messages') ctl.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(ImportCancelledError);
    expect(store.bundles).toHaveLength(0);
  });

  it('refuses files that are not exports', async () => {
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'hello\nworld\n');
    expect(await importer.detect(file)).toBeNull();
    await expect(importer.inspect(file)).rejects.toBeInstanceOf(UnknownFormatError);
  });

  it('reads iOS group events written as the group speaking (U+200E) as system messages', async () => {
    const text = [
      '[01.02.23, 10:00:00] Family: \u200eMessages and calls are end-to-end encrypted.',
      '[01.02.23, 10:00:01] Family: \u200eAna created group “Family”',
      '[01.02.23, 10:00:02] Family: \u200eAna added Ben',
      '[01.02.23, 10:01:00] Ana: hello',
      '[01.02.23, 10:02:00] Ben: \u200eimage omitted',
      '[01.02.23, 10:03:00] Ben: hi',
      '',
    ].join('\r\n');
    const file = path.join(dir, '_chat.txt');
    fs.writeFileSync(file, text);
    const p = await importer.inspect(file);
    expect(p.participants).toEqual(['Ana', 'Ben']);
    expect(p.chats[0]).toMatchObject({ title: 'Family', type: 'group' });
    const { store } = await importText(text, '_chat2.txt');
    expect(store.messages.map((m) => [m.kind, m.senderKey])).toEqual([
      ['system', null],
      ['system', null],
      ['system', null],
      ['text', null],
      ['media', 'name:Ben'],
      ['text', 'name:Ben'],
    ]);
    expect(store.messages[2]?.text).toBe('Ana added Ben');
  });

  it('does not take a typed "name.ext (words)" for an attachment', async () => {
    const text =
      '1/2/20, 9:00 - Ana: report.pdf (page 3)\n1/2/20, 9:01 - Ben: DOC-20200201-WA0004.pdf (Dokument)\n13/2/20, 9:00 - Ben: ok\n';
    const { store } = await importText(text, 'c.txt');
    expect(store.messages[0]).toMatchObject({ kind: 'text', text: 'report.pdf (page 3)' });
    expect(store.messages[1]?.attachments[0]?.fileName).toBe('DOC-20200201-WA0004.pdf');
  });

  it('detects a zip whose chat file has a translated name, and matches NFD media names', async () => {
    const jpeg = fakeJpeg(11);
    const zipFile = path.join(dir, 'export.zip');
    const name = 'Fotos-Zürich.jpg';
    const chatText = `1/2/20, 9:00 - Ana: ${name} (Datei angehängt)\n13/2/20, 9:01 - Ben: schön\n`;
    await writeExportZip(zipFile, 'Chat de WhatsApp con Ben.txt', chatText, {
      [name.normalize('NFD')]: jpeg,
    });
    expect(await importer.detect(zipFile)).toMatchObject({ variant: 'zip' });
    const store = new CollectingStore(path.join(dir, 'n'));
    const r = await importer.import(zipFile, store, { owner: 'Ana' });
    expect(r.media.stored).toBe(1);
    expect(store.bundles[0]?.chat.title).toBe('Ben');
    expect(store.messages[0]?.attachments[0]?.hash).toBe(
      createHash('sha256').update(jpeg).digest('hex'),
    );
  });

  it('a direct chat stays direct despite system lines naming the other person', async () => {
    const text = [
      '1/2/20, 9:00 - Messages and calls are end-to-end encrypted.',
      "1/2/20, 9:01 - Sam's security code changed. Tap to learn more.",
      '1/2/20, 9:02 - Sam changed their phone number to a new number.',
      '13/2/20, 9:03 - Sam: hi',
      '13/2/20, 9:04 - Ana: hey',
      '',
    ].join('\n');
    const { store } = await importText(text, 'WhatsApp Chat with Sam.txt');
    expect(store.bundles[0]?.chat).toMatchObject({
      type: 'direct',
      title: 'Sam',
      members: ['name:Sam'],
    });
    const p = await importer.inspect(path.join(dir, 'WhatsApp Chat with Sam.txt'));
    expect(p.suggestedOwner).toBe('Ana');
  });
});
