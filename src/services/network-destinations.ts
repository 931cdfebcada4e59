import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { DestinationSecretStore } from '../app-backup/destination-secrets';
import { describeLocation, locationSchema, type BackendLocation } from '../backup/backend/location';
import type { BackendCredentials } from '../backup/backend/open';
import type { RepoTarget } from '../backup/worker/repo-target';
import type { ConnectionProblem, ConnectionTestView } from '../shared/backup-types';
import type { FileGrants } from './grants';

/**
 * Network backup destinations in the app (WebDAV, SFTP, S3, rclone): "Test connection", the
 * plain words for what went wrong, and the tested locations main keeps (with their credentials,
 * in memory only) until set-up or a restore uses them. The renderer holds only an opaque id.
 */

export type ConnectionPurpose = 'backup-destination' | 'restore-source';

export interface TestConnectionRequest {
  purpose: ConnectionPurpose;
  location: Exclude<BackendLocation, { kind: 'folder' }>;
  credentials: {
    password?: string | undefined;
    passphrase?: string | undefined;
    privateKeyGrantId?: string | undefined;
    accessKeyId?: string | undefined;
    secretAccessKey?: string | undefined;
  };
  trustHostKey?: string | undefined;
  replaceHostKey?: string | undefined;
}

export interface TestedConnection {
  location: BackendLocation;
  credentials: BackendCredentials;
  purpose: ConnectionPurpose;
  expiresAt: number;
}

/** A tested connection is good for half an hour: long enough to finish the wizard. */
const CONNECTION_LIFETIME_MS = 30 * 60_000;
/** An SSH key file is a few KB; anything far bigger is not one. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

export class ConnectionProblemError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class TestedConnections {
  private readonly byId = new Map<string, TestedConnection>();

  add(entry: Omit<TestedConnection, 'expiresAt'>): string {
    this.sweep();
    const id = randomBytes(12).toString('base64url');
    this.byId.set(id, { ...entry, expiresAt: Date.now() + CONNECTION_LIFETIME_MS });
    return id;
  }

  /** The tested connection for this purpose; expired, unknown and other-purpose ids are refused. */
  use(id: string, purpose: ConnectionPurpose): TestedConnection {
    this.sweep();
    const found = this.byId.get(id);
    if (!found || found.purpose !== purpose) {
      throw new ConnectionProblemError(
        'NOT_FOUND',
        'Test the connection again: Chatkeep no longer has that location ready.',
      );
    }
    return found;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, c] of this.byId) if (c.expiresAt <= now) this.byId.delete(id);
  }
}

/**
 * Builds what the worker signs in with from the form's fields: the key file the person picked
 * is read here (main), and the SSH host key is the one this computer pinned for the location,
 * or the one the person has just confirmed.
 */
export async function credentialsFor(
  request: TestConnectionRequest,
  grants: FileGrants,
  secrets: DestinationSecretStore,
): Promise<{ location: BackendLocation; credentials: BackendCredentials }> {
  const parsed = locationSchema.safeParse(request.location);
  if (!parsed.success) {
    throw new ConnectionProblemError(
      'INVALID_REQUEST',
      `That location is not complete: ${parsed.error.issues.map((i) => i.message).join('; ')}.`,
    );
  }
  const location = parsed.data as BackendLocation;
  const c = request.credentials;
  const credentials: BackendCredentials = {};
  if (c.password) credentials.password = c.password;
  if (c.passphrase) credentials.passphrase = c.passphrase;
  if (c.accessKeyId) credentials.accessKeyId = c.accessKeyId;
  if (c.secretAccessKey) credentials.secretAccessKey = c.secretAccessKey;
  if (c.privateKeyGrantId) {
    const file = grants.resolve(c.privateKeyGrantId, 'ssh-key');
    if ((await stat(file)).size > MAX_KEY_FILE_BYTES) {
      throw new ConnectionProblemError(
        'INVALID_REQUEST',
        'That file is too big to be an SSH private key. Choose the key file itself (for example id_ed25519, not the .pub one).',
      );
    }
    credentials.privateKey = await readFile(file, 'utf8');
  }
  if (location.kind === 'sftp') {
    // A key pinned on an earlier run wins over trustHostKey: a changed key is never accepted
    // silently, only through replaceHostKey, which the person sends after the warning.
    const pinned = (await secrets.load(location).catch(() => ({}))) as BackendCredentials;
    const hostKey = request.replaceHostKey ?? pinned.hostKey ?? request.trustHostKey;
    if (hostKey) credentials.hostKey = hostKey;
  }
  return { location, credentials };
}

/** The plain-word answer for a failed test, from the engine's typed error. */
export function describeProblem(
  error: unknown,
  location: BackendLocation,
): Extract<ConnectionTestView, { ok: false }> {
  const e = (error ?? {}) as {
    code?: unknown;
    message?: unknown;
    problem?: unknown;
    fingerprint?: unknown;
    expected?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : '';
  const detail = typeof e.message === 'string' ? e.message : String(error);
  const where = describeLocation(location);
  const host = location.kind === 'sftp' ? location.host : hostOf(location);
  const fail = (problem: ConnectionProblem, message: string, fingerprint?: string) => ({
    ok: false as const,
    problem,
    message,
    ...(fingerprint ? { fingerprint } : {}),
  });
  switch (code) {
    case 'BACKEND_AUTH':
      return fail(
        'wrong-password',
        location.kind === 's3'
          ? 'The server did not accept the access key and secret key. Check both and try again.'
          : location.kind === 'sftp'
            ? 'The server did not accept the user name and the password or key. Check them and try again.'
            : 'The server did not accept the user name and password. Check them and try again.',
      );
    case 'HOST_KEY_UNKNOWN':
      return fail(
        'host-key-unknown',
        `Chatkeep has not connected to ${host} before. Check that this fingerprint matches the one your server shows, then trust it.`,
        String(e.fingerprint),
      );
    case 'HOST_KEY_CHANGED':
      return fail(
        'host-key-changed',
        `The identity of ${host} (its host key) has changed since Chatkeep last connected, so Chatkeep did not connect: someone may be intercepting the connection. Trust the new key only if the server was reinstalled and its owner confirms the new fingerprint below.`,
        String(e.fingerprint),
      );
    case 'BACKEND_NOT_FOUND':
      return fail(
        'not-found',
        location.kind === 's3'
          ? `The bucket "${location.bucket}" does not exist on ${host}. Create it in your provider's console first, or check its name.`
          : `${where} was not found. Check the address and the folder.`,
      );
    case 'STORAGE':
      if (e.problem === 'disk-full')
        return fail(
          'no-space',
          `${where} has no space left (or its quota is used up). Free some space there and try again.`,
        );
      if (e.problem === 'permission-denied')
        return fail(
          'permission',
          `This account may not write to ${where}. Check its rights on the server, or choose another folder.`,
        );
      return fail('other', detail);
    case 'OFFLINE':
      if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME/.test(detail))
        return fail(
          'server-not-found',
          `No server named ${host} was found. Check the address for typing mistakes, and that this computer is online.`,
        );
      if (/ECONNREFUSED/.test(detail))
        return fail(
          'offline',
          `Nothing answered at ${host}. Check the address and port, and that the server is switched on.`,
        );
      return fail(
        'offline',
        `${host} cannot be reached. Check that this computer is online and the server is switched on, then try again.`,
      );
    case 'BACKEND_UNAVAILABLE':
      return fail('no-rclone', detail);
    case 'INVALID_LOCATION':
    case 'INVALID_REQUEST':
      return fail('invalid', detail);
    default:
      return fail('other', `The test did not pass: ${detail}`);
  }
}

function hostOf(location: BackendLocation): string {
  switch (location.kind) {
    case 'webdav':
      return new URL(location.url).host;
    case 's3':
      return new URL(location.endpoint).host;
    case 'rclone':
      return `rclone remote ${location.remote.split(':')[0] ?? ''}`;
    default:
      return describeLocation(location);
  }
}

/** Where the worker reaches a network location, with its cache beside the store. */
export function networkTarget(
  location: BackendLocation,
  credentials: BackendCredentials,
  cacheDir: string,
): RepoTarget {
  return location.kind === 'folder' ? { location } : { location, credentials, cacheDir };
}
