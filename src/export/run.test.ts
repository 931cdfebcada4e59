import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStore } from '../seed/generate.js';
import { ChatStore } from '../store/index.js';
import { parseDateOption, parseMediaTypes } from './options.js';
import { runExport } from './run.js';
import {
  buildArchiveFixture,
  FIXTURE_ZONE,
  type ArchiveFixture,
} from './testing/archive-fixture.js';

/** Bad input is refused with a sentence naming it, before anything is written; cancel leaves nothing. */

let dir: string;
let store: ChatStore;
let fx: ArchiveFixture;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-run-'));
  fx = buildArchiveFixture(path.join(dir, 'store'));
  store = ChatStore.open(path.join(dir, 'store'), { readonly: true });
});

afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const base = { format: 'html' as const, chats: 'all' as const, timeZone: FIXTURE_ZONE };

describe('an export refuses what cannot work, and touches nothing', () => {
  it('a folder that already holds something', async () => {
    const target = path.join(dir, 'busy');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'notes.txt'), 'mine');
    await expect(runExport(store, target, base)).rejects.toMatchObject({
      code: 'EXPORT_DESTINATION',
      message: expect.stringMatching(/is not empty: export into a new or empty folder/),
    });
    expect(fs.readdirSync(target)).toEqual(['notes.txt']);
    expect(fs.readFileSync(path.join(target, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('a file where the folder should be', async () => {
    const target = path.join(dir, 'a-file');
    fs.writeFileSync(target, 'x');
    await expect(runExport(store, target, base)).rejects.toMatchObject({
      code: 'EXPORT_DESTINATION',
      message: expect.stringMatching(/is a file/),
    });
    expect(fs.readFileSync(target, 'utf8')).toBe('x');
  });

  it('a chat the store does not hold, and bad options', async () => {
    const target = path.join(dir, 'never');
    await expect(
      runExport(store, target, { ...base, chats: [fx.familyId, 9999] }),
    ).rejects.toMatchObject({
      code: 'CHAT_NOT_FOUND',
      message: expect.stringContaining('no chat 9999'),
    });
    expect(fs.existsSync(target)).toBe(false);
    await expect(runExport(store, target, { ...base, from: 10, to: 5 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'The start date must come before the end date.',
    });
    await expect(
      runExport(store, target, { ...base, format: 'txt', singleFile: true }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/only for the HTML/),
    });
    await expect(
      runExport(store, target, { ...base, timeZone: 'Mars/Olympus' }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/Unknown time zone "Mars\/Olympus"/),
    });
    await expect(runExport(store, target, { ...base, search: '  !!  ' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      runExport(store, target, { ...base, format: 'txt', ownerName: 'A: B' }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(fs.existsSync(target)).toBe(false);
    expect(() => parseDateOption('2024-02-30', 'UTC', false)).toThrow(/is not a date/);
    expect(() => parseMediaTypes('photo,holograms')).toThrow(/Unknown media type "holograms"/);
  });

  it('reads dates as whole days in the chosen zone', () => {
    expect(parseDateOption('2024-06-01', 'Europe/Berlin', false)).toBe(Date.UTC(2024, 4, 31, 22));
    expect(parseDateOption('2024-06-01', 'Europe/Berlin', true)).toBe(Date.UTC(2024, 5, 1, 22));
    expect(parseDateOption('2024-06-01T12:00Z', 'Europe/Berlin', false)).toBe(
      Date.UTC(2024, 5, 1, 12),
    );
    expect(parseMediaTypes('photos,voice')).toEqual(['photo', 'voice']);
    expect(parseMediaTypes('none')).toEqual([]);
  });
});

describe('cancel', () => {
  it('stops mid-export and removes what it wrote (the folder too, when it made it)', async () => {
    const big = path.join(dir, 'big');
    generateStore({ out: big, messages: 6000, chats: 3, seed: 'cancel' });
    const bigStore = ChatStore.open(big, { readonly: true });
    try {
      for (const existing of [false, true]) {
        const target = path.join(dir, `cancelled-${existing}`);
        if (existing) fs.mkdirSync(target);
        const abort = new AbortController();
        let seen = 0;
        const run = runExport(bigStore, target, base, {
          signal: abort.signal,
          onProgress: (p) => {
            seen = p.messagesDone;
            if (p.messagesDone >= 2000) abort.abort();
          },
        });
        await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
        expect(seen).toBeGreaterThanOrEqual(2000);
        expect(seen).toBeLessThan(6000);
        if (existing) expect(fs.readdirSync(target)).toEqual([]);
        else expect(fs.existsSync(target)).toBe(false);
      }
    } finally {
      bigStore.close();
    }
  });

  it('reports progress up to every message', async () => {
    const target = path.join(dir, 'progress');
    const seen: number[] = [];
    const r = await runExport(
      store,
      target,
      { ...base, format: 'json' },
      {
        onProgress: (p) => seen.push(p.messagesDone),
      },
    );
    expect(seen[seen.length - 1]).toBe(14);
    expect(r.messages).toBe(14);
  });
});
