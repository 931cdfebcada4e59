/**
 * Backups over a network that misbehaves, against real servers behind a TCP fault proxy
 * (backend/testing/fault-proxy.ts): WebDAV on Apache, SFTP on sshd, S3 on s3rver. Connections
 * that drop every 2 MB, a network that dies in the middle of a backup and comes back, a stalled
 * server and a slow link: the backup finishes (or stops as "offline" and resumes without
 * uploading its packs again), and what it made restores exactly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { openBackend } from '../backend/open.js';
import { startFaultProxy, type FaultProxy } from '../backend/testing/fault-proxy.js';
import {
  APACHE,
  missingBinary,
  SSHD,
  startApacheWebdav,
  startS3rver,
  startSshd,
  type TestServer,
} from '../backend/testing/servers.js';
import { BackendOfflineError } from '../errors.js';
import { Repository } from '../repository.js';
import { TEST_KDF, tmpDir } from '../test-support.js';
import { MEDIA_TYPES } from '../../store/records.js';
import { fillStore, storeDigest } from './store-fixture.js';

const PW = { password: 'network trouble' };
const QUICK = { budgetMs: 4_000, baseMs: 20, maxDelayMs: 400 };

interface Setup {
  title: string;
  start: () => Promise<TestServer>;
  skip: string | null;
  /** Each connection is cut after carrying this much (uploads resume past the cut). */
  dropEvery: number;
}

const MB = 1024 * 1024;
const setups: Setup[] = [
  // Apache takes ranged PUTs: packs go up in 4 MiB segments.
  {
    title: 'WebDAV (Apache)',
    start: () => startApacheWebdav(),
    skip: missingBinary(APACHE, 'apache2'),
    dropEvery: 6 * MB,
  },
  // Pipelined 32 KiB writes into one temporary file; confirmed ones are not sent again.
  {
    title: 'SFTP (sshd)',
    start: () => startSshd(),
    skip: missingBinary(SSHD, 'openssh-server'),
    dropEvery: 2 * MB,
  },
  // Multipart uploads of 5 MiB parts.
  { title: 'S3 (s3rver)', start: () => startS3rver(), skip: null, dropEvery: 6 * MB },
];

for (const setup of setups) {
  const suite = setup.skip ? describe.skip : describe;
  suite(
    `${setup.title} over a faulty network${setup.skip ? ` (skipped: ${setup.skip})` : ''}`,
    () => {
      let server: TestServer;
      let proxy: FaultProxy;
      let root: string;
      let store: string;
      let digest: string;
      const open: Backend[] = [];

      const connect = async (retry = QUICK, extra: { requestTimeoutMs?: number } = {}) => {
        const b = await openBackend(server.via(proxy.port), server.credentials, {
          retry,
          cacheDir: path.join(root, 'cache'),
          ...extra,
        });
        open.push(b);
        return b;
      };
      const restoreDigest = async (b: Backend, snapshot: string) => {
        const repo = await Repository.open(b, PW);
        const target = fs.mkdtempSync(path.join(root, 'restore-'));
        await repo.restore(snapshot, target);
        await repo.close();
        return (await storeDigest(target)).digest;
      };

      beforeAll(async () => {
        server = await setup.start();
        proxy = await startFaultProxy(server.port);
        root = tmpDir();
        store = path.join(root, 'store');
        await fillStore(store, { chats: 6, messagesPerChat: 150, photos: 24, photoBytes: 700_000 });
        digest = (await storeDigest(store)).digest;
      }, 60_000);
      // A test that failed half-way must not leave the network broken for the next.
      beforeEach(() => {
        proxy.mode = 'up';
        proxy.dropEvery = null;
        proxy.bytesPerSecond = null;
      });
      afterAll(async () => {
        for (const b of open) await b.close?.().catch(() => undefined);
        await proxy?.close();
        await server?.stop();
        if (root) fs.rmSync(root, { recursive: true, force: true });
      });

      it(`a backup over connections that drop every ${setup.dropEvery / MB} MB finishes and restores exactly`, async () => {
        proxy.dropEvery = setup.dropEvery;
        const b = await connect({ budgetMs: 30_000, baseMs: 20, maxDelayMs: 500 });
        const { repo } = await Repository.init(b, PW, { kdf: TEST_KDF, insecureTestKdf: true });
        const snap = await repo.backup(store, { mediaTypes: [...MEDIA_TYPES] }).finally(() => {
          proxy.dropEvery = null;
        });
        await repo.close();
        expect(proxy.drops).toBeGreaterThanOrEqual(1);
        expect(b.stats!.retries).toBeGreaterThan(0);
        expect(await restoreDigest(b, snap.id)).toBe(digest);
      });

      it('a dead network stops the backup as offline; back online, it resumes without uploading its packs again', async () => {
        await fillStore(store, {
          chats: 3,
          messagesPerChat: 100,
          // Above MEDIA_WORKER_MIN_BYTES: the media worker seals them and hands each pack
          // back to be uploaded over the repository's connection.
          photos: 36,
          photoBytes: 1_000_000,
          seed: 7,
          chatPrefix: 'later',
        });
        const expected = (await storeDigest(store)).digest;
        const b = await connect();
        const repo = await Repository.open(b, PW);
        // The network dies once a first pack of the new photos (about 16 MiB; the small packs
        // of messages may land first) is stored, seen from a second, direct connection.
        const direct = await openBackend(server.location, server.credentials, { retry: QUICK });
        // Slow enough for the watcher to see the first photo pack land before the rest.
        proxy.bytesPerSecond = 16 * 1024 * 1024;
        open.push(direct);
        const packsBefore = new Set(await direct.list('data/'));
        const sizes = new Map<string, number>();
        let storedBefore = 0;
        let looking = false;
        const watch = setInterval(() => {
          if (looking || proxy.mode !== 'up') return;
          looking = true;
          void direct
            .list('data/')
            .then(async (names) => {
              for (const n of names) {
                if (packsBefore.has(n) || sizes.has(n)) continue;
                sizes.set(n, (await direct.stat(n))?.size ?? 0);
              }
              const stored = [...sizes.values()].reduce((a, b) => a + b, 0);
              if (stored < 10_000_000 || proxy.mode !== 'up') return;
              proxy.mode = 'down';
              proxy.cutAll();
              // Anything that landed between the listing and the cut counts too.
              for (const n of await direct.list('data/'))
                if (!packsBefore.has(n)) storedBefore += (await direct.stat(n))?.size ?? 0;
            })
            .finally(() => (looking = false));
        }, 20);
        const err = await repo
          .backup(store, { mediaTypes: [...MEDIA_TYPES] })
          .catch((e: unknown) => e);
        clearInterval(watch);
        proxy.bytesPerSecond = null;
        expect(err).toBeInstanceOf(BackendOfflineError);
        expect((err as Error).message).toMatch(/cannot be reached.*will try again/);
        const upBefore = b.stats!.bytesUp;
        expect(storedBefore).toBeGreaterThan(10_000_000);

        // Back online, the same repository (as the app keeps it open) tries again: its lock
        // from the failed run is removed first, and the packs already stored are adopted.
        proxy.mode = 'up';
        const snap = await repo.backup(store, { mediaTypes: [...MEDIA_TYPES] });
        await repo.close();
        const upAgain = b.stats!.bytesUp - upBefore;
        process.stdout.write(
          `resume over ${setup.title}: stored before the network died ${storedBefore}, sent before ${upBefore}, sent after ${upAgain}\n`,
        );
        // 36 MB of new photos; the packs stored before the network died are not sent again.
        expect(upAgain).toBeLessThan(37_500_000 - storedBefore * 0.75);
        expect(await restoreDigest(b, snap.id)).toBe(expected);
      });

      it('a stalled server is given up on per request and retried; a slow link still gets there', async () => {
        const b = await connect(
          { budgetMs: 20_000, baseMs: 20, maxDelayMs: 300 },
          { requestTimeoutMs: 700 },
        );
        proxy.mode = 'stall';
        const listing = b.list('snapshots/');
        setTimeout(() => (proxy.mode = 'up'), 1_500);
        expect((await listing).length).toBeGreaterThan(0);
        expect(b.stats!.retries).toBeGreaterThan(0);
        // A slow link (its own proxy, so no connection left over from the stall is reused).
        const slow = await startFaultProxy(server.port);
        try {
          slow.bytesPerSecond = 1024 * 1024;
          const s = await openBackend(server.via(slow.port), server.credentials, { retry: QUICK });
          open.push(s);
          const started = Date.now();
          const blob = Buffer.alloc(3 * 1024 * 1024, 7);
          await s.writeAtomic(`data/77/${'7'.repeat(64)}`, blob);
          await s.flush?.();
          expect(Date.now() - started).toBeGreaterThan(1_000);
          slow.bytesPerSecond = null;
          expect((await s.read(`data/77/${'7'.repeat(64)}`)).equals(blob)).toBe(true);
          await s.delete(`data/77/${'7'.repeat(64)}`);
        } finally {
          await slow.close();
        }
      });
    },
  );
}
