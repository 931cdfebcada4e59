import type { Backend } from '../backend/backend.js';
import type { BlobType, RepoKeys } from '../crypto/repo-keys.js';
import { blobSpan, packObjectName } from '../format/pack.js';
import { isCompressed, decompress, readBlob, readObject } from './blob-store.js';
import type { IndexEntry, MasterIndex } from './master-index.js';

/** Neighbouring blobs closer than this in one pack are read together (the gap is read too). */
const MAX_GAP = 256 * 1024;
/** One read covers at most this much of a pack. */
const MAX_RUN = 8 * 1024 * 1024;
/** Reads in flight ahead of the consumer. */
const AHEAD = 3;

/** A blob read: its plaintext, or why it could not be read. */
export type BlobResult = { id: string; plain: Buffer } | { id: string; error: unknown };

interface Run {
  pack: string;
  start: number;
  end: number;
  ids: string[];
  bytes: Promise<Buffer | null> | null;
}

/**
 * Reads blobs in the order they are asked for, a few large reads ahead: blobs that lie close
 * together in one pack (as a backup writes a chat's months, or a file's chunks) are read with
 * one ranged read instead of one each. A restore then costs a few hundred reads for a million
 * messages, on a disk or over a network alike.
 *
 * Every blob is authenticated; `checkId` also re-derives its id from the plaintext (the
 * caller may leave that out where it checks a stronger whole, a media file's SHA-256).
 * Whatever fails in a shared read is retried blob by blob through `readBlob`, which tries the
 * copies a sync client made and tells damage from "not downloaded yet".
 */
export class BlobPrefetcher {
  private readonly runs: Run[] = [];
  private pos = 0;

  constructor(
    private readonly backend: Backend,
    private readonly keys: RepoKeys,
    private readonly index: Pick<MasterIndex, 'get'>,
    private readonly opts: { checkId: boolean } = { checkId: true },
  ) {}

  /** Queues blobs to be taken, in order, by `next`. */
  push(ids: readonly string[]): void {
    for (const id of ids) {
      const e = this.index.get(id);
      const last = this.runs[this.runs.length - 1];
      if (
        e &&
        last &&
        last.bytes === null &&
        last.pack === e.pack &&
        e.offset >= last.end &&
        e.offset - last.end <= MAX_GAP &&
        e.offset + blobSpan(e) - last.start <= MAX_RUN
      ) {
        last.ids.push(id);
        last.end = e.offset + blobSpan(e);
        continue;
      }
      this.runs.push({
        pack: e?.pack ?? '',
        start: e?.offset ?? 0,
        end: e ? e.offset + blobSpan(e) : 0,
        ids: [id],
        bytes: null,
      });
    }
  }

  /** The next queued blob. */
  async next(): Promise<BlobResult> {
    const run = this.runs[0];
    if (!run) throw new Error('no blob queued');
    this.startReads();
    const id = run.ids[this.pos]!;
    if (++this.pos >= run.ids.length) {
      this.runs.shift();
      this.pos = 0;
    }
    const bytes = await run.bytes;
    const e = this.index.get(id);
    if (bytes && e) {
      const box = bytes.subarray(e.offset - run.start, e.offset - run.start + e.length);
      const plain = this.open(e.type, id, box, e.epoch ?? 0);
      if (plain) return { id, plain };
    }
    // Not in the index, or the shared read or this blob failed: alone, with full diagnosis.
    try {
      return { id, plain: await readBlob(this.backend, this.keys, this.index, id) };
    } catch (error) {
      return { id, error };
    }
  }

  private startReads(): void {
    for (let i = 0; i < Math.min(AHEAD, this.runs.length); i++) {
      const r = this.runs[i]!;
      if (r.bytes || !r.pack) continue;
      r.bytes = readObject(this.backend, packObjectName(r.pack), {
        offset: r.start,
        length: r.end - r.start,
      }).catch(() => null);
    }
  }

  private open(type: BlobType, id: string, box: Buffer, epoch: number): Buffer | null {
    const payload = this.keys.openBlob(type, id, box, epoch);
    if (!payload) return null;
    let plain: Buffer;
    try {
      plain = isCompressed(type) ? decompress(payload) : payload;
    } catch {
      return null;
    }
    if (this.opts.checkId && this.keys.blobId(type, plain) !== id) return null;
    return plain;
  }
}

/** The index entries of the given blobs, for a worker that has no master index of its own. */
export function entriesOf(
  index: Pick<MasterIndex, 'get'>,
  ids: Iterable<string>,
): [string, IndexEntry][] {
  const out: [string, IndexEntry][] = [];
  for (const id of ids) {
    const e = index.get(id);
    if (e) out.push([id, e]);
  }
  return out;
}
