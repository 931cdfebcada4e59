import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { EXIT } from '../exit-codes.js';
import { collect, ensureCliBuilt, folderBytes, runCli, spawnCli } from '../test-helpers.js';
import { encryptBackup, sampleWaChats, writeNewSchema } from '../../importers/fixtures/msgstore.js';
import {
  fakeJpeg,
  renderExport,
  writeExportZip,
  type FixtureMessage,
} from '../../importers/fixtures/whatsapp-export.js';

/**
 * `chatkeep import` against hostile and unusual files, through the real binary: the process
 * behaviour (signals, exit codes, memory, temp files, the store folder) is what is under test.
 */

let root: string;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-hostile-'));
  await ensureCliBuilt();
}, 180_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A private TMPDIR per run, so "no temp files left" can be checked exactly. */
function tmpEnv(name: string): { env: NodeJS.ProcessEnv; tmp: string } {
  const tmp = path.join(root, `tmp-${name}`);
  fs.mkdirSync(tmp, { recursive: true });
  return { env: { TMPDIR: tmp, TMP: tmp, TEMP: tmp }, tmp };
}

function bigExport(file: string, messages: number): void {
  const t0 = Date.UTC(2016, 0, 1) / 1000;
  const batch: FixtureMessage[] = [];
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < messages; i++) {
    const d = new Date((t0 + i * 41) * 1000);
    batch.push({
      at: [
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
      ],
      author: i % 2 ? 'Ana' : 'Ben',
      text: `message number ${i} with a few words in it`,
    });
    if (batch.length === 10_000) {
      fs.writeSync(fd, renderExport('ios-24h-dotted', batch));
      batch.length = 0;
    }
  }
  if (batch.length > 0) fs.writeSync(fd, renderExport('ios-24h-dotted', batch));
  fs.closeSync(fd);
}

describe('chatkeep import: cancelling', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} ends a running import within a second: exit 8, no temp files, no new store`, async () => {
      const file = path.join(root, `big-${signal}.txt`);
      bigExport(file, 300_000);
      const store = path.join(root, `store-${signal}`);
      const { env, tmp } = tmpEnv(signal);
      const child = spawnCli(['import', file, '--store', store, '--me', 'Ana'], { env });
      let sentAt = 0;
      child.stderr?.on('data', (d: Buffer) => {
        // Once it is reading messages (the long synchronous part), stop it.
        if (!sentAt && /^(messages|scanning)/m.test(d.toString())) {
          sentAt = performance.now();
          child.kill(signal);
        }
      });
      const r = await collect(child);
      const tookMs = performance.now() - sentAt;
      expect(sentAt, r.stderr).toBeGreaterThan(0);
      expect(r.status, r.stderr).toBe(EXIT.CANCELLED);
      expect(tookMs).toBeLessThan(1000);
      expect(fs.readdirSync(tmp)).toEqual([]);
      expect(fs.existsSync(store)).toBe(false);
    }, 120_000);
  }
});

describe('chatkeep import: hostile files', () => {
  it('refuses a 64 MiB line as "not a chat export" in under 3 s and 200 MB', async () => {
    const file = path.join(root, 'long-line.txt');
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, '[20.06.19, 15:58:47] Loris: ');
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 64; i++) fs.writeSync(fd, block);
    fs.closeSync(fd);
    const usage = path.join(root, 'long-line-usage.json');
    const store = path.join(root, 'store-long');
    const r = await runCli([
      '--report-rusage',
      usage,
      '--json',
      'import',
      file,
      '--store',
      store,
      '--me',
      'Loris',
    ]);
    expect(r.status, r.stderr).toBe(EXIT.USAGE);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'UNKNOWN_FORMAT' } });
    expect((r.json?.error as { message: string }).message).toMatch(
      /longer than 1024 KiB: this is not a chat export/,
    );
    const u = JSON.parse(fs.readFileSync(usage, 'utf8')) as { maxRssBytes: number; wallMs: number };
    expect(u.wallMs).toBeLessThan(3000);
    expect(u.maxRssBytes).toBeLessThan(200 * 2 ** 20);
    expect(fs.existsSync(store)).toBe(false);
  }, 60_000);

  it('refuses a small zip whose chat text expands a thousandfold, without unpacking it', async () => {
    const zipFile = path.join(root, 'text-bomb.zip');
    const zip = new yazl.ZipFile();
    const line = Buffer.concat([
      Buffer.from('[20.06.19, 15:58:47] Loris: '),
      Buffer.alloc(256 << 20, 0x61),
    ]);
    zip.addBuffer(line, '_chat.txt');
    zip.end();
    await new Promise<void>((resolve) =>
      zip.outputStream.pipe(fs.createWriteStream(zipFile)).on('close', () => resolve()),
    );
    expect(fs.statSync(zipFile).size).toBeLessThan(2 << 20);
    const { env, tmp } = tmpEnv('text-bomb');
    const started = performance.now();
    const r = await runCli(
      ['--json', 'import', zipFile, '--store', path.join(root, 's-tb'), '--me', 'Loris'],
      { env },
    );
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(r.status, r.stderr).toBe(EXIT.USAGE);
    expect((r.json?.error as { message: string }).message).toMatch(
      /expands .* times.*--allow-large-media/,
    );
    expect(fs.readdirSync(tmp)).toEqual([]);
  }, 60_000);

  it('skips a zip-bomb "photo" with a warning, and imports it with --allow-large-media', async () => {
    const zipFile = path.join(root, 'photo-bomb.zip');
    const text = renderExport('ios-24h-dotted', [
      { at: [2020, 1, 2, 3, 4, 5], author: 'Ana', text: 'hi' },
      { at: [2020, 1, 2, 3, 4, 6], author: 'Ana', file: '00000001-PHOTO-2020-01-02-03-04-06.jpg' },
      { at: [2020, 1, 2, 3, 4, 7], author: 'Ben', file: '00000002-PHOTO-2020-01-02-03-04-07.jpg' },
    ]);
    const bomb = Buffer.alloc(64 << 20, 0);
    bomb.set(fakeJpeg(1).subarray(0, 11));
    await writeExportZip(zipFile, '_chat.txt', text, {
      '00000001-PHOTO-2020-01-02-03-04-06.jpg': bomb,
      '00000002-PHOTO-2020-01-02-03-04-07.jpg': fakeJpeg(2),
    });
    const store = path.join(root, 'store-bomb');
    const r = await runCli(['--json', 'import', zipFile, '--store', store, '--me', 'Ben']);
    expect(r.status, r.stderr).toBe(0);
    const result = (r.json as { result: { media: { stored: number }; warnings: string[] } }).result;
    expect(result.media.stored).toBe(1);
    expect(result.warnings.join('\n')).toMatch(
      /Not imported: 00000001-PHOTO.*expands .* times.*--allow-large-media/,
    );
    expect(folderBytes(path.join(store, 'media'))).toBeLessThan(1 << 20);
    const again = await runCli([
      '--json',
      'import',
      zipFile,
      '--store',
      store,
      '--me',
      'Ben',
      '--allow-large-media',
    ]);
    expect(again.status, again.stderr).toBe(0);
    expect((again.json as { result: { media: { stored: number } } }).result.media.stored).toBe(2);
  }, 60_000);

  it('refuses a Telegram-shaped JSON whose messages are junk, and creates no store', async () => {
    const dir = path.join(root, 'tg-junk');
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, 'result.json'),
      JSON.stringify({
        name: 'x',
        type: 'personal_chat',
        id: 5,
        messages: [1, 'two', { text: 3 }, null],
      }),
    );
    const store = path.join(root, 'store-tg');
    const r = await runCli(['--json', 'import', dir, '--store', store]);
    expect(r.status, r.stderr).toBe(EXIT.USAGE);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'UNKNOWN_FORMAT' } });
    expect((r.json?.error as { message: string }).message).toMatch(
      /no Telegram message Chatkeep can read/,
    );
    expect(fs.existsSync(store)).toBe(false);
  });

  it('says "the file is empty" for an empty file, exit 2', async () => {
    const file = path.join(root, 'empty.txt');
    fs.writeFileSync(file, '');
    const r = await runCli(['--json', 'import', file, '--store', path.join(root, 's-empty')]);
    expect(r.status).toBe(EXIT.USAGE);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'EMPTY_FILE' } });
    expect((r.json?.error as { message: string }).message).toMatch(/is empty/);
  });

  it('exits 4 for a damaged backup and 3 for a wrong key, without the stack-trace hint, leaving no store', async () => {
    const db = path.join(root, 'm.db');
    writeNewSchema(db, sampleWaChats());
    const key = Buffer.alloc(32, 7);
    const crypt = path.join(root, 'msgstore.db.crypt15');
    encryptBackup(fs.readFileSync(db), key, crypt);
    const damaged = path.join(root, 'damaged', 'msgstore.db.crypt15');
    fs.mkdirSync(path.dirname(damaged));
    const bytes = fs.readFileSync(crypt);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    fs.writeFileSync(damaged, bytes);
    const store = path.join(root, 'store-crypt');
    const bad = await runCli([
      '--json',
      'import',
      damaged,
      '--store',
      store,
      '--key',
      key.toString('hex'),
    ]);
    expect(bad.status, bad.stdout).toBe(EXIT.DAMAGED);
    expect(bad.stderr).not.toMatch(/CHATKEEP_DEBUG/);
    const wrong = await runCli([
      '--json',
      'import',
      crypt,
      '--store',
      store,
      '--key',
      'ab'.repeat(32),
    ]);
    expect(wrong.status, wrong.stdout).toBe(EXIT.WRONG_SECRET);
    expect(fs.existsSync(store)).toBe(false);
  });
});
