import type { BackendLocation } from '../backend/location.js';
import type { BackendCredentials } from '../backend/open.js';

/**
 * Where the backup worker opens a repository: a location (a folder, or a WebDAV, SFTP, S3 or
 * rclone place) rather than a path, what signs in there, and where this computer keeps its
 * verified cache of a network repository. Credentials travel only inside call messages and
 * are never logged or echoed back.
 */
export interface RepoTarget {
  location: BackendLocation;
  credentials?: BackendCredentials;
  /** For a network location: the folder for its local cache of index and snapshot files. */
  cacheDir?: string;
}

/** A folder on this computer as a target. */
export function folderTarget(dir: string): RepoTarget {
  return { location: { kind: 'folder', path: dir } };
}
