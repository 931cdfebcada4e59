import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArchiveFixture } from '../export/testing/archive-fixture.js';
import { generateStore } from '../seed/generate.js';
import { EXIT } from './exit-codes.js';
import { BIN, collect, ensureCliBuilt, runCli, testStateDir } from './test-helpers.js';

/**
 * `chatkeep export` as people run it: the real binary, real stores and folders, a disk that
 * fills up (RLIMIT_FSIZE, as in src/backup/faults/storage-errors.test.ts) and Ctrl-C.
 */

let dir: string;
let small: string;
let big: string;

beforeAll(async () => {
  await ensureCliBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-cli-export-'));
  small = path.join(dir, 'small');
  buildArchiveFixture(small);
  big = path.join(dir, 'big');
  generateStore({ out: big, messages: 40_000, chats: 4, mediaMb: 4, seed: 'cli' });
}, 240_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('chatkeep export', () => {
  it('lists the chats, then exports one as --json says', async () => {
    const list = await runCli(['export', '--store', small, '--list', '--json']);
    expect(list.status, list.stderr).toBe(EXIT.OK);
    const chats = (list.json as { chats: { id: number; title: string }[] }).chats;
    expect(chats.map((c) => c.title)).toEqual(['Ana Sousa', 'Family <b>&</b> friends']);
    const out = path.join(dir, 'one');
    const r = await runCli([
      'export',
      '--store',
      small,
      '--out',
      out,
      '--chat',
      String(chats[1]!.id),
      '--format',
      'html',
      '--time-zone',
      'Europe/Berlin',
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(EXIT.OK);
    expect(r.json).toMatchObject({
      ok: true,
      export: { format: 'html', chats: 1, messages: 12, entry: 'index.html' },
    });
    expect(fs.existsSync(path.join(out, 'index.html'))).toBe(true);
  });

  it('says what is wrong with exit 2, writing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['--all'], /--out DIR/],
      [['--out', path.join(dir, 'x')], /--chat ID .* or --all/],
      [['--out', path.join(dir, 'x'), '--all', '--chat', '1'], /not both/],
      [['--out', path.join(dir, 'x'), '--chat', 'family'], /chat ids/],
      [['--out', path.join(dir, 'x'), '--chat', '4242'], /no chat 4242/],
      [['--out', path.join(dir, 'x'), '--all', '--format', 'pdf'], /--format must be one of/],
      [['--out', path.join(dir, 'x'), '--all', '--from', '2024-13-01'], /is not a date/],
      [['--out', path.join(dir, 'x'), '--all', '--media', 'holograms'], /Unknown media type/],
      [
        ['--out', path.join(dir, 'x'), '--all', '--format', 'json', '--single-file'],
        /only for the HTML/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['export', '--store', small, ...args]);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(EXIT.USAGE);
      expect(r.stderr).toMatch(message);
    }
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
    const busy = path.join(dir, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'keep.txt'), 'keep');
    const r = await runCli(['export', '--store', small, '--out', busy, '--all']);
    expect(r.status).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/is not empty/);
    expect(fs.readdirSync(busy)).toEqual(['keep.txt']);
    const noStore = await runCli([
      'export',
      '--store',
      path.join(dir, 'nowhere'),
      '--all',
      '--out',
      path.join(dir, 'y'),
    ]);
    expect(noStore.status).toBe(EXIT.USAGE);
    expect(noStore.stderr).toMatch(/There is no chat store/);
  });

  it('disk full: exit 7 naming the problem, and the export folder removed', async () => {
    const out = path.join(dir, 'full');
    // bash counts `ulimit -f` in KiB: no file of the export may grow past 256 KiB, so the first
    // large media file or page fails as on a full disk.
    const child = spawn(
      'bash',
      [
        '-c',
        'trap "" XFSZ; ulimit -f 256; exec "$@"',
        'bash',
        process.execPath,
        BIN,
        'export',
        '--store',
        big,
        '--out',
        out,
        '--all',
        '--single-file',
        '--json',
      ],
      {
        env: { ...process.env, CHATKEEP_STATE_DIR: testStateDir() },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const r = await collect(child);
    expect(r.status, r.stderr).toBe(EXIT.STORAGE);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'STORAGE' } });
    expect(r.stderr).toMatch(/disk is full while writing .*free some space/i);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('Ctrl-C: exit 8, and nothing left behind', async () => {
    const out = path.join(dir, 'interrupted');
    const child = spawn(
      process.execPath,
      [BIN, 'export', '--store', big, '--out', out, '--all', '--format', 'txt'],
      {
        env: { ...process.env, CHATKEEP_STATE_DIR: testStateDir() },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const result = collect(child);
    // Wait until it is writing, then interrupt as a terminal would.
    for (let i = 0; i < 200 && !fs.existsSync(out); i++)
      await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGINT');
    const r = await result;
    expect(r.status, r.stderr).toBe(EXIT.CANCELLED);
    expect(r.stderr).toMatch(/cancelled/i);
    expect(fs.existsSync(out)).toBe(false);
  });
});
