import type { SnapshotView } from '../../../../shared/backup-types';

/**
 * The backup's size after each backup, oldest first: the running sum of what each added. Older
 * backups removed by the retention policy leave data the kept ones still use, so when the
 * backup's current size is known the line is lifted to end there.
 */
export function cumulativeSizes(
  snapshots: readonly SnapshotView[],
  currentTotal?: number | null,
): { time: number; total: number }[] {
  const sorted = [...snapshots].sort((a, b) => a.time - b.time);
  const added = sorted.reduce((sum, s) => sum + Math.max(0, s.sizeAdded), 0);
  let total = currentTotal != null ? Math.max(0, currentTotal - added) : 0;
  return sorted.map((s) => {
    total += Math.max(0, s.sizeAdded);
    return { time: s.time, total };
  });
}
