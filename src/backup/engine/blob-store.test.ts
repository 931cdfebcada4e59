import { compress } from 'zstd-napi';
import { describe, expect, it } from 'vitest';
import { randomBytes } from '../crypto/primitives.js';
import { RepoKeys } from '../crypto/repo-keys.js';
import { RepositoryDamagedError } from '../errors.js';
import { openBlobBox } from './blob-store.js';

const keys = new RepoKeys(randomBytes(32), randomBytes(16));

describe('blob boxes', () => {
  it('open, decompress and check the id', () => {
    const plain = Buffer.from('{"v":1}\n{"key":"a"}');
    const id = keys.blobId('messages', plain);
    const box = keys.sealBlob('messages', id, compress(plain));
    expect(openBlobBox(keys, 'messages', id, box, 'data/ab/x').equals(plain)).toBe(true);
  });

  it('an authentic box whose content does not hash to its id is damage (a writer bug)', () => {
    const plain = Buffer.from('what the id says');
    const id = keys.blobId('media', plain);
    const box = keys.sealBlob('media', id, Buffer.from('something else'));
    expect(() => openBlobBox(keys, 'media', id, box, 'data/ab/x')).toThrow(/does not match its id/);
  });

  it('a box is bound to its type, id and repository', () => {
    const plain = Buffer.from('bytes');
    const id = keys.blobId('media', plain);
    const box = keys.sealBlob('media', id, plain);
    expect(() => openBlobBox(keys, 'tree', id, box, 'p')).toThrow(RepositoryDamagedError);
    const other = keys.blobId('media', Buffer.from('other'));
    expect(() => openBlobBox(keys, 'media', other, box, 'p')).toThrow(RepositoryDamagedError);
    const elsewhere = new RepoKeys(keys.master, randomBytes(16));
    expect(() => openBlobBox(elsewhere, 'media', id, box, 'p')).toThrow(/fails authentication/);
  });

  it('ids are keyed: another repository gives the same content another id', () => {
    const plain = Buffer.from('same content');
    expect(new RepoKeys(randomBytes(32), keys.repoId).blobId('media', plain)).not.toBe(
      keys.blobId('media', plain),
    );
    expect(keys.blobId('tree', plain)).not.toBe(keys.blobId('media', plain));
  });
});
