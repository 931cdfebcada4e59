import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../store/records.js';
import { MEDIA_TYPES } from '../../store/records.js';
import { createFolderBackend } from '../backend/folder.js';
import { Repository } from '../repository.js';
import type { RestoreResult } from '../types.js';
import { MemoryStore, sampleStore, TEST_KDF, tmpDir } from '../test-support.js';

/**
 * One flipped byte at five places in every file of a repository, one at a time: whatever the
 * flip hits, everything it did not hit still restores exactly, and what it hit is named (by
 * file, and by chat, month and media file). Copies of config and key slots make a single flip
 * there harmless.
 */

const PW = { password: 'pw' };
const root = tmpDir();
const repoDir = path.join(root, 'repo');
const work = path.join(root, 'work');
let store: MemoryStore;
let snapshotIds: string[] = [];
/** The source messages by "chat key / message key". */
const source = new Map<string, MessageRecord>();
let objects: string[] = [];

beforeAll(async () => {
  store = sampleStore(path.join(root, 'store'));
  const { repo } = await Repository.init(createFolderBackend(repoDir), PW, {
    kdf: TEST_KDF,
    insecureTestKdf: true,
  });
  await repo.addRecoveryKey();
  await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
  const extra = store.addMedia(Buffer.from('GIF89a'.repeat(9000)), 'gif', 'image/gif');
  const chat = store.chats[1]!.bundle;
  await store.ingest([
    {
      ...chat,
      messages: [
        {
          key: 'g9',
          senderKey: 'bob',
          sentAt: Date.UTC(2025, 4, 2),
          text: 'look',
          kind: 'media',
          attachments: [
            { mediaType: 'gif', mime: 'image/gif', size: 54000, hash: extra, fileName: 'a.gif' },
          ],
          reactions: [],
        },
      ],
    },
  ]);
  await repo.backupFrom(store, { mediaTypes: [...MEDIA_TYPES] });
  snapshotIds = (await repo.snapshots()).map((s) => s.id);
  for (const c of store.chats)
    for (const m of c.bundle.messages) source.set(`${c.bundle.chat.key}/${m.key}`, m);
  objects = fs
    .readdirSync(repoDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(repoDir, path.join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith('locks'))
    .sort();
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Every restored message equals its source, and what is absent was reported missing. */
function expectRestoredSubset(
  target: MemoryStore,
  r: RestoreResult,
  snapshotMessages: number,
): void {
  const lostMedia = new Set(r.missing.media.map((m) => m.hash));
  let restored = 0;
  for (const c of target.chats) {
    for (const m of c.bundle.messages) {
      const want = source.get(`${c.bundle.chat.key}/${m.key}`);
      expect(want, `unexpected message ${m.key}`).toBeDefined();
      const attachments = want!.attachments.map((a, i) =>
        m.attachments[i]?.hash === null && a.hash && lostMedia.has(a.hash)
          ? { ...a, hash: null }
          : a,
      );
      expect(m).toEqual({ ...want, attachments });
      restored++;
    }
  }
  const lostMessages = r.missing.chats.reduce((a, c) => a + (c.messages ?? 0), 0);
  if (r.complete) expect(restored).toBe(snapshotMessages);
  else if (r.missing.listParts === 0 && r.missing.chats.every((c) => c.messages !== null))
    expect(restored + lostMessages).toBe(snapshotMessages);
}

describe('a flipped byte anywhere', () => {
  it('is harmless or named; everything it did not hit restores exactly', async () => {
    let cases = 0;
    for (const object of objects) {
      const size = fs.statSync(path.join(repoDir, object)).size;
      for (const frac of [0, 0.25, 0.5, 0.75, 1]) {
        fs.rmSync(work, { recursive: true, force: true });
        fs.cpSync(repoDir, work, { recursive: true });
        const file = path.join(work, object);
        const b = fs.readFileSync(file);
        const at = Math.min(size - 1, Math.floor(size * frac));
        b[at]! ^= 0x10;
        fs.writeFileSync(file, b);
        const old = new Date(Date.now() - 3600_000);
        fs.utimesSync(file, old, old);
        const label = `${object} @${at}`;
        cases++;

        // Opening never fails: config and key slots have a second copy.
        const repo = await Repository.open(createFolderBackend(work), PW);
        const readable = (await repo.snapshots()).map((s) => s.id);
        if (object.startsWith('snapshots/')) {
          expect(
            repo.problems.map((p) => p.object),
            label,
          ).toEqual([object]);
          expect(readable.length, label).toBe(snapshotIds.length - 1);
        } else {
          expect(readable, label).toEqual(snapshotIds);
        }
        for (const id of readable) {
          const target = new MemoryStore(path.join(work, `t-${id.slice(0, 8)}`));
          const r = await repo.restoreInto(id, target);
          const expected = (await repo.snapshots()).find((s) => s.id === id)!.messageCount;
          expectRestoredSubset(target, r, expected);
          if (!r.complete) {
            expect(object, label).toMatch(/^data\//);
            expect(
              r.missing.problems.map((p) => p.object),
              label,
            ).toContain(object);
          }
        }
        const report = await repo.check({ readData: true });
        if (/^(data|index|snapshots)\//.test(object)) {
          // A flip in a content-named file always changes it: check names the file.
          expect(
            report.problems.map((p) => p.object),
            label,
          ).toContain(object);
        }
        await repo.close();
      }
    }
    expect(cases).toBeGreaterThanOrEqual(50);
  });
});
