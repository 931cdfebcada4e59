import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../store/records.js';
import { Repository } from './repository.js';
import { folderRepo, MemoryStore, sampleStore, TEST_KDF, tmpDir } from './test-support.js';

const PW = { password: 'pw' };
const dirs: string[] = [];
const track = (d: string): string => (dirs.push(d), d);
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function setup() {
  const { dir, backend } = folderRepo();
  track(dir);
  const store = sampleStore(track(tmpDir()));
  const { repo } = await Repository.init(backend, PW, { kdf: TEST_KDF, insecureTestKdf: true });
  await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
  return { dir, backend, store, repo };
}

function damage(file: string, at = 0.5, fresh = false): void {
  const b = fs.readFileSync(file);
  b[Math.floor(b.length * at)]! ^= 0x40;
  fs.writeFileSync(file, b);
  if (!fresh) {
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(file, old, old);
  }
}

function listAll(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('repair', () => {
  it('a damaged index: rebuilt from the packs, the damaged file moved into damaged/', async () => {
    const { dir, backend } = await setup();
    const [index] = await backend.list('index/');
    damage(`${dir}/${index}`);
    const damagedBytes = fs.readFileSync(`${dir}/${index}`);
    const repo = await Repository.open(backend, PW);
    const report = await repo.repair();
    expect(report.indexRebuilt).toBe(true);
    expect(report.movedAside).toEqual([{ object: index, to: `damaged/index/${index!.slice(6)}` }]);
    expect(fs.readFileSync(`${dir}/damaged/index/${index!.slice(6)}`)).toEqual(damagedBytes);
    expect(report.remaining?.ok).toBe(true);
    const again = await Repository.open(backend, PW);
    expect(again.problems).toEqual([]);
    expect((await again.check({ readData: true })).ok).toBe(true);
  });

  it('a damaged pack: sound blobs saved, the lost one made again from the chat store, everything restores', async () => {
    const { dir, backend, store } = await setup();
    const [pack] = await backend.list('data/');
    damage(`${dir}/${pack}`, 0.6); // the video
    const repo = await Repository.open(backend, PW);
    const report = await repo.repair({ source: store });
    expect(report.blobsSalvaged).toBeGreaterThan(5);
    expect(report.blobsRebuilt).toBe(1);
    expect(report.movedAside.map((m) => m.object)).toEqual([pack]);
    expect(report.remaining?.ok).toBe(true);
    expect(listAll(dir)).toContain(`damaged/data/${path.basename(pack!)}`);
    const r = await repo.restoreInto('latest', new MemoryStore(track(tmpDir())));
    expect(r).toMatchObject({ complete: true, messages: 8, mediaFiles: 4 });
    expect((await repo.check({ readData: true })).ok).toBe(true);
  });

  it('without the chat store, repair says what could not be saved, by chat and file', async () => {
    const { dir, backend } = await setup();
    const [pack] = await backend.list('data/');
    damage(`${dir}/${pack}`, 0.6);
    const repo = await Repository.open(backend, PW);
    const report = await repo.repair();
    expect(report.blobsRebuilt).toBe(0);
    expect(report.remaining?.ok).toBe(false);
    const media = report.remaining!.problems.flatMap((p) => p.affected?.media ?? []);
    expect(media.map((m) => m.mediaType)).toEqual(['video']);
    // Everything else restores; the video's message keeps its attachment without the file.
    const r = await repo.restoreInto('latest', new MemoryStore(track(tmpDir())));
    expect(r.messages).toBe(8);
    expect(r.missing.media.map((m) => m.mediaType)).toEqual(['video']);
  });

  it('a damaged snapshot is moved aside; prune, blocked before, works again', async () => {
    const { dir, backend, store, repo } = await setup();
    await repo.backupFrom(store, { mediaTypes: ['photo'] });
    const names = await backend.list('snapshots/');
    const oldest = (await repo.snapshots())[0]!.id;
    const victim = names.find((n) => n.endsWith(oldest))!;
    damage(`${dir}/${victim}`);
    const reopened = await Repository.open(backend, PW);
    expect((await reopened.prune({ graceMs: 0 })).blockedBy).toEqual([victim]);
    const report = await reopened.repair();
    expect(report.movedAside.map((m) => m.object)).toEqual([victim]);
    expect((await reopened.prune({ graceMs: 0 })).blockedBy).toEqual([]);
    expect((await reopened.check({ readData: true })).ok).toBe(true);
  });

  it('conflict copies that verify take the place of damaged objects', async () => {
    const { dir, backend } = await setup();
    const [pack] = await backend.list('data/');
    const file = `${dir}/${pack}`;
    fs.copyFileSync(file, `${file} (Emily's conflicted copy 2026-11-29)`);
    damage(file);
    const repo = await Repository.open(backend, PW);
    const report = await repo.repair();
    expect(report.conflictCopiesAdopted).toEqual([`${pack} (Dropbox conflict copy)`]);
    expect(report.movedAside.map((m) => m.object)).toEqual([pack]);
    expect(fs.existsSync(`${file} (Emily's conflicted copy 2026-11-29)`)).toBe(false);
    expect((await repo.check({ readData: true })).ok).toBe(true);
  });

  it('missing and damaged copies of config and key slots are written back from a sound copy', async () => {
    const { dir, backend } = await setup();
    const [slot] = await backend.list('keys/');
    fs.rmSync(`${dir}/copies/config`);
    fs.rmSync(`${dir}/copies/${slot}`);
    damage(`${dir}/config`, 0.3);
    const repo = await Repository.open(backend, PW);
    const report = await repo.repair();
    expect(report.keyFilesRestored?.sort()).toEqual(
      ['config', 'copies/config', `copies/${slot}`].sort(),
    );
    expect(listAll(dir).filter((f) => f.startsWith('damaged/config'))).toHaveLength(1);
    expect(fs.readFileSync(`${dir}/config`)).toEqual(fs.readFileSync(`${dir}/copies/config`));
    expect(fs.readFileSync(`${dir}/${slot}`)).toEqual(fs.readFileSync(`${dir}/copies/${slot}`));
    const again = await Repository.open(backend, PW);
    expect(again.warnings).toEqual([]);
  });

  it('leaves alone what a sync client may still be writing, and what is not downloaded', async () => {
    const { dir, backend } = await setup();
    const [snap] = await backend.list('snapshots/');
    damage(`${dir}/${snap}`, 0.5, true);
    const repo = await Repository.open(backend, PW);
    const report = await repo.repair();
    expect(report.movedAside).toEqual([]);
    expect(report.notHere).toContain(snap);
    expect(fs.existsSync(`${dir}/${snap}`)).toBe(true);
  });
});
