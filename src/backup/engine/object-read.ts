import type { Backend } from '../backend/backend.js';
import {
  KeyEpochUnknownError,
  ObjectIncompleteError,
  ObjectNotFoundError,
  ObjectNotLocalError,
  RepositoryDamagedError,
  toStorageError,
} from '../errors.js';

/**
 * Reading objects from a folder a sync client may still be filling. A failure is one of:
 * - `ObjectNotFoundError`: not there at all;
 * - `ObjectNotLocalError`: listed, but its bytes are still in the cloud;
 * - `ObjectIncompleteError`: there but not whole yet (empty, shorter than expected, or failing
 *   its check while it is still being written);
 * - `RepositoryDamagedError`: there, whole and settled, and wrong.
 * Only the last is damage; the others are worth waiting for and must never be moved aside.
 */

/** A file modified this recently may still be being written by a sync client. */
export const SETTLE_MS = 10 * 60 * 1000;

export type ReadFailure =
  ObjectNotFoundError | ObjectNotLocalError | ObjectIncompleteError | RepositoryDamagedError;

export function isReadFailure(err: unknown): err is ReadFailure {
  return (
    err instanceof ObjectNotFoundError ||
    err instanceof ObjectNotLocalError ||
    err instanceof ObjectIncompleteError ||
    err instanceof RepositoryDamagedError
  );
}

/** Not damage: the object may yet arrive whole. */
export function isNotYetHere(err: unknown): boolean {
  return err instanceof ObjectNotLocalError || err instanceof ObjectIncompleteError;
}

/**
 * Turns damage found in `name` into "still arriving" when the file looks unfinished: empty,
 * or modified within SETTLE_MS (a sync client writing a file keeps touching it; one that has
 * been left alone that long and is still short or wrong is damaged).
 */
export async function classifyDamage(
  backend: Backend,
  name: string,
  err: RepositoryDamagedError,
  expectedSize?: number,
  now = Date.now(),
): Promise<RepositoryDamagedError | ObjectIncompleteError | ObjectNotLocalError> {
  // Whole and sound, only sealed with a newer key than this reader holds.
  if (err instanceof KeyEpochUnknownError) return err;
  const st = await backend.stat(name).catch(() => null);
  if (!st) return err;
  if (st.local === false) return new ObjectNotLocalError(name, { cause: err });
  if (st.size === 0) return new ObjectIncompleteError(name, 'the file is empty', { cause: err });
  if (st.mtimeMs !== undefined && now - st.mtimeMs < SETTLE_MS) {
    const detail =
      expectedSize !== undefined && st.size < expectedSize
        ? `${st.size} of ${expectedSize} bytes so far`
        : 'it is being written right now';
    return new ObjectIncompleteError(name, detail, { cause: err });
  }
  return err;
}

/** True when an object was modified so recently that a sync client may still be writing it. */
export async function isSettled(
  backend: Backend,
  name: string,
  now = Date.now(),
): Promise<boolean> {
  const st = await backend.stat(name).catch(() => null);
  return !st || st.mtimeMs === undefined || now - st.mtimeMs >= SETTLE_MS;
}

/**
 * Reads an object whose content proves itself (`decode` throws RepositoryDamagedError when
 * it does not). When the object fails, every other copy a sync client made of it is tried:
 * a conflict copy of a content-addressed object that verifies is the same object.
 */
export async function readVerified<T>(
  backend: Backend,
  name: string,
  decode: (bytes: Buffer, source: string) => T,
  expectedSize?: number,
): Promise<T> {
  let first: unknown;
  try {
    return decode(await readRaw(backend, name), name);
  } catch (err) {
    if (!(err instanceof RepositoryDamagedError) && !(err instanceof ObjectNotLocalError))
      throw err;
    first = err;
  }
  for (const v of (await backend.variants?.(name)) ?? []) {
    if (v.label === 'the object') continue; // read above
    try {
      return decode(await v.read(), name);
    } catch (err) {
      if (!isReadFailure(err)) throw toStorageError(err, name);
    }
  }
  if (first instanceof RepositoryDamagedError)
    throw await classifyDamage(backend, name, first, expectedSize);
  throw first;
}

async function readRaw(backend: Backend, name: string): Promise<Buffer> {
  try {
    return await backend.read(name);
  } catch (err) {
    throw toStorageError(err, name);
  }
}
