import { BackupCancelledError } from '../errors.js';
import { packObjectName } from '../format/pack.js';
import type { GroupLine, MediaLine } from '../format/snapshot.js';
import type { MediaType } from '../../store/records.js';
import type { Progress } from '../types.js';
import { loadState } from './load.js';
import { ProgressReporter } from './progress.js';
import {
  readListLinesTolerant,
  type ListFailure,
  type LoadedSnapshot,
  type RepoState,
} from './state.js';

export interface WaitForSyncOptions {
  /** Give up waiting after this long without any file arriving. 0: do not wait at all. */
  stallMs: number;
  pollMs?: number;
  mediaTypes?: MediaType[];
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

/**
 * The pack files a restore of `snap` will read that are not here yet: missing, still in the
 * cloud (evicted, online-only), or shorter than the index says. Blobs no index names yet
 * (their index file has not arrived) are counted apart.
 */
async function pendingPacks(
  state: RepoState,
  snap: LoadedSnapshot,
  mediaTypes: Set<MediaType> | null,
): Promise<{ pending: string[]; unindexed: number }> {
  const failures: ListFailure[] = [];
  const ids = new Set<string>();
  const groups = await readListLinesTolerant(state, snap.doc.lists.groups, failures);
  for (const l of groups) for (const id of (JSON.parse(l) as GroupLine).blobs) ids.add(id);
  const media = await readListLinesTolerant(state, snap.doc.lists.media, failures);
  for (const l of media) {
    const m = JSON.parse(l) as MediaLine;
    if (!mediaTypes || mediaTypes.has(m.t)) for (const id of m.b) ids.add(id);
  }
  for (const f of failures) ids.add(f.blob);
  const packs = new Set<string>();
  let unindexed = 0;
  for (const id of ids) {
    const e = state.index.get(id);
    if (e) packs.add(e.pack);
    else unindexed++;
  }
  const pending: string[] = [];
  for (const id of packs) {
    const name = packObjectName(id);
    const st = await state.backend.stat(name).catch(() => null);
    const size = state.index.packs.get(id)?.size ?? 0;
    if (!st || st.local === false || st.size < size) pending.push(name);
  }
  return { pending, unindexed };
}

/**
 * Before a restore from a synced folder: asks the sync client to download what is still in
 * the cloud and waits, with progress, while files keep arriving. Returns how many files are
 * still not here when it stops (then the restore restores what is and reports the rest).
 */
export async function waitForSync(
  state: RepoState,
  snap: LoadedSnapshot,
  opts: WaitForSyncOptions,
): Promise<number> {
  const types = opts.mediaTypes ? new Set(opts.mediaTypes) : null;
  let { pending, unindexed } = await pendingPacks(state, snap, types);
  if ((pending.length === 0 && unindexed === 0) || opts.stallMs <= 0)
    return pending.length + unindexed;
  const progress = new ProgressReporter(opts.onProgress, opts.signal);
  const total = pending.length + unindexed;
  for (const name of pending) await state.backend.requestDownload?.(name).catch(() => undefined);
  let lastChange = Date.now();
  let before = total;
  while (pending.length + unindexed > 0) {
    progress.report(
      {
        phase: 'download',
        itemsDone: total - (pending.length + unindexed),
        itemsTotal: total,
        bytesDone: 0,
        bytesTotal: 0,
      },
      true,
    );
    if (Date.now() - lastChange >= opts.stallMs) break;
    await sleep(opts.pollMs ?? 2000, opts.signal);
    await loadState(state); // index files that named unknown blobs may have arrived
    ({ pending, unindexed } = await pendingPacks(state, snap, types));
    if (pending.length + unindexed < before) {
      lastChange = Date.now();
      before = pending.length + unindexed;
    }
  }
  return pending.length + unindexed;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new BackupCancelledError());
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new BackupCancelledError());
      },
      { once: true },
    );
  });
}
