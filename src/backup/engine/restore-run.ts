import fs from 'node:fs/promises';
import { decompress } from 'zstd-napi';
import os from 'node:os';
import path from 'node:path';
import type { ChatBundle, MediaType } from '../../store/records.js';
import { Sha256, sha256Hex } from '../crypto/primitives.js';
import { RepositoryDamagedError } from '../errors.js';
import { decodeMonthGroup } from '../format/month-group.js';
import {
  chatRefString,
  type ChatLine,
  type GroupLine,
  type MediaLine,
} from '../format/snapshot.js';
import type { RestoreTarget } from '../source.js';
import type { RestoreOptions, RestoreResult } from '../types.js';
import { readBlob, readBlobCompact } from './blob-store.js';
import { isReadFailure } from './object-read.js';
import { ProgressReporter } from './progress.js';
import { RestoreLosses } from './restore-losses.js';
import {
  readListLinesTolerant,
  type ListFailure,
  type LoadedSnapshot,
  type RepoState,
} from './state.js';

const NEWLINE = Buffer.from('\n');
/** Media up to this size are restored through memory rather than a scratch file. */
const IN_MEMORY_MEDIA_BYTES = 16 * 1024 * 1024;

/** A month group's chunks back into one text: chunk plaintexts joined by '\n'. */
function joinLines(parts: Buffer[]): Buffer {
  const out: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i > 0) out.push(NEWLINE);
    out.push(p);
  });
  return Buffer.concat(out);
}

/** UTC [start, end] of a "YYYY-MM" month, or null if the label is not one. */
export function monthSpan(month: string): [number, number] | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  return [Date.UTC(y, mo, 1), Date.UTC(y, mo + 1, 1) - 1];
}

function selectGroups(groups: GroupLine[], opts: RestoreOptions): GroupLine[] {
  const wanted = opts.chatKeys ? new Set(opts.chatKeys) : null;
  const from = opts.from ?? -Infinity;
  const to = opts.to ?? Infinity;
  return groups.filter((g) => {
    if (wanted && !wanted.has(chatRefString(g.ref)) && !wanted.has(g.chatId)) return false;
    const span = monthSpan(g.month);
    return !span || (span[1] >= from && span[0] <= to);
  });
}

/** Writes a media file from its blobs to `file`, checking the SHA-256 of the whole. */
async function writeMediaFile(state: RepoState, line: MediaLine, file: string): Promise<void> {
  const h = await fs.open(file, 'w');
  const sha = new Sha256();
  try {
    for (const id of line.b) {
      const chunk = await readBlob(state.backend, state.keys, state.index, id);
      sha.update(chunk);
      await h.write(chunk);
    }
    // No fsync: this is a scratch copy; the media store makes its own durable copy.
  } finally {
    await h.close();
  }
  if (sha.digestHex() !== line.h) {
    throw new RepositoryDamagedError(
      `media ${line.h}`,
      'restored bytes do not match the file hash',
    );
  }
}

/**
 * A group as fetched in the first pass: its chunks' compressed plaintexts, null where a chunk
 * could not be read. The header line (source, chat, people) is the first line of chunk 0;
 * when that chunk is lost the header of another month of the same chat stands in.
 */
interface FetchedGroup {
  g: GroupLine;
  chunks: (Buffer | null)[];
}

function isWhole(f: FetchedGroup): boolean {
  return f.chunks.every((c) => c !== null);
}

function firstLine(buf: Buffer): string {
  const i = buf.indexOf(0x0a);
  return (i < 0 ? buf : buf.subarray(0, i)).toString('utf8');
}

/**
 * Restores (part of) a snapshot: every blob is authenticated and its id re-derived from the
 * plaintext; media files are checked against their SHA-256 and placed in the target's media
 * folder before the single ingest transaction, so an interrupted restore leaves the store's
 * database exactly as it was (at most some unreferenced media files are added).
 *
 * Whatever cannot be read (a damaged pack, a file not yet synced) is left out and reported
 * by chat, month and file in `missing`; everything else is restored.
 */
export async function runRestore(
  state: RepoState,
  snap: LoadedSnapshot,
  target: RestoreTarget,
  opts: RestoreOptions,
): Promise<RestoreResult> {
  const progress = new ProgressReporter(opts.onProgress, opts.signal);
  const losses = new RestoreLosses();
  const listFailures: ListFailure[] = [];
  const parse = <T>(lines: string[]): T[] => lines.map((l) => JSON.parse(l) as T);
  const groupLines = parse<GroupLine>(
    await readListLinesTolerant(state, snap.doc.lists.groups, listFailures),
  );
  const mediaLines = parse<MediaLine>(
    await readListLinesTolerant(state, snap.doc.lists.media, listFailures),
  );
  const chatLines = parse<ChatLine>(
    await readListLinesTolerant(state, snap.doc.lists.chats, listFailures),
  );
  for (const f of listFailures) losses.listPart(f.blob, f.error);
  const titles = new Map(chatLines.map((c) => [chatRefString(c.ref), c.title]));
  const groups = selectGroups(groupLines, opts);
  const mediaByHash = new Map(mediaLines.map((m) => [m.h, m]));
  const mediaTypes = opts.mediaTypes ? new Set<MediaType>(opts.mediaTypes) : null;
  const from = opts.from ?? -Infinity;
  const to = opts.to ?? Infinity;

  // Pass 1: fetch and verify every group's chunks, keep them compressed.
  const fetched: FetchedGroup[] = [];
  const headers = new Map<string, string>();
  let done = 0;
  for (const g of groups) {
    const chunks: (Buffer | null)[] = [];
    for (const id of g.blobs) {
      try {
        const b = await readBlobCompact(state.backend, state.keys, state.index, id);
        chunks.push(b.compact);
        if (chunks.length === 1) headers.set(chatRefString(g.ref), firstLine(b.plain));
      } catch (err) {
        if (!isReadFailure(err)) throw err;
        chunks.push(null);
        losses.blob(id, err);
      }
    }
    fetched.push({ g, chunks });
    progress.report({
      phase: 'restore',
      itemsDone: ++done,
      itemsTotal: groups.length,
      bytesDone: 0,
      bytesTotal: 0,
    });
  }

  /** The group as a bundle, from what could be read; null when nothing usable is left. */
  const decode = (f: FetchedGroup): ChatBundle | null => {
    const { g } = f;
    const ref = chatRefString(g.ref);
    let text: Buffer;
    if (isWhole(f)) {
      text = joinLines(f.chunks.map((c) => decompress(c!)));
    } else {
      const header = headers.get(ref);
      if (!header) return null;
      const parts: Buffer[] = [Buffer.from(header, 'utf8')];
      f.chunks.forEach((c, i) => {
        if (!c) return;
        const plain = decompress(c);
        // Chunk 0 starts with the header line itself.
        const body = i === 0 ? plain.subarray(plain.indexOf(0x0a) + 1) : plain;
        if (i === 0 && plain.indexOf(0x0a) < 0) return;
        parts.push(body);
      });
      text = joinLines(parts);
    }
    let bundle: ChatBundle;
    try {
      bundle = decodeMonthGroup(text);
    } catch (err) {
      losses.group(g, titles.get(ref) ?? g.ref[2], null, err);
      return null;
    }
    if (!isWhole(f)) {
      losses.group(g, titles.get(ref) ?? g.ref[2], g.n - bundle.messages.length, null);
    }
    bundle.messages = bundle.messages.filter((m) => m.sentAt >= from && m.sentAt <= to);
    return bundle;
  };

  // Which media the restored messages need, and what is restored at all.
  const neededMedia = new Map<string, MediaLine>();
  const chatSet = new Set<string>();
  const kept: FetchedGroup[] = [];
  let messages = 0;
  for (const f of fetched) {
    const bundle = decode(f);
    if (!bundle) {
      if (!isWhole(f) && !headers.has(chatRefString(f.g.ref)))
        losses.group(f.g, titles.get(chatRefString(f.g.ref)) ?? f.g.ref[2], f.g.n, null);
      continue;
    }
    if (bundle.messages.length === 0) continue;
    messages += bundle.messages.length;
    for (const m of bundle.messages) {
      for (const a of m.attachments) {
        if (!a.hash) continue;
        const line = mediaByHash.get(a.hash);
        if (line && (!mediaTypes || mediaTypes.has(line.t))) neededMedia.set(a.hash, line);
      }
    }
    chatSet.add(JSON.stringify([bundle.source.kind, bundle.source.accountKey, bundle.chat.key]));
    kept.push(f);
  }

  // Media first: files land in the media folder before the database refers to them.
  // Created only when a file is too large for memory, so a killed restore rarely leaves one behind.
  let tmpDir: string | null = null;
  let mediaFiles = 0;
  let mediaBytes = 0;
  const available = new Set<string>();
  try {
    const todo = [...neededMedia.values()].filter((l) => {
      if (target.hasMedia(l.h)) {
        available.add(l.h);
        return false;
      }
      return true;
    });
    const bytesTotal = todo.reduce((a, l) => a + l.s, 0);
    for (const line of todo) {
      try {
        if (target.putMediaBytes && line.s <= IN_MEMORY_MEDIA_BYTES) {
          // Most chat media are small: verify in memory and hand the bytes over, no scratch file.
          const parts: Buffer[] = [];
          for (const id of line.b)
            parts.push(await readBlob(state.backend, state.keys, state.index, id));
          const bytes = Buffer.concat(parts);
          if (sha256Hex(bytes) !== line.h) {
            throw new RepositoryDamagedError(
              `media ${line.h}`,
              'restored bytes do not match the file hash',
            );
          }
          await target.putMediaBytes(bytes, line.h);
        } else {
          tmpDir ??= await fs.mkdtemp(path.join(os.tmpdir(), 'ck-restore-'));
          const file = path.join(tmpDir, line.h);
          try {
            await writeMediaFile(state, line, file);
            await target.putMediaFile(file, line.h);
          } finally {
            await fs.rm(file, { force: true });
          }
        }
      } catch (err) {
        if (!isReadFailure(err)) throw err;
        losses.media(line, err);
        continue;
      }
      available.add(line.h);
      mediaFiles++;
      mediaBytes += line.s;
      progress.report({
        phase: 'restore',
        itemsDone: mediaFiles,
        itemsTotal: todo.length,
        bytesDone: mediaBytes,
        bytesTotal,
      });
    }
  } finally {
    if (tmpDir) await fs.rm(tmpDir, { recursive: true, force: true });
  }

  // Pass 2: one ingest over a lazy sequence, decoding each group as the store reaches it.
  // Attachments whose file is not restored keep their metadata but no hash (the store's "not included").
  let mediaSkipped = 0;
  function* bundles(): Generator<ChatBundle> {
    for (const f of kept) {
      const bundle = decodeQuiet(f);
      if (!bundle) continue;
      for (const m of bundle.messages) {
        for (const a of m.attachments) {
          if (a.hash && !available.has(a.hash)) {
            a.hash = null;
            mediaSkipped++;
          }
        }
      }
      yield bundle;
    }
  }
  // Pass 1 already recorded every loss; decoding again must not count them twice.
  const decodeQuiet = (f: FetchedGroup): ChatBundle | null => {
    losses.muted = true;
    try {
      return decode(f);
    } finally {
      losses.muted = false;
    }
  };
  progress.checkAbort();
  await target.ingest(bundles());
  const missing = losses.report(titles);
  return {
    snapshot: snap.hash,
    chats: chatSet.size,
    messages,
    mediaFiles,
    mediaBytes,
    mediaSkipped,
    missing,
    complete: missing.problems.length === 0,
  };
}
