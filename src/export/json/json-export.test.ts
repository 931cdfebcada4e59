import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStore } from '../../seed/generate.js';
import {
  ChatStore,
  type AttachmentRecord,
  type ChatBundle,
  type MessageRecord,
} from '../../store/index.js';
import { runExport } from '../run.js';

/**
 * JSON exports are the store's portable records: every file matches the JSON Schema in docs/,
 * every included media file is where its record says and holds the bytes of its hash, and the
 * records go straight back into an empty store through the same ingest importers use, giving the
 * same chats.
 */

const schema = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, '../../../docs/export-schema.json'), 'utf8'),
) as Record<string, unknown>;

let dir: string;
let source: ChatStore;
let out: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-json-'));
  generateStore({ out: path.join(dir, 'store'), messages: 2000, chats: 4, mediaMb: 1, seed: 'd' });
  source = ChatStore.open(path.join(dir, 'store'), { readonly: true });
  out = path.join(dir, 'json');
  await runExport(source, out, { format: 'json', chats: 'all', mediaTypes: ['photo', 'voice'] });
});

afterAll(() => {
  source.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

type ExportedChat = Omit<ChatBundle, 'messages'> & {
  format: string;
  messages: (Omit<MessageRecord, 'attachments'> & {
    attachments: (AttachmentRecord & { file: string | null })[];
  })[];
};

function chatFiles(): ExportedChat[] {
  return fs
    .readdirSync(path.join(out, 'chats'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(out, 'chats', f), 'utf8')) as ExportedChat);
}

describe('JSON export', () => {
  it('matches its JSON Schema, chat files and manifest alike', () => {
    const ajv = new Ajv2020({ allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const files = chatFiles();
    expect(files).toHaveLength(4);
    for (const chat of files) {
      expect(validate(chat), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    }
    const manifest = ajv.getSchema(`${String(schema.$id)}#/$defs/manifest`)!;
    const doc = JSON.parse(fs.readFileSync(path.join(out, 'export.json'), 'utf8')) as unknown;
    expect(manifest(doc), JSON.stringify(manifest.errors?.slice(0, 3))).toBe(true);
  });

  it('copies the chosen media types beside the records, under their hashes', () => {
    let included = 0;
    let leftOut = 0;
    for (const chat of chatFiles()) {
      for (const m of chat.messages) {
        for (const a of m.attachments) {
          if (a.file) {
            included++;
            expect(['photo', 'voice']).toContain(a.mediaType);
            expect(a.file).toContain(a.hash);
            expect(fs.statSync(path.join(out, a.file)).size).toBe(a.size);
          } else if (a.hash) leftOut++;
        }
      }
    }
    expect(included).toBeGreaterThan(10);
    expect(leftOut).toBeGreaterThan(0);
  });

  it('ingests back into an empty store as the same chats', () => {
    const target = ChatStore.open(path.join(dir, 'target'));
    try {
      const bundles: ChatBundle[] = chatFiles().map((c) => ({
        source: c.source,
        chat: c.chat,
        people: c.people,
        messages: c.messages.map((m) => ({
          ...m,
          attachments: m.attachments.map(({ file: _file, ...a }) => a),
        })),
      }));
      target.ingest(bundles);
      const digest = (s: ChatStore) =>
        s.readSnapshot((r) =>
          r
            .monthGroups()
            .map((g) => ({ ...r.readMonthBundle(g.chatId, g.month), month: g.month }))
            .sort((a, b) => (a.chat.key + a.month < b.chat.key + b.month ? -1 : 1)),
        );
      expect(digest(target)).toEqual(digest(source));
    } finally {
      target.close();
    }
  });
});
