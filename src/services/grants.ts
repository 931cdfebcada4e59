import { randomBytes } from 'node:crypto';
import path from 'node:path';

export class GrantNotFoundError extends Error {
  readonly code = 'GRANT_NOT_FOUND';
  constructor() {
    super('That file or folder is no longer available: please choose it again.');
  }
}

/**
 * The renderer never names a path. A path enters the app only when the person picks it in an OS
 * dialog or drops it (or main offers it, like a detected synced folder); the renderer then holds
 * an opaque grant id. A compromised renderer therefore cannot make main read or write anywhere.
 */
export class FileGrants {
  private readonly grants = new Map<string, string>();

  grant(filePath: string): { grantId: string; name: string; path: string } {
    const grantId = randomBytes(16).toString('base64url');
    const resolved = path.resolve(filePath);
    this.grants.set(grantId, resolved);
    return { grantId, name: path.basename(resolved), path: resolved };
  }

  resolve(grantId: string): string {
    const found = this.grants.get(grantId);
    if (!found) throw new GrantNotFoundError();
    return found;
  }
}
