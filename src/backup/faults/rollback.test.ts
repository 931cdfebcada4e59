import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/exit-codes.js';
import { MARKER_FILE_NAME } from '../../cli/marker-state.js';
import { ensureCliBuilt } from '../../cli/test-helpers.js';
import { backup, cli, initRepo, tempBench, type Bench } from './harness.js';
import { fillStore } from './store-fixture.js';

/**
 * Rollback: the repository folder's snapshots replaced by an older copy (a sync conflict
 * resolved the wrong way, a restored disk image, tampering). The CLI remembers the newest
 * marker it saw in each repository (by repository id, in the user's state folder) and must
 * refuse, with exit 6 and a message saying what happened, every command that would trust the
 * old state, whichever chat store it is used with.
 */

let b: Bench;

beforeAll(async () => {
  await ensureCliBuilt();
  b = tempBench();
  await fillStore(b.store, { chats: 3, messagesPerChat: 40 });
  await initRepo(b);
  await backup(b);
  const older = path.join(b.root, 'snapshots-at-1');
  fs.cpSync(path.join(b.repo, 'snapshots'), older, { recursive: true });
  await fillStore(b.store, { chats: 1, messagesPerChat: 10, seed: 4, chatPrefix: 'x' });
  await backup(b);
  await fillStore(b.store, { chats: 1, messagesPerChat: 10, seed: 5, chatPrefix: 'y' });
  await backup(b);
  fs.rmSync(path.join(b.repo, 'snapshots'), { recursive: true });
  fs.cpSync(older, path.join(b.repo, 'snapshots'), { recursive: true });
});

afterAll(() => {
  if (b) fs.rmSync(b.root, { recursive: true, force: true });
});

describe('rollback detection', () => {
  it('the marker file holds the newest marker and nothing secret', () => {
    const file = path.join(b.root, 'state', MARKER_FILE_NAME);
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      repositories: Record<string, { marker: { seq: number; id: string; hash: string } }>;
    };
    const [repoId] = Object.keys(state.repositories);
    expect(repoId).toMatch(/^[0-9a-f]{32}$/);
    const entry = state.repositories[repoId!];
    expect(entry?.marker.seq).toBe(3);
    expect(Object.keys(entry?.marker ?? {}).sort()).toEqual(['hash', 'id', 'seq']);
  });

  it('refuses with any chat store, even one that does not exist', async () => {
    const r = await cli(b, ['--store', path.join(b.root, 'no-such-store'), 'snapshots']);
    expect(r.status, r.stderr).toBe(EXIT.ROLLBACK);
  });

  it('another computer (no marker yet) is warned on restore that it cannot tell', async () => {
    const target = path.join(b.root, 'restore-elsewhere');
    const r = await cli(b, ['restore', 'latest', '--target', target], {
      CHATKEEP_STATE_DIR: path.join(b.root, 'other-computer'),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/has no record of the newest snapshot in this backup/);
    fs.rmSync(target, { recursive: true, force: true });
  });

  it.each([['snapshots'], ['backup'], ['restore', 'latest', '--target', 'RESTORE'], ['check']])(
    '%s refuses with exit 6',
    async (...args: string[]) => {
      const target = path.join(b.root, 'restore-target');
      const r = await cli(
        b,
        args.map((a) => (a === 'RESTORE' ? target : a)),
      );
      expect(r.status, r.stderr).toBe(EXIT.ROLLBACK);
      expect(r.json).toMatchObject({ ok: false, error: { code: 'ROLLBACK_DETECTED' } });
      expect(r.stderr).toMatch(/newest snapshot is #1, this computer last saw #3/);
      expect(fs.existsSync(target)).toBe(false);
    },
  );

  it('--accept-rollback accepts the folder once; the marker then follows it', async () => {
    const accepted = await cli(b, ['--accept-rollback', 'snapshots']);
    expect(accepted.status, accepted.stderr).toBe(0);
    expect(accepted.stderr).toMatch(/forgetting the last-seen snapshot marker/);
    expect((await cli(b, ['snapshots'])).status).toBe(0);
  });

  it('a new repository created at the same path is not a rollback (markers go by repository id)', async () => {
    await backup(b);
    await backup(b);
    fs.rmSync(b.repo, { recursive: true });
    await initRepo(b);
    const r = await cli(b, ['backup']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect((await cli(b, ['snapshots'])).stderr).toBe('');
  });
});
