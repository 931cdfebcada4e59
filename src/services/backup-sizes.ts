import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { LastBackupSizes } from '../app-backup/settings';
import type { MediaStats, SnapshotSummary } from '../backup/types';
import {
  estimateBackupBytes,
  MEDIA_GROUPS,
  type BackupSizesView,
  type GroupSize,
  type MediaGroup,
  type SnapshotChange,
} from '../shared/backup-types';
import type { MediaKind } from '../shared/chat-types';

/**
 * The one place the Backup page's sizes are defined (see BackupSizesView): the set-up wizard,
 * the status, media and history cards and the restore wizard show these numbers as they are,
 * so they cannot disagree. Media are counted once per file, by content hash, under the type the
 * backup files them as (store/distinct-media.ts); the store's statistics and a snapshot's
 * records both count them that way.
 */

const GROUPS = Object.keys(MEDIA_GROUPS) as MediaGroup[];

/**
 * Before the first backup, the messages' share is estimated from the database: messages
 * compress to roughly a fifth of their size in SQLite (its indexes and search index are not
 * backed up at all).
 */
export const MESSAGES_PER_DATABASE_BYTE = 1 / 5;

/** Per-kind counts (the store's or a snapshot's) summed into the page's media groups. */
export function groupSizes(
  byKind: Partial<Record<MediaKind, { files?: number; count?: number; bytes: number }>>,
): Record<MediaGroup, GroupSize> {
  const sizes = {} as Record<MediaGroup, GroupSize>;
  for (const group of GROUPS) {
    let files = 0;
    let bytes = 0;
    for (const kind of MEDIA_GROUPS[group].kinds) {
      const k = byKind[kind];
      if (!k) continue;
      files += k.files ?? k.count ?? 0;
      bytes += k.bytes;
    }
    sizes[group] = { files, bytes };
  }
  return sizes;
}

/** The bytes of the media files a snapshot holds. */
export function mediaBytesOf(media: MediaStats): number {
  return Object.values(media).reduce((sum, m) => sum + (m?.bytes ?? 0), 0);
}

export interface SizeInputs {
  /** This computer's media, each file once (StoreStats.mediaByContent). */
  storeMedia: Partial<Record<MediaKind, { files: number; bytes: number }>>;
  /** The database file and its write-ahead log. */
  dbBytes: number;
  /** Every file in the backup's folder after the newest backup (null: none yet). */
  backupBytes: number | null;
  last: LastBackupSizes;
  /** The media groups the next backup includes (the saved settings). */
  groups: readonly MediaGroup[];
}

export function backupSizes(i: SizeInputs): BackupSizesView {
  const media = groupSizes(i.storeMedia);
  const measured = i.backupBytes !== null && i.last.mediaBytes !== null;
  const messagesBytes = measured
    ? Math.max(0, i.backupBytes! - i.last.mediaBytes!)
    : Math.round(i.dbBytes * MESSAGES_PER_DATABASE_BYTE);
  return {
    media,
    messagesBytes,
    messagesMeasured: measured,
    backupBytes: i.backupBytes,
    newBytes: i.backupBytes === null ? null : i.last.addedBytes,
    estimateBytes: estimateBackupBytes({ media, messagesBytes }, i.groups),
  };
}

/**
 * What each backup changed since the one before it, for the history rows. Oldest first in,
 * same order out. A backup whose parent is gone (removed by the retention policy) has no known
 * difference (null); one with no parent at all was the first.
 */
export function snapshotChanges(
  snapshots: readonly Pick<
    SnapshotSummary,
    'time' | 'parentHash' | 'messageCount' | 'chats' | 'media'
  >[],
): (SnapshotChange | null)[] {
  const sorted = snapshots.map((s, i) => ({ s, i })).sort((a, b) => a.s.time - b.s.time);
  const out: (SnapshotChange | null)[] = new Array<SnapshotChange | null>(snapshots.length);
  sorted.forEach(({ s, i }, k) => {
    const before = k > 0 ? sorted[k - 1]!.s : null;
    if (!before && s.parentHash !== null) {
      out[i] = null;
      return;
    }
    const now = groupSizes(s.media);
    const was = before ? groupSizes(before.media) : null;
    const media: Partial<Record<MediaGroup, number>> = {};
    for (const g of GROUPS) {
      const diff = now[g].files - (was?.[g].files ?? 0);
      if (diff !== 0) media[g] = diff;
    }
    out[i] = {
      first: before === null,
      messages: s.messageCount - (before?.messageCount ?? 0),
      chats: s.chats.count - (before?.chats.count ?? 0),
      media,
    };
  });
  return out;
}

/**
 * "Backup size": the bytes of every file in the backup's folder (data, index, snapshots, keys),
 * what the person's disk or cloud quota pays for. Files that vanish while counted (another
 * computer pruning) are skipped; links are not followed. Null when the folder cannot be read.
 */
export async function folderBytes(dir: string): Promise<number | null> {
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        try {
          total += (await lstat(p)).size;
        } catch {
          // Removed meanwhile.
        }
      }
    }
  };
  try {
    if (!(await lstat(dir)).isDirectory()) return null;
  } catch {
    return null;
  }
  await walk(dir);
  return total;
}
