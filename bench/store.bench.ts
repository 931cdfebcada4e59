/**
 * Chat store benchmark: `npx tsx bench/store.bench.ts [--messages N] [--chats C] [--seed S]
 * [--dir DIR] [--keep]`. Defaults: 1,000,000 messages in 2,000 chats, no media.
 *
 * Builds a store with the seed generator (timing only the ingest calls, not the generation),
 * then times what the app does: open a chat's newest page, page up, the chat list, search for a
 * common and a rare word. Prints a markdown table of medians (and p95 where asked for).
 *
 * Targets on the 2-core dev machine: insert >= 50,000 msg/s; open chat and page <= 20 ms;
 * chat list <= 30 ms; search (and its next page) p95 <= 50 ms; jump to a date and a calendar
 * month <= 20 ms; match counts, in-chat matches and gallery pages p95 <= 100 ms (they load
 * beside results already shown).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateBundles } from '../src/seed/generate.js';
import { RARE_WORDS } from '../src/seed/text.js';
import { ChatStore } from '../src/store/chat-store.js';
import type { ChatBundle } from '../src/store/records.js';

interface Args {
  messages: number;
  chats: number;
  seed: string;
  dir: string | null;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { messages: 1_000_000, chats: 2_000, seed: '1', dir: null, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--keep') args.keep = true;
    else if (flag === '--messages' && value) args.messages = Number(value);
    else if (flag === '--chats' && value) args.chats = Number(value);
    else if (flag === '--seed' && value) args.seed = value;
    else if (flag === '--dir' && value) args.dir = value;
    // Other flags (e.g. --media-mb from `npm run bench`) are for other benchmarks.
  }
  if (!Number.isSafeInteger(args.messages) || args.messages < 1)
    throw new Error('--messages needs a positive whole number');
  if (!Number.isSafeInteger(args.chats) || args.chats < 1)
    throw new Error('--chats needs a positive whole number');
  return args;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}
const median = (values: number[]): number => percentile(values, 50);

function time<T>(fn: () => T): [number, T] {
  const start = performance.now();
  const result = fn();
  return [performance.now() - start, result];
}

/** Time `fn` `runs` times after `warmup` untimed runs; returns the durations in ms. */
interface Timings {
  /** Elapsed ms per run. */
  wall: number[];
  /** CPU ms per run: what the work costs, whatever else the machine is doing. */
  cpu: number[];
}

/** Time `fn` `runs` times after `warmup` untimed runs; `per` divides each time (per page...). */
function sample(runs: number, fn: (i: number) => unknown, warmup = 2, per = 1): Timings {
  for (let i = 0; i < warmup; i++) fn(i);
  const t: Timings = { wall: [], cpu: [] };
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const [ms] = time(() => fn(i));
    const used = process.cpuUsage(cpu);
    t.wall.push(ms / per);
    t.cpu.push((used.user + used.system) / 1000 / per);
  }
  return t;
}

function timingRow(measure: string, t: Timings, extra = ''): [string, string, string] {
  return [
    measure,
    `p50 ${fmt(median(t.wall))}`,
    `p95 ${fmt(percentile(t.wall, 95))}; CPU p50 ${fmt(median(t.cpu))}, p95 ${fmt(percentile(t.cpu, 95))}${extra}`,
  ];
}

/** The targets for this machine, by measure. */
function targetFor(measure: string): string {
  if (measure.startsWith('Open chat') || measure.startsWith('Page up')) return '<= 20';
  if (measure.startsWith('Chat list: first')) return '<= 30';
  if (measure.startsWith('Search')) return 'p95 <= 50';
  if (measure.startsWith('Count') || measure.startsWith('In-chat')) return 'p95 <= 100';
  if (measure.startsWith('Jump') || measure.startsWith('Calendar')) return '<= 20';
  if (measure.startsWith('Gallery')) return 'p95 <= 100';
  return '';
}

const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

function main(): void {
  const a = parseArgs(process.argv.slice(2));
  const dir = a.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ck-bench-'));
  fs.rmSync(path.join(dir, 'chatkeep.db'), { force: true });
  fs.rmSync(path.join(dir, 'chatkeep.db-wal'), { force: true });
  fs.rmSync(path.join(dir, 'chatkeep.db-shm'), { force: true });
  const rows: Array<[string, string, string, string?]> = [];

  // ---- bulk insert ----
  let store = ChatStore.open(dir);
  const BATCH = 50_000;
  const batchRates: number[] = [];
  let ingestMs = 0;
  let ingestCpuUs = 0;
  let batch: ChatBundle[] = [];
  let inBatch = 0;
  const flush = (): void => {
    if (inBatch === 0) return;
    const cpu = process.cpuUsage();
    const [ms] = time(() => store.ingest(batch));
    const used = process.cpuUsage(cpu);
    ingestCpuUs += used.user + used.system;
    ingestMs += ms;
    batchRates.push(inBatch / (ms / 1000));
    process.stderr.write(
      `  ingested ${batchRates.length * BATCH > a.messages ? a.messages : batchRates.length * BATCH} messages\r`,
    );
    batch = [];
    inBatch = 0;
  };
  for (const bundle of generateBundles({
    messages: a.messages,
    chats: a.chats,
    seed: a.seed,
    sliceMessages: BATCH,
  })) {
    batch.push(bundle);
    inBatch += bundle.messages.length;
    if (inBatch >= BATCH) flush();
  }
  flush();
  process.stderr.write('\n');
  store.close();
  rows.push([
    'Bulk insert (messages/s)',
    `${Math.round(median(batchRates)).toLocaleString('en')} median of ${batchRates.length} ingest calls of up to ${BATCH.toLocaleString('en')} messages`,
    `overall ${Math.round(a.messages / (ingestMs / 1000)).toLocaleString('en')} wall, ${Math.round(a.messages / (ingestCpuUs / 1e6)).toLocaleString('en')} per CPU-second`,
    '>= 50,000',
  ]);

  // ---- reading ----
  store = ChatStore.open(dir);
  try {
    const chats = store.listChats({ limit: 10_000 });
    const bySize = [...chats].sort((x, y) => y.messageCount - x.messageCount);
    // The biggest chats and an even spread of the rest.
    const picks = [
      ...bySize.slice(0, 5),
      ...bySize.filter((_, i) => i % Math.max(1, Math.floor(bySize.length / 45)) === 0),
    ].slice(0, 50);

    const open = sample(
      picks.length,
      (i) => store.getMessages(picks[i % picks.length]?.id ?? 0, { limit: 50 }),
      3,
    );
    rows.push(timingRow('Open chat: newest 50 messages (ms)', open, `; ${picks.length} chats`));

    // Scroll up five pages from the newest; times are per page.
    const pageUp = sample(
      picks.length,
      (i) => {
        const chatId = picks[i % picks.length]?.id ?? 0;
        let page = store.getMessages(chatId, { limit: 50 });
        for (let k = 0; k < 5 && page.hasOlder; k++) {
          const first = page.messages[0];
          if (!first) break;
          page = store.getMessages(chatId, {
            limit: 50,
            before: { sentAt: first.sentAt, id: first.id },
          });
        }
        return page;
      },
      2,
      6,
    );
    rows.push(timingRow('Page up: 50 older messages (ms per page)', pageUp));

    const list = sample(50, () => store.listChats({ limit: 100 }));
    rows.push(
      timingRow(
        'Chat list: first 100 chats (ms)',
        list,
        `; ${chats.length.toLocaleString('en')} chats`,
      ),
    );
    rows.push(
      timingRow(
        'Chat list: all chats (ms)',
        sample(10, () => store.listChats({ limit: 10_000 })),
      ),
    );

    const searches: Array<[string, string]> = [
      ['common word "the"', 'the'],
      ['common prefix "tom" (tomorrow)', 'tom'],
      ['two words "see you"', 'see you'],
      [`rare word "${RARE_WORDS[0] ?? ''}"`, RARE_WORDS[0] ?? 'quetzal'],
      ['Cyrillic "кофе"', 'кофе'],
      ['CJK "咖啡"', '咖啡'],
      ['no match "xyzzyplugh"', 'xyzzyplugh'],
    ];
    for (const [label, query] of searches) {
      let hits = 0;
      const t = sample(30, () => (hits = store.search(query, { limit: 50 }).length));
      rows.push(timingRow(`Search ${label}, 50 newest hits (ms)`, t, `; ${hits} hits`));
    }
    const inChat = picks[0]?.id ?? 0;
    rows.push(
      timingRow(
        'Search "the" within the biggest chat (ms)',
        sample(30, () => store.search('the', { limit: 50, chatId: inChat })),
      ),
    );

    // ---- what the conversation view adds: search pages and counts, in-chat search, gallery ----
    const firstPage = store.searchPage('the', { limit: 50 });
    rows.push(
      timingRow(
        'Search "the", next page of 50 ("Show more") (ms)',
        sample(30, () => store.searchPage('the', { limit: 50, before: firstPage.next ?? 1 })),
      ),
    );
    for (const [label, query] of [
      ['common word "the"', 'the'],
      [`rare word "${RARE_WORDS[0] ?? ''}"`, RARE_WORDS[0] ?? 'quetzal'],
    ] as const) {
      let counted = '';
      const t = sample(20, () => {
        const c = store.countMatches(query);
        counted = `${c.count.toLocaleString('en')}${c.capped ? '+' : ''}`;
      });
      rows.push(timingRow(`Count matches of ${label} (ms)`, t, `; ${counted}`));
    }
    const small = bySize[Math.floor(bySize.length / 2)];
    for (const [label, chat] of [
      ['the biggest chat', picks[0]],
      [`a middle-sized chat (${small?.messageCount ?? 0} messages)`, small],
    ] as const) {
      let found = 0;
      const t = sample(20, () => (found = store.chatMatches('the', chat?.id ?? 0).matches.length));
      rows.push(timingRow(`In-chat matches of "the" in ${label} (ms)`, t, `; ${found} matches`));
    }
    rows.push(
      timingRow(
        'Jump to a date: page around a day (ms)',
        sample(picks.length, (i) => {
          const chat = picks[i % picks.length];
          const at = chat?.lastMessage ? chat.lastMessage.sentAt - 30 * 86_400_000 : 0;
          return store.getMessages(chat?.id ?? 0, { atTime: at, limit: 50 });
        }),
      ),
    );
    rows.push(
      timingRow(
        'Calendar: message counts of 31 days (ms)',
        sample(picks.length, (i) => {
          const chat = picks[i % picks.length];
          const end = chat?.lastMessage?.sentAt ?? 0;
          const bounds = Array.from({ length: 32 }, (_, d) => end - (31 - d) * 86_400_000);
          return store.countMessagesBetween(chat?.id ?? 0, bounds);
        }),
      ),
    );
    for (const tab of ['visual', 'documents', 'links'] as const) {
      rows.push(
        timingRow(
          `Gallery "${tab}": newest 60 in a chat (ms)`,
          sample(picks.length, (i) =>
            store.galleryPage(picks[i % picks.length]?.id ?? 0, tab, { limit: 60 }),
          ),
        ),
      );
    }
    rows.push(
      timingRow(
        'Chat info: media counts of the biggest chat (ms)',
        sample(10, () => store.chatMediaSummary(inChat)),
        `; ${(picks[0]?.messageCount ?? 0).toLocaleString('en')} messages`,
      ),
    );
  } finally {
    store.close();
  }
  const dbBytes = ['chatkeep.db', 'chatkeep.db-wal'].reduce((n, f) => {
    try {
      return n + fs.statSync(path.join(dir, f)).size;
    } catch {
      return n;
    }
  }, 0);
  rows.push([
    'Database size on disk',
    `${(dbBytes / 1024 / 1024).toFixed(1)} MiB`,
    `${Math.round(dbBytes / a.messages)} bytes/message`,
  ]);

  console.log(
    `Store benchmark: ${a.messages.toLocaleString('en')} messages in ${a.chats.toLocaleString('en')} chats, no media; ` +
      `${os.cpus().length} cores, Node ${process.version}, load average at end ${os.loadavg()[0]?.toFixed(1)}\n`,
  );
  console.log('| Measure | Median | Detail | Target |');
  console.log('| --- | --- | --- | --- |');
  for (const [m, v, d, t] of rows) console.log(`| ${m} | ${v} | ${d} | ${t ?? targetFor(m)} |`);
  if (!a.keep && !a.dir) fs.rmSync(dir, { recursive: true, force: true });
}

main();
