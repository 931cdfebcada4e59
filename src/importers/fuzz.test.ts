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
import {
  SignalBackupWriter,
  TEST_PASSPHRASE,
  sampleSignalDb,
  writeSignalBackup,
  type SqlParam,
} from './fixtures/signal-backup.js';
import { BackupFileReader } from './signal-android/backup-file.js';
import { deriveBackupKeys } from './signal-android/keys.js';
import { signalAndroidImporter } from './signal-android/importer.js';
import { pollFrom, reactionsFrom, replyStanzaId } from './whatsapp-ios/metadata.js';
import { receiptInfo } from './fixtures/chatstorage.js';
import Database from 'better-sqlite3';

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
let signal: Buffer;

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
  writeSignalBackup(path.join(dir, 'signal.backup'), sampleSignalDb());
  signal = fs.readFileSync(path.join(dir, 'signal.backup'));
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

describe('fuzz: Signal Android backups', () => {
  // One key for every file these properties write: the 250,000-round stretching runs once.
  const salt = Buffer.alloc(32, 3);
  const keys = deriveBackupKeys(TEST_PASSPHRASE, salt);

  const param: fc.Arbitrary<SqlParam> = fc.oneof(
    fc.constant(null),
    fc.string(),
    fc.integer(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    // Whole numbers travel as integers; doubles as doubles.
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  );

  it('the frame reader gives back every frame the writer wrote, in both formats', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0 as const, 1 as const),
        fc.array(
          fc.oneof(
            fc.record({ sql: fc.string(), params: fc.array(param, { maxLength: 6 }) }),
            fc.record({ body: fc.uint8Array({ maxLength: 3000 }) }),
          ),
          { maxLength: 20 },
        ),
        async (version, items) => {
          const f = path.join(dir, `sf${n++}.backup`);
          const w = new SignalBackupWriter(f, { version, salt, keys, iv: Buffer.alloc(16, 0xff) });
          w.version(7);
          items.forEach((it, i) =>
            'sql' in it ? w.statement(it.sql, it.params) : w.attachment(i, 0, it.body),
          );
          w.end();
          w.close();
          const r = await BackupFileReader.openWithKeys(f, keys);
          try {
            expect((await r.next()).frame).toEqual({ type: 'version', version: 7 });
            for (const [i, it] of items.entries()) {
              const { frame } = await r.next();
              if ('sql' in it) {
                expect(frame).toEqual({
                  type: 'statement',
                  sql: {
                    statement: it.sql,
                    params: it.params.map((p) =>
                      typeof p === 'bigint' &&
                      p >= BigInt(Number.MIN_SAFE_INTEGER) &&
                      p <= BigInt(Number.MAX_SAFE_INTEGER)
                        ? Number(p)
                        : p,
                    ),
                  },
                });
              } else {
                expect(frame).toMatchObject({
                  type: 'attachment',
                  rowId: i,
                  length: it.body.length,
                });
                const got: Buffer[] = [];
                expect(await r.readBody((b) => void got.push(Buffer.from(b)))).toBe(true);
                expect(Buffer.concat(got)).toEqual(Buffer.from(it.body));
              }
            }
            expect((await r.next()).frame).toEqual({ type: 'end' });
          } finally {
            await r.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('any bytes after a valid header end in frames or a typed error', async () => {
    const head = signal.subarray(0, signal.readUInt32BE(0) + 4);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        const f = path.join(dir, `sr${n++}.backup`);
        fs.writeFileSync(f, Buffer.concat([head, bytes]));
        let reader: BackupFileReader | null = null;
        try {
          reader = await BackupFileReader.openWithKeys(f, keys);
          for (let i = 0; i < 50; i++) if ((await reader.next()).frame.type === 'end') break;
        } catch (e) {
          if (!isImportError(e)) throw e;
        } finally {
          await reader?.close();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('mutated backups imported into the real store end in a result or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const f = path.join(dir, `sm${n++}.backup`);
        fs.writeFileSync(f, mutate(signal, ms));
        await expectTypedOrResult(() =>
          signalAndroidImporter.import(f, store, { key: TEST_PASSPHRASE }),
        );
      }),
      // Each run stretches the passphrase (a quarter of a second): fewer runs than the others.
      { numRuns: 25 },
    );
  }, 120_000);
});

describe('fuzz: WhatsApp iOS metadata blobs', () => {
  it('replies, reactions and polls read from any bytes without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        replyStanzaId(bytes);
        expect(Array.isArray(reactionsFrom(bytes))).toBe(true);
        const poll = pollFrom(bytes);
        if (poll) expect(typeof poll.question).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('ChatStorage with random and mutated blobs imports into the real store', async () => {
    const good = receiptInfo({
      keyId: 'x',
      fromMe: false,
      ts: 0,
      type: 46,
      reactions: [{ fromMe: false, sender: '41790000002@s.whatsapp.net', emoji: '👍', ts: 1 }],
      poll: { question: 'Q', options: ['a', 'b'], votes: [{ jid: '1@lid', choices: [1, 7] }] },
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.array(mutation, { maxLength: 3 }).map((ms) => mutate(Buffer.from(good ?? []), ms)),
        ),
        fc.uint8Array({ maxLength: 100 }),
        async (receipt, metadata) => {
          const f = path.join(dir, `cs${n++}.sqlite`);
          fs.writeFileSync(f, chatStorage);
          const db = new Database(f);
          db.prepare(
            'INSERT INTO ZWAMESSAGEINFO (ZMESSAGE, ZRECEIPTINFO) SELECT Z_PK, ? FROM ZWAMESSAGE',
          ).run(Buffer.from(receipt));
          db.prepare('UPDATE ZWAMESSAGE SET ZMESSAGETYPE = 46 WHERE Z_PK % 3 = 0').run();
          db.prepare('UPDATE ZWAMEDIAITEM SET ZMETADATA = ?').run(Buffer.from(metadata));
          db.close();
          await expectTypedOrResult(() => whatsappIosImporter.import(f, store));
        },
      ),
      { numRuns: 40 },
    );
  });
});
