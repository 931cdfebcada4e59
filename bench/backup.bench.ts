/**
 * Backup benchmark: Chatkeep's CLI against restic on the same generated chat store.
 *
 *   npx tsx bench/backup.bench.ts [--messages N --chats C --media-mb M --runs R]
 *   npm run bench:backup -- --backend webdav|sftp|s3 …: network backends (bench/backends.bench.ts)
 *
 * Defaults: 1,000,000 messages, 2,000 chats, 1024 MB media, 3 runs. Each operation runs as a
 * child process of the real bundled CLI (and of /usr/bin/restic), wrapped by a tiny python
 * wait4() shim that reports the child's peak RSS, so both tools are measured the same way.
 * The generated store is cached in /tmp/ck-bench keyed by its parameters and schema version.
 * Prints a markdown table of medians.
 */
import { execFileSync, spawnSync } from 'node:child_process';

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addMessages } from '../src/backup/faults/store-fixture.js';
import { STORE_SCHEMA_VERSION } from '../src/store/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// A private build of the CLI: tests rebuilding out/cli must not change it in the middle of a run.
const CLI_DIR = path.join(ROOT, 'out', 'bench-cli');
const CLI = path.join(CLI_DIR, 'chatkeep.js');
const RESTIC = '/usr/bin/restic';
const CACHE = process.env.CK_BENCH_CACHE ?? '/tmp/ck-bench';
const PASSWORD = 'bench-password-not-secret';

interface Args {
  messages: number;
  chats: number;
  mediaMb: number;
  runs: number;
  keep: boolean;
  /** Init chatkeep's repository with the weakest KDF, to see RSS and time without Argon2id. */
  weakKdf: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    messages: 1_000_000,
    chats: 2_000,
    mediaMb: 1024,
    runs: 3,
    keep: false,
    weakKdf: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = Number(argv[i + 1]);
    if (flag === '--keep' || flag === '--weak-kdf') {
      if (flag === '--keep') args.keep = true;
      else args.weakKdf = true;
      continue;
    }
    if (!Number.isFinite(value)) throw new Error(`${flag} needs a number`);
    if (flag === '--messages') args.messages = value;
    else if (flag === '--chats') args.chats = value;
    else if (flag === '--media-mb') args.mediaMb = value;
    else if (flag === '--runs') args.runs = value;
    else throw new Error(`unknown flag ${flag}`);
    i++;
  }
  return args;
}

interface Measured {
  wallMs: number;
  /** chatkeep only: opening the repository (Argon2id key derivation) and the work itself. */
  openMs?: number;
  operationMs?: number;
  /** chatkeep restore only: from the start until the chats were readable (rows committed). */
  readableMs?: number;
  maxRssBytes: number;
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command under a wait4() shim: wall time and the child's own peak RSS. */
const WAIT4_SHIM = `
import json, os, sys, time
out = sys.argv[1]
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
wall = (time.monotonic() - t0) * 1000
with open(out, 'w') as f:
    json.dump({'status': os.waitstatus_to_exitcode(status), 'maxRssKb': ru.ru_maxrss, 'wallMs': wall}, f)
`;

function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Measured {
  const report = path.join(os.tmpdir(), `ck-bench-rusage-${process.pid}.json`);
  const r = spawnSync('python3', ['-c', WAIT4_SHIM, report, cmd, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const info = JSON.parse(fs.readFileSync(report, 'utf8')) as {
    status: number;
    maxRssKb: number;
    wallMs: number;
  };
  fs.rmSync(report, { force: true });
  if (info.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${info.status}):\n${r.stderr}\n${r.stdout}`);
  }
  return {
    wallMs: info.wallMs,
    maxRssBytes: info.maxRssKb * 1024,
    status: info.status,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

function dirBytes(dir: string): number {
  const out = execFileSync('du', ['-sb', dir], { encoding: 'utf8' });
  return Number(out.split(/\s/)[0]);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/** The generated store, made once per parameter set with the seed CLI and cached. */
function baseStore(a: Args): string {
  // Keyed by the store's schema version too: a store cached by an older Chatkeep is not reused.
  const dir = path.join(
    CACHE,
    `store-v${STORE_SCHEMA_VERSION}-m${a.messages}-c${a.chats}-mb${a.mediaMb}`,
  );
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(CACHE, { recursive: true });
  process.stderr.write(`generating store in ${dir} (cached for later runs)...\n`);
  const t0 = Date.now();
  execFileSync(
    'npx',
    [
      'tsx',
      'src/cli/seed-cli.ts',
      '--messages',
      String(a.messages),
      '--chats',
      String(a.chats),
      '--media-mb',
      String(a.mediaMb),
      '--out',
      dir,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  fs.writeFileSync(path.join(dir, '.complete'), `${Date.now() - t0} ms\n`);
  return dir;
}

interface RunResult {
  ck: Record<Op, Measured & { bytesWritten: number }>;
  restic: Record<Exclude<Op, 'check' | 'open'>, Measured & { bytesWritten: number }>;
  storeBytes: number;
  photoBytes: number;
}
type Op = 'open' | 'first' | 'incr' | 'incrPhotos' | 'restore' | 'check';

/** Set from --weak-kdf for the whole run. */
let weakKdf = false;

function chatkeep(repo: string, store: string, args: string[]): Measured {
  const r = measure(
    process.execPath,
    [CLI, '--repo', repo, '--store', store, '--quiet', '--json', ...args],
    {
      CHATKEEP_PASSWORD: PASSWORD,
      // The CLI accepts a repository with the weakest KDF only when told it is a test.
      ...(weakKdf ? { CHATKEEP_INSECURE_TEST_KDF: '1' } : {}),
    },
  );
  const doc = JSON.parse(r.stdout) as {
    timings?: { openMs?: number; operationMs?: number; readableMs?: number; totalMs?: number };
  };
  const t = doc.timings;
  // readableMs counts from the command's start (after Node's start-up): moved onto the
  // process's wall clock by adding what came before the command's own clock started.
  const readableMs =
    t?.readableMs !== undefined && t.totalMs !== undefined
      ? r.wallMs - t.totalMs + t.readableMs
      : undefined;
  return { ...r, openMs: t?.openMs, operationMs: t?.operationMs, readableMs };
}

function restic(repo: string, args: string[]): Measured {
  return measure(RESTIC, ['--repo', repo, '--quiet', ...args], {
    RESTIC_PASSWORD: PASSWORD,
    RESTIC_CACHE_DIR: path.join(repo, '..', 'restic-cache'),
  });
}

async function oneRun(a: Args, run: number): Promise<RunResult> {
  const work = fs.mkdtempSync(path.join(CACHE, 'run-'));
  try {
    const store = path.join(work, 'store');
    execFileSync('cp', ['-a', '--reflink=auto', baseStore(a), store]);
    fs.rmSync(path.join(store, '.complete'), { force: true });
    const ckRepo = path.join(work, 'ck-repo');
    const rRepo = path.join(work, 'restic-repo');
    const storeBytes = dirBytes(store);

    chatkeep(ckRepo, store, a.weakKdf ? ['init', '--insecure-test-kdf'] : ['init']);
    restic(rRepo, ['init']);
    const withBytes = (repo: string, m: () => Measured) => {
      const before = fs.existsSync(repo) ? dirBytes(repo) : 0;
      const r = m();
      return { ...r, bytesWritten: dirBytes(repo) - before };
    };
    // Backing up the whole store folder (SQLite file + media folder) with restic is what a user
    // pointing restic at the app's data would do.
    const first = withBytes(ckRepo, () => chatkeep(ckRepo, store, ['backup']));
    const rFirst = withBytes(rRepo, () => restic(rRepo, ['backup', store]));

    await addMessages(store, { messages: 1000, photos: 0, seed: run * 2 + 1 });
    const incr = withBytes(ckRepo, () => chatkeep(ckRepo, store, ['backup']));
    const rIncr = withBytes(rRepo, () => restic(rRepo, ['backup', store]));

    const { photoBytes } = await addMessages(store, {
      messages: 1000,
      photos: 10,
      seed: run * 2 + 2,
    });
    const incrPhotos = withBytes(ckRepo, () => chatkeep(ckRepo, store, ['backup']));
    const rIncrPhotos = withBytes(rRepo, () => restic(rRepo, ['backup', store]));

    const restoreDir = path.join(work, 'ck-restored');
    const restore = {
      ...chatkeep(ckRepo, store, ['restore', 'latest', '--target', restoreDir]),
      bytesWritten: 0,
    };
    fs.rmSync(restoreDir, { recursive: true, force: true });
    const rRestoreDir = path.join(work, 'restic-restored');
    const rRestore = {
      ...restic(rRepo, ['restore', 'latest', '--target', rRestoreDir]),
      bytesWritten: 0,
    };
    fs.rmSync(rRestoreDir, { recursive: true, force: true });

    const check = { ...chatkeep(ckRepo, store, ['check', '--read-data']), bytesWritten: 0 };
    // Opening alone (key derivation + listing): the floor under every other row's time and RSS.
    const open = { ...chatkeep(ckRepo, store, ['snapshots']), bytesWritten: 0 };
    return {
      ck: { open, first, incr, incrPhotos, restore, check },
      restic: { first: rFirst, incr: rIncr, incrPhotos: rIncrPhotos, restore: rRestore },
      storeBytes,
      photoBytes,
    };
  } finally {
    if (!a.keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

const MB = 1e6;
const fmtS = (ms: number) => (ms / 1000).toFixed(2);
const fmtMB = (b: number) => (b / MB).toFixed(1);
const fmtBytes = (b: number) =>
  b >= MB ? `${(b / MB).toFixed(2)} MB` : `${(b / 1000).toFixed(1)} kB`;
const ratio = (x: number, y: number) => (y > 0 ? `${(x / y).toFixed(3)}` : 'n/a');

function report(a: Args, results: RunResult[]): string {
  const m = (f: (r: RunResult) => number) => median(results.map(f));
  const storeBytes = m((r) => r.storeBytes);
  const photoBytes = m((r) => r.photoBytes);
  type Pick = (r: RunResult) => Measured & { bytesWritten: number };
  const row = (op: string, ck: Pick, rs: Pick | null, withBytes: boolean, throughput = false) => {
    const ckS = m((r) => ck(r).wallMs);
    const work = m((r) => ck(r).operationMs ?? NaN);
    const rsS = rs ? m((r) => rs(r).wallMs) : NaN;
    const ckB = m((r) => ck(r).bytesWritten);
    const rsB = rs ? m((r) => rs(r).bytesWritten) : NaN;
    const mbs = (ms: number) =>
      throughput ? ` (${(storeBytes / MB / (ms / 1000)).toFixed(0)} MB/s)` : '';
    return [
      op,
      fmtS(ckS) + mbs(ckS),
      Number.isFinite(work) ? fmtS(work) : '-',
      rs ? fmtS(rsS) + mbs(rsS) : '-',
      rs ? ratio(ckS, rsS) : '-',
      withBytes ? fmtBytes(ckB) : '-',
      withBytes && rs ? fmtBytes(rsB) : '-',
      withBytes && rs ? ratio(ckB, rsB) : '-',
      fmtMB(m((r) => ck(r).maxRssBytes)),
      rs ? fmtMB(m((r) => rs(r).maxRssBytes)) : '-',
    ];
  };
  const rows = [
    row('open only (key derivation, list)', (r) => r.ck.open, null, false),
    row(
      'first backup',
      (r) => r.ck.first,
      (r) => r.restic.first,
      true,
      true,
    ),
    row(
      'incremental, +1,000 messages',
      (r) => r.ck.incr,
      (r) => r.restic.incr,
      true,
    ),
    row(
      'incremental, +1,000 messages +10 photos',
      (r) => r.ck.incrPhotos,
      (r) => r.restic.incrPhotos,
      true,
    ),
    row(
      'full restore',
      (r) => r.ck.restore,
      (r) => r.restic.restore,
      false,
    ),
    row(
      'full restore: chats readable (rows committed, before the search index)',
      (r) => ({ ...r.ck.restore, wallMs: r.ck.restore.readableMs ?? NaN, operationMs: undefined }),
      (r) => r.restic.restore,
      false,
    ),
    row('check --read-data', (r) => r.ck.check, null, false),
  ];
  const header = [
    'operation',
    'chatkeep s (process)',
    'chatkeep s (work, after open)',
    'restic s',
    'time ratio',
    'chatkeep written',
    'restic written',
    'bytes ratio',
    'chatkeep peak RSS MB',
    'restic peak RSS MB',
  ];
  const resticVersion = execFileSync(RESTIC, ['version'], { encoding: 'utf8' }).split(' ')[1];
  const lines = [
    `Backup benchmark: ${a.messages.toLocaleString('en')} messages, ${a.chats.toLocaleString('en')} chats, ` +
      `${a.mediaMb} MB media; store ${fmtMB(storeBytes)} MB; medians of ${results.length} run(s); ` +
      `${os.cpus().length} cores, Node ${process.version}; restic ${resticVersion}` +
      (a.weakKdf ? '; chatkeep repository with the weakest KDF (--weak-kdf)' : ''),
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `10 photos added: ${fmtBytes(photoBytes)}. Process times include Node start-up and opening the ` +
      (a.weakKdf
        ? 'repository (here with the weakest KDF, so the RSS column shows the work itself); '
        : 'repository (Argon2id MODERATE: ~0.7 s and 256 MiB, see the first row); ') +
      "restic's include its key derivation too.",
  ];
  const ckFirst = m((r) => r.ck.first.wallMs);
  const rFirst = m((r) => r.restic.first.wallMs);
  const ckRestore = m((r) => r.ck.restore.wallMs);
  const rRestore = m((r) => r.restic.restore.wallMs);
  const ckReadable = m((r) => r.ck.restore.readableMs ?? NaN);
  const ckIncr = m((r) => r.ck.incr.bytesWritten);
  const rIncr = m((r) => r.restic.incr.bytesWritten);
  const ckIncrS = m((r) => r.ck.incr.wallMs);
  const ckIncrWork = m((r) => r.ck.incr.operationMs ?? NaN);
  const ckPhotos = m((r) => r.ck.incrPhotos.bytesWritten);
  const ops = ['first', 'incr', 'incrPhotos', 'restore', 'check'] as const;
  const peak = Math.max(...ops.map((op) => m((r) => r.ck[op].maxRssBytes)));
  const openRss = m((r) => r.ck.open.maxRssBytes);
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  lines.push(
    '',
    'Targets:',
    `- first backup at twice restic's throughput: ${verdict(ckFirst * 2 <= rFirst)} (${fmtS(ckFirst)} s vs ${fmtS(rFirst)} s, ${ratio(rFirst, ckFirst)}x)`,
    `- full restore within 2.5x restic's time: ${verdict(ckRestore <= rRestore * 2.5)} (${fmtS(ckRestore)} s vs ${fmtS(rRestore)} s, ${ratio(ckRestore, rRestore)}x)`,
    `- chats readable within restic's restore time: ${verdict(ckReadable <= rRestore)} (${fmtS(ckReadable)} s vs ${fmtS(rRestore)} s)`,
    `- +1,000 messages in <= 1.0 s after opening: ${verdict(ckIncrWork <= 1000)} (${fmtS(ckIncrWork)} s)`,
    `- peak RSS <= 150 MB outside key derivation: ${verdict(peak <= 150 * MB)} (max ${fmtMB(peak)} MB` +
      (a.weakKdf
        ? ', weakest KDF)'
        : `, with Argon2id MODERATE; opening alone ${fmtMB(openRss)} MB)`),
    `- first backup at least as fast as restic: ${verdict(ckFirst <= rFirst)} (${fmtS(ckFirst)} s vs ${fmtS(rFirst)} s)`,
    `- +1,000 messages writes <= 1/20 of restic's bytes: ${verdict(ckIncr * 20 <= rIncr)} (${fmtBytes(ckIncr)} vs ${fmtBytes(rIncr)})`,
    `- +1,000 messages in < 2 s: ${verdict(ckIncrS < 2000)} for the whole process (${fmtS(ckIncrS)} s), ` +
      `${verdict(ckIncrWork < 2000)} for the backup after opening (${fmtS(ckIncrWork)} s)`,
    `- +photos writes at most the photos plus the 1,000-message increment (1% allowed for encryption ` +
      `and pack headers): ${verdict(ckPhotos <= (photoBytes + ckIncr) * 1.01)} (${fmtBytes(ckPhotos)} vs ${fmtBytes(photoBytes)} + ${fmtBytes(ckIncr)})`,
    `- peak RSS < 300 MB: ${verdict(peak < 300 * MB)} (max ${fmtMB(peak)} MB; opening alone peaks at ${fmtMB(openRss)} MB)`,
  );
  return lines.join('\n');
}

async function mainBench(): Promise<void> {
  // --backend webdav|sftp|s3: the network backends against the folder (bench/backends.bench.ts).
  if (process.argv.includes('--backend')) {
    const { runBackendsBench } = await import('./backends.bench.js');
    await runBackendsBench(process.argv.slice(2));
    return;
  }
  const a = parseArgs(process.argv.slice(2));
  weakKdf = a.weakKdf;
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'build-cli.mjs'), '--outdir', CLI_DIR],
    {
      stdio: 'inherit',
    },
  );
  baseStore(a);
  const results: RunResult[] = [];
  for (let run = 0; run < a.runs; run++) {
    process.stderr.write(`run ${run + 1}/${a.runs}...\n`);
    results.push(await oneRun(a, run));
  }
  process.stdout.write(`${report(a, results)}\n`);
}

await mainBench();
