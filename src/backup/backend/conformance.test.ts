/**
 * Every backend against its real server (started here on 127.0.0.1, random port, temp folder):
 * the same conformance suite (testing/conformance.ts) for the folder backend, WebDAV on Apache
 * mod_dav and on `rclone serve webdav`, SFTP on OpenSSH's sshd, S3 on s3rver, and an rclone
 * remote. A missing server binary skips its suite with the reason, except in CI
 * (CHATKEEP_TEST_SERVERS=required), where it fails.
 */
import fs from 'node:fs';
import { tmpDir } from '../test-support.js';
import { createFolderBackend } from './folder.js';
import { openBackend } from './open.js';
import { runConformance } from './testing/conformance.js';
import {
  APACHE,
  missingBinary,
  rcloneAliasRemote,
  RCLONE,
  SSHD,
  startApacheWebdav,
  startRcloneWebdav,
  startS3rver,
  startSshd,
  type TestServer,
} from './testing/servers.js';

const FAST_RETRY = { budgetMs: 10_000, baseMs: 50, maxDelayMs: 1_000 };

async function served(start: () => Promise<TestServer>, withDataDir = true) {
  const server = await start();
  const backend = await openBackend(server.location, server.credentials, { retry: FAST_RETRY });
  return {
    backend,
    ...(withDataDir ? { dataDir: server.dataDir } : {}),
    stop: () => server.stop(),
  };
}

runConformance('folder', async () => {
  const dir = tmpDir();
  return {
    backend: createFolderBackend(dir),
    dataDir: dir,
    stop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

runConformance('WebDAV (Apache mod_dav)', () => served(startApacheWebdav), {
  skip: missingBinary(APACHE, 'apache2'),
});

runConformance('WebDAV (rclone serve webdav)', () => served(startRcloneWebdav), {
  skip: missingBinary(RCLONE, 'rclone'),
});

runConformance('SFTP (OpenSSH sshd)', () => served(startSshd), {
  skip: missingBinary(SSHD, 'openssh-server'),
});

runConformance('S3 (s3rver)', () => served(startS3rver, false));

runConformance('rclone remote (alias)', () => served(async () => rcloneAliasRemote()), {
  skip: missingBinary(RCLONE, 'rclone'),
});
