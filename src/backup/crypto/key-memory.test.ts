import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { SessionSecretCache } from '../../app-backup/keychain.js';
import { KeyRegion } from './key-memory.js';
import { KDF_CONTEXT, RepoKeys, SUBKEY_IDS } from './repo-keys.js';
import { sodium } from './sodium.js';

/**
 * Key material lives in KeyRegions: locked out of swap while in use, zeroed on release, and
 * unusable afterwards. Zeroing is seen in the memory itself: release() hands the zeroed memory
 * to a clone (to detach every view of it), which these tests catch and read.
 */
/** Kilobytes of this process's memory locked (Linux), from /proc. */
function lockedKb(): number | null {
  if (process.platform !== 'linux') return null;
  const m = /^VmLck:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : null;
}

/** Runs `release`, returning the memory release() zeroed (caught as the transfer's clone). */
function releasedMemory(release: () => void): Uint8Array[] {
  const clones: Uint8Array[] = [];
  const real = globalThis.structuredClone;
  const spy = vi.spyOn(globalThis, 'structuredClone').mockImplementation((value, options) => {
    const clone = real(value, options) as unknown;
    if (clone instanceof ArrayBuffer) clones.push(new Uint8Array(clone));
    return clone;
  });
  try {
    release();
  } finally {
    spy.mockRestore();
  }
  return clones;
}

describe('KeyRegion', () => {
  it('is locked in memory while held, zeroed and detached when released', () => {
    const before = lockedKb();
    const secret = Buffer.alloc(160, 0xa5);
    const region = KeyRegion.copyOf(secret);
    expect(region.bytes.equals(secret)).toBe(true);
    expect(region.locked).toBe(true);
    if (before !== null) expect(lockedKb()).toBeGreaterThan(before);

    const memory = releasedMemory(() => region.release());
    expect(memory).toHaveLength(1);
    // The whole allocation, the secret's 160 bytes among it, is zero.
    expect(memory[0]!.length).toBeGreaterThan(160);
    expect(memory[0]!.every((b) => b === 0)).toBe(true);
    expect(region.bytes.length).toBe(0);
    expect(region.isReleased).toBe(true);
    if (before !== null) expect(lockedKb()).toBe(before);
    expect(() => region.release()).not.toThrow();
  });
});

describe('RepoKeys', () => {
  const master = Buffer.from(
    '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
    'hex',
  );
  const repoId = Buffer.from('0f0e0d0c0b0a09080706050403020100', 'hex');

  it('derives the same sub-keys as ever (crypto_kdf, "ckrepo01"), into its own memory', () => {
    const keys = new RepoKeys(master, repoId);
    for (const [name, id] of [
      ['blobKey', SUBKEY_IDS.blob],
      ['idKey', SUBKEY_IDS.blobId],
      ['metaKey', SUBKEY_IDS.metadata],
      ['chunkerKey', SUBKEY_IDS.chunker],
    ] as const) {
      const expected = Buffer.alloc(32);
      sodium.crypto_kdf_derive_from_key(expected, id, Buffer.from(KDF_CONTEXT, 'ascii'), master);
      expect(keys[name].equals(expected), name).toBe(true);
    }
    // A copy: zeroing the caller's master key leaves the repository's intact.
    const callers = Buffer.from(master);
    const own = new RepoKeys(callers, repoId);
    callers.fill(0);
    expect(own.master.equals(master)).toBe(true);
    expect(own.keyCheck()).toBe(keys.keyCheck());
    keys.dispose();
    own.dispose();
  });

  it('after dispose, every key is zeroed and nothing can be sealed or opened with it', () => {
    const keys = new RepoKeys(master, repoId);
    const box = keys.sealBlob('tree', 'ab'.repeat(32), Buffer.from('a list chunk'));
    const memory = releasedMemory(() => keys.dispose());
    expect(memory).toHaveLength(1);
    expect(memory[0]!.every((b) => b === 0)).toBe(true);
    expect(keys.disposed).toBe(true);
    for (const key of [keys.master, keys.blobKey, keys.idKey, keys.metaKey, keys.chunkerKey]) {
      expect(key.length).toBe(0);
    }
    expect(keys.boundaryKey).toEqual({ k0: 0, k1: 0 });
    expect(() => keys.sealBlob('tree', 'ab'.repeat(32), Buffer.from('x'))).toThrow();
    expect(() => keys.openBlob('tree', 'ab'.repeat(32), box)).toThrow(/after dispose/);
    expect(() => keys.openMeta('ckindx01', Buffer.alloc(5), box)).toThrow(/after dispose/);
    expect(() => keys.keyCheck()).toThrow();
  });
});

describe('SessionSecretCache', () => {
  it('holds secrets as locked bytes, zeroed when deleted or cleared', () => {
    const cache = new SessionSecretCache();
    cache.set('repo:a:master-key', 'c2VjcmV0IGtleSBieXRlcw==');
    cache.set('repo:b:master-key', 'b3RoZXIgc2VjcmV0');
    cache.set('empty', '');
    expect(cache.get('repo:a:master-key')).toBe('c2VjcmV0IGtleSBieXRlcw==');
    expect(cache.get('empty')).toBe('');
    expect(cache.get('missing')).toBeNull();

    const deleted = releasedMemory(() => cache.delete('repo:a:master-key'));
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.every((b) => b === 0)).toBe(true);
    expect(cache.get('repo:a:master-key')).toBeNull();

    // Replacing a secret releases the old one.
    const replaced = releasedMemory(() => cache.set('repo:b:master-key', 'bmV3'));
    expect(replaced).toHaveLength(1);
    expect(cache.get('repo:b:master-key')).toBe('bmV3');

    const cleared = releasedMemory(() => cache.clear());
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.every((b) => b === 0)).toBe(true);
    expect(cache.size).toBe(0);
  });
});
