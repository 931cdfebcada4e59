import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkWaChat, encryptBackup, writeNewSchema } from '../../importers/fixtures/msgstore';
import { ChatStore } from '../../store';
import { runImportJob } from './import-client';

/**
 * The import worker under a heap cap: a whole phone's backup streams through in bounded memory
 * (a regression that gathers it all fails here), and a job that outgrows its cap ends with a
 * plain error, nothing imported and no temp files left.
 */

const KEY = Buffer.alloc(32, 5);
let dir: string;
let crypt: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-worker-'));
  const db = path.join(dir, 'm.db');
  writeNewSchema(db, [bulkWaChat(200_000)]);
  crypt = path.join(dir, 'msgstore.db.crypt15');
  encryptBackup(fs.readFileSync(db), KEY, crypt);
  fs.rmSync(db);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function jobTemps(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('ck-import-job-'));
}

describe('import worker', () => {
  it('into an empty store: the app gets the rows at once and the index later, the CLI both', async () => {
    const small = path.join(dir, 'small.crypt15');
    const db = path.join(dir, 'small.db');
    writeNewSchema(db, [bulkWaChat(2_000)]);
    encryptBackup(fs.readFileSync(db), KEY, small);
    const job = { op: 'import' as const, path: small, options: { key: KEY.toString('hex') } };

    // The app's job: rows committed, the search index left to the store worker.
    const appStore = path.join(dir, 'store-app');
    await runImportJob({ ...job, storeDir: appStore });
    let store = ChatStore.open(appStore);
    try {
      expect(store.stats().messages).toBe(2_000);
      expect(store.searchIndexState()).toEqual({ done: 0, total: 2_000 });
      expect(store.indexSearchBacklog()).toBe(false);
      expect(store.search('"number 1999"').length).toBe(1);
    } finally {
      store.close();
    }

    // The CLI's job: the worker builds the index before it ends, reporting it.
    const cliStore = path.join(dir, 'store-cli');
    const phases = new Set<string>();
    await runImportJob(
      { ...job, storeDir: cliStore, buildSearchIndex: true },
      { onProgress: (p) => phases.add(p.phase) },
    );
    expect(phases).toContain('index');
    store = ChatStore.open(cliStore);
    try {
      expect(store.searchIndexState()).toBeNull();
      expect(store.search('"number 1999"').length).toBe(1);
    } finally {
      store.close();
    }
  }, 60_000);

  it('imports 200,000 messages under a 96 MB heap cap', async () => {
    const before = new Set(jobTemps());
    const storeDir = path.join(dir, 'store');
    const result = (await runImportJob(
      { op: 'import', path: crypt, options: { key: KEY.toString('hex') }, storeDir },
      { heapMb: 96 },
    )) as { messages: number };
    expect(result.messages).toBe(200_000);
    const store = ChatStore.open(storeDir);
    try {
      expect(store.stats().messages).toBe(200_000);
    } finally {
      store.close();
    }
    expect(jobTemps().filter((n) => !before.has(n))).toEqual([]);
  }, 180_000);

  it('a job that outgrows its cap fails plainly, imports nothing and leaves no temp files', async () => {
    const before = new Set(jobTemps());
    const storeDir = path.join(dir, 'store-small');
    const error = await runImportJob(
      { op: 'import', path: crypt, options: { key: KEY.toString('hex') }, storeDir },
      { heapMb: 12 },
    ).then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error).not.toBeNull();
    expect(error?.message).toMatch(
      /needed more than 12 MB of memory and was stopped; nothing was imported/,
    );
    expect(error?.code).toBe('IMPORT_FAILED');
    expect(jobTemps().filter((n) => !before.has(n))).toEqual([]);
    if (fs.existsSync(path.join(storeDir, 'chatkeep.db'))) {
      const store = ChatStore.open(storeDir);
      try {
        expect(store.stats().messages).toBe(0);
      } finally {
        store.close();
      }
    }
  }, 180_000);
});
