import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore, type IngestResult } from '../../store/index.js';
import { ImportCancelledError } from '../core/errors.js';
import { renderExport, sampleChat, type FixtureMessage } from '../fixtures/whatsapp-export.js';
import { whatsappExportImporter as importer } from './importer.js';

const REAL = '/work/shared/fixtures/whatsapp-export-ios/chat-export.zip';

let dir: string;
let store: ChatStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
  store = ChatStore.open(path.join(dir, 'store'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('WhatsApp export through the real chat store', () => {
  it('imports the real export once; a second import adds nothing', async () => {
    const first = await importer.import(REAL, store, { owner: 'John' });
    expect((first.ingest as IngestResult).messagesAdded).toBe(52);
    const again = await importer.import(REAL, store, { owner: 'John' });
    const r = again.ingest as IngestResult;
    expect(r.messagesAdded).toBe(0);
    expect(r.messagesSkipped).toBe(52);
    const chats = store.listChats();
    expect(chats).toHaveLength(1);
    const stats = store.stats();
    expect(stats).toMatchObject({ messages: 52 });
    // The four media files are in the store's media folder under their hashes.
    const mediaFiles = fs.readdirSync(path.join(store.dir, 'media'), { recursive: true });
    expect(mediaFiles.filter((f) => /[0-9a-f]{64}$/.test(String(f)))).toHaveLength(4);
  });

  it('a longer export of the same chat adds only the new messages', async () => {
    const chat = sampleChat();
    const file = path.join(dir, '_chat.txt');
    fs.writeFileSync(file, renderExport('ios-24h-dotted', chat.slice(0, 7)));
    const a = await importer.import(file, store, { owner: 'Ana' });
    expect((a.ingest as IngestResult).messagesAdded).toBe(7);
    fs.writeFileSync(file, renderExport('ios-24h-dotted', chat));
    const b = await importer.import(file, store, { owner: 'Ana' });
    expect((b.ingest as IngestResult).messagesAdded).toBe(chat.length - 7);
    expect(store.listChats()).toHaveLength(1);
  });

  it('cancelled during ingest, after a first chunk went in, writes nothing', async () => {
    const file = path.join(dir, '_chat.txt');
    const many = Array.from({ length: 12_000 }, (_, i): FixtureMessage => ({
      at: [2022, 1 + Math.floor(i / 2000), 1 + (i % 28), 10, Math.floor(i / 60) % 60, i % 60],
      author: i % 2 ? 'Ana' : 'Ben',
      text: `message ${i}`,
    }));
    fs.writeFileSync(file, renderExport('ios-24h-dotted', many));
    const ctl = new AbortController();
    await expect(
      importer.import(file, store, {
        owner: 'Ana',
        signal: ctl.signal,
        onProgress: (p) => {
          if (p.phase === 'messages' && p.items >= 7000) ctl.abort();
        },
      }),
    ).rejects.toBeInstanceOf(ImportCancelledError);
    expect(store.listChats()).toHaveLength(0);
  });
});
