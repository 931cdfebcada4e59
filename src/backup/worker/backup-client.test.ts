import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APACHE,
  missingBinary,
  startApacheWebdav,
  type TestServer,
} from '../backend/testing/servers.js';
import {
  BackupCancelledError,
  RepositoryLockedError,
  SnapshotNotFoundError,
  WrongSecretError,
} from '../errors.js';
import { fillStore, storeDigest } from '../faults/store-fixture.js';
import {
  BackupClient,
  BackupClientClosedError,
  folderTarget,
  WorkerCrashedError,
} from './backup-client.js';
import type { ProgressLike } from './types.js';

/** The engine in a real worker thread on real stores and folders. */

const PASSWORD = 'worker test password';
const FAST_KDF = { kdf: { opsLimit: 1, memLimit: 8192 }, insecureTestKdf: true };

let root: string;
let store: string;
let repo: string;
let client: BackupClient;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
  store = path.join(root, 'store');
  repo = path.join(root, 'repo');
  await fillStore(store, { chats: 5, messagesPerChat: 80, photos: 4, photoBytes: 300_000 });
  client = BackupClient.start();
});

afterAll(async () => {
  await client?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('BackupClient', () => {
  it('initializes, backs up with progress, lists and restores exactly', async () => {
    const init = await client.init(folderTarget(repo), { password: PASSWORD }, FAST_KDF);
    expect(init.repoId).toMatch(/^[0-9a-f]{32}$/);

    const events: ProgressLike[] = [];
    const summary = await client.backup(store, {
      mediaTypes: ['photo'],
      onProgress: (p) => events.push(p),
    });
    expect(summary.messageCount).toBe(400);
    expect(summary.media.photo?.count).toBe(4);
    expect(events.length).toBeGreaterThan(0);
    const phases = new Set(events.map((e) => e.phase));
    expect(phases.has('snapshot') || phases.has('messages')).toBe(true);

    const snapshots = await client.snapshots();
    expect(snapshots.map((s) => s.id)).toEqual([summary.id]);
    expect(await client.latestMarker()).toMatchObject({ seq: summary.seq, id: summary.id });

    const target = path.join(root, 'restored');
    const restored = await client.restore('latest', target);
    expect(restored.messages).toBe(400);
    expect(await storeDigest(target)).toEqual(await storeDigest(store));

    const report = await client.check({ readData: true });
    expect(report.problems).toEqual([]);
    expect((await client.stats()).snapshots).toBe(1);
  });

  it('re-creates typed errors on this side, with their code and data', async () => {
    const wrong = await client
      .open(folderTarget(repo), { password: 'nope' })
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(WrongSecretError);
    expect((wrong as WrongSecretError).code).toBe('WRONG_SECRET');
    expect((wrong as WrongSecretError).secretKind).toBe('password');
    expect(String((wrong as Error).message)).not.toContain('nope');

    await client.open(folderTarget(repo), { password: PASSWORD });
    const missing = await client.restore('ffff', path.join(root, 'x')).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SnapshotNotFoundError);
    expect((missing as SnapshotNotFoundError).snapshot).toBe('ffff');
  });

  it('opens with an exported master key (the OS keychain path)', async () => {
    await client.open(folderTarget(repo), { password: PASSWORD });
    const key = await client.exportMasterKey();
    expect(key).toBeInstanceOf(Uint8Array);
    expect(key.byteLength).toBe(32);
    const copy = Uint8Array.from(key);
    const opened = await client.openWithMasterKey(folderTarget(repo), key);
    expect(opened.latestMarker?.seq).toBe(1);
    expect(key).toEqual(copy); // the caller's buffer is not consumed
  });

  it('cancels a running backup through an AbortSignal', async () => {
    await fillStore(store, {
      chats: 40,
      messagesPerChat: 200,
      seed: 5,
      chatPrefix: 'big',
      photos: 20,
      photoBytes: 500_000,
    });
    await client.open(folderTarget(repo), { password: PASSWORD });
    const controller = new AbortController();
    let aborted = false;
    const result = await client
      .backup(store, {
        mediaTypes: ['photo'],
        signal: controller.signal,
        onProgress: () => {
          if (!aborted) {
            aborted = true;
            controller.abort();
          }
        },
      })
      .catch((e: unknown) => e);
    expect(result).toBeInstanceOf(BackupCancelledError);
    expect((result as BackupCancelledError).code).toBe('CANCELLED');
    // Cancelled means no new snapshot, and the lock is released for the next run.
    expect((await client.snapshots()).length).toBe(1);
    const next = await client.backup(store, { mediaTypes: ['photo'] });
    expect(next.seq).toBe(2);
    // A signal aborted before the call never reaches the worker.
    await expect(
      client.backup(store, { mediaTypes: [], signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(BackupCancelledError);
  });

  it('two clients backing up at once: the repository lock keeps them apart', async () => {
    await client.open(folderTarget(repo), { password: PASSWORD });
    const other = BackupClient.start();
    try {
      await other.open(folderTarget(repo), { password: PASSWORD });
      const [a, b] = await Promise.allSettled([
        client.backup(store, { mediaTypes: ['photo'] }),
        other.backup(store, { mediaTypes: ['photo'] }),
      ]);
      const outcomes = [a, b].map((r) => (r.status === 'fulfilled' ? 'ok' : r.reason));
      // Each either succeeds or gets the typed lock error naming the other holder. (Both may
      // lose when they take the lock in the same instant: see the report on lock tie-breaks.)
      for (const o of outcomes) {
        if (o !== 'ok') expect(o).toBeInstanceOf(RepositoryLockedError);
      }
      // Whatever happened, the repository is whole and the next backup goes through.
      expect((await client.check()).problems).toEqual([]);
      await client.backup(store, { mediaTypes: ['photo'] });
    } finally {
      await other.close();
    }
  });

  it('manages key slots, forgets and prunes through the worker', async () => {
    await client.open(folderTarget(repo), { password: PASSWORD });
    const { slot, recoveryKey } = await client.addRecoveryKey();
    expect(slot.kind).toBe('recovery');
    await client.open(folderTarget(repo), { recoveryKey });
    const slots = await client.listKeys();
    expect(slots.map((k) => k.kind).sort()).toEqual(['password', 'recovery']);
    await client.removeKey(slot.id);
    expect((await client.listKeys()).map((k) => k.kind)).toEqual(['password']);

    const before = (await client.snapshots()).length;
    expect(before).toBeGreaterThan(1);
    const dry = await client.forget({ keepLast: 1 }, { dryRun: true });
    expect(dry.removed).toHaveLength(before - 1);
    expect(await client.snapshots()).toHaveLength(before);
    const real = await client.forget({ keepLast: 1 });
    expect(real.kept).toHaveLength(1);
    const phases: string[] = [];
    const pruned = await client.prune({ onProgress: (p) => phases.push(p.phase) });
    expect(pruned.packsDeleted + pruned.packsRepacked).toBeGreaterThanOrEqual(0);
    expect((await client.check({ readData: true })).problems).toEqual([]);
    const latest = (await client.snapshots())[0]!;
    const target = path.join(root, 'after-prune');
    await client.restore(latest.id, target);
    expect(await storeDigest(target)).toEqual(await storeDigest(store));
  });

  it('rejects pending calls with WorkerCrashedError when the worker dies, and refuses calls once closed', async () => {
    const doomed = BackupClient.start();
    const pending = doomed.init(
      folderTarget(path.join(root, 'repo-doomed')),
      { password: PASSWORD },
      FAST_KDF,
    );
    await (doomed as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await expect(pending).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(doomed.snapshots()).rejects.toBeInstanceOf(WorkerCrashedError);

    const closed = BackupClient.start();
    await closed.close();
    await expect(closed.snapshots()).rejects.toBeInstanceOf(BackupClientClosedError);
    await closed.close(); // twice is fine
  });
});

const apacheSkip = missingBinary(APACHE, 'apache2');
(apacheSkip ? describe.skip : describe)(
  `BackupClient on a network location${apacheSkip ? ` (skipped: ${apacheSkip})` : ''}`,
  () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startApacheWebdav();
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('the location and its credentials travel to the worker: init, back up, restore', async () => {
      const target = {
        location: server.location,
        credentials: server.credentials,
        cacheDir: path.join(root, 'webdav-cache'),
      };
      const worker = BackupClient.start();
      try {
        expect(await worker.peekRepoId(target)).toBeNull();
        const { repoId } = await worker.init(target, { password: PASSWORD }, FAST_KDF);
        expect(await worker.peekRepoId(target)).toBe(repoId);
        const snap = await worker.backup(store, { mediaTypes: ['photo'] });
        // The objects are on the server, not in any folder of this computer but its cache.
        expect(fs.readdirSync(path.join(server.dataDir, 'snapshots'))).toHaveLength(1);
        await worker.closeRepository();
        await worker.open(target, { password: PASSWORD });
        const restored = path.join(root, 'from-webdav');
        await worker.restore(snap.id, restored);
        expect(await storeDigest(restored)).toEqual(await storeDigest(store));
        const wrong = await worker
          .open({ ...target, credentials: { password: 'not it' } }, { password: PASSWORD })
          .catch((e: unknown) => e);
        expect((wrong as { code?: string }).code).toBe('BACKEND_AUTH');
      } finally {
        await worker.close();
      }
    });
  },
);
