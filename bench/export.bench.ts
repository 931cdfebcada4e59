/**
 * Export benchmark: `npx tsx bench/export.bench.ts [--messages N] [--chats C] [--runs R]
 * [--formats html,json,txt] [--dir DIR] [--keep]`. Defaults: 1,000,000 messages in 200 chats,
 * no media, 3 runs of HTML and JSON.
 *
 * Builds a store with the seed generator, then exports it whole, each run in a fresh process so
 * its peak RSS is its own (tsx and better-sqlite3 included). Prints a markdown table of medians:
 * time, messages per second, bytes written and MB/s, peak RSS.
 *
 * Target: a 1M-message export runs in bounded memory, peak RSS <= 300 MB.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

interface Args {
  messages: number;
  chats: number;
  runs: number;
  formats: string[];
  dir: string | null;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    messages: 1_000_000,
    chats: 200,
    runs: 3,
    formats: ['html', 'json'],
    dir: null,
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--keep') a.keep = true;
    else if (flag === '--messages' && value) a.messages = Number(value);
    else if (flag === '--chats' && value) a.chats = Number(value);
    else if (flag === '--runs' && value) a.runs = Number(value);
    else if (flag === '--formats' && value) a.formats = value.split(',');
    else if (flag === '--dir' && value) a.dir = value;
  }
  return a;
}

interface RunReport {
  ms: number;
  messages: number;
  bytes: number;
  maxRssBytes: number;
}

/** One export in this process (the child side). */
async function child(store: string, format: string, out: string): Promise<void> {
  const { ChatStore } = await import('../src/store/index.js');
  const { runExport } = await import('../src/export/index.js');
  const s = ChatStore.open(store, { readonly: true, lean: true });
  const started = performance.now();
  const r = await runExport(s, out, {
    format: format as 'html' | 'json' | 'txt',
    chats: 'all',
    timeZone: 'UTC',
    mediaTypes: [],
  });
  const ms = performance.now() - started;
  s.close();
  const report: RunReport = {
    ms,
    messages: r.messages,
    bytes: r.bytesWritten,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor((s.length - 1) / 2)] ?? NaN;
};
const mb = (bytes: number) => bytes / (1024 * 1024);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    await child(argv[1]!, argv[2]!, argv[3]!);
    return;
  }
  const a = parseArgs(argv);
  const dir = a.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ck-bench-export-'));
  const store = path.join(dir, 'store');
  if (!fs.existsSync(path.join(store, 'chatkeep.db'))) {
    const { generateStore } = await import('../src/seed/generate.js');
    const t = performance.now();
    generateStore({ out: store, messages: a.messages, chats: a.chats, seed: 'bench-export' });
    console.error(
      `store: ${a.messages} messages in ${a.chats} chats, ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  const rows: string[] = [];
  for (const format of a.formats) {
    const reports: RunReport[] = [];
    for (let run = 0; run < a.runs; run++) {
      const out = path.join(dir, `out-${format}-${run}`);
      fs.rmSync(out, { recursive: true, force: true });
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(here, 'export.bench.ts'), '--child', store, format, out],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      if (r.status !== 0) throw new Error(`export ${format} failed: ${r.stderr}`);
      const report = JSON.parse(r.stdout.trim().split('\n').pop()!) as RunReport;
      reports.push(report);
      console.error(
        `${format} run ${run + 1}: ${(report.ms / 1000).toFixed(1)} s, ${mb(report.bytes).toFixed(0)} MB, peak RSS ${mb(report.maxRssBytes).toFixed(0)} MB`,
      );
      fs.rmSync(out, { recursive: true, force: true });
    }
    const ms = median(reports.map((r) => r.ms));
    const bytes = median(reports.map((r) => r.bytes));
    const rss = median(reports.map((r) => r.maxRssBytes));
    const messages = reports[0]?.messages ?? 0;
    rows.push(
      `| ${format === 'html' ? 'HTML archive (folder)' : format === 'json' ? 'JSON records' : 'WhatsApp text'} | ${messages.toLocaleString('en')} | ${(ms / 1000).toFixed(1)} s | ${Math.round(messages / (ms / 1000)).toLocaleString('en')} | ${mb(bytes).toFixed(0)} MB | ${(mb(bytes) / (ms / 1000)).toFixed(1)} | ${mb(rss).toFixed(0)} MB |`,
    );
  }
  console.log(
    `Export of ${a.messages.toLocaleString('en')} messages in ${a.chats} chats (no media), median of ${a.runs} runs, each in its own process:\n`,
  );
  console.log('| format | messages | time | messages/s | written | MB/s | peak RSS |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) console.log(row);
  if (!a.keep && !a.dir) fs.rmSync(dir, { recursive: true, force: true });
}

await main();
