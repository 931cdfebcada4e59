import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/exit-codes.js';
import {
  BIN,
  collect,
  ensureCliBuilt,
  TEST_PASSWORD,
  type CliResult,
} from '../../cli/test-helpers.js';
import {
  backup,
  expectCheckPasses,
  initRepo,
  restoredDigest,
  snapshots,
  tempBench,
  type Bench,
} from './harness.js';
import { fillStore, storeDigest } from './store-fixture.js';
import { hasSetpriv, isRoot, letNobodyReach, NOBODY, restoreReachModes } from './as-nobody.js';

/**
 * A full disk and a folder we may not write to, made real rather than mocked:
 *
 * - Disk full: the CLI runs under `ulimit -f` (RLIMIT_FSIZE), so the kernel fails any write
 *   past the limit with EFBIG, exactly where ENOSPC would come from on a full disk (SIGXFSZ is
 *   ignored, so the process sees the error instead of dying). A loop-mounted tiny filesystem
 *   would need root mounts, which CI containers rarely allow.
 * - Permission denied: these tests run as root, and root ignores file modes, so the CLI is run
 *   as the unprivileged user `nobody` (setpriv) against folders it does not own.
 *
 * Afterwards the error must be the typed storage error (exit 7, saying which problem and what to
 * do), and the repository unharmed: every object that was there is byte-identical, `check`
 * passes, the earlier snapshot restores exactly and a later backup succeeds.
 */

let b: Bench;
let firstDigest: string;
let firstId: string;

beforeAll(async () => {
  await ensureCliBuilt();
  if (isRoot && hasSetpriv) letNobodyReach(BIN);
  b = tempBench();
  await fillStore(b.store, { chats: 5, messagesPerChat: 100, photos: 3, photoBytes: 200_000 });
  await initRepo(b);
  firstId = (await backup(b)).id;
  firstDigest = (await storeDigest(b.store)).digest;
  // New content, so the next backup has several MB of packs to write.
  await fillStore(b.store, {
    chats: 5,
    messagesPerChat: 100,
    photos: 12,
    photoBytes: 1_000_000,
    seed: 3,
    chatPrefix: 'new',
  });
});

afterAll(() => {
  if (b) fs.rmSync(b.root, { recursive: true, force: true });
  restoreReachModes();
});

/** Name -> SHA-256 of every object except locks (which come and go by design). */
function objectDigests(repo: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of fs.readdirSync(repo, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = path.relative(repo, path.join(e.parentPath, e.name));
    if (rel.startsWith('locks') || path.basename(rel).startsWith('.tmp-')) continue;
    out.set(
      rel,
      createHash('sha256')
        .update(fs.readFileSync(path.join(repo, rel)))
        .digest('hex'),
    );
  }
  return out;
}

function expectObjectsKept(before: Map<string, string>): void {
  const after = objectDigests(b.repo);
  for (const [name, digest] of before) expect(after.get(name), name).toBe(digest);
}

async function expectRepositoryUnharmed(before: Map<string, string>): Promise<void> {
  expectObjectsKept(before);
  await expectCheckPasses(b, true);
  const snaps = await snapshots(b);
  expect(snaps.map((s) => s.id)).toEqual([firstId]);
  expect(await restoredDigest(b, firstId)).toBe(firstDigest);
}

function run(wrapper: string[], args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const child = spawn(
    wrapper[0]!,
    [
      ...wrapper.slice(1),
      process.execPath,
      BIN,
      '--repo',
      b.repo,
      '--store',
      b.store,
      '--json',
      '--quiet',
      ...args,
    ],
    {
      env: { ...process.env, CHATKEEP_PASSWORD: TEST_PASSWORD, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return collect(child);
}

describe('storage errors', () => {
  it('disk full (RLIMIT_FSIZE): exit 7 naming the problem, repository unharmed', async () => {
    const before = objectDigests(b.repo);
    // bash counts `ulimit -f` in KiB: no file of the backup may grow past 512 KiB.
    const r = await run(
      ['bash', '-c', 'trap "" XFSZ; ulimit -f 512; exec "$@"', 'bash'],
      ['backup'],
    );
    expect(r.status, r.stderr).toBe(EXIT.STORAGE);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'STORAGE' } });
    expect(r.stderr).toMatch(/disk .* is full/i);
    await expectRepositoryUnharmed(before);
  });

  it.skipIf(!isRoot || !hasSetpriv)(
    'permission denied on the whole folder: exit 7, repository unharmed',
    async () => {
      fs.chmodSync(b.root, 0o755);
      fs.chownSync(b.store, NOBODY, NOBODY);
      for (const e of fs.readdirSync(b.store, { recursive: true, withFileTypes: true })) {
        fs.chownSync(path.join(e.parentPath, e.name), NOBODY, NOBODY);
      }
      const before = objectDigests(b.repo);
      const r = await run(
        ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'],
        ['backup'],
        { HOME: b.root },
      );
      expect(r.status, r.stderr).toBe(EXIT.STORAGE);
      expect(r.json).toMatchObject({ ok: false, error: { code: 'STORAGE' } });
      expect(r.stderr).toMatch(/may not write to the backup folder/);
      await expectRepositoryUnharmed(before);
    },
  );

  it.skipIf(!isRoot || !hasSetpriv)(
    'permission denied on the data folder only (fails mid-backup): exit 7, repository unharmed',
    async () => {
      // Everything writable by `nobody` except data/, so the lock is taken and the failure
      // comes in the middle of writing packs.
      for (const e of fs.readdirSync(b.repo, { recursive: true, withFileTypes: true })) {
        const p = path.join(e.parentPath, e.name);
        if (!path.relative(b.repo, p).startsWith('data')) fs.chownSync(p, NOBODY, NOBODY);
      }
      fs.chownSync(b.repo, NOBODY, NOBODY);
      const before = objectDigests(b.repo);
      const r = await run(
        ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'],
        ['backup'],
        { HOME: b.root },
      );
      expect(r.status, r.stderr).toBe(EXIT.STORAGE);
      expect(r.stderr).toMatch(/may not write to the backup folder/);
      await expectRepositoryUnharmed(before);
    },
  );

  it('after the problem is fixed, the next backup succeeds', async () => {
    const next = await backup(b);
    expect(next.seq).toBe(2);
    expect(await restoredDigest(b, next.id)).toBe((await storeDigest(b.store)).digest);
  });
});
