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
  /** Key epoch of the pack; absent for a version 1 pack (see PackBlob.epoch). */
  epoch?: number;
}

export interface IndexedPack {
  id: string;
  size: number;
  blobs: PackBlob[];
}

/** The computer that runs prune for this repository (see prune.ts). */
export interface MaintenanceClaim {
  clientId: string;
  host: string;
  /** When this claim was made or last renewed by a prune. */
  since: number;
}

/**
 * What an index file may say besides its packs, written by prune: packs condemned and when
 * (`marked`: still readable, never de-duplicated against; `tombstones`: taken out of the index,
 * file deleted once the grace period has passed again), and the maintenance owner.
 */
export interface IndexExtras {
  marked?: Map<string, number>;
  tombstones?: Map<string, number>;
  /**
   * Index files this one replaces, and since when. They are deleted a grace period later,
   * not at once: a computer that has not received this file yet must not lose, in between,
   * the marks and tombstones the older files carry.
   */
  superseded?: Map<string, number>;
  owner?: MaintenanceClaim;
}

/** index file body (JSON, zstd, sealed). */
interface IndexBody {
  packs: {
    id: string;
    size: number;
    /** Key epoch of a version 2 pack; absent for a version 1 pack. */
    e?: number;
    blobs: [number, string, number, number, number][];
  }[];
  marked?: [string, number][];
  tombstones?: [string, number][];
  superseded?: [string, number][];
  owner?: MaintenanceClaim;
}

export function encodeIndex(
  keys: RepoKeys,
  packs: IndexedPack[],
  extras: IndexExtras = {},
): { name: string; bytes: Buffer } {
  const body: IndexBody = {
    packs: packs.map((p) => {
      const epoch = p.blobs[0]?.epoch;
      return {
        id: p.id,
        size: p.size,
        ...(epoch === undefined ? {} : { e: epoch }),
        blobs: p.blobs.map((b): [number, string, number, number, number] => [
          BLOB_TYPES[b.type],
          b.id,
          b.offset,
          b.length,
          b.rawLength,
        ]),
      };
    }),
  };
  if (extras.marked?.size) body.marked = [...extras.marked].sort();
  if (extras.tombstones?.size) body.tombstones = [...extras.tombstones].sort();
  if (extras.superseded?.size) body.superseded = [...extras.superseded].sort();
  if (extras.owner) body.owner = extras.owner;
  const bytes = encodeSealed('index', keys, body, true);
  return { name: contentName('index', bytes), bytes };
}

export interface DecodedIndex {
  packs: IndexedPack[];
  extras: IndexExtras;
}

const HEX64 = /^[0-9a-f]{64}$/;

function stampList(
  v: unknown,
  object: string,
  field: string,
  key: RegExp = HEX64,
): Map<string, number> {
  if (v === undefined) return new Map();
  if (!Array.isArray(v)) throw new RepositoryDamagedError(object, `bad ${field} list`);
  const out = new Map<string, number>();
  for (const e of v) {
    if (
      !Array.isArray(e) ||
      typeof e[0] !== 'string' ||
      !key.test(e[0]) ||
      typeof e[1] !== 'number'
    )
      throw new RepositoryDamagedError(object, `bad ${field} entry`);
    out.set(e[0], e[1]);
  }
  return out;
}

export function decodeIndex(keys: RepoKeys, bytes: Buffer, object: string): DecodedIndex {
  const body = decodeSealed('index', keys, bytes, object, true, {
    contentNamed: true,
  }) as IndexBody;
  if (!body || !Array.isArray(body.packs))
    throw new RepositoryDamagedError(object, 'missing pack list');
  const packs = body.packs.map((p) => {
    const epoch = p.e;
    if (epoch !== undefined && !(Number.isInteger(epoch) && epoch >= 0))
      throw new RepositoryDamagedError(object, 'bad key epoch');
    return {
      id: p.id,
      size: p.size,
      blobs: p.blobs.map(([code, id, offset, length, rawLength]): PackBlob => {
        const type = BLOB_TYPE_BY_CODE[code];
        if (!type) throw new RepositoryDamagedError(object, `unknown blob type ${code}`);
        return epoch === undefined
          ? { type, id, offset, length, rawLength }
          : { type, id, offset, length, rawLength, epoch };
      }),
    };
  });
  const extras: IndexExtras = {
    marked: stampList(body.marked, object, 'marked'),
    tombstones: stampList(body.tombstones, object, 'tombstones'),
    superseded: stampList(body.superseded, object, 'superseded', /^index\/[0-9a-f]{64}$/),
  };
  const o = body.owner;
  if (
    o &&
    typeof o.clientId === 'string' &&
    typeof o.host === 'string' &&
    typeof o.since === 'number'
  )
    extras.owner = { clientId: o.clientId, host: o.host, since: o.since };
  return { packs, extras };
}

/**
 * Union of all index files: blob id -> where it is. A blob may be in several packs (after a
 * repack, or an interrupted prune); `get` prefers a pack that is not condemned, and `has`
 * (which decides de-duplication) only counts such packs, so a backup never comes to depend
 * on a pack another computer is about to delete.
 */
export class MasterIndex {
  private readonly blobs = new Map<string, IndexEntry>();
  /** Further locations of blobs stored more than once (rare). */
  private readonly more = new Map<string, IndexEntry[]>();
  readonly packs = new Map<string, { size: number; blobs: PackBlob[] }>();
  /** Which index file lists which packs (for prune). */
  readonly files = new Map<string, string[]>();
  /** Condemned packs and since when (the latest stamp any index file gives). */
  readonly marked = new Map<string, number>();
  readonly tombstones = new Map<string, number>();
  readonly superseded = new Map<string, number>();
  readonly claims: MaintenanceClaim[] = [];

  add(file: string, packs: IndexedPack[], extras: IndexExtras = {}): void {
    this.files.set(
      file,
      packs.map((p) => p.id),
    );
    for (const p of packs) {
      this.packs.set(p.id, { size: p.size, blobs: p.blobs });
      for (const b of p.blobs) {
        const e: IndexEntry = {
          pack: p.id,
          type: b.type,
          offset: b.offset,
          length: b.length,
          rawLength: b.rawLength,
        };
        if (b.epoch !== undefined) e.epoch = b.epoch;
        const first = this.blobs.get(b.id);
        if (!first) this.blobs.set(b.id, e);
        else if (first.pack !== p.id) this.more.set(b.id, [...(this.more.get(b.id) ?? []), e]);
      }
    }
    for (const [id, t] of extras.marked ?? [])
      this.marked.set(id, Math.max(t, this.marked.get(id) ?? 0));
    for (const [id, t] of extras.tombstones ?? [])
      this.tombstones.set(id, Math.max(t, this.tombstones.get(id) ?? 0));
    for (const [f, t] of extras.superseded ?? [])
      this.superseded.set(f, Math.min(t, this.superseded.get(f) ?? Infinity));
    if (extras.owner) this.claims.push(extras.owner);
  }

  /** Stored in a pack that is not condemned: safe to de-duplicate against. */
  has(id: string): boolean {
    return this.locations(id).some((e) => !this.condemned(e.pack));
  }

  /** Readable anywhere (a condemned pack is still there until its grace period ends). */
  hasAnywhere(id: string): boolean {
    return this.blobs.has(id);
  }

  get(id: string): IndexEntry | undefined {
    const all = this.locations(id);
    return all.find((e) => !this.condemned(e.pack)) ?? all[0];
  }

  locations(id: string): IndexEntry[] {
    const first = this.blobs.get(id);
    if (!first) return [];
    const more = this.more.get(id);
    return more ? [first, ...more] : [first];
  }

  condemned(packId: string): boolean {
    return this.marked.has(packId) || this.tombstones.has(packId);
  }

  /** Ids of the media blobs stored in packs that are not condemned (for the media sealer). */
  *mediaBlobIds(): Generator<string> {
    for (const [id, e] of this.blobs) if (e.type === 'media' && this.has(id)) yield id;
  }

  get blobCount(): number {
    return this.blobs.size;
  }

  /** The claim of the newest maintenance, or null when no prune ever claimed it. */
  owner(): MaintenanceClaim | null {
    let best: MaintenanceClaim | null = null;
    for (const c of this.claims) {
      if (!best || c.since > best.since || (c.since === best.since && c.clientId > best.clientId))
        best = c;
    }
    return best;
  }
}
