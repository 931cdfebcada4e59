/**
 * `npm run bench:import-preview`: how long the Import page waits for its preview of the shared
 * WhatsApp export (../shared/fixtures/whatsapp-export-ios/chat-export.zip), from `import.inspect`
 * to the reply, through the real app services: a new import worker per inspection, as the app
 * runs it. Two ways the worker can be loaded:
 * - "bundled": `out/main/import.worker.js`, as Electron's main starts it (`npm run build` first);
 * - "from source": the TypeScript worker under tsx, as unit tests and the e2e bridge start it.
 * Prints a markdown table of medians (and the slowest run) of `--runs` inspections (default 15).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setWorkerBundleDir } from '../src/node/worker-entry';
import { createAppServices } from '../src/services/app-services';
import { dispatch } from '../src/services/dispatch';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXPORT = path.resolve(root, '../shared/fixtures/whatsapp-export-ios/chat-export.zip');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function measure(): Promise<number[]> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ck-bench-preview-'));
  const picks: string[] = [];
  const services = await createAppServices({
    dataDir,
    info: {
      name: 'Chatkeep',
      version: 'bench',
      platform: process.platform,
      shell: 'bridge',
      mediaBaseUrl: '/media/',
    },
    platform: {
      openExternal: async () => {},
      pickPath: async () => picks.shift() ?? null,
      saveText: async () => true,
    },
    folders: { detect: async () => [], validate: async () => null },
    schedule: false,
  });
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      picks.push(EXPORT);
      const grant = await dispatch(services.handlers, 'files.pick', { purpose: 'import-file' });
      if (!grant.ok || !grant.value) throw new Error('no grant');
      const started = performance.now();
      const reply = await dispatch(services.handlers, 'import.inspect', {
        grantId: (grant.value as { grantId: string }).grantId,
      });
      times.push(performance.now() - started);
      if (!reply.ok) throw new Error(reply.error.message);
    }
  } finally {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return times;
}

if (!existsSync(EXPORT)) throw new Error(`missing fixture ${EXPORT}`);
const rows: string[] = [];
const source = await measure();
const bundleDir = path.join(root, 'out/main');
let bundled: number[] | null = null;
if (existsSync(path.join(bundleDir, 'import.worker.js'))) {
  setWorkerBundleDir(bundleDir);
  bundled = await measure();
}
const row = (name: string, t: number[]) =>
  `| ${name} | ${Math.round(median(t))} ms | ${Math.round(Math.max(...t))} ms |`;
if (bundled) rows.push(row('bundled worker (the app)', bundled));
rows.push(row('worker from source (tests, e2e bridge)', source));
console.log(
  `Preview of chat-export.zip (${Math.round(statSync(EXPORT).size / 1024)} KB), ${RUNS} inspections each, load average ${os.loadavg()[0]!.toFixed(1)}\n`,
);
console.log('| worker | median | slowest |\n| --- | ---: | ---: |');
console.log(rows.join('\n'));
if (!bundled)
  console.log('\n(no out/main/import.worker.js: run `npm run build` for the app’s figure)');
