import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { statSync } from 'node:fs';
import type { Backend } from '../backup/backend/backend.js';
import {
  describeLocation,
  parseLocation,
  type BackendLocation,
} from '../backup/backend/location.js';
import { DEFAULT_RETRY } from '../backup/backend/network.js';
import { openBackend, type BackendCredentials } from '../backup/backend/open.js';
import { HostKeyUnknownError } from '../backup/errors.js';
import { defaultCacheDir, defaultStateDir } from './app-paths.js';
import type { CommandContext } from './context.js';
import { CliUsageError, SecretUnavailableError } from './errors.js';
import { HostKeyPins, knownHostsFingerprints } from './host-keys.js';
import type { SecretIo } from './secrets.js';

/**
 * `--repo` as a backup location (a folder, or webdav:, sftp:, s3:, rclone:), and the storage
 * behind it opened with credentials from the environment (docs/cli.md, *Backup locations*) or
 * asked for on the terminal.
 */

export const WEBDAV_PASSWORD_ENV = 'CHATKEEP_WEBDAV_PASSWORD';
export const SFTP_PASSWORD_ENV = 'CHATKEEP_SFTP_PASSWORD';
export const SFTP_KEY_FILE_ENV = 'CHATKEEP_SFTP_KEY_FILE';
export const SFTP_KEY_PASSPHRASE_ENV = 'CHATKEEP_SFTP_KEY_PASSPHRASE';
export const SFTP_HOST_KEY_ENV = 'CHATKEEP_SFTP_HOST_KEY';
/** How long to keep retrying one request before reporting the server offline (default 120). */
export const RETRY_SECONDS_ENV = 'CHATKEEP_NET_RETRY_SECONDS';
/** Pack uploads in flight at once to a network location (default 4, at most 32). */
export const PARALLEL_UPLOADS_ENV = 'CHATKEEP_PARALLEL_UPLOADS';

export function requireLocation(
  ctx: CommandContext,
  value?: string,
  option = '--repo',
): BackendLocation {
  const text = value ?? ctx.g.repo ?? ctx.io.secrets.env.CHATKEEP_REPO;
  if (!text) {
    throw new CliUsageError(
      `Which repository? Pass ${option} LOCATION (a folder, or webdav:, sftp:, s3:, rclone:; or set CHATKEEP_REPO).`,
    );
  }
  const loc = withRegion(parseLocation(text), ctx.io.secrets.env);
  if (loc.kind === 'folder') {
    const st = statSync(loc.path, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) {
      throw new CliUsageError(`${option} ${text} is a file, not a folder: pass the backup folder.`);
    }
  }
  return loc;
}

/** Opens the storage; for SFTP, first makes sure the server's host key is trusted. */
export async function openLocation(ctx: CommandContext, loc: BackendLocation): Promise<Backend> {
  const io = ctx.io.secrets;
  const creds = await credentialsFor(loc, io);
  const retrySeconds = Number(io.env[RETRY_SECONDS_ENV]);
  const parallel = io.env[PARALLEL_UPLOADS_ENV];
  if (parallel !== undefined && !/^([1-9]|[12][0-9]|3[0-2])$/.test(parallel)) {
    throw new CliUsageError(`${PARALLEL_UPLOADS_ENV} must be a whole number from 1 to 32.`);
  }
  const opts = {
    cacheDir: defaultCacheDir(io.env),
    ...(parallel !== undefined ? { parallelUploads: Number(parallel) } : {}),
    ...(retrySeconds > 0
      ? {
          retry: {
            ...DEFAULT_RETRY,
            budgetMs: retrySeconds * 1000,
            maxDelayMs: Math.min(15_000, retrySeconds * 250),
          },
        }
      : {}),
  };
  if (loc.kind !== 'sftp') return openBackend(loc, creds, opts);

  const pins = new HostKeyPins(defaultStateDir(io.env));
  const hostPort = `${loc.host}:${loc.port ?? 22}`;
  const pinned = io.env[SFTP_HOST_KEY_ENV] ?? (await pins.get(hostPort));
  const known = await knownHostsFingerprints(loc.host, loc.port ?? 22);
  const trusted = [...(pinned ? [pinned] : []), ...known];
  const backend = await openBackend(loc, { ...creds, hostKey: trusted }, opts);
  try {
    await backend.stat('config');
    return backend;
  } catch (err) {
    await backend.close?.();
    if (!(err instanceof HostKeyUnknownError)) throw err;
    // First connection: the person compares the fingerprint with the server's, then trusts it.
    if (!io.interactive || !io.confirm) {
      throw Object.assign(err, {
        message:
          `${err.message} Without a terminal to confirm on, set ${SFTP_HOST_KEY_ENV}=${err.fingerprint} ` +
          'once you have checked it.',
      });
    }
    ctx.out.warn(
      `${describeLocation(loc)}: the server's host key fingerprint is ${err.fingerprint}`,
    );
    if (!(await io.confirm(`Trust ${err.host} with the host key ${err.fingerprint}?`))) throw err;
    await pins.set(hostPort, err.fingerprint);
    return openBackend(loc, { ...creds, hostKey: err.fingerprint }, opts);
  }
}

/** What a location needs to sign in, from the environment or the terminal. */
export async function credentialsFor(
  loc: BackendLocation,
  io: SecretIo,
): Promise<BackendCredentials> {
  const env = io.env;
  switch (loc.kind) {
    case 'folder':
    case 'rclone':
      // rclone signs in with the person's own rclone configuration (RCLONE_CONFIG honoured).
      return {};
    case 'webdav': {
      if (!loc.user) return {};
      const password =
        env[WEBDAV_PASSWORD_ENV] ??
        (io.interactive
          ? await io.prompt(`WebDAV password for ${loc.user} at ${new URL(loc.url).host}:`)
          : undefined);
      if (password === undefined) {
        throw new SecretUnavailableError(
          `Need the WebDAV password for ${loc.user}, but there is no terminal to ask on. Set ${WEBDAV_PASSWORD_ENV}.`,
        );
      }
      return { password };
    }
    case 'sftp': {
      const creds: BackendCredentials = {};
      if (env[SFTP_PASSWORD_ENV]) creds.password = env[SFTP_PASSWORD_ENV];
      if (env.SSH_AUTH_SOCK) creds.agent = env.SSH_AUTH_SOCK;
      const keyFile = env[SFTP_KEY_FILE_ENV] ?? (await defaultKeyFile());
      if (keyFile) {
        try {
          creds.privateKey = await readFile(keyFile, 'utf8');
        } catch (err) {
          if (env[SFTP_KEY_FILE_ENV]) {
            throw new SecretUnavailableError(
              `Cannot read the SSH key ${keyFile} (${(err as NodeJS.ErrnoException).code ?? err}).`,
            );
          }
        }
        if (creds.privateKey && looksEncrypted(creds.privateKey)) {
          const passphrase =
            env[SFTP_KEY_PASSPHRASE_ENV] ??
            (io.interactive
              ? await io.prompt(`Passphrase for the SSH key ${keyFile}:`)
              : undefined);
          if (passphrase !== undefined) creds.passphrase = passphrase;
        }
      }
      if (!creds.password && !creds.privateKey && !creds.agent && io.interactive) {
        creds.password = await io.prompt(
          `SSH password for ${loc.user ?? os.userInfo().username}@${loc.host}:`,
        );
      }
      return creds;
    }
    case 's3': {
      // Named as the AWS SDK and CLI name them; without keys the SDK's own chain applies
      // (~/.aws/credentials, AWS_PROFILE, instance roles).
      const creds: BackendCredentials = {};
      if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
        creds.accessKeyId = env.AWS_ACCESS_KEY_ID;
        creds.secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
        if (env.AWS_SESSION_TOKEN) creds.sessionToken = env.AWS_SESSION_TOKEN;
      }
      return creds;
    }
  }
}

/** The region from the environment when the location does not name one. */
export function withRegion(loc: BackendLocation, env: NodeJS.ProcessEnv): BackendLocation {
  if (loc.kind !== 's3' || loc.region) return loc;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return region ? { ...loc, region } : loc;
}

async function defaultKeyFile(): Promise<string | null> {
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const file = path.join(os.homedir(), '.ssh', name);
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
  }
  return null;
}

/** OpenSSH keys with a KDF (bcrypt) or PEM keys marked ENCRYPTED need a passphrase. */
function looksEncrypted(key: string): boolean {
  if (/ENCRYPTED/.test(key)) return true;
  const m = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END/.exec(key);
  if (!m) return false;
  const blob = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
  // "openssh-key-v1\0", then the cipher name as a length-prefixed string: "none" when clear.
  const off = 15;
  const len = blob.readUInt32BE(off);
  return blob.subarray(off + 4, off + 4 + len).toString() !== 'none';
}
