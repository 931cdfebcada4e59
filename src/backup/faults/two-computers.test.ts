import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../../store/records.js';
import { createFolderBackend } from '../backend/folder.js';
import { Repository } from '../repository.js';
import type { SnapshotMarker } from '../types.js';
import { MemoryStore, sampleStore, TEST_KDF, tmpDir } from '../test-support.js';
import { seededRandom } from './harness.js';

/**
 * Two computers back up to one cloud folder that syncs slowly: each has its own copy of the
 * folder, joined by a simulated sync service. A change reaches the service after a random
 * delay and the other computer after another, path by path in random order (a snapshot can
 * arrive before its packs, a deletion before the file that superseded it), while each path
 * converges to the service's latest version, as real clients do. Locks in one copy cannot
 * protect the other, so only the engine's own rules keep it safe: staged prune, no
 * de-duplication against condemned packs, each computer's newest snapshot kept by forget.
 *
 * 100 rounds of backup, forget and prune on either computer at random; then everything
 * syncs, and every snapshot either computer wrote that was not forgotten restores exactly,
 * and neither computer ever saw a rollback that was not one.
 *
 * A round is an hour and a change takes up to six to reach the other computer: prune's
 * grace period (24 h) must exceed about three times the longest sync delay, which it does
 * here as it does for real sync clients (minutes).
 */

const ROUNDS = Number(process.env.CK_SYNC_ROUNDS ?? 100);
const SEED = Number(process.env.CK_FAULT_SEED ?? Date.now() % 100000);
const HOUR = 3600_000;
const PW = { password: 'pw' };
const root = tmpDir();
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Computer {
  name: string;
  dir: string;
  store: MemoryStore;
  clientId: string;
  marker: SnapshotMarker | null;
  /** Files as last seen in this copy (to find what changed): path -> content hash. */
  seen: Map<string, string>;
}

/** The sync service: each path's latest version, and what is on its way where. */
class SyncService {
  private readonly server = new Map<string, Buffer | null>();
  private uploads: { from: Computer; path: string; due: number }[] = [];
  private downloads: { to: Computer; path: string; due: number }[] = [];

  constructor(
    private readonly computers: Computer[],
    private readonly rand: () => number,
  ) {}

  /** Queues what changed in `c`'s copy since the last look. */
  noticeChanges(c: Computer, round: number): void {
    const now = scan(c.dir);
    for (const [p, h] of now) {
      if (c.seen.get(p) !== h) this.uploads.push({ from: c, path: p, due: round + this.delay(2) });
    }
    for (const p of c.seen.keys()) {
      if (!now.has(p)) this.uploads.push({ from: c, path: p, due: round + this.delay(2) });
    }
    c.seen = now;
  }

  private delay(max: number): number {
    return Math.floor(this.rand() * (max + 1));
  }

  /** Delivers what is due, in random order. */
  tick(round: number): void {
    const due = shuffle(
      this.uploads.filter((u) => u.due <= round),
      this.rand,
    );
    this.uploads = this.uploads.filter((u) => u.due > round);
    for (const u of due) {
      const file = path.join(u.from.dir, u.path);
      this.server.set(u.path, fs.existsSync(file) ? fs.readFileSync(file) : null);
      for (const other of this.computers) {
        if (other !== u.from)
          this.downloads.push({ to: other, path: u.path, due: round + this.delay(4) });
      }
    }
    const downs = shuffle(
      this.downloads.filter((d) => d.due <= round),
      this.rand,
    );
    this.downloads = this.downloads.filter((d) => d.due > round);
    for (const d of downs) {
      const content = this.server.get(d.path);
      const file = path.join(d.to.dir, d.path);
      if (content === undefined) continue;
      if (content === null) {
        fs.rmSync(file, { force: true });
        d.to.seen.delete(d.path);
      } else {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
        d.to.seen.set(d.path, hash(content));
      }
    }
  }

  idle(): boolean {
    return this.uploads.length === 0 && this.downloads.length === 0;
  }
}

function hash(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function scan(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name.startsWith('.tmp-')) continue;
    const full = path.join(e.parentPath, e.name);
    out.set(path.relative(dir, full), hash(fs.readFileSync(full)));
  }
  return out;
}

function shuffle<T>(a: T[], rand: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function digest(s: MemoryStore): string {
  const chats = s.chats.map((c) => c.bundle).sort((a, b) => (a.chat.key < b.chat.key ? -1 : 1));
  const media = [...s.mediaTypes.keys()].filter((h) => s.hasMedia(h)).sort();
  return hash(Buffer.from(JSON.stringify({ chats, media })));
}

describe(`two computers, one slowly syncing folder (seed ${SEED})`, () => {
  it(`${ROUNDS} rounds of backup, forget and prune: every snapshot kept restores exactly`, async () => {
    const rand = seededRandom(SEED);
    const mk = (name: string): Computer => {
      const dir = path.join(root, name);
      fs.mkdirSync(dir, { recursive: true });
      return {
        name,
        dir,
        // The same chats and media on both (a phone backup restored on both), so one
        // computer's backups de-duplicate against the other's packs.
        store: sampleStore(path.join(root, `${name}-store`)),
        clientId: `client-${name}`,
        marker: null,
        seen: new Map(),
      };
    };
    const a = mk('laptop');
    const b = mk('desktop');
    const sync = new SyncService([a, b], rand);
    const { repo } = await Repository.init(createFolderBackend(a.dir), PW, {
      kdf: TEST_KDF,
      insecureTestKdf: true,
    });
    await repo.close();
    sync.noticeChanges(a, 0);
    /** What each snapshot must restore to: the writer's store when it was written. */
    const written = new Map<string, { digest: string; by: string }>();
    const forgotten = new Set<string>();
    const t0 = Date.now();
    const counts = {
      backups: 0,
      forgets: 0,
      prunes: 0,
      packsMarked: 0,
      packsDeleted: 0,
      refusedPrunes: 0,
    };

    for (let round = 1; round <= ROUNDS + 40; round++) {
      sync.tick(round);
      if (round > ROUNDS) {
        if (sync.idle()) break;
        continue;
      }
      const c = rand() < 0.5 ? a : b;
      // A computer works only once it has the backup's keys (the first sync brought them).
      if (!fs.existsSync(path.join(c.dir, 'config')) && !fs.existsSync(path.join(c.dir, 'keys')))
        continue;
      const backend = createFolderBackend(c.dir);
      let r: Repository;
      try {
        r = await Repository.open(backend, PW, { lastSeen: c.marker });
      } catch (err) {
        // The keys may not have arrived yet; a rollback must never be reported.
        expect((err as { code?: string }).code).not.toBe('ROLLBACK_DETECTED');
        continue;
      }
      try {
        const roll = rand();
        if (roll < 0.55) {
          // Something new on this computer: a message, sometimes a photo.
          const chat = c.store.chats[Math.floor(rand() * c.store.chats.length)]!.bundle;
          const photo =
            rand() < 0.4
              ? c.store.addMedia(
                  Buffer.from(`${c.name}-${round}-`.repeat(2000 + Math.floor(rand() * 8000))),
                  'photo',
                  'image/jpeg',
                )
              : null;
          await c.store.ingest([
            {
              ...chat,
              messages: [
                {
                  key: `${c.name}-${round}`,
                  senderKey: null,
                  sentAt: Date.UTC(2025, 5, 1) + round * 60_000,
                  text: `round ${round} on ${c.name}`,
                  kind: photo ? 'media' : 'text',
                  attachments: photo
                    ? [
                        {
                          mediaType: 'photo',
                          mime: 'image/jpeg',
                          size: 1,
                          hash: photo,
                          fileName: null,
                        },
                      ]
                    : [],
                  reactions: [],
                },
              ],
            },
          ]);
          const snap = await r.backupFrom(c.store, { mediaTypes: [...MEDIA_TYPES], host: c.name });
          written.set(snap.id, { digest: digest(c.store), by: c.name });
          counts.backups++;
        } else if (roll < 0.75) {
          const { removed } = await r.forget({ keepLast: 3 });
          for (const s of removed) forgotten.add(s.id);
          counts.forgets++;
        } else {
          try {
            const report = await r.prune({
              now: t0 + round * HOUR,
              client: { clientId: c.clientId, host: c.name },
              // Now and then the other computer takes maintenance over.
              takeOver: rand() < 0.1,
            });
            counts.prunes++;
            counts.packsMarked += report.packsMarked;
            counts.packsDeleted += report.packsDeleted;
          } catch (err) {
            if ((err as { code?: string }).code !== 'NOT_MAINTENANCE_OWNER') throw err;
            counts.refusedPrunes++;
          }
        }
        c.marker = r.latestMarker(c.name);
      } finally {
        await r.close();
      }
      sync.noticeChanges(c, round);
    }
    expect(sync.idle()).toBe(true);

    // Both copies now hold the same folder.
    expect([...scan(a.dir)].sort()).toEqual([...scan(b.dir)].sort());
    const final = await Repository.open(createFolderBackend(a.dir), PW, { lastSeen: a.marker });
    await final.verifyNotRolledBack(b.marker!);
    expect(final.problems).toEqual([]);
    const check = await final.check({ readData: true });
    expect(check.problems, JSON.stringify(check.problems, null, 1)).toEqual([]);
    const present = await final.snapshots();
    for (const s of present) {
      const want = written.get(s.id);
      expect(want, `snapshot ${s.id} was written by a computer`).toBeDefined();
      const target = new MemoryStore(path.join(root, `restore-${s.id.slice(0, 8)}`));
      const r = await final.restoreInto(s.id, target);
      expect(r.complete, `snapshot ${s.id} by ${want!.by}`).toBe(true);
      expect(digest(target), `snapshot ${s.id} by ${want!.by}`).toBe(want!.digest);
    }
    // Every snapshot written is either still there or was forgotten on purpose.
    for (const id of written.keys()) {
      expect(present.some((s) => s.id === id) || forgotten.has(id), id).toBe(true);
    }
    // The run exercised what matters.
    expect(counts.backups).toBeGreaterThan(ROUNDS / 3);
    expect(counts.packsMarked).toBeGreaterThan(0);
    process.stdout.write(`two computers, seed ${SEED}: ${JSON.stringify(counts)}\n`);
  });
});
