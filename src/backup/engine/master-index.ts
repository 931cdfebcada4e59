import type { Backend } from '../backend/backend.js';
import type { BlobType, RepoKeys } from '../crypto/repo-keys.js';
import { BLOB_TYPE_BY_CODE, BLOB_TYPES } from '../crypto/repo-keys.js';
import { RepositoryDamagedError } from '../errors.js';
import type { PackBlob } from '../format/pack.js';
import { contentName, decodeSealed, encodeSealed } from '../format/sealed-object.js';

export interface IndexEntry {
  pack: string; // pack id (64 hex)
  type: BlobType;
  offset: number;
  length: number;
  rawLength: number;
}

export interface IndexedPack {
  id: string;
  size: number;
  blobs: PackBlob[];
}

/** index file body (JSON, zstd, sealed): { packs: [{ id, size, blobs: [[typeCode, id, offset, length, rawLength]] }] } */
interface IndexBody {
  packs: { id: string; size: number; blobs: [number, string, number, number, number][] }[];
}

export function encodeIndex(keys: RepoKeys, packs: IndexedPack[]): { name: string; bytes: Buffer } {
  const body: IndexBody = {
    packs: packs.map((p) => ({
      id: p.id,
      size: p.size,
      blobs: p.blobs.map((b) => [BLOB_TYPES[b.type], b.id, b.offset, b.length, b.rawLength]),
    })),
  };
  const bytes = encodeSealed('index', keys, body, true);
  return { name: contentName('index', bytes), bytes };
}

export function decodeIndex(keys: RepoKeys, bytes: Buffer, object: string): IndexedPack[] {
  const body = decodeSealed('index', keys, bytes, object, true, {
    contentNamed: true,
  }) as IndexBody;
  if (!body || !Array.isArray(body.packs))
    throw new RepositoryDamagedError(object, 'missing pack list');
  return body.packs.map((p) => ({
    id: p.id,
    size: p.size,
    blobs: p.blobs.map(([code, id, offset, length, rawLength]) => {
      const type = BLOB_TYPE_BY_CODE[code];
      if (!type) throw new RepositoryDamagedError(object, `unknown blob type ${code}`);
      return { type, id, offset, length, rawLength };
    }),
  }));
}

/** Union of all index files: blob id -> where it is. */
export class MasterIndex {
  readonly blobs = new Map<string, IndexEntry>();
  readonly packs = new Map<string, { size: number; blobs: PackBlob[] }>();
  /** Which index file lists which packs (for prune). */
  readonly files = new Map<string, string[]>();

  add(file: string, packs: IndexedPack[]): void {
    this.files.set(
      file,
      packs.map((p) => p.id),
    );
    for (const p of packs) {
      this.packs.set(p.id, { size: p.size, blobs: p.blobs });
      for (const b of p.blobs) {
        if (!this.blobs.has(b.id)) {
          this.blobs.set(b.id, {
            pack: p.id,
            type: b.type,
            offset: b.offset,
            length: b.length,
            rawLength: b.rawLength,
          });
        }
      }
    }
  }

  has(id: string): boolean {
    return this.blobs.has(id);
  }

  get(id: string): IndexEntry | undefined {
    return this.blobs.get(id);
  }

  static async load(backend: Backend, keys: RepoKeys): Promise<MasterIndex> {
    const idx = new MasterIndex();
    const names = (await backend.list('index/')).sort();
    for (const name of names) {
      const bytes = await backend.read(name);
      idx.add(name, decodeIndex(keys, bytes, name));
    }
    return idx;
  }
}
