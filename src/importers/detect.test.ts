import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeChatStorage, writeIosBackup } from './fixtures/chatstorage.js';
import {
  encryptBackup,
  sampleWaChats,
  writeLegacySchema,
  writeNewSchema,
} from './fixtures/msgstore.js';
import { writeSingleChatExport, writeTelegramExport } from './fixtures/telegram.js';
import { renderExport, sampleChat } from './fixtures/whatsapp-export.js';
import { sampleSignalDb, writeSignalBackup } from './fixtures/signal-backup.js';
import { EmptyFileError, UnknownFormatError } from './core/errors.js';
import { detectImport, IMPORTERS, importerById, recogniseImport } from './index.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('detectImport', () => {
  it('routes every kind of input to its importer, by content', async () => {
    const p = (n: string) => path.join(dir, n);
    fs.writeFileSync(p('a.txt'), renderExport('android-gb-24h', sampleChat()));
    writeNewSchema(p('new.db'), sampleWaChats());
    writeLegacySchema(p('legacy.db'), sampleWaChats());
    encryptBackup(fs.readFileSync(p('new.db')), Buffer.alloc(32, 1), p('backup.bin'));
    writeChatStorage(p('ios.sqlite'), sampleWaChats());
    writeIosBackup(p('iosbackup'), p('ios.sqlite'), {});
    writeTelegramExport(p('tg'));
    writeSingleChatExport(p('tg1'));
    fs.mkdirSync(p('signal'));
    writeSignalBackup(
      path.join(p('signal'), 'signal-2024-01-02-03-04-05.backup'),
      sampleSignalDb(),
      {
        version: 0,
      },
    );
    const cases: [string, string, string][] = [
      ['/work/shared/fixtures/whatsapp-export-ios/chat-export.zip', 'whatsapp-export', 'zip'],
      [p('a.txt'), 'whatsapp-export', 'txt'],
      [p('new.db'), 'whatsapp-crypt', 'plain-file'],
      [p('legacy.db'), 'whatsapp-crypt', 'plain-file'],
      [p('backup.bin'), 'whatsapp-crypt', 'crypt15-file'],
      [p('ios.sqlite'), 'whatsapp-ios', 'sqlite'],
      [p('iosbackup'), 'whatsapp-ios', 'backup'],
      [p('tg'), 'telegram-json', 'folder'],
      [path.join(p('tg1'), 'result.json'), 'telegram-json', 'file'],
      [path.join(p('signal'), 'signal-2024-01-02-03-04-05.backup'), 'signal-android', 'file-v0'],
      [p('signal'), 'signal-android', 'folder-v0'],
    ];
    for (const [input, format, variant] of cases) {
      const found = await detectImport(input);
      expect({ input, format: found?.importer.id, variant: found?.detection.variant }).toEqual({
        input,
        format,
        variant,
      });
    }
  });

  it('returns null for what no importer reads, including missing paths', async () => {
    fs.writeFileSync(path.join(dir, 'n.json'), '[1,2,3]');
    expect(await detectImport(path.join(dir, 'n.json'))).toBeNull();
    expect(await detectImport(path.join(dir, 'does-not-exist'))).toBeNull();
    fs.mkdirSync(path.join(dir, 'empty'));
    expect(await detectImport(path.join(dir, 'empty'))).toBeNull();
  });

  it('says why nothing reads a path: missing, empty, or unknown', async () => {
    fs.writeFileSync(path.join(dir, 'zero.txt'), '');
    await expect(recogniseImport(path.join(dir, 'zero.txt'))).rejects.toThrow(EmptyFileError);
    await expect(recogniseImport(path.join(dir, 'zero.txt'))).rejects.toThrow(
      /is empty \(0 bytes\)/,
    );
    await expect(recogniseImport(path.join(dir, 'nope'))).rejects.toThrow(/does not exist/);
    fs.writeFileSync(path.join(dir, 'n2.json'), '[1,2,3]');
    await expect(recogniseImport(path.join(dir, 'n2.json'))).rejects.toThrow(UnknownFormatError);
  });

  it('lists each importer once by id', () => {
    expect(IMPORTERS.map((i) => i.id).sort()).toEqual([
      'signal-android',
      'telegram-json',
      'whatsapp-crypt',
      'whatsapp-export',
      'whatsapp-ios',
    ]);
    expect(importerById('telegram-json')?.id).toBe('telegram-json');
  });
});
