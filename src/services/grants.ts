import { randomBytes } from 'node:crypto';
import path from 'node:path';

export class GrantNotFoundError extends Error {
  readonly code = 'GRANT_NOT_FOUND';
  constructor() {
    super('That file or folder is no longer available: please choose it again.');
  }
}

/** A grant used for something other than what it was given for. */
export class GrantPurposeError extends Error {
  readonly code = 'GRANT_WRONG_PURPOSE';
  constructor() {
    super('That file or folder was chosen for something else: please choose it again here.');
  }
}

/**
 * What a grant may be used for. One purpose each: a file picked to import cannot become a
 * backup destination, and a folder offered for restoring cannot be written to.
 */
export type GrantPurpose =
  | 'import'
  | 'backup-destination'
  | 'restore-source'
  | 'export-destination'
  | 'data-destination'
  /** An SSH private key file for an SFTP destination: main reads it once, into the keychain. */
  | 'ssh-key';

/**
 * How the path reached main: the person chose it in an OS dialog or dropped it on the window,
 * or main found it itself (a synced folder), which the person has not chosen yet.
 */
export type GrantOrigin = 'picked' | 'dropped' | 'detected';

export interface Grant {
  path: string;
  purpose: GrantPurpose;
  origin: GrantOrigin;
}

/** Long enough for a set-up or an import with a slowly typed password; short for a stale page. */
export const GRANT_LIFETIME_MS = 30 * 60_000;

/**
 * The renderer never names a path. A path enters the app only when the person picks it in an OS
 * dialog or drops it (or main offers it, like a detected synced folder); the renderer then holds
 * an opaque grant id, good for one purpose and for a limited time. A compromised renderer
 * therefore cannot make main read or write anywhere else, nor use a folder for another job.
 */
export class FileGrants {
  private readonly grants = new Map<string, Grant & { expiresAt: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly lifetimeMs = GRANT_LIFETIME_MS,
  ) {}

  grant(
    filePath: string,
    purpose: GrantPurpose,
    origin: GrantOrigin = 'picked',
  ): { grantId: string; name: string; path: string } {
    this.sweep();
    const grantId = randomBytes(16).toString('base64url');
    const resolved = path.resolve(filePath);
    this.grants.set(grantId, {
      path: resolved,
      purpose,
      origin,
      expiresAt: this.now() + this.lifetimeMs,
    });
    return { grantId, name: path.basename(resolved), path: resolved };
  }

  /** The grant for `purpose`; expired, unknown and other-purpose grants are refused. */
  use(grantId: string, purpose: GrantPurpose): Grant {
    const found = this.grants.get(grantId);
    if (!found || found.expiresAt <= this.now()) {
      this.grants.delete(grantId);
      throw new GrantNotFoundError();
    }
    if (found.purpose !== purpose) throw new GrantPurposeError();
    return { path: found.path, purpose: found.purpose, origin: found.origin };
  }

  /** The path of a grant for `purpose` (see `use`). */
  resolve(grantId: string, purpose: GrantPurpose): string {
    return this.use(grantId, purpose).path;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(id);
  }
}
