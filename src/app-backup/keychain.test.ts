import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  InvalidKeychainAccountError,
  KeychainEntryCorruptError,
  KeychainLockedError,
  KeychainOperationError,
  KeychainUnavailableError,
  KeytarVault,
  REASONS,
  RepoKeyStore,
  SessionSecretCache,
  classifyKeychainError,
  lastSnapshotAccount,
  masterKeyAccount,
  type KeytarLike,
  type VaultAvailability,
} from './keychain.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const IN_CI = process.env.CI === 'true';
/** A service name of its own, so running the tests never touches a developer's real entries. */
const TEST_SERVICE = `app.chatkeep.backup.test-${process.pid}-${randomBytes(4).toString('hex')}`;

async function realKeychain(): Promise<VaultAvailability | { ok: false; reason: string }> {
  if (process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS) {
    return {
      ok: false,
      reason:
        'no D-Bus session (DBUS_SESSION_BUS_ADDRESS is unset); run the tests inside dbus-run-session with gnome-keyring-daemon --unlock --components=secrets',
    };
  }
  return new KeytarVault({ service: TEST_SERVICE, timeoutMs: 15_000 }).available();
}

const real = await realKeychain();

describe('KeytarVault against the real system keychain', () => {
  if (!real.ok) {
    const reason = 'detail' in real ? `${real.reason} (${real.detail})` : real.reason;
    if (IN_CI) {
      it('finds a usable keychain in CI', () => {
        throw new Error(`CI must provide a Secret Service for these tests: ${reason}`);
      });
    } else {
      it.skip(`skipped, no usable keychain here: ${reason}`, () => {});
    }
    return;
  }

  const vault = new KeytarVault({ service: TEST_SERVICE, timeoutMs: 15_000 });
  afterAll(async () => {
    for (const account of await vault.accounts()) await vault.delete(account);
  });

  it('stores, reads, overwrites and deletes a secret', async () => {
    const account = masterKeyAccount('repo-a');
    expect(await vault.get(account)).toBeNull();
    await vault.set(account, 'first ✓ 秘密');
    expect(await vault.get(account)).toBe('first ✓ 秘密');
    await vault.set(account, 'second');
    expect(await vault.get(account)).toBe('second');
    expect(await vault.delete(account)).toBe(true);
    expect(await vault.delete(account)).toBe(false);
    expect(await vault.get(account)).toBeNull();
  });

  it('lists account names only, and leaves no probe entries behind', async () => {
    await vault.set(masterKeyAccount('repo-b'), 'k');
    expect(await vault.available({ fresh: true })).toEqual({ ok: true });
    expect(await vault.accounts()).toEqual([masterKeyAccount('repo-b')]);
    await vault.delete(masterKeyAccount('repo-b'));
  });

  it('round-trips a master key and a snapshot marker; "forget this computer" removes only that repo', async () => {
    const store = new RepoKeyStore(vault, null);
    const key = randomBytes(32);
    expect(await store.saveMasterKey('repo-c', key)).toBe('keychain');
    expect(
      await store.saveLastSnapshot('repo-c', { seq: 7, id: 'snap-7', hash: 'ab'.repeat(16) }),
    ).toBe('keychain');
    await store.saveMasterKey('repo-d', randomBytes(32));

    expect((await store.loadMasterKey('repo-c'))?.equals(key)).toBe(true);
    expect(await store.loadLastSnapshot('repo-c')).toEqual({
      seq: 7,
      id: 'snap-7',
      hash: 'ab'.repeat(16),
    });

    expect(await store.forgetRepository('repo-c')).toBe(2);
    expect(await store.loadMasterKey('repo-c')).toBeNull();
    expect(await store.loadLastSnapshot('repo-c')).toBeNull();
    expect(await vault.accounts()).toEqual([masterKeyAccount('repo-d')]);
    await store.forgetRepository('repo-d');
  });

  it('reports an entry that is not what Chatkeep wrote as corrupt', async () => {
    const store = new RepoKeyStore(vault, null);
    await vault.set(masterKeyAccount('repo-e'), 'not base64!');
    await vault.set(lastSnapshotAccount('repo-e'), '{"seq":"x"}');
    await expect(store.loadMasterKey('repo-e')).rejects.toBeInstanceOf(KeychainEntryCorruptError);
    await expect(store.loadLastSnapshot('repo-e')).rejects.toMatchObject({
      code: 'KEYCHAIN_ENTRY_CORRUPT',
    });
    await store.forgetRepository('repo-e');
  });
});

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

describe('KeytarVault without any keychain (child process, no D-Bus)', () => {
  if (process.platform !== 'linux') {
    it.skip('skipped: simulating a missing Secret Service needs Linux (D-Bus)', () => {});
    return;
  }

  it('says so in plain words, refuses to store, writes nothing anywhere, never prints the secret', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
    try {
      const home = path.join(tmp, 'home');
      const xdg = ['data', 'config', 'cache', 'state'].map((d) => path.join(home, d));
      for (const d of [home, ...xdg]) fs.mkdirSync(d, { recursive: true });
      const secret = `s3cret-${randomBytes(12).toString('hex')}`;
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.DISPLAY;
      delete env.WAYLAND_DISPLAY;
      Object.assign(env, {
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(tmp, 'no-such-bus')}`,
        HOME: home,
        XDG_DATA_HOME: xdg[0],
        XDG_CONFIG_HOME: xdg[1],
        XDG_CACHE_HOME: xdg[2],
        XDG_STATE_HOME: xdg[3],
        CK_PROBE_SECRET: secret,
        CK_PROBE_SERVICE: TEST_SERVICE,
      });
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(HERE, 'testing', 'keychain-probe.ts')],
        { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 },
      );
      expect(child.status, child.stderr).toBe(0);
      expect(child.stdout).not.toContain(secret);
      expect(child.stderr).not.toContain(secret);
      const result = JSON.parse(child.stdout) as {
        available: { reason: string };
        [key: string]: unknown;
      };

      expect(result.available).toMatchObject({
        ok: false,
        code: 'KEYCHAIN_UNAVAILABLE',
        reason: REASONS.noService,
      });
      expect(result.available.reason).toMatch(/can't reach your system's keychain/);
      expect(result.set).toEqual({
        name: 'KeychainUnavailableError',
        code: 'KEYCHAIN_UNAVAILABLE',
        message: REASONS.noService,
        reason: REASONS.noService,
      });
      expect(result.get).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
      // The app's fallback: this run's memory only.
      expect(result.saveMasterKey).toBe('session');
      expect(result.sessionRoundTrip).toBe(true);

      const written = filesUnder(tmp);
      expect(written).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

/** A keytar stand-in that fails like the native module does, to check the error mapping. */
function failingKeytar(message: string): KeytarLike {
  const fail = () => Promise.reject(new Error(message));
  return { getPassword: fail, setPassword: fail, deletePassword: fail, findCredentials: fail };
}

describe('keychain error mapping', () => {
  it('maps native messages to typed errors', () => {
    expect(
      classifyKeychainError(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'), 'set'),
    ).toBeInstanceOf(KeychainUnavailableError);
    expect(
      classifyKeychainError(new Error('Could not connect: No such file or directory'), 'get'),
    ).toBeInstanceOf(KeychainUnavailableError);
    expect(
      classifyKeychainError(new Error('Cannot create an item in a locked collection'), 'set'),
    ).toBeInstanceOf(KeychainLockedError);
    const other = classifyKeychainError(new Error('weird failure'), 'delete');
    expect(other).toBeInstanceOf(KeychainOperationError);
    expect(other.code).toBe('KEYCHAIN_FAILED');
  });

  it('redacts the secret from a native message that echoes it', async () => {
    const secret = 'hunter2-very-secret';
    const vault = new KeytarVault({
      service: TEST_SERVICE,
      loadKeytar: async () => failingKeytar(`bad item value ${secret} rejected`),
    });
    const err = (await vault.set('repo:x:master-key', secret).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(KeychainOperationError);
    expect(String(err.message)).not.toContain(secret);
    expect(JSON.stringify(err)).not.toContain(secret);
    expect(String(err.stack)).not.toContain(secret);
  });

  it('reports a keychain module that fails to load as unavailable', async () => {
    const vault = new KeytarVault({
      loadKeytar: () => Promise.reject(new Error('NODE_MODULE_VERSION 115 mismatch')),
    });
    expect(await vault.available()).toMatchObject({ ok: false, reason: REASONS.notLoaded });
    await expect(vault.get('repo:x:master-key')).rejects.toMatchObject({
      code: 'KEYCHAIN_UNAVAILABLE',
    });
  });

  it('gives up on a keychain that does not answer', async () => {
    const hang = () => new Promise<never>(() => {});
    const vault = new KeytarVault({
      timeoutMs: 50,
      loadKeytar: async () => ({
        getPassword: hang,
        setPassword: hang,
        deletePassword: hang,
        findCredentials: hang,
      }),
    });
    expect(await vault.available()).toMatchObject({ ok: false, reason: REASONS.noAnswer });
  });

  it('reports a locked keychain with its own sentence', async () => {
    const vault = new KeytarVault({
      loadKeytar: async () => failingKeytar('Cannot create an item in a locked collection'),
    });
    expect(await vault.available()).toMatchObject({
      ok: false,
      code: 'KEYCHAIN_LOCKED',
      reason: REASONS.locked,
    });
  });

  it('rejects repository ids that could break the account naming', () => {
    expect(() => masterKeyAccount('a:b')).toThrow(InvalidKeychainAccountError);
    expect(() => masterKeyAccount('')).toThrow(/1-128 letters/);
    expect(masterKeyAccount('Ab_9-z')).toBe('repo:Ab_9-z:master-key');
  });

  it('keeps session secrets in memory and forgets them by repository', () => {
    const cache = new SessionSecretCache();
    cache.set(masterKeyAccount('r1'), 'a');
    cache.set(lastSnapshotAccount('r1'), 'b');
    cache.set(masterKeyAccount('r2'), 'c');
    expect(cache.deleteWithPrefix('repo:r1:')).toBe(2);
    expect(cache.get(masterKeyAccount('r2'))).toBe('c');
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('does not swallow unexpected keychain failures as "no password saved"', async () => {
    const store = new RepoKeyStore(
      new KeytarVault({ loadKeytar: async () => failingKeytar('weird failure') }),
    );
    await expect(store.loadMasterKey('r1')).rejects.toBeInstanceOf(KeychainOperationError);
    await expect(store.saveMasterKey('r1', randomBytes(32))).rejects.toBeInstanceOf(
      KeychainOperationError,
    );
  });
});

/** An in-memory keytar with a switch to make it fail, counting the writes it receives. */
function memoryKeytar() {
  const items = new Map<string, string>();
  const state = { failWith: null as string | null, writes: 0 };
  const check = () => {
    if (state.failWith) throw new Error(state.failWith);
  };
  const keytar: KeytarLike = {
    getPassword: async (service, account) => (check(), items.get(`${service}/${account}`) ?? null),
    setPassword: async (service, account, password) => {
      check();
      state.writes++;
      items.set(`${service}/${account}`, password);
    },
    deletePassword: async (service, account) => (check(), items.delete(`${service}/${account}`)),
    findCredentials: async (service) => {
      check();
      return [...items]
        .filter(([k]) => k.startsWith(`${service}/`))
        .map(([k, password]) => ({ account: k.slice(service.length + 1), password }));
    },
  };
  return { keytar, items, state };
}

describe('KeytarVault availability cache', () => {
  it('probes once for repeated and concurrent questions, again when stale or asked fresh', async () => {
    const mem = memoryKeytar();
    let now = 1_000;
    const vault = new KeytarVault({
      loadKeytar: async () => mem.keytar,
      availabilityCacheMs: 60_000,
      now: () => now,
    });
    const answers = await Promise.all([vault.available(), vault.available(), vault.available()]);
    expect(answers).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(mem.state.writes).toBe(1);
    expect(await vault.available()).toEqual({ ok: true });
    expect(mem.state.writes).toBe(1);
    expect(mem.items.size).toBe(0);

    now += 61_000;
    await vault.available();
    expect(mem.state.writes).toBe(2);
    await vault.available({ fresh: true });
    expect(mem.state.writes).toBe(3);
  });

  it('learns from real operations: a locked keychain is reported without another probe', async () => {
    const mem = memoryKeytar();
    const vault = new KeytarVault({ loadKeytar: async () => mem.keytar });
    expect(await vault.available()).toEqual({ ok: true });
    mem.state.failWith = 'Cannot create an item in a locked collection';
    await expect(vault.set(masterKeyAccount('r1'), 'k')).rejects.toBeInstanceOf(
      KeychainLockedError,
    );
    const writes = mem.state.writes;
    expect(await vault.available()).toMatchObject({ ok: false, code: 'KEYCHAIN_LOCKED' });
    expect(mem.state.writes).toBe(writes);

    mem.state.failWith = null;
    await vault.set(masterKeyAccount('r1'), 'k');
    expect(await vault.available()).toEqual({ ok: true });
  });
});

describe('RepoKeyStore', () => {
  it('moves the rollback marker forward only, unless told an older backup is accepted', async () => {
    const mem = memoryKeytar();
    const store = new RepoKeyStore(new KeytarVault({ loadKeytar: async () => mem.keytar }), null);
    const m = (seq: number) => ({ seq, id: `s${seq}`, hash: String(seq).repeat(8) });
    expect(await store.saveLastSnapshot('r1', m(5))).toBe('keychain');
    expect(await store.saveLastSnapshot('r1', m(3))).toBe('kept');
    expect(await store.loadLastSnapshot('r1')).toEqual(m(5));
    expect(await store.saveLastSnapshot('r1', m(6))).toBe('keychain');
    expect(await store.saveLastSnapshot('r1', m(2), { allowOlder: true })).toBe('keychain');
    expect(await store.loadLastSnapshot('r1')).toEqual(m(2));
  });

  it('falls back to this run’s memory without a keychain, and forgets it on request', async () => {
    const mem = memoryKeytar();
    mem.state.failWith = 'Cannot autolaunch D-Bus without X11 $DISPLAY';
    const store = new RepoKeyStore(new KeytarVault({ loadKeytar: async () => mem.keytar }));
    const key = randomBytes(32);
    expect(await store.saveMasterKey('r1', key)).toBe('session');
    expect((await store.loadMasterKey('r1'))?.equals(key)).toBe(true);
    expect(mem.items.size).toBe(0);
    expect(await store.forgetRepository('r1')).toBe(0);
    expect(await store.loadMasterKey('r1')).toBeNull();

    const noSession = new RepoKeyStore(
      new KeytarVault({ loadKeytar: async () => mem.keytar }),
      null,
    );
    expect(await noSession.saveMasterKey('r1', key)).toBe('nowhere');
  });

  it('prefers the keychain over a stale session copy once the keychain works again', async () => {
    const mem = memoryKeytar();
    const store = new RepoKeyStore(new KeytarVault({ loadKeytar: async () => mem.keytar }));
    mem.state.failWith = 'Cannot create an item in a locked collection';
    await store.saveMasterKey('r1', Buffer.alloc(32, 1));
    mem.state.failWith = null;
    await store.saveMasterKey('r1', Buffer.alloc(32, 2));
    expect((await store.loadMasterKey('r1'))?.equals(Buffer.alloc(32, 2))).toBe(true);
  });
});
