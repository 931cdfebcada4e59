import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { asarUnpackedPath, workerEntry } from './worker-entry';

describe('asarUnpackedPath', () => {
  it.each([
    [
      '/opt/Chatkeep/resources/app.asar/out/main/backup.worker.js',
      '/opt/Chatkeep/resources/app.asar.unpacked/out/main/backup.worker.js',
    ],
    [
      'C:\\Program Files\\Chatkeep\\resources\\app.asar\\out\\main\\store.worker.js',
      'C:\\Program Files\\Chatkeep\\resources\\app.asar.unpacked\\out\\main\\store.worker.js',
    ],
    [
      '/Applications/Chatkeep.app/Contents/Resources/app.asar/out/main/import.worker.js',
      '/Applications/Chatkeep.app/Contents/Resources/app.asar.unpacked/out/main/import.worker.js',
    ],
  ])('moves %s out of the archive', (inside, outside) => {
    expect(asarUnpackedPath(inside)).toBe(outside);
  });

  it.each([
    '/home/me/chatkeep/out/main/store.worker.js',
    '/opt/Chatkeep/resources/app.asar.unpacked/out/main/store.worker.js',
    // A folder merely named like an archive, or a file ending in .asar, is left alone.
    '/home/me/my.asarnotes/out/main/store.worker.js',
    '/home/me/backups/app.asar',
  ])('leaves %s as it is', (file) => {
    expect(asarUnpackedPath(file)).toBe(file);
  });
});

describe('workerEntry in a packaged layout', () => {
  let root: string | null = null;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    root = null;
  });

  it('starts the unpacked copy of a worker whose bundle dir is inside app.asar', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ck-asar-'));
    const inside = path.join(root, 'resources', 'app.asar', 'out', 'main');
    const unpacked = path.join(root, 'resources', 'app.asar.unpacked', 'out', 'main');
    mkdirSync(unpacked, { recursive: true });
    writeFileSync(path.join(unpacked, 'backup.worker.js'), '');
    expect(workerEntry('backup', inside)).toEqual({
      file: path.join(unpacked, 'backup.worker.js'),
      execArgv: [],
    });
  });

  it('does not start a worker from inside the archive when it was not unpacked', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ck-asar-'));
    const inside = path.join(root, 'resources', 'app.asar', 'out', 'main');
    // Plain Node sees the archive as a folder here; Electron's fs would too, a worker would not.
    mkdirSync(inside, { recursive: true });
    writeFileSync(path.join(inside, 'store.worker.js'), '');
    const entry = workerEntry('store', inside);
    expect(entry.file).not.toContain(`app.asar${path.sep}`);
  });
});
