/**
 * Importer throughput and peak memory. Each run is a fresh child process, so `maxRSS` is that
 * import's own peak (search index build included). Prints a markdown table of medians: the time
 * until the import returned with its rows committed (messages/s is of that), and for imports into
 * the store the time until its search index was built too.
 *
 *   npx tsx src/importers/bench/importers.bench.ts            # default sizes
 *   BENCH_SCALE=5 npx tsx src/importers/bench/importers.bench.ts   # 5x the messages
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChatStore, type ChatBundle } from '../../store/index.js';
import { CollectingStore } from '../fixtures/collecting-store.js';
import { bulkWaChat, encryptBackup, writeNewSchema } from '../fixtures/msgstore.js';
import { renderExport, type FixtureMessage } from '../fixtures/whatsapp-export.js';
import { telegramImporter } from '../telegram/importer.js';
import { decryptBackup } from '../whatsapp-crypt/decrypt.js';
import { whatsappCryptImporter } from '../whatsapp-crypt/importer.js';
import { whatsappExportImporter } from '../whatsapp-export/importer.js';
import { bulkSignalDb, TEST_PASSPHRASE, writeSignalBackup } from '../fixtures/signal-backup.js';
import { signalAndroidImporter } from '../signal-android/importer.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Only the scenarios whose name matches (e.g. BENCH_ONLY=Signal). */
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : null;
const KEY = Buffer.alloc(32, 9);

interface Scenario {
  name: string;
  messages: number;
  prepare(dir: string): void;
  /** Resolves when the import returned; `indexed`, when given, builds what it left for later. */
  run(dir: string): Promise<void | { indexed(): void }>;
}

/**
 * The store as the import worker opens it (lean: small page cache, no memory map). Into an empty
 * store an import commits its rows without the search index and leaves it to be built after
 * (the app's store worker, or the CLI's import job before it ends): `indexed` builds it, so the
 * table shows both the time until the chats are readable and the time until search is complete.
 */
async function intoStore(dir: string, work: (store: ChatStore) => Promise<unknown>) {
  const store = ChatStore.open(path.join(dir, 'store'), { lean: true });
  try {
    await work(store);
  } catch (e) {
    store.close();
    throw e;
  }
  return {
    indexed: () => {
      try {
        store.indexSearchBacklog();
      } finally {
        store.close();
      }
    },
  };
}

function exportText(n: number): string {
  const msgs: FixtureMessage[] = [];
  const t0 = Date.UTC(2015, 0, 1) / 1000;
  for (let i = 0; i < n; i++) {
    const d = new Date((t0 + i * 37) * 1000);
    msgs.push({
      at: [
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
      ],
      author: i % 3 === 0 ? 'Ana' : i % 3 === 1 ? 'Ben' : 'Cleo',
      text:
        i % 10 === 0
          ? `line one of ${i}\nline two with more words`
          : `message ${i} about the weekend plans and more`,
    });
  }
  return renderExport('ios-24h-dotted', msgs);
}

function telegramJson(n: number): string {
  const messages = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    type: 'message',
    date: '2020-01-01T00:00:00',
    date_unixtime: String(1_577_836_800 + i),
    from: i % 2 ? 'Me' : 'Dan',
    from_id: i % 2 ? 'user1' : 'user2',
    text:
      i % 5
        ? `message ${i} with some text`
        : ['see ', { type: 'text_link', text: 'this', href: 'https://x.org' }],
    text_entities: [],
  }));
  return JSON.stringify({
    personal_information: { user_id: 1, first_name: 'Me' },
    chats: { list: [{ name: 'Dan', type: 'personal_chat', id: 2, messages }] },
  });
}

const sizes = [100_000, 400_000].map((n) => Math.round(n * SCALE));

const scenarios: Scenario[] = [
  ...sizes.map((n) => ({
    name: `WhatsApp text export, parse only`,
    messages: n,
    prepare: (dir: string) => fs.writeFileSync(path.join(dir, '_chat.txt'), exportText(n)),
    run: async (dir: string) => {
      await whatsappExportImporter.import(path.join(dir, '_chat.txt'), new CollectingNoKeep(dir), {
        owner: 'Ana',
      });
    },
  })),
  ...sizes.map((n) => ({
    name: `WhatsApp text export into the store`,
    messages: n,
    prepare: (dir: string) => fs.writeFileSync(path.join(dir, '_chat.txt'), exportText(n)),
    run: (dir: string) =>
      intoStore(dir, (store) =>
        whatsappExportImporter.import(path.join(dir, '_chat.txt'), store, { owner: 'Ana' }),
      ),
  })),
  ...sizes.map((n) => ({
    name: `crypt15 msgstore.db into the store`,
    messages: n,
    prepare: (dir: string) => {
      writeNewSchema(path.join(dir, 'm.db'), [bulkWaChat(n)]);
      encryptBackup(fs.readFileSync(path.join(dir, 'm.db')), KEY, path.join(dir, 'm.crypt15'));
    },
    run: (dir: string) =>
      intoStore(dir, (store) =>
        whatsappCryptImporter.import(path.join(dir, 'm.crypt15'), store, {
          key: KEY.toString('hex'),
        }),
      ),
  })),
  {
    name: 'crypt15 msgstore.db read, no store (the importer alone)',
    messages: sizes[1] ?? 0,
    prepare: (dir: string) => {
      writeNewSchema(path.join(dir, 'm.db'), [bulkWaChat(sizes[1] ?? 0)]);
      encryptBackup(fs.readFileSync(path.join(dir, 'm.db')), KEY, path.join(dir, 'm.crypt15'));
      fs.rmSync(path.join(dir, 'm.db'));
    },
    run: async (dir: string) => {
      await whatsappCryptImporter.import(path.join(dir, 'm.crypt15'), new CollectingNoKeep(dir), {
        key: KEY.toString('hex'),
      });
    },
  },
  {
    name: 'crypt15 decrypt + inflate only (MD5 check included)',
    messages: sizes[1] ?? 0,
    prepare: (dir: string) => {
      writeNewSchema(path.join(dir, 'm.db'), [bulkWaChat(sizes[1] ?? 0)]);
      encryptBackup(fs.readFileSync(path.join(dir, 'm.db')), KEY, path.join(dir, 'm.crypt15'));
      fs.rmSync(path.join(dir, 'm.db'));
    },
    run: async (dir: string) => {
      await decryptBackup(path.join(dir, 'm.crypt15'), KEY, path.join(dir, 'out.db'));
      fs.rmSync(path.join(dir, 'out.db'));
    },
  },
  ...sizes.map((n) => ({
    name: `Signal .backup into the store`,
    messages: n,
    prepare: (dir: string) => writeSignalBackup(path.join(dir, 'signal.backup'), bulkSignalDb(n)),
    run: (dir: string) =>
      intoStore(dir, (store) =>
        signalAndroidImporter.import(path.join(dir, 'signal.backup'), store, {
          key: TEST_PASSPHRASE,
        }),
      ),
  })),
  {
    name: 'Signal .backup read, no store (the importer alone)',
    messages: sizes[1] ?? 0,
    prepare: (dir: string) =>
      writeSignalBackup(path.join(dir, 'signal.backup'), bulkSignalDb(sizes[1] ?? 0)),
    run: async (dir: string) => {
      await signalAndroidImporter.import(
        path.join(dir, 'signal.backup'),
        new CollectingNoKeep(dir),
        {
          key: TEST_PASSPHRASE,
        },
      );
    },
  },
  ...sizes.map((n) => ({
    name: `Telegram result.json into the store`,
    messages: n,
    prepare: (dir: string) => fs.writeFileSync(path.join(dir, 'result.json'), telegramJson(n)),
    run: (dir: string) => intoStore(dir, (store) => telegramImporter.import(dir, store)),
  })),
];

/** Parses and hands bundles over, keeping none: the parser's own cost and memory. */
class CollectingNoKeep extends CollectingStore {
  override ingest(bundles: Iterable<ChatBundle>): {
    messages: number;
  } {
    let messages = 0;
    for (const b of bundles) messages += b.messages.length;
    return { messages };
  }
}

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === 'child') {
  const s = scenarios[Number(process.argv[3])];
  const dir = process.argv[4];
  if (!s || !dir) throw new Error('bad child args');
  fs.rmSync(path.join(dir, 'store'), { recursive: true, force: true });
  const t = performance.now();
  const left = await s.run(dir);
  const ms = performance.now() - t;
  if (left) left.indexed();
  const indexedMs = left ? performance.now() - t : null;
  process.stdout.write(
    JSON.stringify({ ms, indexedMs, maxRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
} else {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const rows: string[] = [];
  for (const [i, s] of scenarios.entries()) {
    if (ONLY && !ONLY.test(s.name)) continue;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-bench-'));
    try {
      s.prepare(dir);
      const input = fs
        .readdirSync(dir)
        .reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
      const res: { ms: number; indexedMs: number | null; maxRssMb: number }[] = [];
      for (let r = 0; r < RUNS; r++) {
        const out = execFileSync(
          process.execPath,
          ['--import', 'tsx', self, 'child', String(i), dir],
          {
            encoding: 'utf8',
            maxBuffer: 1 << 20,
          },
        );
        res.push(JSON.parse(out) as { ms: number; indexedMs: number | null; maxRssMb: number });
      }
      const ms = median(res.map((x) => x.ms));
      const indexed = res.every((x) => x.indexedMs !== null)
        ? `${(median(res.map((x) => x.indexedMs ?? NaN)) / 1000).toFixed(2)} s`
        : '';
      rows.push(
        `| ${s.name} | ${s.messages.toLocaleString('en')} | ${(input / 2 ** 20).toFixed(1)} MiB | ${(ms / 1000).toFixed(2)} s | ${Math.round((s.messages / ms) * 1000).toLocaleString('en')} | ${indexed} | ${median(res.map((x) => x.maxRssMb)).toFixed(0)} MiB |`,
      );
      process.stderr.write(`${rows[rows.length - 1]}\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(
    `\nImporters, median of ${RUNS} runs (${os.cpus().length} cores, Node ${process.version})\n\n` +
      '| scenario | messages | input | time (rows readable) | messages/s | with search index | peak RSS |\n|---|---:|---:|---:|---:|---:|---:|\n' +
      rows.join('\n') +
      '\n',
  );
}
