import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { whatsappExportImporter } from '../../importers/whatsapp-export/importer.js';
import { generateStore } from '../../seed/generate.js';
import type { MessageView } from '../../shared/chat-types.js';
import { readLocation, readPoll } from '../../shared/message-extra.js';
import { ChatStore } from '../../store/index.js';
import { runExport } from '../run.js';
import { exportedTitles } from './txt-export.js';

/**
 * The text export is WhatsApp's own format, so exporting a chat and importing that text into an
 * empty store must give the same messages: text, sender, time (to the minute; the format keeps
 * seconds), and attachments by content hash. Kinds the format writes in its own words come back
 * as themselves: polls as polls, locations as their coordinates, deleted messages as deleted; a
 * shared contact comes back as its vCard file, as WhatsApp itself exports one.
 */

const REAL = '/work/shared/fixtures/whatsapp-export-ios/chat-export.zip';
const ZONE = 'America/New_York';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-rt-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function allMessages(store: ChatStore, chatId: number): MessageView[] {
  const out: MessageView[] = [];
  let after: { sentAt: number; id: number } | undefined;
  for (;;) {
    const page = store.getMessages(
      chatId,
      after ? { after, limit: 1000 } : { after: { sentAt: -1, id: 0 }, limit: 1000 },
    );
    out.push(...page.messages);
    const last = page.messages[page.messages.length - 1];
    if (!last || !page.hasNewer) return out;
    after = { sentAt: last.sentAt, id: last.id };
  }
}

/** What a message is, in the terms the text format can carry. */
function essence(m: MessageView, store: ChatStore) {
  const base = {
    sender: m.sender?.name ?? null,
    minute: Math.floor(m.sentAt / 60_000),
  };
  switch (m.kind) {
    case 'location': {
      const place = readLocation(m.extra);
      return { ...base, kind: 'location', lat: place?.lat, lon: place?.lon };
    }
    case 'poll': {
      const poll = readPoll(m.extra, m.text);
      return { ...base, kind: 'poll', question: poll?.question, options: poll?.options };
    }
    case 'deleted':
      return { ...base, kind: 'deleted' };
    case 'contact': {
      // Comes back as its vCard file: compare the card's bytes.
      const vcard = String(m.extra?.vcard ?? '');
      return { ...base, kind: 'vcard', vcard };
    }
    default: {
      const vcard = m.attachments.find((a) => a.fileName?.endsWith('.vcf') && a.hash);
      if (vcard?.hash) {
        return {
          ...base,
          kind: 'vcard',
          vcard: fs.readFileSync(store.media.pathFor(vcard.hash), 'utf8'),
        };
      }
      return {
        ...base,
        kind: m.kind,
        text: m.text?.replace(/\r\n?/g, '\n') ?? null,
        attachments: m.attachments.map((a) => a.hash),
      };
    }
  }
}

async function roundTrip(source: ChatStore, owner: string): Promise<ChatStore> {
  const out = path.join(dir, 'export');
  const result = await runExport(source, out, {
    format: 'txt',
    chats: 'all',
    timeZone: ZONE,
    ownerName: owner,
  });
  expect(result.chats).toBe(source.listChats().length);
  const target = ChatStore.open(path.join(dir, 'imported'));
  for (const folder of fs.readdirSync(out)) {
    await whatsappExportImporter.import(path.join(out, folder), target, { owner, timeZone: ZONE });
  }
  return target;
}

function compareStores(a: ChatStore, b: ChatStore): number {
  // Chats sharing a title are exported (and so read back) with their id added.
  const chats = a.listChats({ limit: 1000 });
  const titles = exportedTitles(chats.map((c) => ({ id: c.id, title: c.title })));
  const left = new Map(chats.map((c) => [titles.get(c.id)!, c]));
  const right = new Map(b.listChats({ limit: 1000 }).map((c) => [c.title, c]));
  expect([...right.keys()].sort()).toEqual([...left.keys()].sort());
  let compared = 0;
  for (const [title, chat] of left) {
    const other = right.get(title)!;
    const x = allMessages(a, chat.id).map((m) => essence(m, a));
    const y = allMessages(b, other.id).map((m) => essence(m, b));
    expect(y).toEqual(x);
    compared += x.length;
  }
  return compared;
}

describe('text export read back by the WhatsApp importer', () => {
  it('gives the same messages for the real iPhone export (shared fixture)', async () => {
    const source = ChatStore.open(path.join(dir, 'source'));
    await whatsappExportImporter.import(REAL, source, { owner: 'Loris', timeZone: ZONE });
    const target = await roundTrip(source, 'Loris');
    try {
      const compared = compareStores(source, target);
      // Every message the importer reads from the real export (52) came back the same.
      expect(compared).toBe(52);
      // The photo, video, audio and zip came back as the same bytes.
      const hashes = (s: ChatStore) =>
        allMessages(s, s.listChats()[0]!.id)
          .flatMap((m) => m.attachments.map((a) => a.hash))
          .filter(Boolean);
      expect(hashes(target)).toHaveLength(4);
      expect(hashes(target)).toEqual(hashes(source));
    } finally {
      source.close();
      target.close();
    }
  });

  it('gives the same messages for a seeded store of every kind', async () => {
    generateStore({
      out: path.join(dir, 'source'),
      messages: 3000,
      chats: 5,
      mediaMb: 2,
      seed: 'd',
    });
    const source = ChatStore.open(path.join(dir, 'source'));
    const kinds = new Set(
      source.listChats().flatMap((c) => allMessages(source, c.id).map((m) => m.kind)),
    );
    expect([...kinds].sort()).toEqual([
      'contact',
      'deleted',
      'location',
      'media',
      'poll',
      'system',
      'text',
    ]);
    const target = await roundTrip(source, 'Me');
    try {
      expect(compareStores(source, target)).toBe(3000);
      expect(target.stats().distinctMediaFiles).toBeGreaterThan(50);
    } finally {
      source.close();
      target.close();
    }
  });
});
