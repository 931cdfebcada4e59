import os from 'node:os';
import type { Backend } from '../backend/backend.js';
import { randomBytes } from '../crypto/primitives.js';
import type { RepoKeys } from '../crypto/repo-keys.js';
import {
  KeyEpochUnknownError,
  ObjectNotFoundError,
  RepositoryDamagedError,
  RepositoryLockedError,
  StorageError,
  type LockHolder,
} from '../errors.js';
import { decodeSealed, encodeSealed } from '../format/sealed-object.js';

export const STALE_AFTER_MS = 30 * 60 * 1000;
export const HEARTBEAT_MS = 5 * 60 * 1000;
/** A lock lost in a crash only frees the repository sooner, which staleness does anyway. */
const LOCK_WRITE = { durable: false } as const;

export interface LockRecord {
  host: string;
  pid: number;
  time: number;
  exclusive: boolean;
}

export function encodeLock(keys: RepoKeys, rec: LockRecord): Buffer {
  return encodeSealed('lock', keys, rec, false);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isStale(rec: LockRecord, now = Date.now()): boolean {
  if (now - rec.time > STALE_AFTER_MS) return true;
  return rec.host === os.hostname() && !pidAlive(rec.pid);
}

/** A held lock: refreshed every few minutes by writing a new object and deleting the old one. */
export class HeldLock {
  private timer: NodeJS.Timeout | null = null;
  private released = false;

  constructor(
    private readonly backend: Backend,
    private readonly keys: RepoKeys,
    private name: string,
    private readonly rec: LockRecord,
  ) {
    this.timer = setInterval(() => void this.heartbeat().catch(() => undefined), HEARTBEAT_MS);
    this.timer.unref();
  }

  get object(): string {
    return this.name;
  }

  async heartbeat(): Promise<void> {
    if (this.released) return;
    const next = `locks/${randomBytes(32).toString('hex')}`;
    await this.backend.writeAtomic(
      next,
      encodeLock(this.keys, { ...this.rec, time: Date.now() }),
      LOCK_WRITE,
    );
    const old = this.name;
    this.name = next;
    await this.backend.delete(old, LOCK_WRITE);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.timer) clearInterval(this.timer);
    await this.backend.delete(this.name, LOCK_WRITE);
  }
}

/**
 * Removing a lock that protects nothing (stale, unreadable) is a courtesy: in a folder we may
 * not write (a read-only share), it simply stays and is ignored.
 */
async function dropLock(backend: Backend, name: string): Promise<void> {
  try {
    await backend.delete(name, LOCK_WRITE);
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
  }
}

/** Every live lock in the folder (stale and unreadable ones are removed on the way). */
export async function listLocks(backend: Backend, keys: RepoKeys): Promise<LockHolder[]> {
  const out: LockHolder[] = [];
  for (const name of await backend.list('locks/')) {
    let rec: LockRecord;
    try {
      rec = decodeSealed('lock', keys, await backend.read(name), name, false, {
        contentNamed: false,
      }) as LockRecord;
    } catch (err) {
      if (err instanceof ObjectNotFoundError) continue; // released meanwhile
      if (err instanceof KeyEpochUnknownError) {
        // Held by someone with a newer key than ours: live until its file is 30 minutes old
        // (its holder rewrites it every 5 minutes), never removed by us.
        const st = await backend.stat(name).catch(() => null);
        const time = st?.mtimeMs ?? Date.now();
        if (Date.now() - time > STALE_AFTER_MS) continue;
        out.push({
          lock: name,
          host: 'a computer with a newer key',
          pid: 0,
          time,
          exclusive: true,
        });
        continue;
      }
      if (!(err instanceof RepositoryDamagedError)) throw err;
      // A lock nobody can read protects nothing; removing it lets work continue.
      await dropLock(backend, name);
      continue;
    }
    if (isStale(rec)) {
      await dropLock(backend, name);
      continue;
    }
    out.push({ lock: name, ...rec });
  }
  return out;
}

async function conflicting(
  backend: Backend,
  keys: RepoKeys,
  exclusive: boolean,
  own: string | null,
): Promise<LockHolder | null> {
  for (const holder of await listLocks(backend, keys)) {
    if (holder.lock === own) continue;
    if (exclusive || holder.exclusive) return holder;
  }
  return null;
}

/**
 * Removes locks held by others (`chatkeep unlock`, the app's "take over"): for a process that
 * crashed on another computer, whose lock would otherwise block for up to 30 minutes.
 */
export async function removeLocks(backend: Backend, names: string[]): Promise<void> {
  for (const name of names) await backend.delete(name, LOCK_WRITE);
}

/**
 * Exclusive locks (backup, prune, forget, key changes) exclude every other lock; shared locks
 * (restore, check) exclude only exclusive ones. Check, write, check again: two clients racing
 * both see each other's lock and at least one backs off.
 */
export async function acquireLock(
  backend: Backend,
  keys: RepoKeys,
  exclusive: boolean,
): Promise<HeldLock> {
  const before = await conflicting(backend, keys, exclusive, null);
  if (before) throw new RepositoryLockedError(before);
  const rec: LockRecord = { host: os.hostname(), pid: process.pid, time: Date.now(), exclusive };
  const name = `locks/${randomBytes(32).toString('hex')}`;
  await backend.writeAtomic(name, encodeLock(keys, rec), LOCK_WRITE);
  const after = await conflicting(backend, keys, exclusive, name);
  if (after) {
    await backend.delete(name, LOCK_WRITE);
    throw new RepositoryLockedError(after);
  }
  return new HeldLock(backend, keys, name, rec);
}
