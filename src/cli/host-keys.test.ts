/**
 * Trusting an SSH server on first use, as the CLI does it on a terminal: the fingerprint is
 * shown, the person answers, and the answer is kept; known_hosts entries (plain and hashed)
 * count as trust. The yes/no answer is the only part not real here (no terminal in a test).
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  missingBinary,
  SSHD,
  startSshd,
  type SshdServer,
} from '../backup/backend/testing/servers.js';
import { HostKeyUnknownError } from '../backup/errors.js';
import { openLocation } from './backend-access.js';
import type { CommandContext } from './context.js';
import { HostKeyPins, knownHostsFingerprints } from './host-keys.js';
import { Output } from './output.js';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-hostkeys-'));
});
afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('known_hosts and pins', () => {
  const line = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICSvbSnKt5drRzLaIyPPwByDKtcp5H49Xyz1vYQXqpwN';
  // What `ssh-keygen -lf` prints for that key.
  const fp = 'SHA256:jA9ZlWKU1NBieBVsQyRMiBpnC4VdlsmmtrmWl8KwVlY';

  it('reads plain and hashed entries, with and without a port, and ignores markers', async () => {
    const salt = randomBytes(20);
    const hashed = (name: string) =>
      `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
    const file = path.join(root, 'known_hosts');
    fs.writeFileSync(
      file,
      [
        '# comment',
        `nas.local,192.168.1.5 ${line}`,
        `${hashed('[backup.example.org]:2222')} ${line}`,
        `@revoked other.example.org ${line}`,
        `other.example.org ssh-ed25519 ${Buffer.alloc(51, 2).toString('base64')}`,
        '',
      ].join('\n'),
    );
    expect(await knownHostsFingerprints('nas.local', 22, file)).toEqual([fp]);
    expect(await knownHostsFingerprints('192.168.1.5', 22, file)).toEqual([fp]);
    expect(await knownHostsFingerprints('backup.example.org', 2222, file)).toEqual([fp]);
    expect(await knownHostsFingerprints('backup.example.org', 22, file)).toEqual([]);
    expect(await knownHostsFingerprints('other.example.org', 22, file)).not.toContain(fp);
    expect(await knownHostsFingerprints('nas.local', 22, path.join(root, 'missing'))).toEqual([]);
  });

  it('keeps pins per host and port, and ignores a damaged pins file', async () => {
    const dir = path.join(root, 'state');
    const pins = new HostKeyPins(dir);
    expect(await pins.get('nas.local:22')).toBeNull();
    await pins.set('nas.local:22', fp);
    expect(await new HostKeyPins(dir).get('nas.local:22')).toBe(fp);
    expect(await pins.get('nas.local:2222')).toBeNull();
    fs.writeFileSync(path.join(dir, 'known-hosts.json'), '{ not json');
    expect(await pins.get('nas.local:22')).toBeNull();
  });
});

const sshdSkip = missingBinary(SSHD, 'openssh-server');
(sshdSkip ? describe.skip : describe)(
  `first connection on a terminal${sshdSkip ? ` (skipped: ${sshdSkip})` : ''}`,
  () => {
    let server: SshdServer;
    let state: string;
    beforeAll(async () => {
      server = await startSshd();
      state = fs.mkdtempSync(path.join(root, 'state-'));
      fs.writeFileSync(path.join(root, 'user_key'), server.userKey, { mode: 0o600 });
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    const context = (answer: boolean) => {
      const asked: string[] = [];
      const stderr = new PassThrough();
      let shown = '';
      stderr.on('data', (d: Buffer) => (shown += d.toString()));
      const ctx: CommandContext = {
        g: { store: root },
        io: {
          stdout: new PassThrough(),
          stderr,
          signal: new AbortController().signal,
          secrets: {
            env: {
              CHATKEEP_STATE_DIR: state,
              CHATKEEP_CACHE_DIR: path.join(root, 'cache'),
              CHATKEEP_SFTP_KEY_FILE: path.join(root, 'user_key'),
            },
            interactive: true,
            prompt: () => Promise.reject(new Error('no password should be asked for')),
            confirm: (message) => {
              asked.push(message);
              return Promise.resolve(answer);
            },
          },
        },
        out: new Output(false, new PassThrough(), stderr, false),
        progress: () => {
          throw new Error('unused');
        },
        timings: {},
      };
      return { ctx, asked, shown: () => shown };
    };

    it('"no" refuses the server and keeps nothing; "yes" pins its key, asked only once', async () => {
      const refused = context(false);
      const err = await openLocation(refused.ctx, server.location).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyUnknownError);
      expect(refused.asked).toHaveLength(1);
      expect(refused.asked[0]).toContain(server.fingerprint);
      expect(refused.shown()).toContain(server.fingerprint);
      expect(await new HostKeyPins(state).get(`127.0.0.1:${server.port}`)).toBeNull();

      const trusted = context(true);
      const backend = await openLocation(trusted.ctx, server.location);
      await backend.writeAtomic('config', Buffer.from('x'));
      await backend.close?.();
      expect(trusted.asked).toHaveLength(1);
      expect(await new HostKeyPins(state).get(`127.0.0.1:${server.port}`)).toBe(server.fingerprint);

      const later = context(false);
      const again = await openLocation(later.ctx, server.location);
      expect((await again.read('config')).toString()).toBe('x');
      await again.close?.();
      expect(later.asked).toHaveLength(0);
    });
  },
);
