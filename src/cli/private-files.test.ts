import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderExport, sampleChat } from '../importers/fixtures/whatsapp-export';
import { ensureCliBuilt, runCli } from './test-helpers';

/**
 * A chat store holds years of private conversations: what the `chatkeep` command line creates
 * (a store, a backup folder) is its user's alone, whatever the shell's umask: folders 0700,
 * files 0600 (src/node/private-files.ts).
 */
let root: string;
beforeAll(async () => {
  await ensureCliBuilt();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-cli-private-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Every entry under `dir` (itself included) with its kind and permission bits. */
function modes(dir: string): Record<string, string> {
  const names = ['.', ...(fs.readdirSync(dir, { recursive: true }) as string[])];
  return Object.fromEntries(
    names.map((name) => {
      const st = fs.statSync(path.join(dir, name));
      return [name, `${st.isDirectory() ? 'dir' : 'file'} ${(st.mode & 0o777).toString(8)}`];
    }),
  );
}

describe.skipIf(process.platform === 'win32')('files the command line creates', () => {
  it('a new chat store and a new backup folder are 0700 / 0600, even under umask 022', async () => {
    const chat = path.join(root, 'WhatsApp Chat with Ana.txt');
    fs.writeFileSync(chat, renderExport('android-gb-24h', sampleChat()));
    const store = path.join(root, 'store');
    const repo = path.join(root, 'repo');
    const previous = process.umask(0o022);
    try {
      const imported = await runCli(['--store', store, 'import', chat, '--me', 'Ana']);
      expect(imported.status, imported.stderr).toBe(0);
      const init = await runCli(['--repo', repo, 'init', '--insecure-test-kdf', '--json']);
      expect(init.status, init.stderr).toBe(0);
    } finally {
      process.umask(previous);
    }
    for (const [dir, expected] of [
      [store, { '.': 'dir 700', 'chatkeep.db': 'file 600' }],
      [repo, { '.': 'dir 700', config: 'file 600' }],
    ] as const) {
      const found = modes(dir);
      expect(found).toMatchObject(expected);
      for (const [name, mode] of Object.entries(found)) {
        expect(mode, `${dir}/${name}`).toMatch(/^(dir 700|file 600)$/);
      }
    }
  });
});
