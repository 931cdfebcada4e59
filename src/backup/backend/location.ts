import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { InvalidLocationError } from '../errors.js';

/**
 * Where a repository lives, as data: a tagged, serialisable value that travels through the
 * worker, the settings file and the CLI instead of a folder path. Never holds a secret: the
 * password, key passphrase or secret access key come separately (`BackendCredentials`), from
 * the OS keychain, the environment or a prompt.
 *
 * The text form follows restic's spelling:
 *   /path/to/folder, folder:/path
 *   webdav:https://user@host/path
 *   sftp:user@host:/abs/path, sftp:user@host:rel/path (from the home folder),
 *   sftp:user@host:2222/abs/path, sftp://user@host:2222/abs/path
 *   s3:https://endpoint/bucket/prefix (s3:endpoint/bucket/prefix means https)
 *   rclone:remote:path
 */
export type BackendLocation =
  | { kind: 'folder'; path: string }
  | { kind: 'webdav'; url: string; user?: string }
  | { kind: 'sftp'; host: string; port?: number; user?: string; path: string }
  | {
      kind: 's3';
      endpoint: string;
      bucket: string;
      prefix: string;
      region?: string;
      /** Bucket in the path (MinIO, most S3-compatible servers) rather than in the host name. */
      pathStyle?: boolean;
    }
  | { kind: 'rclone'; remote: string };

export type BackendKind = BackendLocation['kind'];
export const BACKEND_KINDS = ['folder', 'webdav', 'sftp', 's3', 'rclone'] as const;

const hostRe = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/;
const userRe = /^[^\s:@/]{1,128}$/;
const bucketRe = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const remoteRe = /^[\w.\- ]{1,64}:[^\n]*$/;

/** The settings file's and the IPC contract's shape of a location (strict, bounded). */
export const locationSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('folder'),
    path: z
      .string()
      .min(1)
      .max(4096)
      .refine((p) => path.isAbsolute(p), 'must be an absolute path'),
  }),
  z.strictObject({
    kind: z.literal('webdav'),
    url: z
      .string()
      .max(2048)
      .refine(
        (u) => /^https?:\/\//.test(u) && !/\/\/[^/]*@/.test(u),
        'an http(s) URL without a user',
      ),
    user: z.string().regex(userRe).optional(),
  }),
  z.strictObject({
    kind: z.literal('sftp'),
    host: z.string().max(255).regex(hostRe),
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().regex(userRe).optional(),
    path: z.string().min(1).max(4096),
  }),
  z.strictObject({
    kind: z.literal('s3'),
    endpoint: z
      .string()
      .max(2048)
      .refine((u) => /^https?:\/\/[^/@]+$/.test(u), 'an http(s) URL of the server alone'),
    bucket: z.string().regex(bucketRe),
    prefix: z
      .string()
      .max(1024)
      .regex(/^([^/]+(\/[^/]+)*)?$/),
    region: z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/)
      .optional(),
    pathStyle: z.boolean().optional(),
  }),
  z.strictObject({ kind: z.literal('rclone'), remote: z.string().max(1024).regex(remoteRe) }),
]);

/** Parses a location as a person types it (`--repo`, CHATKEEP_REPO). */
export function parseLocation(text: string, cwd = process.cwd()): BackendLocation {
  const raw = text.trim();
  if (raw === '') throw new InvalidLocationError(text, 'it is empty');
  // A Windows drive letter ("C:\…") is a folder; any longer "word:" prefix names a kind.
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]+):(.*)$/s.exec(raw);
  if (!scheme) return checked(text, { kind: 'folder', path: path.resolve(cwd, raw) });
  const [, prefix, rest] = scheme as unknown as [string, string, string];
  switch (prefix.toLowerCase()) {
    case 'folder':
      if (rest === '') throw new InvalidLocationError(text, 'give the folder after "folder:"');
      return checked(text, { kind: 'folder', path: path.resolve(cwd, rest) });
    case 'webdav':
      return checked(text, parseWebdav(text, rest));
    case 'sftp':
      return checked(text, parseSftp(text, rest));
    case 's3':
      return checked(text, parseS3(text, rest));
    case 'rclone':
      return checked(text, parseRclone(text, rest));
    case 'http':
    case 'https':
      throw new InvalidLocationError(
        text,
        `write "webdav:${raw}" for a WebDAV server (Nextcloud, ownCloud, a NAS), or "s3:${raw}/BUCKET" for S3-compatible storage`,
      );
    default:
      throw new InvalidLocationError(
        text,
        `"${prefix}:" is not a kind of location. Use a folder path, or one of webdav:, sftp:, s3:, rclone: ` +
          '(a folder whose name has a colon: write ./' +
          raw +
          ')',
      );
  }
}

function checked(text: string, loc: BackendLocation): BackendLocation {
  const parsed = locationSchema.safeParse(loc);
  if (!parsed.success) {
    throw new InvalidLocationError(text, parsed.error.issues.map((i) => i.message).join('; '));
  }
  return parsed.data as BackendLocation;
}

function parseUrl(text: string, rest: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(rest);
  } catch {
    throw new InvalidLocationError(text, `${what} needs a URL such as https://host/path`);
  }
  if (url.password) {
    throw new InvalidLocationError(
      text,
      'a password does not belong in the location (it would be saved and shown): give it in ' +
        'the environment (see docs/cli.md) or when asked',
    );
  }
  if (!url.hostname) throw new InvalidLocationError(text, `${what} needs a host name`);
  if (url.search || url.hash) {
    throw new InvalidLocationError(text, 'a location has no "?" query or "#" part');
  }
  return url;
}

function parseWebdav(text: string, rest: string): BackendLocation {
  const url = parseUrl(text, rest, 'webdav:');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidLocationError(text, 'webdav: needs an http:// or https:// URL');
  }
  const user = url.username ? decodeURIComponent(url.username) : undefined;
  url.username = '';
  const base = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  return user ? { kind: 'webdav', url: base, user } : { kind: 'webdav', url: base };
}

function parseSftp(text: string, rest: string): BackendLocation {
  if (rest.startsWith('//')) {
    // sftp://user@host:port/abs/path
    const url = parseUrl(text, `sftp:${rest}`, 'sftp:');
    const p = decodeURIComponent(url.pathname);
    if (p === '' || p === '/')
      throw new InvalidLocationError(text, 'give the folder on the server');
    return {
      kind: 'sftp',
      host: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
      path: p,
    };
  }
  const m = /^(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+):(.*)$/s.exec(rest);
  if (!m) {
    throw new InvalidLocationError(
      text,
      'write sftp:user@host:/path (or sftp:user@host:2222/path)',
    );
  }
  const [, user, host, after] = m as unknown as [string, string | undefined, string, string];
  if (user?.includes(':')) {
    throw new InvalidLocationError(text, 'a password does not belong in the location');
  }
  let port: number | undefined;
  let p = after;
  const withPort = /^(\d{1,5})(\/.*)$/s.exec(after);
  if (withPort) {
    port = Number(withPort[1]);
    p = withPort[2]!;
    // With a port the path starts at "/"; "/~/x" is x in the home folder.
    if (p.startsWith('/~/')) p = p.slice(3);
  }
  if (p.startsWith('~/')) p = p.slice(2);
  if (p === '' || p === '/') throw new InvalidLocationError(text, 'give the folder on the server');
  return {
    kind: 'sftp',
    host,
    ...(port !== undefined ? { port } : {}),
    ...(user ? { user } : {}),
    path: p.length > 1 ? p.replace(/\/+$/, '') : p,
  };
}

function parseS3(text: string, rest: string): BackendLocation {
  const withScheme = /^https?:\/\//.test(rest) ? rest : `https://${rest}`;
  const url = parseUrl(text, withScheme, 's3:');
  if (url.username) {
    throw new InvalidLocationError(
      text,
      'S3 keys do not belong in the location: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  }
  const parts = url.pathname.split('/').filter(Boolean);
  const bucket = parts.shift();
  if (!bucket) {
    throw new InvalidLocationError(
      text,
      'write s3:https://endpoint/bucket (and an optional /prefix)',
    );
  }
  const endpoint = `${url.protocol}//${url.host}`;
  // AWS itself takes virtual-hosted requests; most other S3 servers want the bucket in the path.
  const aws = /(^|\.)amazonaws\.com$/i.test(url.hostname);
  return {
    kind: 's3',
    endpoint,
    bucket,
    prefix: parts.join('/'),
    pathStyle: !aws,
  };
}

function parseRclone(text: string, rest: string): BackendLocation {
  if (!/^[\w.\- ]+:/.test(rest)) {
    throw new InvalidLocationError(
      text,
      'write rclone:REMOTE:path, with REMOTE a name from "rclone listremotes"',
    );
  }
  return { kind: 'rclone', remote: rest };
}

/** The text form (what `--repo` takes back); never holds a secret. */
export function formatLocation(loc: BackendLocation): string {
  switch (loc.kind) {
    case 'folder':
      return loc.path;
    case 'webdav': {
      if (!loc.user) return `webdav:${loc.url}`;
      const url = new URL(loc.url);
      url.username = encodeURIComponent(loc.user);
      return `webdav:${url.toString().replace(/\/$/, '')}`;
    }
    case 'sftp': {
      const where = loc.port
        ? `${loc.port}${loc.path.startsWith('/') ? '' : '/~/'}${loc.path}`
        : loc.path;
      return `sftp:${loc.user ? `${loc.user}@` : ''}${loc.host}:${where}`;
    }
    case 's3':
      return `s3:${loc.endpoint}/${loc.bucket}${loc.prefix ? `/${loc.prefix}` : ''}`;
    case 'rclone':
      return `rclone:${loc.remote}`;
  }
}

/** A short phrase for messages and the app: "WebDAV on cloud.example.org". */
export function describeLocation(loc: BackendLocation): string {
  switch (loc.kind) {
    case 'folder':
      return loc.path;
    case 'webdav':
      return `WebDAV on ${new URL(loc.url).host}${new URL(loc.url).pathname}`;
    case 'sftp':
      return `SFTP on ${loc.user ? `${loc.user}@` : ''}${loc.host}${loc.port ? `:${loc.port}` : ''}:${loc.path}`;
    case 's3':
      return `S3 bucket ${loc.bucket}${loc.prefix ? `/${loc.prefix}` : ''} on ${new URL(loc.endpoint).host}`;
    case 'rclone':
      return `rclone remote ${loc.remote}`;
  }
}

/** A stable key for what this computer keeps about a location (its cache folder, pinned keys). */
export function locationKey(loc: BackendLocation): string {
  return createHash('sha256').update(formatLocation(loc)).digest('hex').slice(0, 32);
}

/** Whether objects live on another computer (listings cost round trips; writes appear whole). */
export function isRemote(loc: BackendLocation): boolean {
  return loc.kind !== 'folder';
}

export function isSameLocation(a: BackendLocation, b: BackendLocation): boolean {
  return formatLocation(a) === formatLocation(b) && JSON.stringify(a) === JSON.stringify(b);
}
