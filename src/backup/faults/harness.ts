import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { collect, runCli, spawnCli, type CliResult } from '../../cli/test-helpers.js';
import { storeDigest } from './store-fixture.js';

/**
 * Shared steps of the fault tests: they drive the real `chatkeep` binary, break it from the
 * outside (signals, resource limits, permissions, replaced folders) and then verify with the
 * same binary that the repository is whole.
 */

export interface Bench {
  root: string;
  /** The --repo location: a folder, or a network location (webdav:…, sftp:…, s3:…, rclone:…). */
  repo: string;
  store: string;
  /** For a network location: what the CLI needs to reach it (passwords, keys). */
  env?: NodeJS.ProcessEnv;
  /** For a network location: the folder where its server keeps the objects. */
  dataDir?: string;
}

export function tempBench(): Bench {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
  return { root, repo: path.join(root, 'repo'), store: path.join(root, 'store') };
}

/**
 * Each bench is its own "user": its own state folder for snapshot markers, so copies of one
 * repository in several benches are not taken for rollbacks of each other.
 */
function benchEnv(b: Bench, env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    CHATKEEP_STATE_DIR: path.join(b.root, 'state'),
    CHATKEEP_CACHE_DIR: path.join(b.root, 'cache'),
    ...b.env,
    ...env,
  };
}

export function cli(b: Bench, args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return runCli(['--repo', b.repo, '--store', b.store, '--json', '--quiet', ...args], {
    env: benchEnv(b, env),
  });
}

export async function initRepo(b: Bench): Promise<void> {
  const r = await cli(b, ['init', '--insecure-test-kdf']);
  expect(r.status, r.stderr).toBe(0);
}

export interface SnapshotInfo {
  id: string;
  seq: number;
  sizeAdded: number;
  messageCount: number;
}

export async function backup(b: Bench): Promise<SnapshotInfo> {
  const r = await cli(b, ['backup']);
  expect(r.status, r.stderr).toBe(0);
  return (r.json as { snapshot: SnapshotInfo }).snapshot;
}

export async function snapshots(b: Bench): Promise<SnapshotInfo[]> {
  const r = await cli(b, ['snapshots']);
  expect(r.status, r.stderr).toBe(0);
  return (r.json as { snapshots: SnapshotInfo[] }).snapshots;
}

/** Restores a snapshot into a fresh folder and returns the store digest of what came back. */
export async function restoredDigest(b: Bench, snapshotId: string): Promise<string> {
  const target = fs.mkdtempSync(path.join(b.root, 'restore-'));
  try {
    const r = await cli(b, ['restore', snapshotId, '--target', target]);
    expect(r.status, r.stderr).toBe(0);
    return (await storeDigest(target)).digest;
  } finally {
    fs.rmSync(target, { recursive: true, force: true });
  }
}

export async function expectCheckPasses(b: Bench, readData = false): Promise<void> {
  const r = await cli(b, readData ? ['check', '--read-data'] : ['check']);
  expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);
}

export interface KilledRun {
  /** The process finished before the signal (nothing was interrupted). */
  finished: boolean;
  status: number | null;
  signal: NodeJS.Signals | null;
}

/** Spawns the CLI and SIGKILLs it after `delayMs` (if it is still running by then). */
export async function killAfter(b: Bench, args: string[], delayMs: number): Promise<KilledRun> {
  const child = spawnCli(['--repo', b.repo, '--store', b.store, '--json', '--quiet', ...args], {
    env: benchEnv(b),
  });
  const done = collect(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  const r = await done;
  clearTimeout(timer);
  return { finished: r.signal === null, status: r.status, signal: r.signal };
}

/** Spawns the CLI and SIGKILLs it as soon as `when()` holds (polled every 10 ms). */
export async function killWhen(b: Bench, args: string[], when: () => boolean): Promise<KilledRun> {
  const child = spawnCli(['--repo', b.repo, '--store', b.store, '--json', '--quiet', ...args], {
    env: benchEnv(b),
  });
  const done = collect(child);
  const timer = setInterval(() => {
    if (when()) child.kill('SIGKILL');
  }, 10);
  const r = await done;
  clearInterval(timer);
  return { finished: r.signal === null, status: r.status, signal: r.signal };
}

/** Bytes of committed pack objects (a pack still being written is a `.tmp-` file). */
export function dataBytes(b: Bench): number {
  const dir = path.join(b.dataDir ?? b.repo, 'data');
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name.startsWith('.tmp-')) continue;
    total += fs.statSync(path.join(e.parentPath, e.name), { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}

/** A seeded PRNG so a failing run can be repeated with the seed it prints. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}
