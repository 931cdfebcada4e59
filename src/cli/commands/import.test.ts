import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../context.js';
import { exitCodeFor } from '../exit-codes.js';
import { buildProgram } from '../program.js';
import { ChatStore } from '../../store/index.js';
import { registerImportCommand, SIGNAL_PASSPHRASE_ENV } from './import.js';
import {
  TEST_PASSPHRASE,
  sampleSignalDb,
  writeSignalBackup,
} from '../../importers/fixtures/signal-backup.js';

const REAL = '/work/shared/fixtures/whatsapp-export-ios/chat-export.zip';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string; error: unknown }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io = {
    stdout,
    stderr,
    signal: new AbortController().signal,
    secrets: {
      env,
      interactive: false,
      prompt: () => Promise.reject(new Error('no terminal in tests')),
    },
  } as unknown as CliIo;
  const program = buildProgram(io, [registerImportCommand]);
  let code = 0;
  let error: unknown = null;
  try {
    await program.parseAsync(['node', 'chatkeep', ...args]);
  } catch (e) {
    error = e;
    code = exitCodeFor(e);
  }
  return { code, stdout: out, stderr: err, error };
}

describe('chatkeep import', () => {
  it('without --me on a text export lists the participants and exits 2', async () => {
    const store = path.join(dir, 'store');
    const r = await run(['import', REAL, '--store', store]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/participants: Emily, John, Loris/);
    expect((r.error as { result: { participants: string[] } }).result.participants).toEqual([
      'Emily',
      'John',
      'Loris',
    ]);
    expect(fs.existsSync(path.join(store, 'chatkeep.db'))).toBe(false);
  });

  it('imports with --me and prints a JSON result', async () => {
    const store = path.join(dir, 'store');
    const r = await run(['import', REAL, '--store', store, '--me', 'John', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      ok: boolean;
      result: { messages: number; ingest: { messagesAdded: number } };
    };
    expect(doc.ok).toBe(true);
    expect(doc.result.messages).toBe(52);
    expect(doc.result.ingest.messagesAdded).toBe(52);
    const s = ChatStore.open(store);
    try {
      expect(s.listChats()).toHaveLength(1);
    } finally {
      s.close();
    }
  });

  it('--inspect writes nothing', async () => {
    const store = path.join(dir, 'store');
    const r = await run(['import', REAL, '--store', store, '--inspect']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/52 messages in 1 chat/);
    expect(fs.existsSync(store)).toBe(false);
  });

  it('unknown input is an error with a stable code', async () => {
    fs.writeFileSync(path.join(dir, 'x.bin'), 'nothing');
    const r = await run(['import', path.join(dir, 'x.bin'), '--store', path.join(dir, 's')]);
    expect((r.error as { code: string }).code).toBe('UNKNOWN_FORMAT');
    expect(r.code).not.toBe(0);
  });

  it('--key with --key-file is a usage error', async () => {
    const r = await run([
      'import',
      REAL,
      '--store',
      path.join(dir, 's'),
      '--key',
      'ab',
      '--key-file',
      'x',
    ]);
    expect(r.code).toBe(2);
  });

  it('imports a Signal backup with its passphrase from a file or the environment, never an argument', async () => {
    const file = path.join(dir, 'signal-2024-03-10-10-00-00.backup');
    writeSignalBackup(file, sampleSignalDb());
    const store = path.join(dir, 'store');
    const none = await run(['import', file, '--store', store, '--json']);
    expect(none.code).toBe(2);
    expect((none.error as { code: string }).code).toBe('NEEDS_KEY');
    expect(fs.existsSync(store)).toBe(false);
    const passFile = path.join(dir, 'pass.txt');
    fs.writeFileSync(passFile, `${TEST_PASSPHRASE.replace(/(\d{5})(?=\d)/g, '$1 ')}\n`);
    const r = await run([
      'import',
      file,
      '--store',
      store,
      '--json',
      '--passphrase-file',
      passFile,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { result: { format: string; chats: number } };
    expect(doc.result).toMatchObject({ format: 'signal-android', chats: 3 });
    const wrong = await run(['import', file, '--store', store, '--json'], {
      [SIGNAL_PASSPHRASE_ENV]: '0'.repeat(30),
    });
    expect(wrong.code).toBe(3);
    expect((wrong.error as { message: string }).message).toMatch(/passphrase does not open/);
  });
});
