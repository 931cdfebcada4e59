import { RepositoryDamagedError } from '../errors.js';
import { blake2b256 } from '../crypto/primitives.js';
import { checkHeader, header, HEADER_BYTES } from './header.js';

export const CONFIG_OBJECT = 'config';

export interface RepoConfig {
  /** 32 hex digits (16 random bytes). */
  repoId: string;
  createdAt: number;
  /** Keyed BLAKE2b-256 proving a master key belongs to this repository (see keyCheck). */
  keyCheck: string;
}

/** header || JSON || BLAKE2b-256(header || JSON). Not secret; integrity-checked. */
export function encodeConfig(cfg: RepoConfig): Buffer {
  const body = Buffer.concat([header('config'), Buffer.from(JSON.stringify(cfg), 'utf8')]);
  return Buffer.concat([body, blake2b256(body)]);
}

export function decodeConfig(buf: Buffer): RepoConfig {
  const name = CONFIG_OBJECT;
  if (buf.length < HEADER_BYTES + 32) throw new RepositoryDamagedError(name, 'truncated');
  const body = buf.subarray(0, buf.length - 32);
  if (!blake2b256(body).equals(buf.subarray(buf.length - 32))) {
    throw new RepositoryDamagedError(name, 'checksum mismatch');
  }
  checkHeader(body, 'config', name);
  let cfg: unknown;
  try {
    cfg = JSON.parse(body.subarray(HEADER_BYTES).toString('utf8'));
  } catch {
    throw new RepositoryDamagedError(name, 'unreadable JSON');
  }
  const c = cfg as Partial<RepoConfig>;
  if (
    typeof c.repoId !== 'string' ||
    !/^[0-9a-f]{32}$/.test(c.repoId) ||
    typeof c.createdAt !== 'number' ||
    typeof c.keyCheck !== 'string'
  ) {
    throw new RepositoryDamagedError(name, 'missing fields');
  }
  return { repoId: c.repoId, createdAt: c.createdAt, keyCheck: c.keyCheck };
}
