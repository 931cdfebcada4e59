/**
 * SIGKILL of a backup to a network repository in the middle of its uploads (WebDAV on Apache,
 * SFTP on sshd): the dead process leaves its lock, temporary uploads and an unfinished
 * backup behind. The next backup must go on from there (adopting the packs already stored
 * instead of sending them again), and everything must check and restore exactly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocation } from '../backend/location.js';
import {
  APACHE,
  missingBinary,
  SSHD,
  startApacheWebdav,
  startSshd,
  type SshdServer,
  type TestServer,
} from '../backend/testing/servers.js';
import { ensureCliBuilt } from '../../cli/test-helpers.js';
import {
  backup,
  cli,
  dataBytes,
  expectCheckPasses,
  initRepo,
  killWhen,
  restoredDigest,
  tempBench,
  type Bench,
} from './harness.js';
import { fillStore, storeDigest } from './store-fixture.js';

interface Setup {
  title: string;
  skip: string | null;
  start: () => Promise<TestServer>;
  env: (s: TestServer, root: string) => Record<string, string>;
}

const setups: Setup[] = [
  {
    title: 'WebDAV (Apache)',
    skip: missingBinary(APACHE, 'apache2'),
    start: () => startApacheWebdav(),
    env: (s) => s.env,
  },
  {
    title: 'SFTP (sshd)',
    skip: missingBinary(SSHD, 'openssh-server'),
    start: () => startSshd(),
    env: (s, root) => {
      const sshd = s as SshdServer;
      const key = path.join(root, 'user_key');
      fs.writeFileSync(key, sshd.userKey, { mode: 0o600 });
      return {
        CHATKEEP_SFTP_KEY_FILE: key,
        CHATKEEP_SFTP_HOST_KEY: sshd.fingerprint,
        SSH_AUTH_SOCK: '',
      };
    },
  },
];

for (const setup of setups) {
  const suite = setup.skip ? describe.skip : describe;
  suite(
    `backup to ${setup.title} killed mid-upload${setup.skip ? ` (skipped: ${setup.skip})` : ''}`,
    () => {
      let server: TestServer;
      let b: Bench;

      beforeAll(async () => {
        await ensureCliBuilt();
        server = await setup.start();
        const local = tempBench();
        b = {
          ...local,
          repo: formatLocation(server.location),
          env: setup.env(server, local.root),
          dataDir: server.dataDir,
        };
        await fillStore(b.store, {
          chats: 4,
          messagesPerChat: 100,
          photos: 4,
          photoBytes: 300_000,
        });
        await initRepo(b);
        await backup(b);
      }, 60_000);
      afterAll(async () => {
        await server?.stop();
        if (b) fs.rmSync(b.root, { recursive: true, force: true });
      });

      it('the next backup adopts what the killed one stored, and all of it restores exactly', async () => {
        const firstDigest = (await storeDigest(b.store)).digest;
        const added = await fillStore(b.store, {
          chats: 4,
          messagesPerChat: 100,
          photos: 40,
          photoBytes: 1_000_000,
          seed: 3,
          chatPrefix: 'later',
        });
        const digest = (await storeDigest(b.store)).digest;
        const before = dataBytes(b);
        // Killed once a first pack of the new photos (about 16 MiB) is on the server.
        const killed = await killWhen(b, ['backup'], () => dataBytes(b) - before > 10_000_000);
        expect(killed.finished, 'the backup ended before it could be killed').toBe(false);
        const storedByKilled = dataBytes(b) - before;

        const r = await cli(b, ['backup']);
        expect(r.status, r.stderr).toBe(0);
        const sent = (r.json as { transfer: { bytesUp: number } }).transfer.bytesUp;
        // The packs the killed run stored are adopted, not uploaded again.
        expect(sent).toBeLessThan(added.photoBytes + 2_000_000 - storedByKilled * 0.75);
        await expectCheckPasses(b, true);
        const snaps = ((await cli(b, ['snapshots'])).json as { snapshots: { id: string }[] })
          .snapshots;
        expect(snaps).toHaveLength(2);
        expect(await restoredDigest(b, snaps[0]!.id)).toBe(firstDigest);
        expect(await restoredDigest(b, snaps[1]!.id)).toBe(digest);
      });
    },
  );
}
