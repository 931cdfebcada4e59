import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatStore } from '../store/index.js';
import { MEDIA_TYPES, type ChatBundle } from '../store/records.js';
import { Repository } from './repository.js';
import { folderRepo, sampleStore, TEST_KDF, tmpDir } from './test-support.js';

/** End to end with the real store: SQLite files and media folders in temp dirs. */
const dirs: string[] = [];
const track = (d: string): string => (dirs.push(d), d);
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function sampleChatStore(): Promise<string> {
  const mem = sampleStore(track(tmpDir()));
  const dir = track(tmpDir());
  const store = ChatStore.open(dir);
  for (const hash of mem.mediaTypes.keys()) await store.media.putFile(mem.mediaPath(hash));
  store.ingest(mem.chats.map((c) => c.bundle));
  store.close();
  return dir;
}

/** Every group of a store as (chat ref, month) -> bundle, without store-local ids. */
function dump(dir: string): Map<string, ChatBundle> {
  const store = ChatStore.open(dir, { readonly: true });
  try {
    return store.readSnapshot((r) => {
      const out = new Map<string, ChatBundle>();
      for (const g of r.monthGroups()) {
        out.set(
          `${g.sourceKind}/${g.sourceAccountKey}/${g.chatKey}/${g.month}`,
          r.readMonthBundle(g.chatId, g.month),
        );
      }
      return out;
    });
  } finally {
    store.close();
  }
}

function mediaFiles(dir: string): Map<string, Buffer> {
  const store = ChatStore.open(dir, { readonly: true });
  try {
    return store.readSnapshot(
      (r) =>
        new Map(r.mediaRefs().map((m) => [m.hash, fs.readFileSync(store.media.pathFor(m.hash))])),
    );
  } finally {
    store.close();
  }
}

describe('backup and restore with ChatStore', () => {
  it('round trips a whole store: every message field and media byte', async () => {
    const src = await sampleChatStore();
    const { dir, backend } = folderRepo();
    track(dir);
    const { repo } = await Repository.init(
      backend,
      { password: 'pw' },
      { kdf: TEST_KDF, insecureTestKdf: true },
    );
    const summary = await repo.backup(src, { mediaTypes: [...MEDIA_TYPES] });
    expect(summary.messageCount).toBe(8);
    expect(summary.media.video?.count).toBe(1);
    const dst = path.join(track(tmpDir()), 'restored');
    const result = await repo.restore('latest', dst);
    expect(result).toMatchObject({ messages: 8, mediaFiles: 4, mediaSkipped: 0 });
    expect(dump(dst)).toEqual(dump(src));
    const a = mediaFiles(src);
    const b = mediaFiles(dst);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [h, bytes] of a) expect(b.get(h)!.equals(bytes)).toBe(true);

    // Restoring again merges without duplicates.
    await repo.restore('latest', dst);
    expect(dump(dst)).toEqual(dump(src));
  });

  it('an incremental backup of the real store reads only the changed group', async () => {
    const src = await sampleChatStore();
    const { dir, backend } = folderRepo();
    track(dir);
    const { repo } = await Repository.init(
      backend,
      { password: 'pw' },
      { kdf: TEST_KDF, insecureTestKdf: true },
    );
    await repo.backup(src, { mediaTypes: [...MEDIA_TYPES] });
    const s2 = await repo.backup(src, { mediaTypes: [...MEDIA_TYPES] });
    expect(s2.sizeAdded).toBe(0);
    const w = ChatStore.open(src);
    const [g] = dump(src).values();
    w.ingest([{ ...g!, messages: [{ ...g!.messages[0]!, key: 'brand-new', text: 'new' }] }]);
    w.close();
    const s3 = await repo.backup(src, { mediaTypes: [...MEDIA_TYPES] });
    expect(s3.messageCount).toBe(9);
    expect(s3.sizeAdded).toBeGreaterThan(0);
    expect(s3.sizeAdded).toBeLessThan(8 * 1024);
  });

  it('a restore that fails part-way leaves the target store exactly as it was', async () => {
    const src = await sampleChatStore();
    const { dir, backend } = folderRepo();
    track(dir);
    const { repo } = await Repository.init(
      backend,
      { password: 'pw' },
      { kdf: TEST_KDF, insecureTestKdf: true },
    );
    await repo.backup(src, { mediaTypes: [...MEDIA_TYPES] });
    // The target already holds one chat.
    const dst = track(tmpDir());
    const t = ChatStore.open(dst);
    t.ingest([
      {
        source: { kind: 'seed', accountKey: 'x', label: 'X' },
        chat: { key: 'c', type: 'direct', title: 'Existing', members: [] },
        people: [],
        messages: [
          {
            key: 'm',
            senderKey: null,
            sentAt: 1,
            text: 'keep me',
            kind: 'text',
            attachments: [],
            reactions: [],
          },
        ],
      },
    ]);
    t.close();
    const before = dump(dst);
    // Cancelled once the media are in place, just before the messages go in.
    const abort = new AbortController();
    await expect(
      repo.restore('latest', dst, {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.phase === 'restore' && p.bytesTotal > 0 && p.bytesDone === p.bytesTotal)
            abort.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(dump(dst)).toEqual(before);
  });

  it('a damaged media file: everything else is restored, the message keeps its attachment without the file', async () => {
    const src = await sampleChatStore();
    const { dir, backend } = folderRepo();
    track(dir);
    const { repo } = await Repository.init(
      backend,
      { password: 'pw' },
      { kdf: TEST_KDF, insecureTestKdf: true },
    );
    await repo.backup(src, { mediaTypes: [...MEDIA_TYPES] });
    // Damage the video (the pack's middle).
    const [pack] = await backend.list('data/');
    const file = path.join(dir, pack!);
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length * 0.6)]! ^= 0x10;
    fs.writeFileSync(file, bytes);
    const dst = track(tmpDir());
    const r = await repo.restore('latest', dst);
    expect(r.complete).toBe(false);
    expect(r.missing.media).toEqual([expect.objectContaining({ mediaType: 'video' })]);
    expect(r.missing.problems).toEqual([expect.objectContaining({ object: pack })]);
    const want = dump(src);
    const got = dump(dst);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    const attachments = (d: Map<string, ChatBundle>) =>
      [...d.values()].flatMap((b) => b.messages.flatMap((m) => m.attachments));
    for (const [k, b] of want) expect(got.get(k)!.messages.length).toBe(b.messages.length);
    const video = attachments(got).find((a) => a.mediaType === 'video')!;
    expect(video.hash).toBeNull();
    expect(attachments(got).filter((a) => a.hash !== null)).toHaveLength(
      attachments(want).filter((a) => a.hash !== null).length - 1,
    );
  });
});
