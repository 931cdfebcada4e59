import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BackendNotFoundError, BackendProtocolError, BackendUnavailableError } from '../errors.js';
import type { Backend } from './backend.js';
import { newStats, type RetryPolicy, type TransferStats } from './network.js';
import { createWebdavBackend } from './webdav.js';

export interface RcloneOptions {
  /** "remote:path", a remote of the person's own rclone configuration. */
  remote: string;
  /** The rclone configuration file (default: rclone's own, or RCLONE_CONFIG). */
  configFile?: string;
  /** The rclone program (default: `rclone` on the PATH). */
  binary?: string;
  retry?: RetryPolicy;
  stats?: TransferStats;
  startTimeoutMs?: number;
  timeoutMs?: number;
}

export const RCLONE_MISSING =
  'rclone is not installed on this computer. Install it (https://rclone.org/install/, or your ' +
  'package manager: apt install rclone, brew install rclone, winget install Rclone.Rclone), set ' +
  'up your cloud with "rclone config", then try again.';

/**
 * Any cloud rclone reaches (Google Drive, OneDrive, Dropbox, pCloud, Box, Mega and the rest),
 * through the person's own rclone configuration and sign-in: for the length of the operation,
 * `rclone serve webdav` runs bound to 127.0.0.1 on a random port with a random user and
 * password (given in its environment, so they never show in a process list), and the WebDAV
 * backend talks to it. Closing the backend stops rclone.
 */
export async function createRcloneBackend(
  opts: RcloneOptions,
): Promise<Backend & { stats: TransferStats }> {
  const label = `rclone remote ${opts.remote}`;
  const user = `ck${randomBytes(6).toString('hex')}`;
  const password = randomBytes(24).toString('base64url');
  const args = ['serve', 'webdav', opts.remote, '--addr', '127.0.0.1:0'];
  if (opts.configFile) args.push('--config', opts.configFile);
  let child: ChildProcess;
  try {
    child = spawn(opts.binary ?? 'rclone', args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, RCLONE_USER: user, RCLONE_PASS: password },
      windowsHide: true,
    });
  } catch {
    throw new BackendUnavailableError(RCLONE_MISSING);
  }
  let log = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new BackendProtocolError(
            label,
            'rclone',
            `rclone did not start within ${(opts.startTimeoutMs ?? 30_000) / 1000} s: ${lastLines(log)}`,
          ),
        ),
      opts.startTimeoutMs ?? 30_000,
    );
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new BackendUnavailableError(RCLONE_MISSING) : err);
    });
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /WebDav Server started on \[?http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(startFailure(label, opts.remote, code, log));
    });
  });
  // Keep rclone's later messages short in memory; they only matter when it dies.
  child.stderr!.on('data', () => {
    if (log.length > 64 * 1024) log = log.slice(-16 * 1024);
  });
  const inner = createWebdavBackend({
    url: `http://127.0.0.1:${port}`,
    user,
    password,
    label,
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    stats: opts.stats ?? newStats(),
  });
  return {
    ...inner,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}

function lastLines(log: string): string {
  return log.trim().split('\n').slice(-3).join(' / ').slice(0, 500);
}

function startFailure(label: string, remote: string, code: number | null, log: string): Error {
  const name = remote.slice(0, remote.indexOf(':'));
  if (/didn't find section in config file|not found in config|couldn't find type/i.test(log)) {
    return new BackendNotFoundError(
      label,
      `rclone has no remote named "${name}": run "rclone config" to add it (or "rclone listremotes" to see yours)`,
    );
  }
  return new BackendProtocolError(
    label,
    'rclone',
    `rclone stopped (exit ${code}): ${lastLines(log)}`,
  );
}
