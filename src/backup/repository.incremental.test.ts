import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../store/records.js';
import { Repository } from './repository.js';
import { createFolderBackend } from './backend/folder.js';
import {
  faultyBackend,
  folderRepo,
  MemoryStore,
  sampleStore,
  TEST_KDF,
  tmpDir,
} from './test-support.js';

const dirs: string[] = [];
const track = (d: string): string => (dirs.push(d), d);
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function setup() {
  const { dir, backend } = folderRepo();
  track(dir);
  const store = sampleStore(track(tmpDir()));
  const { repo } = await Repository.init(
    backend,
    { password: 'pw' },
    { kdf: TEST_KDF, insecureTestKdf: true },
  );
  return { dir, backend, store, repo };
}

describe('incremental backups', () => {
  it('a second backup with no change reads no group, no media and writes only a snapshot', async () => {
    const { backend, store, repo } = await setup();
    await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    const packs = (await backend.list('data/')).length;
    const indexes = (await backend.list('index/')).length;
    const reads = store.readMonthCalls;
    // Media already in the backup are never re-read: remove the files to prove it.
    for (const f of fs.readdirSync(store.mediaDir)) fs.rmSync(`${store.mediaDir}/${f}`);
    const s2 = await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    expect(store.readMonthCalls).toBe(reads);
    expect(s2.sizeAdded).toBe(0);
    expect(s2.mediaMissing).toBe(0);
    expect(s2.media.video?.count).toBe(1);
    expect((await backend.list('data/')).length).toBe(packs);
    expect((await backend.list('index/')).length).toBe(indexes);
    expect((await backend.list('snapshots/')).length).toBe(2);
    expect(s2.seq).toBe(2);
    const [first] = await repo.snapshots();
    expect(s2.parentHash).toBe(first!.id);
  });

  it('one new message writes one small group blob and reads one group', async () => {
    const { backend, store, repo } = await setup();
    await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    const packs = new Set(await backend.list('data/'));
    const reads = store.readMonthCalls;
    await store.ingest([
      {
        ...store.chats[0]!.bundle,
        messages: [
          {
            key: 'a5',
            senderKey: null,
            sentAt: Date.UTC(2025, 2, 21),
            text: 'new!',
            kind: 'text',
            attachments: [],
            reactions: [],
          },
        ],
      },
    ]);
    const s2 = await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    expect(store.readMonthCalls).toBe(reads + 1);
    expect(s2.messageCount).toBe(9);
    expect(s2.sizeAdded).toBeLessThan(8 * 1024);
    const newPacks = (await backend.list('data/')).filter((p) => !packs.has(p));
    expect(newPacks).toHaveLength(1);
    const t = new MemoryStore(track(tmpDir()));
    await repo.restoreInto('latest', t);
    expect(t.allMessages().map((m) => m.key)).toContain('a5');
    // The first snapshot still restores its own state.
    const t1 = new MemoryStore(track(tmpDir()));
    const first = (await repo.snapshots())[0]!;
    await repo.restoreInto(first.id, t1);
    expect(t1.allMessages().map((m) => m.key)).not.toContain('a5');
  });

  it('appending to a busy month rewrites only the tail of that month', async () => {
    const { repo } = await setup();
    const busy = new MemoryStore(track(tmpDir()));
    const t0 = Date.UTC(2025, 4, 1);
    const msg = (i: number) => ({
      key: `b${i}`,
      senderKey: i % 2 ? 'x' : null,
      sentAt: t0 + i * 60_000,
      text: `message number ${i}: ${'lorem ipsum dolor sit amet '.repeat(1 + (i % 5))}`,
      kind: 'text' as const,
      attachments: [],
      reactions: [],
    });
    const chat = {
      source: { kind: 'seed', accountKey: 'a', label: 'A' },
      chat: { key: 'busy', type: 'group' as const, title: 'Busy', members: ['x'] },
      people: [{ key: 'x', displayName: 'X' }],
    };
    await busy.ingest([{ ...chat, messages: Array.from({ length: 2000 }, (_, i) => msg(i)) }]);
    const first = await repo.backupFrom(busy, { mediaTypes: [] });
    await busy.ingest([{ ...chat, messages: Array.from({ length: 10 }, (_, i) => msg(2000 + i)) }]);
    const second = await repo.backupFrom(busy, { mediaTypes: [] });
    expect(second.messageCount).toBe(2010);
    expect(second.sizeAdded).toBeLessThan(first.sizeAdded / 5);
    const t = new MemoryStore(track(tmpDir()));
    await repo.restoreInto('latest', t);
    expect(t.allMessages()).toEqual(busy.allMessages());
  });

  it('long lists get inner levels: the snapshot object stays small and everything restores', async () => {
    const { backend, repo } = await setup();
    const many = new MemoryStore(track(tmpDir()));
    const bundle = (i: number) => ({
      source: { kind: 'seed', accountKey: 'a', label: 'A' },
      chat: { key: `chat-${i}`, type: 'direct' as const, title: `Chat ${i}`, members: [] },
      people: [],
      messages: [
        {
          key: 'm',
          senderKey: null,
          sentAt: Date.UTC(2025, i % 12, 1),
          text: `hi ${i}`,
          kind: 'text' as const,
          attachments: [],
          reactions: [],
        },
      ],
    });
    await many.ingest(Array.from({ length: 3000 }, (_, i) => bundle(i)));
    const s1 = await repo.backupFrom(many, { mediaTypes: [] });
    expect(s1.chats.count).toBe(3000);
    await many.ingest([bundle(3000)]);
    const s2 = await repo.backupFrom(many, { mediaTypes: [] });
    expect(s2.messageCount).toBe(3001);
    expect(s2.sizeAdded).toBeLessThan(s1.sizeAdded / 4);
    for (const name of await backend.list('snapshots/')) {
      expect((await backend.stat(name))!.size).toBeLessThan(4096);
    }
    expect((await repo.check({ readData: true })).ok).toBe(true);
    await repo.forget({ keepLast: 1 });
    await repo.prune();
    expect((await repo.check({ readData: true })).ok).toBe(true);
    const t = new MemoryStore(track(tmpDir()));
    expect((await repo.restoreInto('latest', t)).messages).toBe(3001);
  });

  it('a different store (new storeId) does not reuse groups by rev', async () => {
    const { store, repo } = await setup();
    await repo.backupFrom(store, { mediaTypes: [] });
    const other = sampleStore(track(tmpDir()));
    const reads = other.readMonthCalls;
    const s = await repo.backupFrom(other, { mediaTypes: [] });
    expect(other.readMonthCalls).toBeGreaterThan(reads);
    // Same content: de-duplicated by blob id, nothing new stored.
    expect(s.sizeAdded).toBe(0);
  });

  it('reports missing media files instead of failing the backup', async () => {
    const { store, repo } = await setup();
    const photo = [...store.mediaTypes.entries()].find(([, t]) => t.mediaType === 'photo')![0];
    fs.rmSync(store.mediaPath(photo));
    const s = await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    expect(s.mediaMissing).toBe(1);
    expect(s.media.photo).toBeUndefined();
  });

  it('cancels through an AbortSignal with a typed error and leaves no snapshot', async () => {
    const { backend, store, repo } = await setup();
    const ac = new AbortController();
    ac.abort();
    await expect(
      repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES], signal: ac.signal }),
    ).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(await backend.list('snapshots/')).toHaveLength(0);
    expect(await backend.list('locks/')).toHaveLength(0);
  });

  it('resumes an interrupted backup: packs written before the crash are adopted, not uploaded again', async () => {
    const { dir, backend, store } = await setup();
    const faulty = faultyBackend(createFolderBackend(dir), {
      op: 'writeAtomic',
      code: 'EIO',
      match: /^index\//,
    });
    const dying = await Repository.open(faulty, { password: 'pw' });
    await expect(dying.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] })).rejects.toMatchObject({
      code: 'STORAGE',
    });
    const orphanPacks = await backend.list('data/');
    expect(orphanPacks).toHaveLength(1);
    expect(await backend.list('index/')).toHaveLength(0);
    const repo = await Repository.open(backend, { password: 'pw' });
    const s = await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    expect(s.sizeAdded).toBe(0);
    expect(await backend.list('data/')).toEqual(orphanPacks);
    expect((await repo.check({ readData: true })).ok).toBe(true);
    const t = new MemoryStore(track(tmpDir()));
    expect((await repo.restoreInto('latest', t)).mediaFiles).toBe(4);
  });

  it('reports progress with phases and totals', async () => {
    const { store, repo } = await setup();
    const phases = new Set<string>();
    let last = { itemsDone: 0, itemsTotal: 0 };
    await repo.backupFrom(store, {
      mediaTypes: [...MEDIA_TYPES],
      onProgress: (p) => {
        phases.add(p.phase);
        if (p.phase === 'messages') last = p;
      },
    });
    expect([...phases]).toEqual(expect.arrayContaining(['scan', 'messages', 'index', 'snapshot']));
    expect(last.itemsDone).toBe(last.itemsTotal);
  });
});
