import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillStore, storeDigest } from '../backup/faults/store-fixture.js';
import { EXIT } from './exit-codes.js';
import { MARKER_FILE_NAME } from './marker-state.js';
import {
  collect,
  ensureCliBuilt,
  folderBytes,
  runCli,
  spawnCli,
  TEST_PASSWORD,
  testStateDir,
} from './test-helpers.js';

/** The real binary (bin/chatkeep.mjs over the esbuild bundle) on real stores and folders. */

let root: string;
let store: string;
let repo: string;
let fixture: { messages: number; photoBytes: number };
const base = () => ['--repo', repo, '--store', store, '--json'];

beforeAll(async () => {
  await ensureCliBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
  store = path.join(root, 'store');
  repo = path.join(root, 'repo');
  fixture = await fillStore(store, {
    chats: 4,
    messagesPerChat: 60,
    photos: 3,
    photoBytes: 150_000,
  });
  const init = await runCli([...base(), 'init', '--with-recovery-key', '--insecure-test-kdf']);
  expect(init.stderr).toBe('');
  expect(init.status).toBe(EXIT.OK);
  fs.writeFileSync(path.join(root, 'recovery-key'), `${String(init.json?.recoveryKey)}\n`);
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('chatkeep (the bundled binary)', () => {
  it('prints help with the exit codes, and exits 2 on a usage error', async () => {
    const help = await runCli(['--help']);
    expect(help.status).toBe(0);
    for (const cmd of [
      'import',
      'init',
      'backup',
      'snapshots',
      'restore',
      'check',
      'forget',
      'prune',
      'key',
      'stats',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`\\n  ${cmd}\\b`));
    }
    expect(help.stdout).toMatch(/6 +rollback detected/);
    const bad = await runCli(['backup', '--no-such-option']);
    expect(bad.status).toBe(EXIT.USAGE);
    expect(bad.stderr).toMatch(/unknown option/);
    const badMedia = await runCli([...base(), 'backup', '--media', 'photos']);
    expect(badMedia.status).toBe(EXIT.USAGE);
    expect(badMedia.json).toMatchObject({ ok: false, error: { code: 'CLI_USAGE' } });
  });

  it('init printed a recovery key and the loss warning, and refuses a second init', async () => {
    const key = fs.readFileSync(path.join(root, 'recovery-key'), 'utf8').trim();
    expect(key.replace(/[^0-9a-f]/gi, '')).toHaveLength(64);
    const again = await runCli([...base(), 'init', '--insecure-test-kdf']);
    expect(again.status).toBe(EXIT.USAGE);
    expect(again.json).toMatchObject({ ok: false, error: { code: 'REPO_EXISTS' } });
    const human = await runCli(['--repo', path.join(root, 'repo2'), 'init', '--insecure-test-kdf']);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/if both are lost, the backup is lost/);
  });

  it('needs a password source when there is no terminal', async () => {
    const r = await runCli([...base(), 'snapshots'], { password: null });
    expect(r.status).toBe(EXIT.USAGE);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'SECRET_UNAVAILABLE' } });
    expect(r.stderr).toMatch(/--password-file/);
  });

  it('backs up, lists snapshots and restores exactly what the store holds', async () => {
    const b = await runCli([...base(), 'backup']);
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    const snap = (
      b.json as { snapshot: { messageCount: number; sizeAdded: number; chats: { count: number } } }
    ).snapshot;
    expect(snap.messageCount).toBe(fixture.messages);
    expect(snap.chats.count).toBe(4);
    expect(snap.sizeAdded).toBeGreaterThan(fixture.photoBytes);

    const list = await runCli([...base(), 'snapshots']);
    expect(list.status).toBe(0);
    const snapshots = (list.json as { snapshots: { id: string }[] }).snapshots;
    expect(snapshots).toHaveLength(1);

    const target = path.join(root, 'restored');
    const r = await runCli([...base(), 'restore', 'latest', '--target', target]);
    expect(r.status).toBe(0);
    expect(r.json).toMatchObject({
      ok: true,
      restore: { messages: fixture.messages, mediaFiles: 3 },
    });
    expect(await storeDigest(target)).toEqual(await storeDigest(store));
    // The marker of the newest snapshot was recorded in the user's state folder, by
    // repository id (no secret in it).
    const markers = fs.readFileSync(path.join(testStateDir(), MARKER_FILE_NAME), 'utf8');
    expect(markers).toContain(`"id": "${snapshots[0]?.id}"`);
    expect(markers).not.toContain(TEST_PASSWORD);
  });

  it('a second backup of an unchanged store writes next to nothing', async () => {
    const before = folderBytes(path.join(repo, 'data'));
    const b = await runCli([...base(), 'backup']);
    expect(b.status).toBe(0);
    expect(folderBytes(path.join(repo, 'data')) - before).toBeLessThan(4096);
  });

  it('plain lines of progress when piped, none with --json', async () => {
    const plain = await runCli(['--repo', repo, '--store', store, 'backup']);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/Snapshot \w+ saved/);
    expect(plain.stderr).toMatch(/^(scan|messages|media|index|snapshot): /m);
    expect(plain.stderr).not.toContain(String.fromCharCode(27)); // no terminal escapes in a pipe
  });

  it('checks, also reading all data', async () => {
    const c = await runCli([...base(), 'check']);
    expect(c.status).toBe(0);
    expect(c.json).toMatchObject({ ok: true, check: { ok: true, problems: [] } });
    const d = await runCli([...base(), 'check', '--read-data']);
    expect(d.status).toBe(0);
    expect((d.json as { check: { blobsRead: number } }).check.blobsRead).toBeGreaterThan(0);
  });

  it('exit 3 on a wrong password or recovery key; the recovery key file opens', async () => {
    const wrong = await runCli([...base(), 'snapshots'], { password: 'not the password' });
    expect(wrong.status).toBe(EXIT.WRONG_SECRET);
    expect(wrong.json).toMatchObject({
      ok: false,
      error: { code: 'WRONG_SECRET', message: 'Wrong password' },
    });
    const badKeyFile = path.join(root, 'bad-key');
    fs.writeFileSync(badKeyFile, `${'ab'.repeat(32)}\n`);
    const wrongKey = await runCli([...base(), '--recovery-key-file', badKeyFile, 'snapshots'], {
      password: null,
    });
    expect(wrongKey.status).toBe(EXIT.WRONG_SECRET);
    const good = await runCli(
      [...base(), '--recovery-key-file', path.join(root, 'recovery-key'), 'snapshots'],
      { password: null },
    );
    expect(good.status).toBe(0);
  });

  it('manages keys: add, list, change, remove (never the last)', async () => {
    const newPwFile = path.join(root, 'new-pw');
    fs.writeFileSync(newPwFile, 'a second password\n');
    const add = await runCli([
      ...base(),
      'key',
      'add',
      '--new-password-file',
      newPwFile,
      '--insecure-test-kdf',
    ]);
    expect(add.status).toBe(0);
    const addedId = (add.json as { key: { id: string } }).key.id;
    const opened = await runCli([...base(), 'snapshots'], { password: 'a second password' });
    expect(opened.status).toBe(0);

    fs.writeFileSync(newPwFile, 'a third password\n');
    const passwd = await runCli([
      ...base(),
      'key',
      'passwd',
      addedId,
      '--new-password-file',
      newPwFile,
      '--insecure-test-kdf',
    ]);
    expect(passwd.status).toBe(0);
    const renewedId = (passwd.json as { newSlotId: string }).newSlotId;
    expect(renewedId).toMatch(/^[0-9a-f]+$/);
    expect((await runCli([...base(), 'snapshots'], { password: 'a second password' })).status).toBe(
      EXIT.WRONG_SECRET,
    );
    expect((await runCli([...base(), 'snapshots'], { password: 'a third password' })).status).toBe(
      0,
    );

    const list = await runCli([...base(), 'key', 'list']);
    const keys = (list.json as { keys: { id: string; kind: string }[] }).keys;
    expect(keys.map((k) => k.kind).sort()).toEqual(['password', 'password', 'recovery']);
    const rm = await runCli([...base(), 'key', 'remove', renewedId.slice(0, 12)]);
    expect(rm.status).toBe(0);
    expect((await runCli([...base(), 'snapshots'], { password: 'a third password' })).status).toBe(
      EXIT.WRONG_SECRET,
    );
    const remaining = (
      (await runCli([...base(), 'key', 'list'])).json as { keys: { id: string; kind: string }[] }
    ).keys;
    const recovery = remaining.find((k) => k.kind === 'recovery');
    expect((await runCli([...base(), 'key', 'remove', recovery!.id])).status).toBe(0);
    // Removing a key moves the backup to a new key: the slot that stays is written again
    // under a new id, holding it.
    const [lastPassword, ...none] = (
      (await runCli([...base(), 'key', 'list'])).json as { keys: { id: string; kind: string }[] }
    ).keys;
    expect(none).toEqual([]);
    expect(remaining.map((k) => k.id)).not.toContain(lastPassword!.id);
    const last = await runCli([...base(), 'key', 'remove', lastPassword!.id]);
    expect(last.status).toBe(EXIT.USAGE);
    expect(last.json).toMatchObject({ ok: false, error: { code: 'LAST_KEY_SLOT' } });
    expect((await runCli([...base(), 'snapshots'])).status).toBe(0);
  });

  it('reports rollback with exit 6 when the snapshots folder is replaced by an older copy', async () => {
    const older = path.join(root, 'snapshots-copy');
    fs.cpSync(path.join(repo, 'snapshots'), older, { recursive: true });
    await fillStore(store, { chats: 1, messagesPerChat: 5, seed: 77, chatPrefix: 'late' });
    expect((await runCli([...base(), 'backup'])).status).toBe(0);
    fs.rmSync(path.join(repo, 'snapshots'), { recursive: true });
    fs.cpSync(older, path.join(repo, 'snapshots'), { recursive: true });

    const r = await runCli([...base(), 'snapshots']);
    expect(r.status).toBe(EXIT.ROLLBACK);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'ROLLBACK_DETECTED' } });
    expect(r.stderr).toMatch(/older than the one this computer saw last/);
    const b = await runCli([...base(), 'backup']);
    expect(b.status).toBe(EXIT.ROLLBACK);
    // A deliberate replacement is accepted once, after which the marker follows the folder.
    expect((await runCli([...base(), '--accept-rollback', 'snapshots'])).status).toBe(0);
    expect((await runCli([...base(), 'snapshots'])).status).toBe(0);
  });

  it('forgets by policy (dry run changes nothing) and prunes', async () => {
    const dry = await runCli([...base(), 'forget', '--keep-last', '1', '--dry-run']);
    expect(dry.status).toBe(0);
    const removed = (dry.json as { removed: unknown[] }).removed.length;
    expect(removed).toBeGreaterThan(0);
    const count = async () =>
      ((await runCli([...base(), 'snapshots'])).json as { snapshots: unknown[] }).snapshots.length;
    const before = await count();
    const real = await runCli([...base(), 'forget', '--keep-last', '1', '--prune']);
    expect(real.status).toBe(0);
    expect(await count()).toBe(before - removed);
    expect((await runCli([...base(), 'forget'])).status).toBe(EXIT.USAGE);
    const stats = await runCli([...base(), 'stats']);
    expect(stats.json).toMatchObject({ ok: true, stats: { snapshots: 1 } });
    expect((await runCli([...base(), 'check', '--read-data'])).status).toBe(0);
  });

  it('exit 9 for a folder without a repository', async () => {
    const r = await runCli([
      '--repo',
      path.join(root, 'empty'),
      '--store',
      store,
      '--json',
      'snapshots',
    ]);
    expect(r.status).toBe(EXIT.NOT_FOUND);
  });

  it('exit 11 while damaged-looking files are still being written; exit 4 once damage has settled', async () => {
    const dataFiles = fs
      .readdirSync(path.join(repo, 'data'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
    expect(dataFiles.length).toBeGreaterThan(0);
    for (const file of dataFiles) {
      const bytes = fs.readFileSync(file);
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      fs.writeFileSync(file, bytes);
    }
    // Just changed: a sync client may still be writing them.
    const fresh = await runCli([...base(), 'check', '--read-data']);
    expect(fresh.status, fresh.stderr).toBe(EXIT.NOT_SYNCED);
    expect(fresh.stderr).toMatch(/not on this computer yet/);
    const old = new Date(Date.now() - 3600_000);
    for (const file of dataFiles) fs.utimesSync(file, old, old);
    const c = await runCli([...base(), 'check', '--read-data']);
    expect(c.status).toBe(EXIT.DAMAGED);
    const problems = (c.json as { check: { problems: { object: string }[] } }).check.problems;
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.object).toMatch(/^data\//);
    const target = path.join(root, 'restored-damaged');
    const r = await runCli([...base(), 'restore', 'latest', '--target', target]);
    expect(r.status).toBe(EXIT.DAMAGED);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'RESTORE_INCOMPLETE' } });
    expect(r.json).toHaveProperty('restore.missing.problems');
  });
});

describe('chatkeep process behaviour', () => {
  it('Ctrl-C (SIGINT) cancels a backup with exit 8 and leaves the repository consistent', async () => {
    const big = path.join(root, 'big-store');
    await fillStore(big, {
      chats: 10,
      messagesPerChat: 200,
      photos: 60,
      photoBytes: 1_000_000,
      seed: 11,
    });
    const bigRepo = path.join(root, 'big-repo');
    const args = ['--repo', bigRepo, '--store', big];
    expect((await runCli([...args, 'init', '--insecure-test-kdf'])).status).toBe(0);
    const child = spawnCli([...args, 'backup']);
    let interrupted = false;
    child.stderr?.on('data', (d: Buffer) => {
      // Interrupt once the backup is under way (its first progress line).
      if (!interrupted && /^(scan|messages|media): /m.test(d.toString())) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const r = await collect(child);
    expect(interrupted).toBe(true);
    expect(r.status, r.stderr).toBe(EXIT.CANCELLED);
    expect(r.stderr).toMatch(/Cancelling/);
    const list = await runCli([...args, '--json', 'snapshots']);
    expect((list.json as { snapshots: unknown[] }).snapshots).toHaveLength(0);
    expect((await runCli([...args, '--json', 'check'])).status).toBe(0);
    expect((await runCli([...args, '--json', 'backup'])).status).toBe(0);
  });

  it('exit 5 while another backup holds the lock; --retry-lock waits it out', async () => {
    const big = path.join(root, 'big-store');
    const bigRepo = path.join(root, 'big-repo');
    const args = ['--repo', bigRepo, '--store', big];
    await fillStore(big, {
      chats: 5,
      messagesPerChat: 100,
      photos: 40,
      photoBytes: 1_000_000,
      seed: 12,
      chatPrefix: 'more',
    });
    const first = spawnCli([...args, 'backup']);
    const firstDone = collect(first);
    await new Promise<void>((resolve) => {
      first.stderr?.on('data', (d: Buffer) => {
        if (/^(messages|media): /m.test(d.toString())) resolve();
      });
    });
    const [locked, waited] = await Promise.all([
      runCli([...args, '--json', 'backup']),
      runCli([...args, '--json', '--retry-lock', '120', 'backup']),
    ]);
    expect((await firstDone).status).toBe(0);
    expect(locked.status, locked.stderr).toBe(EXIT.LOCKED);
    expect(locked.json).toMatchObject({ ok: false, error: { code: 'REPO_LOCKED' } });
    expect(locked.stderr).toMatch(/The backup is in use: process \d+ on this computer/);
    expect(waited.status, waited.stderr).toBe(0);
  });

  it('--report-rusage writes the peak RSS and CPU time on exit', async () => {
    const file = path.join(root, 'rusage.json');
    const r = await runCli([...base(), '--report-rusage', file, 'snapshots']);
    expect(r.status).toBe(0);
    const usage = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      exitCode: number;
      maxRssBytes: number;
      userCpuMs: number;
    };
    expect(usage.exitCode).toBe(0);
    expect(usage.maxRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(usage.userCpuMs).toBeGreaterThan(0);
  });
});
