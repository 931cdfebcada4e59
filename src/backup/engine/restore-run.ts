import type { ChatBundle, MediaType } from '../../store/records.js';
import { decodeMonthGroupParts } from '../format/month-group.js';
import {
  chatRefString,
  type ChatLine,
  type GroupLine,
  type MediaLine,
} from '../format/snapshot.js';
import type { RestoreIngest, RestoreTarget } from '../source.js';
import type { RestoreOptions, RestoreResult } from '../types.js';
import { BlobPrefetcher } from './blob-prefetch.js';
import type { MasterIndex } from './master-index.js';
import { startMediaRestore, type MediaRestoreOutcome } from './media-restore-pipeline.js';
import { isReadFailure } from './object-read.js';
import { ProgressReporter } from './progress.js';
import { RestoreLosses } from './restore-losses.js';
import {
  readListLinesTolerant,
  type ListFailure,
  type LoadedSnapshot,
  type RepoState,
} from './state.js';

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

/**
 * The groups in the order their blobs lie in the packs. A backup writes a chat's months
 * together, but not in the snapshot's order (sorted by chat reference), so reading in the
 * snapshot's order would cost one small read for every few groups; in pack order the
 * prefetcher reads megabytes at a time. The order of the groups does not change what is
 * restored: each message keeps its time and key, and a chat's header is in every month's
 * first chunk. Groups whose first blob is not in the index go last (they are reported lost).
 */
export function inStorageOrder(
  groups: readonly GroupLine[],
  index: Pick<MasterIndex, 'get'>,
): GroupLine[] {
  const packs = new Map<string, number>();
  const keyed = groups.map((g, i) => {
    const e = g.blobs[0] === undefined ? undefined : index.get(g.blobs[0]);
    if (!e) return { g, pack: Number.MAX_SAFE_INTEGER, offset: i };
    let pack = packs.get(e.pack);
    if (pack === undefined) packs.set(e.pack, (pack = packs.size));
    return { g, pack, offset: e.offset };
  });
  keyed.sort((a, b) => a.pack - b.pack || a.offset - b.offset);
  return keyed.map((k) => k.g);
}

/** A group's chunks as read: each chunk's plaintext, or null where it could not be read. */
type Chunks = (Buffer | null)[];

function splitHeader(chunk0: Buffer): { header: string; body: string } | null {
  const text = chunk0.toString('utf8');
  const nl = text.indexOf('\n');
  return nl < 0
    ? { header: text, body: '' }
    : { header: text.slice(0, nl), body: text.slice(nl + 1) };
}

/**
 * The group from what could be read, or null when its header is lost and no other month of
 * the chat gave one. The header line (source, chat, people) is the first line of chunk 0.
 */
function decodeGroup(chunks: Chunks, fallbackHeader: string | undefined): ChatBundle | null {
  const first = chunks[0] ? splitHeader(chunks[0]) : null;
  const header = first?.header ?? fallbackHeader;
  if (header === undefined) return null;
  const bodies: string[] = [];
  if (first) bodies.push(first.body);
  for (let i = 1; i < chunks.length; i++) {
    const c = chunks[i];
    if (c) bodies.push(c.toString('utf8'));
  }
  return decodeMonthGroupParts(header, bodies);
}

/** Reads each group's chunks, in order, through one prefetcher. */
async function readChunks(
  blobs: BlobPrefetcher,
  g: GroupLine,
  losses: RestoreLosses,
): Promise<Chunks> {
  const out: Chunks = [];
  for (let i = 0; i < g.blobs.length; i++) {
    const r = await blobs.next();
    if ('error' in r) {
      if (!isReadFailure(r.error)) throw r.error;
      losses.blob(r.id, r.error);
      out.push(null);
    } else out.push(r.plain);
  }
  return out;
}

/**
 * Restores (part of) a snapshot into the store, streaming: each month group is read (a few
 * large reads ahead), checked, decoded and written in turn, inside one write transaction,
 * while the media files are written into the store's media folder by a worker on the other
 * core. Every blob is authenticated and its id re-derived from the plaintext; every media file
 * is checked against its SHA-256. The media are durable and in place before the transaction
 * commits, so an interrupted restore leaves the store's database exactly as it was (at most
 * some unreferenced media files are added). Into an empty store the search index is built
 * after the commit, so the chats are readable sooner (progress phase `index`), or left to the
 * next opener of the store (`searchIndex: 'background'`).
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
  const groups = inStorageOrder(selectGroups(groupLines, opts), state.index);
  const mediaByHash = new Map(mediaLines.map((m) => [m.h, m]));
  const mediaTypes = opts.mediaTypes ? new Set<MediaType>(opts.mediaTypes) : null;
  const typeWanted = (l: MediaLine): boolean => !mediaTypes || mediaTypes.has(l.t);
  const from = opts.from ?? -Infinity;
  const to = opts.to ?? Infinity;
  const partial = opts.chatKeys !== undefined || opts.from !== undefined || opts.to !== undefined;

  // The media the restored messages refer to. A whole restore takes the snapshot's media list
  // as it is; a restore of some chats or dates reads those groups once first to learn which.
  let wanted: MediaLine[];
  if (!partial) wanted = mediaLines.filter(typeWanted);
  else {
    const hashes = new Set<string>();
    const blobs = new BlobPrefetcher(state.backend, state.keys, state.index);
    for (const g of groups) blobs.push(g.blobs);
    losses.muted = true; // the main pass below records what is lost
    try {
      const headers = new Map<string, string>();
      for (const g of groups) {
        const chunks = await readChunks(blobs, g, losses);
        const ref = chatRefString(g.ref);
        if (chunks[0]) headers.set(ref, splitHeader(chunks[0])?.header ?? '');
        let bundle: ChatBundle | null = null;
        try {
          bundle = decodeGroup(chunks, headers.get(ref));
        } catch {
          // Reported by the main pass.
        }
        for (const m of bundle?.messages ?? []) {
          if (m.sentAt < from || m.sentAt > to) continue;
          for (const a of m.attachments) if (a.hash) hashes.add(a.hash);
        }
        progress.checkAbort();
      }
    } finally {
      losses.muted = false;
    }
    wanted = [];
    for (const h of hashes) {
      const l = mediaByHash.get(h);
      if (l && typeWanted(l)) wanted.push(l);
    }
  }
  const wantedHashes = new Set(wanted.map((l) => l.h));
  const todo = wanted.filter((l) => !target.hasMedia(l.h));

  let groupsDone = 0;
  let bytesDone = 0;
  const bytesTotal = todo.reduce((a, l) => a + l.s, 0);
  const report = (): void =>
    progress.report({
      phase: 'restore',
      itemsDone: groupsDone,
      itemsTotal: groups.length,
      bytesDone,
      bytesTotal,
    });
  const media = startMediaRestore(state, target, todo, {
    onBytes: (n) => {
      bytesDone += n;
      report();
    },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });

  const chatSet = new Set<string>();
  let messages = 0;
  let mediaSkipped = 0;
  let outcome: MediaRestoreOutcome;
  let ingest: RestoreIngest | null = null;
  try {
    // Inline (no worker), the media go first; with a worker, beside the messages.
    const early = media.parallel ? null : await media.done;
    ingest = target.openIngest();
    const into = ingest;
    const headers = new Map<string, string>();
    const add = (g: GroupLine, chunks: Chunks): void => {
      const ref = chatRefString(g.ref);
      const title = titles.get(ref) ?? g.ref[2];
      let bundle: ChatBundle | null;
      try {
        bundle = decodeGroup(chunks, headers.get(ref));
      } catch (err) {
        losses.group(g, title, null, err);
        return;
      }
      if (!bundle) {
        losses.group(g, title, g.n, null);
        return;
      }
      if (chunks.some((c) => c === null))
        losses.group(g, title, g.n - bundle.messages.length, null);
      if (partial)
        bundle.messages = bundle.messages.filter((m) => m.sentAt >= from && m.sentAt <= to);
      if (bundle.messages.length === 0) return;
      // Attachments whose file is not restored keep their metadata but no hash (the store's
      // "not included"): a type not chosen, or a file the snapshot does not hold.
      for (const m of bundle.messages) {
        for (const a of m.attachments) {
          if (a.hash && !wantedHashes.has(a.hash)) {
            a.hash = null;
            mediaSkipped++;
          }
        }
      }
      into.add(bundle);
      messages += bundle.messages.length;
      chatSet.add(JSON.stringify([bundle.source.kind, bundle.source.accountKey, bundle.chat.key]));
    };

    const blobs = new BlobPrefetcher(state.backend, state.keys, state.index);
    for (const g of groups) blobs.push(g.blobs);
    /** Groups whose first chunk is lost, read before any other month of their chat. */
    const waiting: { g: GroupLine; chunks: Chunks }[] = [];
    for (const g of groups) {
      const chunks = await readChunks(blobs, g, losses);
      const ref = chatRefString(g.ref);
      if (chunks[0]) headers.set(ref, splitHeader(chunks[0])?.header ?? '');
      if (!chunks[0] && !headers.has(ref)) waiting.push({ g, chunks });
      else add(g, chunks);
      groupsDone++;
      report();
      progress.checkAbort();
    }
    // With the header of a later month of the same chat, if one was read.
    for (const w of waiting) add(w.g, w.chunks);

    outcome = early ?? (await media.done);
    for (const [hash, err] of outcome.failed) {
      const line = mediaByHash.get(hash);
      if (line) losses.media(line, err);
    }
    mediaSkipped += into.forgetMedia([...outcome.failed.keys()]);
    progress.checkAbort();
    into.commit();
  } catch (err) {
    ingest?.rollback();
    await media.abort();
    throw err;
  }
  let mediaFiles = 0;
  let mediaBytes = 0;
  for (const l of todo) {
    if (outcome.failed.has(l.h)) continue;
    mediaFiles++;
    mediaBytes += l.s;
  }

  // The chats are readable from here on; search finds everything once this is done.
  if (opts.searchIndex !== 'background')
    await target.buildSearchIndex(
      (done, total) =>
        progress.report({
          phase: 'index',
          itemsDone: done,
          itemsTotal: total,
          bytesDone: 0,
          bytesTotal: 0,
        }),
      opts.signal,
    );
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
