/**
 * Real storage servers for tests and benchmarks, each started on 127.0.0.1 with a random port,
 * a temporary folder and throwaway credentials, and stopped again:
 * - Apache httpd with mod_dav (Debian's apache2), Basic authentication;
 * - `rclone serve webdav` of a local folder (Debian's rclone);
 * - OpenSSH's sshd (Debian's openssh-server) with a generated host key and user key;
 * - s3rver (npm) in this process, reached by the AWS SDK over real HTTP;
 * - an rclone `alias` remote in a temporary rclone configuration.
 * Never the system services: nothing here touches their configuration or ports.
 *
 * A missing server binary skips the tests that need it, with the reason, on a developer's
 * machine; where CHATKEEP_TEST_SERVERS=required (CI), it fails them instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { BackendCredentials } from '../open.js';
import type { BackendLocation } from '../location.js';

export const APACHE = '/usr/sbin/apache2';
export const APACHE_MODULES = '/usr/lib/apache2/modules';
export const SSHD = '/usr/sbin/sshd';
export const RCLONE = process.env.RCLONE_BINARY ?? '/usr/bin/rclone';

const isRoot = process.getuid?.() === 0;

/** Whether tests may skip for a missing server binary (not in CI). */
export const serversRequired = process.env.CHATKEEP_TEST_SERVERS === 'required';

/**
 * Null when `binary` is there; otherwise the reason its tests skip. In CI a missing binary is
 * an error: the tests must run there.
 */
export function missingBinary(binary: string, debianPackage: string): string | null {
  if (fs.existsSync(binary)) return null;
  const reason = `${binary} is not installed (Debian package ${debianPackage}); the tests that start it are skipped`;
  if (serversRequired) throw new Error(`${reason}, but CHATKEEP_TEST_SERVERS=required`);
  return reason;
}

export interface TestServer {
  kind: 'apache' | 'rclone-serve' | 'sshd' | 's3rver' | 'rclone-alias';
  /** The repository's location on this server (a fresh, empty place). */
  location: BackendLocation;
  credentials: BackendCredentials;
  /** The folder on this computer where the server keeps the repository's objects. */
  dataDir: string;
  /** The server's TCP port (for a fault proxy in front of it). */
  port: number;
  /** Environment for the CLI to reach it (passwords as docs/cli.md names them). */
  env: Record<string, string>;
  /** Same server, the repository at `location` reached through `host:port` (a proxy). */
  via(port: number): BackendLocation;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the server did not listen on ${port}:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function track(child: ChildProcess): { log: () => string } {
  children.add(child);
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  child.once('exit', () => children.delete(child));
  return { log: () => text };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function tempRoot(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Apache with mod_dav: /dav is a WebDAV folder behind Basic authentication. */
export async function startApacheWebdav(
  opts: { user?: string; password?: string } = {},
): Promise<TestServer> {
  const user = opts.user ?? 'chatkeep';
  const password = opts.password ?? randomBytes(12).toString('hex');
  const root = tempRoot('ck-apache-');
  const dav = path.join(root, 'dav');
  const run = path.join(root, 'run');
  fs.mkdirSync(dav);
  fs.mkdirSync(run);
  // Apache's {SHA} format: no htpasswd binary needed.
  const sha = createHash('sha1').update(password).digest('base64');
  fs.writeFileSync(path.join(root, 'htpasswd'), `${user}:{SHA}${sha}\n`);
  // Started as root, Apache serves as www-data: that user must own what it writes.
  const account = isRoot ? 'www-data' : null;
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const m = APACHE_MODULES;
    const conf = [
      `ServerRoot ${root}`,
      'ServerName 127.0.0.1',
      `Listen 127.0.0.1:${port}`,
      `PidFile ${run}/httpd.pid`,
      `DefaultRuntimeDir ${run}`,
      `Mutex file:${run} default`,
      `ErrorLog ${root}/error.log`,
      'LogLevel warn',
      `LogFormat "%m %U %>s" plain`,
      `CustomLog ${root}/access.log plain`,
      ...(account ? [`User ${account}`, `Group ${account}`] : []),
      // A few threads are plenty for one client, and keep the test's footprint small.
      'StartServers 1',
      'ServerLimit 2',
      'ThreadsPerChild 16',
      'MaxRequestWorkers 32',
      'KeepAliveTimeout 30',
      'Timeout 60',
      `LoadModule mpm_event_module ${m}/mod_mpm_event.so`,
      `LoadModule authz_core_module ${m}/mod_authz_core.so`,
      `LoadModule authn_core_module ${m}/mod_authn_core.so`,
      `LoadModule authn_file_module ${m}/mod_authn_file.so`,
      `LoadModule authz_user_module ${m}/mod_authz_user.so`,
      `LoadModule auth_basic_module ${m}/mod_auth_basic.so`,
      `LoadModule dav_module ${m}/mod_dav.so`,
      `LoadModule dav_fs_module ${m}/mod_dav_fs.so`,
      `LoadModule alias_module ${m}/mod_alias.so`,
      `DavLockDB ${run}/davlock`,
      `Alias /dav ${dav}`,
      `<Directory ${dav}>`,
      '  Dav On',
      '  AuthType Basic',
      '  AuthName "Chatkeep test"',
      `  AuthUserFile ${root}/htpasswd`,
      '  Require valid-user',
      '</Directory>',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(root, 'httpd.conf'), conf);
    if (account) chownTree(root, account);
    const child = spawn(APACHE, ['-f', path.join(root, 'httpd.conf'), '-DFOREGROUND'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { log } = track(child);
    try {
      await waitForPort(port, child, () => log() + readIf(path.join(root, 'error.log')));
    } catch (err) {
      await stopChild(child);
      if (attempt < 3 && /Address already in use/.test(String(err))) continue;
      throw err;
    }
    const url = `http://127.0.0.1:${port}/dav/repo`;
    return {
      kind: 'apache',
      location: { kind: 'webdav', url, user },
      credentials: { password },
      dataDir: path.join(dav, 'repo'),
      port,
      env: { CHATKEEP_WEBDAV_PASSWORD: password },
      via: (p) => ({ kind: 'webdav', url: `http://127.0.0.1:${p}/dav/repo`, user }),
      stop: async () => {
        await stopChild(child);
        fs.rmSync(root, { recursive: true, force: true });
      },
    };
  }
}

/** What Apache logged: one line per request ("METHOD /path STATUS"). */
export function apacheRequests(server: TestServer): string[] {
  const file = path.join(path.dirname(path.dirname(server.dataDir)), 'access.log');
  return readIf(file).split('\n').filter(Boolean);
}

function readIf(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function chownTree(dir: string, account: string): void {
  const { uid, gid } = accountIds(account);
  const walk = (p: string): void => {
    fs.chownSync(p, uid, gid);
    if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  };
  walk(dir);
}

function accountIds(account: string): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${account}:`));
  if (!line) throw new Error(`no user ${account} on this computer`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** `rclone serve webdav` of a local folder, with a user and password. */
export async function startRcloneWebdav(): Promise<TestServer> {
  const root = tempRoot('ck-rclone-serve-');
  const data = path.join(root, 'data');
  fs.mkdirSync(data);
  const conf = path.join(root, 'rclone.conf');
  fs.writeFileSync(conf, '');
  const user = 'chatkeep';
  const password = randomBytes(12).toString('hex');
  const child = spawn(
    RCLONE,
    ['serve', 'webdav', data, '--addr', '127.0.0.1:0', '--config', conf],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RCLONE_USER: user, RCLONE_PASS: password },
    },
  );
  const { log } = track(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rclone did not start:\n${log()}`)), 15_000);
    const look = () => {
      const m = /WebDav Server started on \[?http:\/\/127\.0\.0\.1:(\d+)/.exec(log());
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stderr?.on('data', look);
    child.once('exit', () => reject(new Error(`rclone exited:\n${log()}`)));
  });
  return {
    kind: 'rclone-serve',
    location: { kind: 'webdav', url: `http://127.0.0.1:${port}/repo`, user },
    credentials: { password },
    dataDir: path.join(data, 'repo'),
    port,
    env: { CHATKEEP_WEBDAV_PASSWORD: password },
    via: (p) => ({ kind: 'webdav', url: `http://127.0.0.1:${p}/repo`, user }),
    stop: async () => {
      await stopChild(child);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface SshdServer extends TestServer {
  /** The server's host key fingerprint, as Chatkeep shows it ("SHA256:…"). */
  fingerprint: string;
  /** A second user key sshd does not accept. */
  wrongKey: string;
  /** The user key sshd accepts (OpenSSH private key text). */
  userKey: string;
  /** The host's public key line ("ssh-ed25519 AAAA…"), as known_hosts holds it. */
  hostPublicKey: string;
}

/**
 * A fresh ed25519 key pair that ssh2 can read back. About 1 in 256 pairs from
 * `generateKeyPairSync('ed25519')` cannot be parsed (ssh2 strips a public key's leading zero
 * bytes: mscdex/ssh2#1390, #1513), which made the SFTP tests fail now and then.
 */
function ed25519KeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    const readable = [pair.private, pair.public].every(
      (key) => !(ssh2.utils.parseKey(key) instanceof Error),
    );
    if (readable) return pair;
  }
}

/** OpenSSH's sshd with a fresh host key, accepting one fresh user key for the current user. */
export async function startSshd(): Promise<SshdServer> {
  const root = tempRoot('ck-sshd-');
  const host = ed25519KeyPair();
  const userKey = ed25519KeyPair();
  const wrong = ed25519KeyPair();
  fs.writeFileSync(path.join(root, 'host_key'), host.private, { mode: 0o600 });
  fs.writeFileSync(path.join(root, 'authorized_keys'), `${userKey.public}\n`, { mode: 0o600 });
  const repoDir = path.join(root, 'files', 'repo');
  fs.mkdirSync(path.dirname(repoDir), { recursive: true });
  // sshd run as root separates privileges through this folder; the system service makes it.
  if (isRoot) fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const user = os.userInfo().username;
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const conf = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${root}/host_key`,
      `PidFile ${root}/sshd.pid`,
      `AuthorizedKeysFile ${root}/authorized_keys`,
      // The temporary folder's parents (/tmp) are world-writable: sshd's ownership check
      // would refuse every key there.
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'Subsystem sftp internal-sftp',
      'MaxStartups 50',
      'LogLevel INFO',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(root, 'sshd_config'), conf);
    const child = spawn(SSHD, ['-D', '-e', '-f', path.join(root, 'sshd_config')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { log } = track(child);
    try {
      await waitForPort(port, child, log);
    } catch (err) {
      await stopChild(child);
      if (attempt < 3 && /Address already in use/.test(String(err))) continue;
      throw err;
    }
    const fingerprint = sshFingerprint(host.public);
    return {
      kind: 'sshd',
      location: { kind: 'sftp', host: '127.0.0.1', port, user, path: repoDir },
      credentials: { privateKey: userKey.private, hostKey: fingerprint },
      dataDir: repoDir,
      port,
      fingerprint,
      wrongKey: wrong.private,
      userKey: userKey.private,
      hostPublicKey: host.public.trim(),
      env: {},
      via: (p) => ({ kind: 'sftp', host: '127.0.0.1', port: p, user, path: repoDir }),
      stop: async () => {
        await stopChild(child);
        fs.rmSync(root, { recursive: true, force: true });
      },
    };
  }
}

/** "SHA256:<base64 without padding>" of an OpenSSH public key line, as ssh-keygen -l shows it. */
export function sshFingerprint(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** s3rver in this process, with a bucket; the AWS SDK reaches it over HTTP with SigV4. */
export async function startS3rver(opts: { bucket?: string } = {}): Promise<TestServer> {
  const { default: S3rver } = (await import('s3rver')) as unknown as {
    default: new (o: Record<string, unknown>) => {
      run(): Promise<{ port: number }>;
      close(): Promise<void>;
    };
  };
  const root = tempRoot('ck-s3rver-');
  const bucket = opts.bucket ?? 'chatkeep-test';
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: root,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    kind: 's3rver',
    location: {
      kind: 's3',
      endpoint,
      bucket,
      prefix: 'repo',
      pathStyle: true,
      region: 'us-east-1',
    },
    // s3rver's built-in account.
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    dataDir: path.join(root, bucket),
    port,
    env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
    via: (p) => ({
      kind: 's3',
      endpoint: `http://127.0.0.1:${p}`,
      bucket,
      prefix: 'repo',
      pathStyle: true,
      region: 'us-east-1',
    }),
    stop: async () => {
      await server.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** An rclone `alias` remote onto a local folder, in a temporary rclone configuration. */
export function rcloneAliasRemote(): TestServer & { configFile: string } {
  const root = tempRoot('ck-rclone-remote-');
  const target = path.join(root, 'cloud');
  fs.mkdirSync(target);
  const configFile = path.join(root, 'rclone.conf');
  fs.writeFileSync(configFile, `[ckcloud]\ntype = alias\nremote = ${target}\n`);
  return {
    kind: 'rclone-alias',
    location: { kind: 'rclone', remote: 'ckcloud:backups/chatkeep' },
    credentials: { rcloneConfig: configFile },
    dataDir: path.join(target, 'backups', 'chatkeep'),
    port: 0,
    configFile,
    env: { RCLONE_CONFIG: configFile },
    via: () => ({ kind: 'rclone', remote: 'ckcloud:backups/chatkeep' }),
    stop: async () => {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
