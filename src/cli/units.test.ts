import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultStateDir, defaultStoreDir } from './app-paths.js';
import { CheckFailedError, CliUsageError, SecretUnavailableError } from './errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { LEGACY_MARKER_FILE_NAME, MarkerState, MARKER_FILE_NAME } from './marker-state.js';
import { createProgress, progressMode } from './progress.js';
import { parseMediaTypes, parsePercent, parseTime, parseNonNegativeInt } from './parse.js';
import { newPassword, readSecretFile, secretToOpen, type SecretIo } from './secrets.js';
import {
  RepositoryDamagedError,
  RollbackDetectedError,
  StorageError,
  WrongSecretError,
} from '../backup/errors.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('defaultStoreDir (the desktop app userData)', () => {
  it('uses XDG_CONFIG_HOME on Linux when absolute, ~/.config otherwise', () => {
    expect(defaultStoreDir({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux', '/home/a')).toBe(
      '/x/cfg/Chatkeep',
    );
    expect(defaultStoreDir({ XDG_CONFIG_HOME: 'relative' }, 'linux', '/home/a')).toBe(
      '/home/a/.config/Chatkeep',
    );
    expect(defaultStoreDir({}, 'linux', '/home/a')).toBe('/home/a/.config/Chatkeep');
  });
  it('uses Application Support on macOS and APPDATA on Windows', () => {
    expect(defaultStoreDir({}, 'darwin', '/Users/a')).toBe(
      '/Users/a/Library/Application Support/Chatkeep',
    );
    expect(
      defaultStoreDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32', 'C:\\Users\\a'),
    ).toBe('C:\\Users\\a\\AppData\\Roaming\\Chatkeep');
  });
});

describe('exit codes', () => {
  it('maps engine and CLI errors by code', () => {
    expect(exitCodeFor(new WrongSecretError('password'))).toBe(EXIT.WRONG_SECRET);
    expect(exitCodeFor(new RepositoryDamagedError('data/ab/cd', 'bad tag'))).toBe(EXIT.DAMAGED);
    expect(exitCodeFor(new RollbackDetectedError('seq 3 < 5'))).toBe(EXIT.ROLLBACK);
    expect(exitCodeFor(new StorageError('disk-full', 'data/x', 'ENOSPC'))).toBe(EXIT.STORAGE);
    expect(exitCodeFor(new CliUsageError('x'))).toBe(EXIT.USAGE);
    expect(exitCodeFor(new SecretUnavailableError('x'))).toBe(EXIT.USAGE);
    expect(exitCodeFor(new CheckFailedError(2))).toBe(EXIT.DAMAGED);
    expect(exitCodeFor({ code: 'commander.unknownOption' })).toBe(EXIT.USAGE);
    expect(exitCodeFor(new Error('boom'))).toBe(EXIT.ERROR);
    expect(exitCodeFor('string')).toBe(EXIT.ERROR);
  });
});

describe('option parsers', () => {
  it('parses media type lists and rejects unknown names', () => {
    expect(parseMediaTypes('all')).toHaveLength(7);
    expect(parseMediaTypes('none')).toEqual([]);
    expect(parseMediaTypes('photo, video,photo')).toEqual(['photo', 'video']);
    expect(() => parseMediaTypes('photos')).toThrow(/unknown media type "photos"/);
  });
  it('parses counts, percentages and dates', () => {
    expect(parseNonNegativeInt('7', '--keep-daily')).toBe(7);
    expect(() => parseNonNegativeInt('-1', '--keep-daily')).toThrow(CliUsageError);
    expect(parsePercent('10%', '--read-data-subset')).toBe(10);
    expect(() => parsePercent('0', '--read-data-subset')).toThrow(/between 0 and 100/);
    expect(() => parsePercent('101', '--read-data-subset')).toThrow(CliUsageError);
    expect(parseTime('2024-05-31', '--from')).toBe(Date.UTC(2024, 4, 31));
    expect(parseTime('1700000000000', '--from')).toBe(1700000000000);
    expect(() => parseTime('yesterday', '--from')).toThrow(/--from needs a date/);
  });
});

describe('secrets', () => {
  const io = (env: NodeJS.ProcessEnv, answers: string[] = [], interactive = false): SecretIo => ({
    env,
    interactive,
    prompt: async () => {
      const next = answers.shift();
      if (next === undefined) throw new Error('unexpected prompt');
      return next;
    },
  });

  it('reads the first line of a secret file, without its line ending', async () => {
    const f = path.join(tmp(), 'pw');
    fs.writeFileSync(f, 'correct horse \r\nsecond line');
    expect(await readSecretFile(f)).toBe('correct horse ');
    fs.writeFileSync(f, '\n');
    await expect(readSecretFile(f)).rejects.toThrow(SecretUnavailableError);
  });

  it('prefers a recovery key file, then a password file, then the environment', async () => {
    const d = tmp();
    fs.writeFileSync(path.join(d, 'rk'), 'abcd-ef\n');
    fs.writeFileSync(path.join(d, 'pw'), 'filepass\n');
    const env = { CHATKEEP_PASSWORD: 'envpass' };
    expect(
      await secretToOpen(
        { recoveryKeyFile: path.join(d, 'rk'), passwordFile: path.join(d, 'pw') },
        io(env),
      ),
    ).toEqual({ recoveryKey: 'abcd-ef' });
    expect(await secretToOpen({ passwordFile: path.join(d, 'pw') }, io(env))).toEqual({
      password: 'filepass',
    });
    expect(await secretToOpen({}, io(env))).toEqual({ password: 'envpass' });
  });

  it('refuses to prompt without a terminal and names the alternatives', async () => {
    await expect(secretToOpen({}, io({}))).rejects.toThrow(
      /--password-file FILE, CHATKEEP_PASSWORD/,
    );
    expect(await secretToOpen({}, io({}, ['typed'], true))).toEqual({ password: 'typed' });
  });

  it('asks for a new password twice and retries on a mismatch or a short password', async () => {
    expect(
      await newPassword(
        undefined,
        'NEWPW',
        io({}, ['short', 'longenough1', 'longenough2', 'longenough3', 'longenough3'], true),
      ),
    ).toBe('longenough3');
    await expect(newPassword(undefined, 'NEWPW', io({ NEWPW: 'short' }))).rejects.toThrow(
      /at least 8/,
    );
    expect(await newPassword(undefined, 'NEWPW', io({ NEWPW: 'from-the-env' }))).toBe(
      'from-the-env',
    );
  });
});

describe('MarkerState', () => {
  const marker = { seq: 3, id: 'a'.repeat(64), hash: 'b'.repeat(64) };

  it('remembers the marker per repository id wherever the folder is, never going back', async () => {
    const dir = path.join(tmp(), 'state');
    const state = new MarkerState(dir);
    expect(await state.get('repo1')).toBeNull();
    await state.set('repo1', '/some/repo', marker);
    await state.set('repo2', '/other/repo', { ...marker, seq: 9 });
    expect(await new MarkerState(dir).get('repo1', '/mounted/elsewhere')).toEqual(marker);
    // An older marker never replaces a newer one (two processes finishing out of order).
    await state.set('repo2', '/other/repo', { ...marker, seq: 4 });
    expect((await state.get('repo2'))?.seq).toBe(9);
    await state.forget('repo1');
    expect(await state.get('repo1')).toBeNull();
    const text = fs.readFileSync(path.join(dir, MARKER_FILE_NAME), 'utf8');
    expect(JSON.parse(text).version).toBe(2);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, MARKER_FILE_NAME)).mode & 0o777).toBe(0o600);
  });

  it('reads a 0.1-era marker kept beside a chat store, and survives a torn file', async () => {
    const store = tmp();
    fs.writeFileSync(
      path.join(store, LEGACY_MARKER_FILE_NAME),
      JSON.stringify({
        version: 1,
        repositories: { [path.resolve('/r')]: { repoId: 'id1', marker, seenAt: 'x' } },
      }),
    );
    const dir = path.join(tmp(), 'state');
    expect(await new MarkerState(dir, store).get('id1', '/r')).toEqual(marker);
    expect(await new MarkerState(dir, store).get('other', '/r')).toBeNull();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, MARKER_FILE_NAME), '{"version":2,"repos');
    expect(await new MarkerState(dir).get('id1')).toBeNull();
  });

  it('keeps one client id per installation', async () => {
    const dir = path.join(tmp(), 'state');
    const id = await new MarkerState(dir).clientId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(await new MarkerState(dir).clientId()).toBe(id);
  });
});

describe('state folder', () => {
  it("follows each platform's convention, or CHATKEEP_STATE_DIR", () => {
    expect(defaultStateDir({}, 'linux', '/home/e')).toBe('/home/e/.local/state/chatkeep');
    expect(defaultStateDir({ XDG_STATE_HOME: '/x' }, 'linux', '/home/e')).toBe('/x/chatkeep');
    expect(defaultStateDir({}, 'darwin', '/Users/e')).toBe(
      '/Users/e/Library/Application Support/Chatkeep/cli',
    );
    expect(defaultStateDir({ LOCALAPPDATA: 'C:\\L' }, 'win32', 'C:\\Users\\e')).toBe(
      'C:\\L\\Chatkeep\\cli',
    );
    expect(defaultStateDir({ CHATKEEP_STATE_DIR: '/t' }, 'linux', '/h')).toBe('/t');
  });
});

describe('progress output', () => {
  it('writes plain lines: one per phase change, then at most one per interval', () => {
    let text = '';
    const sink = {
      write: (chunk: string) => ((text += chunk), true),
    } as unknown as NodeJS.WritableStream;
    const progress = createProgress('lines', sink);
    const p = { itemsTotal: 10, bytesDone: 0, bytesTotal: 2_000_000, etaMs: 65_000 };
    progress.update({ phase: 'scan', itemsDone: 0, ...p });
    progress.update({ phase: 'scan', itemsDone: 1, ...p });
    progress.update({ phase: 'media', itemsDone: 2, ...p, bytesDone: 1_000_000 });
    progress.stop();
    expect(text.trim().split('\n')).toEqual([
      'scan: 0/10 items, 0 B/2.00 MB, ETA 1m05s',
      'media: 2/10 items, 1.00 MB/2.00 MB, ETA 1m05s',
    ]);
    let none = '';
    const quiet = createProgress('none', {
      write: (c: string) => ((none += c), true),
    } as unknown as NodeJS.WritableStream);
    quiet.update({ phase: 'scan', itemsDone: 0, ...p });
    expect(none).toBe('');
  });

  it('chooses no progress for --json and --quiet', () => {
    expect(progressMode({ json: true })).toBe('none');
    expect(progressMode({ quiet: true })).toBe('none');
  });
});
