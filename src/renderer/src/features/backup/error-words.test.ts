import { describe, expect, it } from 'vitest';
import { ChatkeepError } from '../../../../shared/ipc/errors';
import { errorCode, errorWords } from './error-words';

describe('error words', () => {
  it('names a wrong password or key as such', () => {
    const wrong = new ChatkeepError({ code: 'WRONG_SECRET', message: 'Wrong password' });
    expect(errorWords(wrong, 'password')).toMatch(/^That password is not right/);
    expect(errorWords(wrong, 'recoveryKey')).toMatch(/^That key does not open this backup/);
  });

  it('explains the backup codes and keeps main’s detail', () => {
    const damaged = new ChatkeepError({ code: 'REPO_DAMAGED', message: 'pack 1f is truncated' });
    expect(errorWords(damaged)).toContain('damaged');
    expect(errorWords(damaged)).toContain('pack 1f is truncated');
    expect(errorWords(new ChatkeepError({ code: 'REPO_NOT_FOUND', message: 'x' }))).toMatch(
      /no Chatkeep backup in that folder/,
    );
    expect(errorWords(new ChatkeepError({ code: 'REPO_LOCKED', message: 'Busy.' }))).toContain(
      'Busy.',
    );
  });

  it('never shows object names or hashes of a damaged backup', () => {
    const raw = new ChatkeepError({
      code: 'REPO_DAMAGED',
      message: 'data/3f/3f2a9c1d4e5b6a7f8091a2b3c4d5e6f7 fails authentication',
    });
    const words = errorWords(raw);
    expect(words).toMatch(/^Part of the backup is damaged/);
    expect(words).not.toMatch(/3f2a|data\//);
  });

  it('asks for the password when main needs it', () => {
    expect(errorWords(new ChatkeepError({ code: 'PASSWORD_NEEDED', message: 'x' }))).toMatch(
      /needs your backup password/,
    );
  });

  it('lists the issues of an invalid request', () => {
    const invalid = new ChatkeepError({
      code: 'INVALID_REQUEST',
      message: 'Invalid request',
      issues: [{ path: 'settings.timeOfDay', message: 'Invalid string' }],
    });
    expect(errorWords(invalid)).toBe(
      'Chatkeep could not accept that: settings.timeOfDay: Invalid string.',
    );
  });

  it('falls back to the message, and copes with things that are not errors', () => {
    expect(errorWords(new ChatkeepError({ code: 'INTERNAL', message: 'Disk on fire' }))).toBe(
      'Disk on fire',
    );
    expect(errorWords('plain')).toBe('plain');
    expect(errorCode(new ChatkeepError({ code: 'STORAGE', message: '' }))).toBe('STORAGE');
    expect(errorCode(new Error('x'))).toBeUndefined();
  });
});
