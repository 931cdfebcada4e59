/**
 * Backends benchmark: a first backup and an incremental one (+1,000 messages) with Chatkeep's
 * CLI to a folder, WebDAV (Apache mod_dav), SFTP (OpenSSH sshd) and S3 (s3rver), all on
 * 127.0.0.1, and restic to the same kinds of server where it has a backend for them.
 *
 *   npm run bench:backup -- --backend webdav|sftp|s3 [--backend …] [--messages N --chats C
 *     --media-mb M --runs R]
 *   (or npx tsx bench/backends.bench.ts with the same flags; without --backend: all three)
 *
 * The folder backend always runs too: network throughput is shown as a multiple of it.
 * Defaults: 1,000,000 messages, 2,000 chats, 1024 MB media, 1 run (the store is the one
 * bench/backup.bench.ts generates and caches in /tmp/ck-bench). Chatkeep's times are its
 * `operationMs` (the backup itself, without the password's key derivation); restic's are wall
 * times. Requests and bytes downloaded are what Chatkeep's --json `transfer` reports.
 * Prints a markdown table of medians.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatLocation } from '../src/backup/backend/location.js';
import {
  startApacheWebdav,
  startS3rver,
  startSshd,
  type SshdServer,
  type TestServer,
} from '../src/backup/backend/testing/servers.js';
import { addMessages } from '../src/backup/faults/store-fixture.js';
import { STORE_SCHEMA_VERSION } from '../src/store/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI_DIR = path.join(ROOT, 'out', 'bench-cli');
const CLI = path.join(CLI_DIR, 'chatkeep.js');
const RESTIC = '/usr/bin/restic';
const CACHE = process.env.CK_BENCH_CACHE ?? '/tmp/ck-bench';
const PASSWORD = 'bench-password-not-secret';

type Kind = 'folder' | 'webdav' | 'sftp' | 's3';
const KINDS: Kind[] = ['folder', 'webdav', 'sftp', 's3'];

interface Args {
  messages: number;
  chats: number;
  mediaMb: number;
  runs: number;
  kinds: Kind[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { messages: 1_000_000, chats: 2_000, mediaMb: 1024, runs: 1, kinds: [] };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--backend') {
      for (const k of (argv[i + 1] ?? '').split(/[,|]/)) {
        if (k !== 'webdav' && k !== 'sftp' && k !== 's3')
          throw new Error(`--backend takes webdav, sftp or s3 (got "${k}")`);
        if (!a.kinds.includes(k)) a.kinds.push(k);
      }
      continue;
    }
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v)) throw new Error(`${argv[i]} needs a number`);
    if (argv[i] === '--messages') a.messages = v;
    else if (argv[i] === '--chats') a.chats = v;
    else if (argv[i] === '--media-mb') a.mediaMb = v;
    else if (argv[i] === '--runs') a.runs = v;
    else throw new Error(`unknown flag ${argv[i]}`);
  }
  const chosen = a.kinds.length > 0 ? a.kinds : KINDS.filter((k) => k !== 'folder');
  a.kinds = ['folder', ...chosen];
  return a;
}

function baseStore(a: Args): string {
  const dir = path.join(
    CACHE,
    `store-v${STORE_SCHEMA_VERSION}-m${a.messages}-c${a.chats}-mb${a.mediaMb}`,
  );
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(CACHE, { recursive: true });
  process.stderr.write(`generating store in ${dir} (cached for later runs)...\n`);
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
  fs.writeFileSync(path.join(dir, '.complete'), 'ok\n');
  return dir;
}

interface CkResult {
  operationMs: number;
  requests: number;
  bytesUp: number;
  bytesDown: number;
}

/**
 * Runs a command without blocking this process's event loop: s3rver answers from this very
 * process (spawnSync would starve it).
 */
function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function chatkeep(
  repo: string,
  store: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<CkResult> {
  const r = await run(
    process.execPath,
    [CLI, '--repo', repo, '--store', store, '--quiet', '--json', ...args],
    { CHATKEEP_PASSWORD: PASSWORD, ...env },
  );
  if (r.status !== 0) throw new Error(`chatkeep ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  const doc = JSON.parse(r.stdout) as {
    timings?: { operationMs?: number };
    transfer?: { requests: number; bytesUp: number; bytesDown: number };
  };
  return {
    operationMs: doc.timings?.operationMs ?? NaN,
    requests: doc.transfer?.requests ?? NaN,
    bytesUp: doc.transfer?.bytesUp ?? NaN,
    bytesDown: doc.transfer?.bytesDown ?? NaN,
  };
}

/** restic's wall time for one command. */
async function restic(
  repo: string,
  args: string[],
  extra: string[],
  env: NodeJS.ProcessEnv,
): Promise<number | null> {
  const t0 = Date.now();
  const r = await run(RESTIC, ['--repo', repo, '--quiet', ...extra, ...args], {
    RESTIC_PASSWORD: PASSWORD,
    ...env,
  });
  if (r.status !== 0) {
    // Reported as "failed" in the table (restic 0.14 and s3rver do not agree on everything).
    process.stderr.write(`restic ${args[0]} at ${repo} failed: ${r.stderr.trim()}\n`);
    return null;
  }
  return Date.now() - t0;
}

interface Place {
  ck: { repo: string; env: NodeJS.ProcessEnv };
  restic: { repo: string; extra: string[]; env: NodeJS.ProcessEnv } | null;
  stop: () => Promise<void>;
}

async function place(kind: Kind, work: string): Promise<Place> {
  const cache = { CHATKEEP_CACHE_DIR: path.join(work, `cache-${kind}`) };
  if (kind === 'folder') {
    return {
      ck: { repo: path.join(work, 'ck-folder'), env: cache },
      restic: { repo: path.join(work, 'restic-folder'), extra: [], env: {} },
      stop: async () => undefined,
    };
  }
  let server: TestServer;
  if (kind === 'webdav') server = await startApacheWebdav();
  else if (kind === 'sftp') server = await startSshd();
  else server = await startS3rver();
  const env: NodeJS.ProcessEnv = { ...cache, ...server.env };
  let r: Place['restic'] = null;
  if (kind === 'sftp') {
    const sshd = server as SshdServer;
    const key = path.join(work, 'user_key');
    fs.writeFileSync(key, sshd.userKey, { mode: 0o600 });
    Object.assign(env, {
      CHATKEEP_SFTP_KEY_FILE: key,
      CHATKEEP_SFTP_HOST_KEY: sshd.fingerprint,
      SSH_AUTH_SOCK: '',
    });
    const loc = server.location as { user: string; path: string };
    r = {
      repo: `sftp:${loc.user}@127.0.0.1:${path.dirname(loc.path)}/restic`,
      extra: [
        '-o',
        // sftp.command (not sftp.args, which Debian 12's restic 0.14 lacks).
        `sftp.command=ssh -p ${server.port} -i ${key} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null ${loc.user}@127.0.0.1 -s sftp`,
      ],
      env: {},
    };
  } else if (kind === 's3') {
    const loc = server.location as { endpoint: string; bucket: string };
    r = { repo: `s3:${loc.endpoint}/${loc.bucket}/restic`, extra: [], env: server.env };
  }
  // restic has no WebDAV backend of its own.
  return { ck: { repo: formatLocation(server.location), env }, restic: r, stop: server.stop };
}

interface Row {
  firstMs: number;
  firstMBps: number;
  incrRequests: number;
  incrDown: number;
  incrMs: number;
  resticFirstMs: number | null;
  resticIncrMs: number | null;
}

async function oneRun(a: Args, kind: Kind, run: number): Promise<Row> {
  const work = fs.mkdtempSync(path.join(CACHE, `backends-${kind}-`));
  const p = await place(kind, work);
  try {
    const store = path.join(work, 'store');
    execFileSync('cp', ['-a', '--reflink=auto', baseStore(a), store]);
    fs.rmSync(path.join(store, '.complete'), { force: true });
    const storeBytes = Number(
      execFileSync('du', ['-sb', store], { encoding: 'utf8' }).split(/\s/)[0],
    );
    await chatkeep(p.ck.repo, store, ['init'], p.ck.env);
    const first = await chatkeep(p.ck.repo, store, ['backup'], p.ck.env);
    let resticFirstMs: number | null = null;
    let resticIncrMs: number | null = null;
    process.stderr.write(`  chatkeep first backup: ${(first.operationMs / 1000).toFixed(1)} s\n`);
    if (
      p.restic &&
      (await restic(p.restic.repo, ['init'], p.restic.extra, p.restic.env)) !== null
    ) {
      resticFirstMs = await restic(p.restic.repo, ['backup', store], p.restic.extra, p.restic.env);
    }
    await addMessages(store, { messages: 1000, photos: 0, seed: run * 2 + 1 });
    const incr = await chatkeep(p.ck.repo, store, ['backup'], p.ck.env);
    if (p.restic && resticFirstMs !== null)
      resticIncrMs = await restic(p.restic.repo, ['backup', store], p.restic.extra, p.restic.env);
    return {
      firstMs: first.operationMs,
      firstMBps: storeBytes / 1e6 / (first.operationMs / 1000),
      incrRequests: incr.requests,
      incrDown: incr.bytesDown,
      incrMs: incr.operationMs,
      resticFirstMs,
      resticIncrMs,
    };
  } finally {
    await p.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function runBackendsBench(argv: string[]): Promise<void> {
  const a = parseArgs(argv);
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'build-cli.mjs'), '--outdir', CLI_DIR],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  baseStore(a);
  const rows = new Map<Kind, Row[]>();
  for (let run = 0; run < a.runs; run++) {
    for (const kind of a.kinds) {
      process.stderr.write(`run ${run + 1}/${a.runs}: ${kind}\n`);
      rows.set(kind, [...(rows.get(kind) ?? []), await oneRun(a, kind, run)]);
    }
  }
  const m = (kind: Kind, f: (r: Row) => number | null) => {
    const v = rows.get(kind)!.map(f);
    return v.some((x) => x === null) ? null : median(v as number[]);
  };
  const s = (ms: number | null) => (ms === null ? 'n/a' : (ms / 1000).toFixed(2));
  const rs = (kind: Kind, ms: number | null) =>
    kind === 'webdav' ? 'no backend' : ms === null ? 'failed' : (ms / 1000).toFixed(2);
  const folderMBps = m('folder', (r) => r.firstMBps)!;
  const lines = [
    `Backends: ${a.messages.toLocaleString('en')} messages, ${a.chats} chats, ${a.mediaMb} MB media; ` +
      `medians of ${a.runs} run(s); ${os.cpus().length} cores, Node ${process.version}; servers on 127.0.0.1.`,
    '',
    '| Backend | first backup s | MB/s | × folder | +1,000 msgs s | requests | downloaded | restic first s | restic +1,000 s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const kind of a.kinds) {
    const mbps = m(kind, (r) => r.firstMBps)!;
    const down = m(kind, (r) => r.incrDown);
    lines.push(
      `| ${kind} | ${s(m(kind, (r) => r.firstMs))} | ${mbps.toFixed(1)} | ${(mbps / folderMBps).toFixed(2)} | ` +
        `${s(m(kind, (r) => r.incrMs))} | ${kind === 'folder' ? 'n/a' : m(kind, (r) => r.incrRequests)} | ` +
        `${kind === 'folder' || down === null ? 'n/a' : `${(down / 1e3).toFixed(1)} kB`} | ` +
        `${rs(
          kind,
          m(kind, (r) => r.resticFirstMs),
        )} | ${rs(
          kind,
          m(kind, (r) => r.resticIncrMs),
        )} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

// Run directly (npx tsx bench/backends.bench.ts …) rather than through backup.bench.ts.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runBackendsBench(process.argv.slice(2));
}
