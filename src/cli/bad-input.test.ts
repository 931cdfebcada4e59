import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AS_NOBODY,
  hasSetpriv,
  isRoot,
  letNobodyReach,
  restoreReachModes,
} from '../backup/faults/as-nobody.js';
import { fillStore } from '../backup/faults/store-fixture.js';
import { EXIT } from './exit-codes.js';
import {
  BIN,
  collect,
  ensureCliBuilt,
  runCli,
  TEST_PASSWORD,
  testStateDir,
} from './test-helpers.js';
import { spawn } from 'node:child_process';

/**
 * Wrong paths and unusable files get exit 2 (usage) or 7 (storage) and one sentence that says
 * what is wrong and what to do: never a raw errno line, a stack trace hint or "status: -1".
 */

let root: string;
let repo: string;
let store: string;

beforeAll(async () => {
  await ensureCliBuilt();
  root = fs.mkdtempSync(path.join(testStateDir(), '..', 'ck-bad-'));
  repo = path.join(root, 'repo');
  store = path.join(root, 'store');
  await fillStore(store, { chats: 2, messagesPerChat: 20 });
  const init = await runCli(['--repo', repo, '--store', store, 'init', '--insecure-test-kdf']);
  expect(init.status, init.stderr).toBe(0);
  const b = await runCli(['--repo', repo, '--store', store, 'backup']);
  expect(b.status, b.stderr).toBe(0);
  fs.writeFileSync(path.join(root, 'a-file'), 'x');
  fs.mkdirSync(path.join(root, 'a-folder'));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  restoreReachModes();
});

function expectOneSentence(r: { stderr: string }): void {
  expect(r.stderr).not.toMatch(/\bE[A-Z]{3,}\b:/); // "ENOENT: no such file"
  expect(r.stderr).not.toMatch(/status: -1|CHATKEEP_DEBUG|at .*\.js:\d+/);
  expect(r.stderr).toMatch(/^chatkeep: \S.*\.\s*$/m);
}

describe('bad inputs', () => {
  it('a password file that does not exist, or is a folder: exit 2 naming it', async () => {
    for (const [file, why] of [
      [path.join(root, 'missing'), 'it does not exist'],
      [path.join(root, 'a-folder'), 'it is a folder, not a file'],
    ] as const) {
      const r = await runCli(
        ['--repo', repo, '--store', store, '--password-file', file, 'snapshots'],
        {
          password: null,
        },
      );
      expect(r.status, r.stderr).toBe(EXIT.USAGE);
      expect(r.stderr).toContain(`Cannot read the secret file ${file}: ${why}.`);
      expectOneSentence(r);
    }
  });

  it('a repository or store path that is a file: exit 2', async () => {
    const file = path.join(root, 'a-file');
    const asRepo = await runCli(['--repo', file, '--store', store, 'snapshots']);
    expect(asRepo.status).toBe(EXIT.USAGE);
    expect(asRepo.stderr).toContain('is a file, not a folder');
    expectOneSentence(asRepo);
    const asStore = await runCli(['--repo', repo, '--store', file, 'backup']);
    expect(asStore.status).toBe(EXIT.USAGE);
    expect(asStore.stderr).toContain('is a file, not a chat store folder');
    expectOneSentence(asStore);
    const asTarget = await runCli(['--repo', repo, '--store', store, 'restore', '--target', file]);
    expect(asTarget.status).toBe(EXIT.USAGE);
    expectOneSentence(asTarget);
    const init = await runCli(['--repo', file, 'init', '--insecure-test-kdf']);
    expect(init.status).toBe(EXIT.USAGE);
  });

  it('a folder that is not a chat store: exit 2 saying so', async () => {
    const r = await runCli(['--repo', repo, '--store', path.join(root, 'a-folder'), 'backup']);
    expect(r.status).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/is not a chat store \(there is no chatkeep\.db in it\)/);
    expectOneSentence(r);
  });

  it('a backup folder without its key files: exit 7 saying it is incomplete, never "Wrong password"', async () => {
    const copy = path.join(root, 'no-keys');
    fs.cpSync(repo, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'keys'), { recursive: true });
    fs.rmSync(path.join(copy, 'copies', 'keys'), { recursive: true });
    const r = await runCli(['--repo', copy, '--store', store, 'snapshots']);
    expect(r.status, r.stderr).toBe(EXIT.STORAGE);
    expect(r.stderr).toMatch(/has no key files/);
    expect(r.stderr).not.toMatch(/Wrong password/);
    expectOneSentence(r);
  });

  it('init over a folder holding part of a backup (config still syncing): exit 2, nothing touched', async () => {
    const copy = path.join(root, 'syncing');
    fs.cpSync(repo, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'config'));
    fs.rmSync(path.join(copy, 'copies', 'config'));
    const before = fs.readdirSync(copy, { recursive: true }).sort();
    const r = await runCli(['--repo', copy, 'init', '--insecure-test-kdf']);
    expect(r.status).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/already holds parts of a Chatkeep backup .* may still be syncing/);
    expect(fs.readdirSync(copy, { recursive: true }).sort()).toEqual(before);
    // The password still opens it (the key slots carry the config).
    const s = await runCli(['--repo', copy, '--store', store, '--json', 'snapshots']);
    expect(s.status, s.stderr).toBe(0);
  });

  it('the insecure test KDF is refused unless the test-only variable is set', async () => {
    const r = await runCli(['--repo', path.join(root, 'weak'), 'init', '--insecure-test-kdf'], {
      env: { CHATKEEP_INSECURE_TEST_KDF: '' },
    });
    expect(r.status).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/too weak.*CHATKEEP_INSECURE_TEST_KDF=1/);
    expect(fs.existsSync(path.join(root, 'weak', 'keys'))).toBe(false);
  });

  describe.skipIf(!isRoot || !hasSetpriv)('as a user without the rights (nobody)', () => {
    function asNobody(args: string[]): ReturnType<typeof collect> {
      const child = spawn(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), process.execPath, BIN, ...args], {
        env: {
          ...process.env,
          HOME: root,
          CHATKEEP_PASSWORD: TEST_PASSWORD,
          CHATKEEP_STATE_DIR: path.join(root, 'nobody-state'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return collect(child);
    }

    beforeAll(() => {
      letNobodyReach(BIN);
      fs.chmodSync(root, 0o777);
    });

    it('an unreadable chat store: exit 7 saying so', async () => {
      fs.chmodSync(store, 0o700);
      const r = await asNobody(['--repo', repo, '--store', store, 'backup']);
      expect(r.status, r.stderr).toBe(EXIT.STORAGE);
      expect(r.stderr).toMatch(/may not use the chat store folder .* \(permission denied\)/);
      expectOneSentence(r);
      fs.chmodSync(store, 0o755);
    });

    it('a backup folder this user may only read: check and restore work, backup says why not', async () => {
      for (const e of fs.readdirSync(repo, { recursive: true, withFileTypes: true })) {
        fs.chmodSync(path.join(e.parentPath, e.name), e.isDirectory() ? 0o755 : 0o644);
      }
      fs.chmodSync(repo, 0o755);
      const before = fs.readdirSync(repo, { recursive: true }).sort();
      const check = await asNobody(['--repo', repo, '--store', store, 'check', '--read-data']);
      expect(check.status, check.stderr).toBe(0);
      const target = path.join(root, 'nobody-target');
      const restore = await asNobody([
        '--repo',
        repo,
        '--store',
        store,
        'restore',
        '--target',
        target,
      ]);
      expect(restore.status, restore.stderr).toBe(0);
      const backup = await asNobody(['--repo', repo, '--store', store, 'backup']);
      expect(backup.status).toBe(EXIT.STORAGE);
      expect(fs.readdirSync(repo, { recursive: true }).sort()).toEqual(before);
    });
  });
});
