import path from 'node:path';
import type { Backend } from './backend.js';
import { createFolderBackend } from './folder.js';
import { describeLocation, locationKey, type BackendLocation } from './location.js';
import { newStats, type RetryPolicy, type TransferStats } from './network.js';
import { withObjectCache } from './object-cache.js';
import { DEFAULT_PARALLEL_UPLOADS, withUploadQueue } from './upload-queue.js';

/**
 * The secrets (and the one trust decision) a location needs, kept apart from the location so
 * the location can be saved and shown. Which apply depends on the kind: a WebDAV password; an
 * SFTP password, key and passphrase or agent, and the pinned host key; S3 keys; an rclone
 * configuration file.
 */
export interface BackendCredentials {
  password?: string;
  privateKey?: string;
  passphrase?: string;
  agent?: string;
  /** SFTP: the fingerprint(s) ("SHA256:…") trusted for the server's host key. */
  hostKey?: string | string[];
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  rcloneConfig?: string;
}

export interface OpenBackendOptions {
  /**
   * Where this computer keeps its verified cache of network repositories (one folder per
   * location inside it). Without it nothing is cached.
   */
  cacheDir?: string;
  retry?: RetryPolicy;
  /** A request with no answer for this long is given up and retried (default 60 s). */
  requestTimeoutMs?: number;
  /** Pack uploads in flight at once (default 4). */
  parallelUploads?: number;
  rcloneBinary?: string;
}

/** Opens the storage behind a location. Close network backends when done (`backend.close`). */
export async function openBackend(
  loc: BackendLocation,
  creds: BackendCredentials = {},
  opts: OpenBackendOptions = {},
): Promise<Backend> {
  if (loc.kind === 'folder') return createFolderBackend(loc.path);
  const stats: TransferStats = newStats();
  const common = {
    stats,
    label: describeLocation(loc),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.requestTimeoutMs ? { timeoutMs: opts.requestTimeoutMs } : {}),
  };
  let base: Backend;
  switch (loc.kind) {
    // Each network backend is loaded when first used: the AWS SDK and ssh2 are large, and a
    // command on a folder (most of them, and the app's) should not pay for loading them.
    case 'webdav': {
      const { createWebdavBackend } = await import('./webdav.js');
      base = createWebdavBackend({
        ...common,
        url: loc.url,
        ...(loc.user !== undefined ? { user: loc.user } : {}),
        ...(creds.password !== undefined ? { password: creds.password } : {}),
      });
      break;
    }
    case 'sftp': {
      const { createSftpBackend } = await import('./sftp.js');
      base = createSftpBackend({
        ...common,
        host: loc.host,
        path: loc.path,
        ...(loc.port !== undefined ? { port: loc.port } : {}),
        ...(loc.user !== undefined ? { user: loc.user } : {}),
        ...pick(creds, ['password', 'privateKey', 'passphrase', 'agent', 'hostKey']),
      });
      break;
    }
    case 's3': {
      const { createS3Backend } = await import('./s3.js');
      base = createS3Backend({
        ...common,
        endpoint: loc.endpoint,
        bucket: loc.bucket,
        prefix: loc.prefix,
        ...(loc.region !== undefined ? { region: loc.region } : {}),
        ...(loc.pathStyle !== undefined ? { pathStyle: loc.pathStyle } : {}),
        ...pick(creds, ['accessKeyId', 'secretAccessKey', 'sessionToken']),
      });
      break;
    }
    case 'rclone': {
      const { createRcloneBackend } = await import('./rclone.js');
      base = await createRcloneBackend({
        stats,
        remote: loc.remote,
        ...(creds.rcloneConfig !== undefined ? { configFile: creds.rcloneConfig } : {}),
        ...(opts.rcloneBinary !== undefined ? { binary: opts.rcloneBinary } : {}),
        ...(opts.retry ? { retry: opts.retry } : {}),
        ...(opts.requestTimeoutMs ? { timeoutMs: opts.requestTimeoutMs } : {}),
      });
      break;
    }
  }
  let backend = withUploadQueue(base, opts.parallelUploads ?? DEFAULT_PARALLEL_UPLOADS);
  if (opts.cacheDir) backend = withObjectCache(backend, path.join(opts.cacheDir, locationKey(loc)));
  return backend;
}

function pick<K extends keyof BackendCredentials>(
  creds: BackendCredentials,
  keys: K[],
): Pick<BackendCredentials, K> {
  const out: Partial<BackendCredentials> = {};
  for (const k of keys) if (creds[k] !== undefined) out[k] = creds[k];
  return out as Pick<BackendCredentials, K>;
}
