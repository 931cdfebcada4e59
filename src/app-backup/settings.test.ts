import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-file.js';
import { BackupScheduler } from './scheduler.js';
import {
  BackupSettingsFile,
  CORRUPT_COPY_NAME,
  InvalidSettingsError,
  SETTINGS_FILE_NAME,
  defaultBackupSettings,
  includedMediaTypes,
  type BackupSettings,
} from './settings.js';
import { FakeClock } from './testing/fake-clock.js';

let dir: string;
let file: BackupSettingsFile;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
  file = new BackupSettingsFile(dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const CLIENT_ID = '0123456789abcdef0123456789abcdef';

const configured = (): BackupSettings => ({
  ...defaultBackupSettings(),
  clientId: CLIENT_ID,
  destination: {
    location: { kind: 'folder', path: path.join(dir, 'Dropbox', 'Chatkeep Backup') },
    repoId: 'r_0123abcd',
  },
  schedule: { frequency: 'weekly', timeOfDay: '21:05', onlyOnAcPower: true },
});

const raw = () => fs.readFileSync(path.join(dir, SETTINGS_FILE_NAME), 'utf8');
const writeRaw = (text: string) => fs.writeFileSync(path.join(dir, SETTINGS_FILE_NAME), text);

describe('BackupSettingsFile', () => {
  it('starts from documented defaults when there is no file', async () => {
    const { settings, problems } = await file.load();
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({
      destination: null,
      schedule: { frequency: 'daily', timeOfDay: '03:30', onlyOnAcPower: false },
      media: { photo: true, video: false, audio: true, document: true, sticker: true },
      retention: { daily: 7, weekly: 4, monthly: 12 },
      runState: { lastSuccessAt: null, consecutiveFailures: 0, lastError: null },
    });
    expect(includedMediaTypes(settings.media)).toEqual([
      'photo',
      'audio',
      'voice',
      'document',
      'sticker',
      'gif',
    ]);
  });

  it('saves atomically with owner-only permissions and loads the same settings back', async () => {
    await file.save(configured());
    expect((await file.load()).settings).toEqual(configured());
    expect(fs.statSync(path.join(dir, SETTINGS_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual([SETTINGS_FILE_NAME]);
    expect(Object.keys(JSON.parse(raw()) as object).sort()).toEqual(
      [
        'clientId',
        'destination',
        'lastBackupSizes',
        'media',
        'retention',
        'runState',
        'schedule',
        'secretCheck',
        'version',
      ].sort(),
    );
  });

  it('reads a file from before the password reminder: no reminder planned, no problem reported', async () => {
    await file.save(configured());
    const doc = JSON.parse(raw()) as Record<string, unknown>;
    delete doc.secretCheck;
    fs.writeFileSync(path.join(dir, SETTINGS_FILE_NAME), JSON.stringify(doc));
    const loaded = await file.load();
    expect(loaded.problems).toEqual([]);
    expect(loaded.settings.secretCheck).toEqual({ nextDueAt: null, passed: 0 });
    expect(loaded.settings.destination).toEqual(configured().destination);
  });

  it('reads a file from before the sizes were kept: sizes unknown until the next backup', async () => {
    await file.save(configured());
    const doc = JSON.parse(raw()) as Record<string, unknown>;
    delete doc.lastBackupSizes;
    fs.writeFileSync(path.join(dir, SETTINGS_FILE_NAME), JSON.stringify(doc));
    const loaded = await file.load();
    expect(loaded.problems).toEqual([]);
    expect(loaded.settings.lastBackupSizes).toEqual({ mediaBytes: null, addedBytes: null });
  });

  it('refuses to save invalid settings or anything extra (like a password), leaving the file as it was', async () => {
    await file.save(configured());
    const before = raw();
    const attempts: unknown[] = [
      {
        ...configured(),
        schedule: { frequency: 'hourly', timeOfDay: '03:30', onlyOnAcPower: false },
      },
      {
        ...configured(),
        schedule: { frequency: 'daily', timeOfDay: '3:30', onlyOnAcPower: false },
      },
      { ...configured(), destination: { path: 'relative/folder', repoId: 'r1' } },
      { ...configured(), retention: { daily: 0, weekly: 0, monthly: 0 } },
      { ...configured(), password: 'hunter2' },
      { ...configured(), destination: { path: '/abs', repoId: 'r1', masterKey: 'x' } },
      // A password never goes into the settings file, not even inside a location's URL.
      {
        ...configured(),
        destination: {
          location: { kind: 'webdav', url: 'https://me:secret@cloud.example.org/dav' },
          repoId: 'r1',
        },
      },
      {
        ...configured(),
        destination: {
          location: { kind: 'sftp', host: 'nas.local', path: '/b', password: 'x' },
          repoId: 'r1',
        },
      },
    ];
    for (const attempt of attempts) {
      expect(() => file.save(attempt as BackupSettings)).toThrow(InvalidSettingsError);
    }
    expect(raw()).toBe(before);
  });

  it('keeps a damaged file aside and falls back to defaults, reporting it', async () => {
    writeRaw('{"version":1,"destination":{"path":"/x"');
    const { settings, problems } = await file.load();
    // A fresh computer id, like every default set (see defaultBackupSettings).
    expect(settings).toEqual({ ...defaultBackupSettings(), clientId: settings.clientId });
    expect(settings.clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(problems).toEqual([expect.objectContaining({ code: 'SETTINGS_CORRUPT' })]);
    expect(fs.readFileSync(path.join(dir, CORRUPT_COPY_NAME), 'utf8')).toBe(
      '{"version":1,"destination":{"path":"/x"',
    );
  });

  it('resets only the section that is invalid, keeping the backup folder', async () => {
    const doc = JSON.parse(JSON.stringify(configured())) as Record<string, unknown>;
    doc.schedule = { frequency: 'hourly', timeOfDay: '03:30', onlyOnAcPower: false };
    doc.media = 'all';
    writeRaw(JSON.stringify(doc));
    const { settings, problems } = await file.load();
    expect(settings.destination).toEqual(configured().destination);
    expect(settings.schedule).toEqual(defaultBackupSettings().schedule);
    expect(settings.media).toEqual(defaultBackupSettings().media);
    expect(problems.map((p) => [p.code, p.section])).toEqual([
      ['SETTINGS_SECTION_INVALID', 'schedule'],
      ['SETTINGS_SECTION_INVALID', 'media'],
    ]);
    expect(problems[0]!.message).toMatch(/schedule settings were not valid/);
  });

  it('reads what it understands from a newer version, says so, and copes with non-object JSON', async () => {
    writeRaw(JSON.stringify({ ...configured(), version: 3, cloudProvider: 'x' }));
    const newer = await file.load();
    expect(newer.settings.destination).toEqual(configured().destination);
    expect(newer.problems.map((p) => p.code)).toEqual(['SETTINGS_TOO_NEW']);

    writeRaw('[1,2,3]');
    expect((await file.load()).problems.map((p) => p.code)).toEqual(['SETTINGS_CORRUPT']);
  });

  it('reads a format-1 file (a folder path) as a folder location, and saves format 2', async () => {
    const legacy = JSON.parse(JSON.stringify(configured())) as Record<string, unknown>;
    const folder = path.join(dir, 'Dropbox', 'Chatkeep Backup');
    legacy.version = 1;
    legacy.destination = { path: folder, repoId: 'r_0123abcd' };
    writeRaw(JSON.stringify(legacy));
    const { settings, problems } = await file.load();
    expect(problems).toEqual([]);
    expect(settings.destination).toEqual({
      location: { kind: 'folder', path: folder },
      repoId: 'r_0123abcd',
    });
    await file.save(settings);
    const saved = JSON.parse(raw()) as { version: number; destination: unknown };
    expect(saved.version).toBe(2);
    expect(saved.destination).toEqual(settings.destination);
  });

  it('keeps a network location, without any secret', async () => {
    const webdav = {
      ...configured(),
      destination: {
        location: {
          kind: 'webdav' as const,
          url: 'https://cloud.example.org/remote.php/dav/files/me/Chatkeep',
          user: 'me',
        },
        repoId: 'r_0123abcd',
      },
    };
    await file.save(webdav);
    expect((await file.load()).settings.destination).toEqual(webdav.destination);
  });

  it('applies concurrent updates one after another without losing any', async () => {
    await file.save(configured());
    const groups = ['photo', 'video', 'audio', 'document', 'sticker'] as const;
    await Promise.all(
      groups.map((g) => file.update((s) => ({ ...s, media: { ...s.media, [g]: g === 'video' } }))),
    );
    expect((await file.load()).settings.media).toEqual({
      photo: false,
      video: true,
      audio: false,
      document: false,
      sticker: false,
    });
    expect(fs.readdirSync(dir)).toEqual([SETTINGS_FILE_NAME]);
  });

  it('keeps the scheduler’s history (last backup, last error) across restarts', async () => {
    await file.save(configured());
    const clock = new FakeClock(Date.UTC(2026, 5, 1, 10, 0));
    const persistence = file.schedulerPersistence();
    const scheduler = new BackupScheduler({
      settings: { frequency: 'daily', timeOfDay: '03:30', onlyOnAcPower: false },
      clock,
      timeZone: 'UTC',
      runBackup: async () => ({ sizeBytes: 1234 }),
      ...persistence,
    });
    await scheduler.start();
    await scheduler.backupNow();
    await scheduler.stop();
    const { settings } = await file.load();
    expect(settings.runState).toMatchObject({
      lastSuccessAt: clock.now(),
      lastSuccessSizeBytes: 1234,
    });
    expect(settings.destination).toEqual(configured().destination);
    expect(await persistence.loadState()).toMatchObject({ lastSuccessAt: clock.now() });
  });
});

describe('writeFileAtomic', () => {
  it('leaves the old content and no temporary file when the rename fails', async () => {
    const target = path.join(dir, 'target');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'x');
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect(fs.readdirSync(dir)).toEqual(['target']);
    expect(fs.readFileSync(path.join(target, 'inside'), 'utf8')).toBe('x');
  });
});
