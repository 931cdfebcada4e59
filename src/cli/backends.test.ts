/**
 * The real `chatkeep` binary against real servers on 127.0.0.1: `--repo webdav:…`, `sftp:…`,
 * `s3:…` and `rclone:…` as restic spells them, credentials from the environment variables
 * docs/cli.md names, SSH host keys pinned and never silently replaced, and locations Chatkeep
 * does not understand refused before anything is created.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocation } from '../backup/backend/location.js';
import { openBackend } from '../backup/backend/open.js';
import {
  APACHE,
  missingBinary,
  RCLONE,
  rcloneAliasRemote,
  SSHD,
  startApacheWebdav,
  startS3rver,
  startSshd,
  type SshdServer,
  type TestServer,
} from '../backup/backend/testing/servers.js';
import { fillStore, storeDigest } from '../backup/faults/store-fixture.js';
import { EXIT } from './exit-codes.js';
import { ensureCliBuilt, runCli } from './test-helpers.js';

let root: string;
let store: string;
let digest: string;

beforeAll(async () => {
  await ensureCliBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-cli-net-'));
  store = path.join(root, 'store');
  await fillStore(store, { chats: 3, messagesPerChat: 40, photos: 3, photoBytes: 120_000 });
  digest = (await storeDigest(store)).digest;
}, 120_000);

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('locations chatkeep does not understand', () => {
  it('a malformed or unknown location is refused with exit 2, and nothing is created', async () => {
    const cwd = fs.mkdtempSync(path.join(root, 'cwd-'));
    for (const repo of [
      'webdav:http:',
      'webdav:http://127.0.0.1:8080/x?y=1',
      'foo:bar',
      'https://host/x',
    ]) {
      const r = await runCli(['--repo', repo, '--json', 'init', '--insecure-test-kdf'], { cwd });
      expect(r.status, `${repo}: ${r.stdout}${r.stderr}`).toBe(EXIT.USAGE);
      expect(r.json).toMatchObject({ ok: false, error: { code: 'INVALID_LOCATION' } });
    }
    // Before, "webdav:http:" made a local folder of that name here.
    expect(fs.readdirSync(cwd)).toEqual([]);
    const badParallel = await runCli(['--repo', 'rclone:x:y', 'snapshots'], {
      cwd,
      env: { CHATKEEP_PARALLEL_UPLOADS: '0' },
    });
    expect(badParallel.status).toBe(EXIT.USAGE);
    expect(badParallel.stderr).toMatch(/CHATKEEP_PARALLEL_UPLOADS must be a whole number/);
    const sftpNoPath = await runCli(['--repo', 'sftp:me@host', 'snapshots'], { cwd });
    expect(sftpNoPath.status).toBe(EXIT.USAGE);
    expect(sftpNoPath.stderr).toMatch(/not a backup location Chatkeep understands/);
  });
});

it('rclone not installed: exit 7 saying how to install it', async () => {
  const r = await runCli(['--repo', 'rclone:gdrive:backup', '--json', 'snapshots'], {
    env: { PATH: path.join(root, 'no-such-bin') },
  });
  expect(r.status, r.stderr).toBe(EXIT.STORAGE);
  const error = (r.json as { error: { code: string; message: string } }).error;
  expect(error.code).toBe('BACKEND_UNAVAILABLE');
  expect(error.message).toMatch(/rclone is not installed on this computer.*rclone config/);
});

interface Case {
  title: string;
  skip: string | null;
  start: () => Promise<TestServer>;
  /** Environment that gets in with a wrong secret, for the exit-3 case (null: not applicable). */
  wrongEnv: ((s: TestServer) => Record<string, string>) | null;
}

const cases: Case[] = [
  {
    title: 'WebDAV (Apache mod_dav), password from CHATKEEP_WEBDAV_PASSWORD',
    skip: missingBinary(APACHE, 'apache2'),
    start: () => startApacheWebdav(),
    wrongEnv: () => ({ CHATKEEP_WEBDAV_PASSWORD: 'not the password' }),
  },
  {
    title: 'S3 (s3rver), keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    skip: null,
    start: () => startS3rver(),
    wrongEnv: () => ({ AWS_ACCESS_KEY_ID: 'NOT-THE-KEY' }),
  },
  {
    title: 'rclone (an alias remote in RCLONE_CONFIG)',
    skip: missingBinary(RCLONE, 'rclone'),
    start: () => Promise.resolve(rcloneAliasRemote()),
    wrongEnv: null,
  },
];

for (const c of cases) {
  const suite = c.skip ? describe.skip : describe;
  suite(`chatkeep --repo ${c.title}${c.skip ? ` (skipped: ${c.skip})` : ''}`, () => {
    let server: TestServer;
    let repo: string;
    const env = () => ({
      ...server.env,
      CHATKEEP_CACHE_DIR: path.join(root, `cache-${server.kind}`),
    });

    beforeAll(async () => {
      server = await c.start();
      repo = formatLocation(server.location);
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('init, backup, an incremental backup, snapshots and restore to a new store', async () => {
      const args = ['--repo', repo, '--store', store, '--json'];
      const init = await runCli([...args, 'init', '--insecure-test-kdf'], { env: env() });
      expect(init.status, init.stderr).toBe(EXIT.OK);
      // Nothing but the result: no library notices on stderr.
      expect(init.stderr).toBe('');
      expect(init.json).toMatchObject({ repo });
      const first = await runCli([...args, 'backup'], { env: env() });
      expect(first.status, first.stderr).toBe(EXIT.OK);
      const transfer = (first.json as { transfer?: { requests: number; bytesUp: number } })
        .transfer;
      expect(transfer?.bytesUp).toBeGreaterThan(300_000);
      const second = await runCli([...args, 'backup'], { env: env() });
      expect(second.status, second.stderr).toBe(EXIT.OK);
      const again = (second.json as { transfer: { bytesUp: number; bytesDown: number } }).transfer;
      // Nothing changed: no data goes up, and the cache spares downloading what it holds.
      expect(again.bytesUp).toBeLessThan(20_000);
      expect(again.bytesDown).toBeLessThan(50_000);
      const list = await runCli([...args, 'snapshots'], { env: env() });
      expect((list.json as { snapshots: unknown[] }).snapshots).toHaveLength(2);
      const target = path.join(root, `restored-${server.kind}`);
      const restored = await runCli(
        ['--repo', repo, '--json', 'restore', 'latest', '--target', target],
        { env: env() },
      );
      expect(restored.status, restored.stderr).toBe(EXIT.OK);
      expect((await storeDigest(target)).digest).toBe(digest);
    });

    if (c.wrongEnv) {
      const wrongEnv = c.wrongEnv;
      it('a wrong server password or key: exit 3 saying the server refused the sign-in', async () => {
        const r = await runCli(['--repo', repo, '--json', 'snapshots'], {
          env: { ...env(), ...wrongEnv(server) },
        });
        expect(r.status, r.stderr).toBe(EXIT.WRONG_SECRET);
        expect(r.json).toMatchObject({ ok: false, error: { code: 'BACKEND_AUTH' } });
      });
    }
  });
}

const sshdSkip = missingBinary(SSHD, 'openssh-server');
(sshdSkip ? describe.skip : describe)(
  `chatkeep --repo sftp: (sshd)${sshdSkip ? ` (skipped: ${sshdSkip})` : ''}`,
  () => {
    let server: SshdServer;
    let repo: string;
    let home: string;
    const env = (extra: Record<string, string> = {}) => ({
      // A home without keys or known_hosts: only what the test gives counts.
      HOME: home,
      SSH_AUTH_SOCK: '',
      CHATKEEP_SFTP_KEY_FILE: path.join(root, 'user_key'),
      CHATKEEP_CACHE_DIR: path.join(root, 'cache-sftp'),
      ...extra,
    });

    beforeAll(async () => {
      server = await startSshd();
      repo = formatLocation(server.location);
      home = fs.mkdtempSync(path.join(root, 'home-'));
      fs.writeFileSync(path.join(root, 'user_key'), server.userKey, { mode: 0o600 });
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('a server never seen: exit 13 showing its fingerprint, and nothing is sent', async () => {
      const r = await runCli(['--repo', repo, '--json', 'init', '--insecure-test-kdf'], {
        env: env(),
      });
      expect(r.status, r.stderr).toBe(EXIT.HOST_KEY);
      const error = (r.json as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('HOST_KEY_UNKNOWN');
      expect(error.message).toContain(server.fingerprint);
      expect(error.message).toContain(`CHATKEEP_SFTP_HOST_KEY=${server.fingerprint}`);
      expect(fs.readdirSync(path.dirname(server.dataDir))).toEqual([]);
    });

    it('trusted by CHATKEEP_SFTP_HOST_KEY: init, backup and restore work', async () => {
      const trusted = env({ CHATKEEP_SFTP_HOST_KEY: server.fingerprint });
      const args = ['--repo', repo, '--store', store, '--json'];
      const init = await runCli([...args, 'init', '--insecure-test-kdf'], { env: trusted });
      expect(init.status, init.stderr).toBe(EXIT.OK);
      const backup = await runCli([...args, 'backup'], { env: trusted });
      expect(backup.status, backup.stderr).toBe(EXIT.OK);
      const target = path.join(root, 'restored-sftp');
      const restored = await runCli(
        ['--repo', repo, '--json', 'restore', 'latest', '--target', target],
        { env: trusted },
      );
      expect(restored.status, restored.stderr).toBe(EXIT.OK);
      expect((await storeDigest(target)).digest).toBe(digest);
    });

    it('trusted because ~/.ssh/known_hosts names the key', async () => {
      const ssh = path.join(home, '.ssh');
      fs.mkdirSync(ssh, { recursive: true });
      fs.writeFileSync(
        path.join(ssh, 'known_hosts'),
        `# a comment\n[127.0.0.1]:${server.port} ${server.hostPublicKey}\n`,
      );
      try {
        const r = await runCli(['--repo', repo, '--json', 'snapshots'], { env: env() });
        expect(r.status, r.stderr).toBe(EXIT.OK);
        expect((r.json as { snapshots: unknown[] }).snapshots).toHaveLength(1);
      } finally {
        fs.rmSync(ssh, { recursive: true, force: true });
      }
    });

    it('a changed host key is refused with exit 13 naming both fingerprints', async () => {
      const pinned = 'SHA256:' + Buffer.alloc(32, 1).toString('base64').replace(/=+$/, '');
      const r = await runCli(['--repo', repo, '--json', 'snapshots'], {
        env: env({ CHATKEEP_SFTP_HOST_KEY: pinned }),
      });
      expect(r.status, r.stderr).toBe(EXIT.HOST_KEY);
      const error = (r.json as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('HOST_KEY_CHANGED');
      expect(error.message).toContain(server.fingerprint);
      expect(error.message).toContain(pinned);
    });

    it('a user key sshd does not accept: exit 3', async () => {
      fs.writeFileSync(path.join(root, 'wrong_key'), server.wrongKey, { mode: 0o600 });
      const r = await runCli(['--repo', repo, '--json', 'snapshots'], {
        env: env({
          CHATKEEP_SFTP_HOST_KEY: server.fingerprint,
          CHATKEEP_SFTP_KEY_FILE: path.join(root, 'wrong_key'),
        }),
      });
      expect(r.status, r.stderr).toBe(EXIT.WRONG_SECRET);
      expect(r.json).toMatchObject({ ok: false, error: { code: 'BACKEND_AUTH' } });
    });
  },
);

describe('chatkeep copy --from … --to …', () => {
  let s3: TestServer;
  let source: string;
  beforeAll(async () => {
    s3 = await startS3rver();
    source = path.join(root, 'copy-source');
    const args = ['--repo', source, '--store', store, '--json'];
    expect((await runCli([...args, 'init', '--insecure-test-kdf'])).status).toBe(EXIT.OK);
    expect((await runCli([...args, 'backup'])).status).toBe(EXIT.OK);
  }, 60_000);
  afterAll(async () => {
    await s3?.stop();
  });

  it('copies a folder backup to S3, finishing an interrupted copy, and the copy restores', async () => {
    // An earlier copy stopped after a few packs: they are not sent again.
    const packs = fs
      .readdirSync(path.join(source, 'data'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => `data/${path.basename(e.parentPath)}/${e.name}`);
    expect(packs.length).toBeGreaterThanOrEqual(1);
    const objects = ['data', 'index', 'snapshots', 'keys', 'copies']
      .filter((d) => fs.existsSync(path.join(source, d)))
      .flatMap((d) =>
        fs
          .readdirSync(path.join(source, d), { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile()),
      );
    const dest = await openBackend(s3.location, s3.credentials);
    await dest.writeAtomic(packs[0]!, fs.readFileSync(path.join(source, packs[0]!)));
    await dest.flush?.();
    await dest.close?.();

    const to = formatLocation(s3.location);
    const r = await runCli(['--json', 'copy', '--from', source, '--to', to, '--read-data'], {
      env: s3.env,
    });
    expect(r.status, r.stderr).toBe(EXIT.OK);
    const copy = (r.json as { copy: { copied: number; alreadyThere: number } }).copy;
    expect(copy.alreadyThere).toBe(1);
    // Everything else: the other packs, index and snapshot files, key slots, config copies, config.
    expect(copy.copied).toBe(objects.length + 1 - 1);
    const target = path.join(root, 'restored-from-copy');
    const restored = await runCli(
      ['--repo', to, '--json', 'restore', 'latest', '--target', target],
      {
        env: { ...s3.env, CHATKEEP_CACHE_DIR: path.join(root, 'cache-copy') },
      },
    );
    expect(restored.status, restored.stderr).toBe(EXIT.OK);
    expect((await storeDigest(target)).digest).toBe(digest);

    // Again: everything is there already, nothing is copied.
    const again = await runCli(['--json', 'copy', '--from', source, '--to', to], { env: s3.env });
    expect(again.status, again.stderr).toBe(EXIT.OK);
    expect((again.json as { copy: { copied: number } }).copy.copied).toBe(0);
  });

  it('refuses a destination that holds another backup, writing nothing', async () => {
    const other = path.join(root, 'copy-other');
    expect(
      (await runCli(['--repo', other, '--store', store, '--json', 'init', '--insecure-test-kdf']))
        .status,
    ).toBe(EXIT.OK);
    const before = fs.readdirSync(other, { recursive: true }).sort();
    const r = await runCli(['--json', 'copy', '--from', source, '--to', other]);
    expect(r.status, r.stderr).toBe(EXIT.USAGE);
    expect((r.json as { error: { message: string } }).error.message).toMatch(
      /already holds something else/,
    );
    expect(fs.readdirSync(other, { recursive: true }).sort()).toEqual(before);
  });
});
