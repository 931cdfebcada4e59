import type { SnapshotView } from '../../../shared/backup-types';

/** The repository's size after each backup, oldest first: the running sum of what each added. */
export function cumulativeSizes(
  snapshots: readonly SnapshotView[],
): { time: number; total: number }[] {
  const sorted = [...snapshots].sort((a, b) => a.time - b.time);
  let total = 0;
  return sorted.map((s) => {
    total += Math.max(0, s.sizeAdded);
    return { time: s.time, total };
  });
}
