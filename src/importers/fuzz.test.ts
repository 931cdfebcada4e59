import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isImportError } from './core/errors.js';
import { linesOfString } from './core/line-reader.js';
import { ChatStore } from '../store/index.js';
import { writeChatStorage } from './fixtures/chatstorage.js';
import { encryptBackup, sampleWaChats, writeNewSchema } from './fixtures/msgstore.js';
import { writeTelegramExport } from './fixtures/telegram.js';
import { renderExport, sampleChat } from './fixtures/whatsapp-export.js';
import { detectImport } from './index.js';
import { telegramImporter } from './telegram/importer.js';
import { whatsappCryptImporter } from './whatsapp-crypt/importer.js';
import { whatsappExportImporter } from './whatsapp-export/importer.js';
import { whatsappIosImporter } from './whatsapp-ios/importer.js';
import { parseMessages, scanExport } from './whatsapp-export/parse.js';

/**
 * Random and mutated inputs to every parser, imported into a real chat store: each run must end
 * in a result or one of our typed errors (never the store's validation error, another exception,
 * a crash or a hang). Run counts are bounded to keep the suite fast; vitest's timeout catches a
 * hang.
 */

let dir: string;
const KEY = 'ab'.repeat(32);
let realZip: Buffer;
let crypt: Buffer;
let telegram: Buffer;
let store: ChatStore;
let msgstore: Buffer;
let chatStorage: Buffer;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
  store = ChatStore.open(path.join(dir, 'store'));
  realZip = fs.readFileSync('/work/shared/fixtures/whatsapp-export-ios/chat-export.zip');
  const db = path.join(dir, 'm.db');
  writeNewSchema(db, sampleWaChats());
  encryptBackup(fs.readFileSync(db), Buffer.from(KEY, 'hex'), path.join(dir, 'c.crypt15'));
  crypt = fs.readFileSync(path.join(dir, 'c.crypt15'));
  msgstore = fs.readFileSync(db);
  writeChatStorage(path.join(dir, 'cs.sqlite'), sampleWaChats());
  chatStorage = fs.readFileSync(path.join(dir, 'cs.sqlite'));
  const tg = path.join(dir, 'tg');
  writeTelegramExport(tg);
  telegram = fs.readFileSync(path.join(tg, 'result.json'));
});
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A byte-level mutation: flips, cuts, inserted junk. */
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ maxLength: 16 }),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(src: Buffer, ms: Mutation[]): Buffer {
  let b = Buffer.from(src);
  for (const m of ms) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.kind === 'flip') b[at] = (b[at] ?? 0) ^ (1 << m.bit);
    else if (m.kind === 'cut') b = b.subarray(0, at);
    else b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
  }
  return b;
}

let n = 0;
async function expectTypedOrResult(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (!isImportError(e)) throw e;
  }
}

describe('fuzz: WhatsApp export text', () => {
  const exportLine = fc.oneof(
    fc.string(),
    fc.constantFrom(...renderExport('ios-us-12h', sampleChat()).split('\r\n')),
    fc.constantFrom(...renderExport('android-es-pm', sampleChat()).split('\n')),
    fc
      .tuple(
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 9999 }),
        fc.string(),
      )
      .map(([a, b, c, s]) => `${a}/${b}/${c}, ${a % 30}:${b % 70} - ${s}`),
  );
  it('line parsing never throws on any text', () => {
    fc.assert(
      fc.property(
        fc.array(exportLine, { maxLength: 40 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        (lines, eol) => {
          const text = lines.join(eol);
          const scan = scanExport(linesOfString(text), eol === '\r\n');
          let count = 0;
          for (const m of parseMessages(linesOfString(text), 'day-first', eol === '\r\n')) {
            expect(Number.isFinite(m.wall.year)).toBe(true);
            count++;
          }
          expect(count).toBeLessThanOrEqual(scan.messages);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('import of random text files ends in a result or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(exportLine, { maxLength: 15 }), async (lines) => {
        const f = path.join(dir, `t${n++}.txt`);
        fs.writeFileSync(f, lines.join('\n'));
        await expectTypedOrResult(() => whatsappExportImporter.import(f, store, { owner: 'Ana' }));
      }),
      { numRuns: 60 },
    );
  });

  it('mutated zips end in a result or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const f = path.join(dir, `z${n++}.zip`);
        fs.writeFileSync(f, mutate(realZip, ms));
        await expectTypedOrResult(() => whatsappExportImporter.import(f, store, { owner: 'John' }));
        await expectTypedOrResult(() => whatsappExportImporter.inspect(f));
      }),
      { numRuns: 40 },
    );
  });
});

describe('fuzz: crypt15', () => {
  it('mutated backups end in a result or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const f = path.join(dir, `c${n++}.crypt15`);
        fs.writeFileSync(f, mutate(crypt, ms));
        await expectTypedOrResult(() => whatsappCryptImporter.import(f, store, { key: KEY }));
      }),
      { numRuns: 40 },
    );
  });

  it('random bytes are never mistaken for a backup', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        const f = path.join(dir, `r${n++}.bin`);
        fs.writeFileSync(f, bytes);
        await expectTypedOrResult(() => whatsappCryptImporter.import(f, store, { key: KEY }));
        await expectTypedOrResult(async () => detectImport(f));
      }),
      { numRuns: 60 },
    );
  });
});

describe('fuzz: Telegram JSON', () => {
  it('mutated result.json ends in a result or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const d = path.join(dir, `tg${n++}`);
        fs.mkdirSync(d);
        fs.writeFileSync(path.join(d, 'result.json'), mutate(telegram, ms));
        await expectTypedOrResult(() => telegramImporter.import(d, store));
      }),
      { numRuns: 40 },
    );
  });

  it('arbitrary JSON values as messages never crash the converter', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue(), { maxLength: 8 }), async (messages) => {
        const d = path.join(dir, `tj${n++}`);
        fs.mkdirSync(d);
        fs.writeFileSync(
          path.join(d, 'result.json'),
          JSON.stringify({ name: 'x', type: 'personal_chat', id: 1, messages }),
        );
        await expectTypedOrResult(() => telegramImporter.import(d, store));
      }),
      { numRuns: 60 },
    );
  });
});

describe('fuzz: SQLite sources', () => {
  /** Mutations aimed past the 100-byte header too, where pages hold the rows. */
  const pageMutation = fc.array(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
    { minLength: 1, maxLength: 40 },
  );

  it('damaged msgstore.db and ChatStorage.sqlite end in a result or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(pageMutation, fc.boolean(), async (ms, ios) => {
        const f = path.join(dir, `db${n++}.${ios ? 'sqlite' : 'db'}`);
        // Keep the 16-byte magic so the file still reaches SQLite, then damage what follows.
        const src = ios ? chatStorage : msgstore;
        const bytes = mutate(
          src,
          ms.map((m) => ({ ...m, at: 16 + (m.at % (src.length - 16)) })),
        );
        fs.writeFileSync(f, bytes);
        const importer = ios ? whatsappIosImporter : whatsappCryptImporter;
        await expectTypedOrResult(() => importer.import(f, store));
      }),
      { numRuns: 60 },
    );
  });
});
