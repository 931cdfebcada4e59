import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Running the real `chatkeep` binary from tests: bin/chatkeep.mjs over the esbuild bundle,
 * exactly what `npx chatkeep` runs after `npm ci`.
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'chatkeep.mjs');
export const TEST_PASSWORD = 'correct horse battery staple';

const LOCK = path.join(ROOT, 'out', '.cli-build.lock');

/** Builds the bundle once per test file; concurrent test files take turns (mkdir is atomic). */
export async function ensureCliBuilt(): Promise<void> {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock left by a killed test run: stale after a minute.
      const age =
        Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 60_000) fs.rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for the CLI build lock');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-cli.mjs')], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed, when it is one JSON document. */
  json: Record<string, unknown> | null;
}

export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  password?: string | null;
  /** The working folder (default: the test's). */
  cwd?: string;
}

/**
 * The CLI keeps per-user state (snapshot markers, a client id) in a state folder: each test
 * process gets its own, so test files never see each other's markers.
 */
let stateDir: string | null = null;
export function testStateDir(): string {
  stateDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'ck-state-'));
  return stateDir;
}

export function spawnCli(args: string[], o: CliRunOptions = {}): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CHATKEEP_STATE_DIR: testStateDir(),
    // Tests create repositories with the cheapest Argon2 parameters (`--insecure-test-kdf`).
    CHATKEEP_INSECURE_TEST_KDF: '1',
    ...o.env,
  };
  delete env.CHATKEEP_REPO;
  if (o.password !== null) env.CHATKEEP_PASSWORD = o.password ?? TEST_PASSWORD;
  else delete env.CHATKEEP_PASSWORD;
  return spawn(process.execPath, [BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(o.cwd ? { cwd: o.cwd } : {}),
  });
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => {
      let json: Record<string, unknown> | null = null;
      try {
        json = JSON.parse(stdout) as Record<string, unknown>;
      } catch {
        json = null;
      }
      resolve({ status, signal, stdout, stderr, json });
    });
  });
}

export function runCli(args: string[], o: CliRunOptions = {}): Promise<CliResult> {
  return collect(spawnCli(args, o));
}

/** Total bytes of the files under a folder. */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}
