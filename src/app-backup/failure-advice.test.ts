import { describe, expect, it } from 'vitest';
import {
  RepositoryDamagedError,
  RepositoryLockedError,
  RepositoryNotFoundError,
  RepositoryTooNewError,
  RollbackDetectedError,
  StorageError,
  WrongSecretError,
} from '../backup/errors.js';
import { PasswordNeededError, adviceFor, errorCode } from './failure-advice.js';
import { KeychainLockedError, KeychainUnavailableError, REASONS } from './keychain.js';

describe('adviceFor', () => {
  it('maps the backup engine’s real errors to a sentence and whether to retry', () => {
    const cases: [unknown, string, boolean, RegExp][] = [
      [new WrongSecretError('password'), 'WRONG_SECRET', false, /enter your backup password again/],
      [
        new RepositoryNotFoundError('/Volumes/USB/backup'),
        'REPO_NOT_FOUND',
        true,
        /is the drive connected/,
      ],
      [
        new RollbackDetectedError('seq 4 < 9'),
        'ROLLBACK_DETECTED',
        false,
        /older backup than the one this computer made last/,
      ],
      [new RepositoryDamagedError('pack 1f', 'bad tag'), 'REPO_DAMAGED', false, /choose Repair/],
      [new RepositoryTooNewError('config', 3, 1), 'REPO_TOO_NEW', false, /Update Chatkeep/],
      [
        new RepositoryLockedError({ lock: 'l', host: 'h', pid: 1, time: 0, exclusive: true }),
        'REPO_LOCKED',
        true,
        /Another Chatkeep task/,
      ],
      [new PasswordNeededError(), 'PASSWORD_NEEDED', false, /tap Back up now/],
      [
        new KeychainUnavailableError(REASONS.noService, 'x'),
        'KEYCHAIN_UNAVAILABLE',
        false,
        /keychain/,
      ],
      [new KeychainLockedError(REASONS.locked, 'x'), 'KEYCHAIN_LOCKED', false, /locked/],
    ];
    for (const [error, code, retry, sentence] of cases) {
      const advice = adviceFor(error);
      expect(advice.code).toBe(code);
      expect(advice.retry).toBe(retry);
      expect(advice.sentence).toMatch(sentence);
      expect(advice.title.length).toBeGreaterThan(0);
    }
  });

  it('says what kind of storage problem it is', () => {
    expect(adviceFor(new StorageError('disk-full', 'packs/1', 'ENOSPC'))).toMatchObject({
      code: 'STORAGE',
      retry: true,
      sentence: expect.stringMatching(/is full/),
    });
    expect(adviceFor(new StorageError('read-only', 'packs/1', 'EROFS'))).toMatchObject({
      retry: false,
      sentence: expect.stringMatching(/Choose another backup folder/),
    });
    expect(adviceFor({ code: 'STORAGE' }).sentence).toMatch(/not reachable/);
  });

  it('falls back to a generic, retrying advice for anything else, without echoing the message', () => {
    const advice = adviceFor(new Error('secret-looking internal detail'));
    expect(advice).toMatchObject({ code: 'UNKNOWN', retry: true });
    expect(advice.sentence).not.toContain('secret-looking');
    expect(adviceFor({ code: 'WORKER_CRASHED' })).toMatchObject({
      code: 'WORKER_CRASHED',
      retry: true,
    });
    expect(errorCode(null)).toBe('UNKNOWN');
    expect(errorCode({ code: 42 })).toBe('UNKNOWN');
  });
});
