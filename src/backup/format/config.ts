import { RepositoryDamagedError } from '../errors.js';
import { blake2b256 } from '../crypto/primitives.js';
import { checkHeader, header, HEADER_BYTES } from './header.js';

export const CONFIG_OBJECT = 'config';
/** The second copy of `config` (Chatkeep 0.2 and later); readers use whichever verifies. */
export const CONFIG_COPY_OBJECT = 'copies/config';

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

export function isRepoConfig(v: unknown): v is RepoConfig {
  const c = v as Partial<RepoConfig> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.repoId === 'string' &&
    /^[0-9a-f]{32}$/.test(c.repoId) &&
    typeof c.createdAt === 'number' &&
    typeof c.keyCheck === 'string' &&
    /^[0-9a-f]{64}$/.test(c.keyCheck)
  );
}

/** Strict: structure and checksum. */
export function decodeConfig(buf: Buffer, name = CONFIG_OBJECT): RepoConfig {
  const { config, checksumOk } = decodeConfigLenient(buf, name);
  if (!checksumOk) throw new RepositoryDamagedError(name, 'checksum mismatch');
  return config;
}

/**
 * Structure only, reporting the checksum apart: a config whose checksum fails can still be
 * used once a key proves it (its key check matches the master key a slot opened), since the
 * key check is a MAC over the repository id.
 */
export function decodeConfigLenient(
  buf: Buffer,
  name = CONFIG_OBJECT,
): { config: RepoConfig; checksumOk: boolean } {
  if (buf.length < HEADER_BYTES + 32) throw new RepositoryDamagedError(name, 'truncated');
  const body = buf.subarray(0, buf.length - 32);
  const checksumOk = blake2b256(body).equals(buf.subarray(buf.length - 32));
  const fail = (detail: string): never => {
    throw new RepositoryDamagedError(name, checksumOk ? detail : `checksum mismatch (${detail})`);
  };
  try {
    checkHeader(body, 'config', name);
  } catch (err) {
    if (checksumOk || !(err instanceof RepositoryDamagedError)) throw err;
    fail(err.detail);
  }
  let cfg: unknown;
  try {
    cfg = JSON.parse(body.subarray(HEADER_BYTES).toString('utf8'));
  } catch {
    return fail('unreadable JSON');
  }
  if (!isRepoConfig(cfg)) return fail('missing fields');
  return {
    config: { repoId: cfg.repoId, createdAt: cfg.createdAt, keyCheck: cfg.keyCheck },
    checksumOk,
  };
}
