import { randomBytes } from 'node:crypto';
import { BackendProtocolError } from '../errors.js';
import type { Backend } from './backend.js';

export interface ProbeResult {
  /** Free space at the location, where the storage says; null when it does not. */
  freeBytes: number | null;
  /** Whether a Chatkeep repository is already there (its config object). */
  hasRepository: boolean;
}

/**
 * Proves a location works for backups before anything is set up there: writes a small random
 * object, reads it back byte for byte, deletes it and checks it is gone. Sign-in, permission,
 * quota and "server not found" problems surface here as the backend's typed errors.
 */
export async function probeStorage(backend: Backend): Promise<ProbeResult> {
  // Object names are lowercase letters and digits only (see NAME_RE).
  const name = `chatkeeptest${randomBytes(8).toString('hex')}`;
  const data = randomBytes(1024);
  const where = backend.location ?? 'the backup location';
  await backend.writeAtomic(name, data, { durable: false });
  try {
    const back = await backend.read(name);
    if (!back.equals(data)) {
      throw new BackendProtocolError(
        where,
        name,
        'a test file read back differently from what was written',
      );
    }
  } finally {
    await backend.delete(name, { durable: false });
  }
  if ((await backend.stat(name)) !== null) {
    throw new BackendProtocolError(where, name, 'a deleted test file is still there');
  }
  const [freeBytes, config] = await Promise.all([
    backend.freeBytes ? backend.freeBytes().catch(() => null) : Promise.resolve(null),
    backend.stat('config'),
  ]);
  return { freeBytes, hasRepository: config !== null };
}
