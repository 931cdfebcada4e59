import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../store/records.js';
import { Repository } from './repository.js';
import { folderRepo, MemoryStore, monthOf, sampleStore, TEST_KDF, tmpDir } from './test-support.js';

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
    { password: 'correct horse' },
    { kdf: TEST_KDF, insecureTestKdf: true },
  );
  return { dir, backend, store, repo };
}

function sortedMessages(s: MemoryStore) {
  return s.allMessages().sort((a, b) => (a.key < b.key ? -1 : 1));
}

describe('backup and restore round trip', () => {
  it('restores a whole snapshot into an empty store: every message field and media byte', async () => {
    const { backend, store, repo } = await setup();
    const summary = await repo.backupFrom(store, {
      mediaTypes: [...MEDIA_TYPES],
      host: 'test-host',
      appVersion: '0.1.0',
    });
    expect(summary.seq).toBe(1);
    expect(summary.messageCount).toBe(8);
    expect(summary.chats.count).toBe(3);
    expect(summary.chats.list.map((c) => c.title).sort()).toEqual([
      'Alice',
      'Carol',
      'Family / Home',
    ]);
    expect(summary.media.video).toEqual({ count: 1, bytes: 3 * 1024 * 1024 + 123 });
    expect(summary.host).toBe('test-host');
    expect(summary.sizeAdded).toBeGreaterThan(3 * 1024 * 1024);

    const reopened = await Repository.open(backend, { password: 'correct horse' });
    const target = new MemoryStore(track(tmpDir()));
    const result = await reopened.restoreInto('latest', target);
    expect(result.messages).toBe(8);
    expect(result.mediaFiles).toBe(4);
    expect(result.mediaSkipped).toBe(0);
    expect(sortedMessages(target)).toEqual(sortedMessages(store));
    for (const c of store.chats) {
      const t = target.chats.find((x) => x.bundle.chat.key === c.bundle.chat.key)!;
      expect(t.bundle.chat).toEqual(c.bundle.chat);
      expect(t.bundle.source).toEqual(c.bundle.source);
      expect(t.bundle.people).toEqual(c.bundle.people);
    }
    for (const hash of store.mediaTypes.keys()) {
      expect(
        fs.readFileSync(target.mediaPath(hash)).equals(fs.readFileSync(store.mediaPath(hash))),
      ).toBe(true);
    }
  });

  it('restores chosen chats only, by chat ref or chat id', async () => {
    const { store, repo } = await setup();
    const s = await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    const carol = s.chats.list.find((c) => c.title === 'Carol')!;
    expect(carol.chatRef).toBe('telegram/export/42');
    const t1 = new MemoryStore(track(tmpDir()));
    await repo.restoreInto(s.id, t1, { chatKeys: [carol.chatRef] });
    expect(t1.chats.map((c) => c.bundle.chat.title)).toEqual(['Carol']);
    expect(t1.hasMedia(t1.allMessages()[0]!.attachments[0]!.hash!)).toBe(true);
    const fam = s.chats.list.find((c) => c.title === 'Family / Home')!;
    expect(fam.chatRef).toBe('whatsapp/me@s.whatsapp.net/group-1@g.us');
    const t2 = new MemoryStore(track(tmpDir()));
    await repo.restoreInto(s.id.slice(0, 8), t2, { chatKeys: [fam.chatId] });
    expect(t2.chats.map((c) => c.bundle.chat.title)).toEqual(['Family / Home']);
  });

  it('restores a date range, filtering inside months too', async () => {
    const { store, repo } = await setup();
    await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    const t = new MemoryStore(track(tmpDir()));
    const from = Date.UTC(2025, 1, 3, 12, 0, 0);
    const to = Date.UTC(2025, 1, 28);
    const r = await repo.restoreInto('latest', t, { from, to });
    const keys = t
      .allMessages()
      .map((m) => m.key)
      .sort();
    expect(keys).toEqual(['a3', 'g2', 't1']);
    expect(r.messages).toBe(3);
    expect(t.allMessages().every((m) => monthOf(m.sentAt) === '2025-02')).toBe(true);
  });

  it('restores chosen media types; other attachments keep metadata without a file', async () => {
    const { store, repo } = await setup();
    await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    const t = new MemoryStore(track(tmpDir()));
    const r = await repo.restoreInto('latest', t, { mediaTypes: ['photo'] });
    expect(r.mediaFiles).toBe(1);
    expect(r.mediaSkipped).toBe(3);
    const withHash = t
      .allMessages()
      .flatMap((m) => m.attachments)
      .filter((a) => a.hash);
    expect(withHash.map((a) => a.mediaType)).toEqual(['photo']);
    expect(fs.readdirSync(t.mediaDir)).toHaveLength(1);
  });

  it('backs up only the chosen media types and reports included and excluded sizes', async () => {
    const { store, repo } = await setup();
    const s = await repo.backupFrom(store, { mediaTypes: ['photo', 'voice', 'document'] });
    expect(s.media.video).toBeUndefined();
    expect(s.mediaExcluded.video).toEqual({ count: 1, bytes: 3 * 1024 * 1024 + 123 });
    expect(s.media.photo?.count).toBe(1);
    expect(s.sizeAdded).toBeLessThan(1024 * 1024);
    const t = new MemoryStore(track(tmpDir()));
    const r = await repo.restoreInto('latest', t);
    expect(r.mediaFiles).toBe(3);
    expect(r.messages).toBe(8);
  });

  it('merges into a store that already holds some of the chats without duplicates', async () => {
    const { store, repo } = await setup();
    await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    const t = new MemoryStore(track(tmpDir()));
    await repo.restoreInto('latest', t, { to: Date.UTC(2025, 1, 1) });
    await repo.restoreInto('latest', t);
    await repo.restoreInto('latest', t);
    expect(sortedMessages(t)).toEqual(sortedMessages(store));
  });

  it('a cancelled restore changes nothing in the target', async () => {
    const { store, repo } = await setup();
    await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
    const t = new MemoryStore(track(tmpDir()));
    const ac = new AbortController();
    const err = await repo
      .restoreInto('latest', t, {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.itemsDone >= 2) ac.abort();
        },
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(t.allMessages()).toHaveLength(0);
  });

  it('an unknown snapshot id is SnapshotNotFoundError', async () => {
    const { store, repo } = await setup();
    await repo.backupFrom(store, { mediaTypes: [] });
    await expect(
      repo.restoreInto('ffffffff', new MemoryStore(track(tmpDir()))),
    ).rejects.toMatchObject({
      code: 'SNAPSHOT_NOT_FOUND',
    });
  });
});
