import { describe, expect, it } from 'vitest';
import {
  RepositoryDamagedError,
  RepositoryLockedError,
  StorageError,
  WrongSecretError,
} from '../errors.js';
import { StoreCorruptError } from '../../store/errors.js';
import { deserializeError, serializeError, WorkerCrashedError } from './protocol.js';

/** What crosses the thread boundary is a structured clone: simulate exactly that. */
function roundTrip(error: unknown): Error {
  return deserializeError(structuredClone(serializeError(error)));
}

describe('errors across the worker boundary', () => {
  it('keeps class, code, message and data fields of engine errors', () => {
    const holder = { lock: 'locks/ab', host: 'h', pid: 42, time: 1, exclusive: true };
    const back = roundTrip(new RepositoryLockedError(holder));
    expect(back).toBeInstanceOf(RepositoryLockedError);
    expect(back).toBeInstanceOf(Error);
    expect((back as RepositoryLockedError).code).toBe('REPO_LOCKED');
    expect((back as RepositoryLockedError).holder).toEqual(holder);
    expect(back.message).toMatch(/process 42/);

    const damaged = roundTrip(new RepositoryDamagedError('data/3f/3f2a', 'authentication failed'));
    expect(damaged).toBeInstanceOf(RepositoryDamagedError);
    expect((damaged as RepositoryDamagedError).object).toBe('data/3f/3f2a');

    const wrong = roundTrip(new WrongSecretError('recovery'));
    expect(wrong).toBeInstanceOf(WrongSecretError);
    expect(wrong.message).toBe('This recovery key does not open this backup');

    const storage = roundTrip(
      new StorageError('disk-full', 'data/aa', 'ENOSPC', { cause: new Error('x') }),
    );
    expect(storage).toBeInstanceOf(StorageError);
    expect((storage as StorageError).problem).toBe('disk-full');
  });

  it('keeps store errors and their details', () => {
    const back = roundTrip(new StoreCorruptError('/x/chats.sqlite', 'bad page'));
    expect(back).toBeInstanceOf(StoreCorruptError);
    expect((back as StoreCorruptError).code).toBe('STORE_CORRUPT');
    expect((back as StoreCorruptError).details).toEqual({
      dbPath: '/x/chats.sqlite',
      reason: 'bad page',
    });
  });

  it('turns unknown errors and non-errors into plain Errors with their code', () => {
    const e = Object.assign(new TypeError('nope'), { code: 'ENOENT', path: '/x' });
    const back = roundTrip(e);
    expect(back).toBeInstanceOf(Error);
    expect(back.message).toBe('nope');
    expect((back as unknown as { code: string }).code).toBe('ENOENT');
    expect((back as unknown as { path: string }).path).toBe('/x');
    expect(roundTrip('just a string').message).toBe('just a string');
    expect(roundTrip(new WorkerCrashedError('exit 1'))).toBeInstanceOf(WorkerCrashedError);
  });

  it('drops fields that cannot be cloned instead of failing the whole answer', () => {
    const e = Object.assign(new Error('with a function'), { callback: () => 1, n: 3 });
    const s = serializeError(e);
    expect(s.props).toEqual({ n: 3 });
  });
});
