import { MEDIA_GROUPS, type MediaGroup } from '../../../../shared/backup-types';

export const MEDIA_GROUP_ORDER = Object.keys(MEDIA_GROUPS) as MediaGroup[];

/** A bar's width in percent of the largest, never a sliver too thin to see when non-zero. */
export function barPercent(value: number, largest: number): number {
  if (value <= 0 || largest <= 0) return 0;
  return Math.max(2, Math.round((value / largest) * 100));
}

/** Toggle a group while keeping the canonical order, so settings compare equal. */
export function toggleGroup(
  chosen: readonly MediaGroup[],
  group: MediaGroup,
  on: boolean,
): MediaGroup[] {
  const set = new Set(chosen);
  if (on) set.add(group);
  else set.delete(group);
  return MEDIA_GROUP_ORDER.filter((g) => set.has(g));
}
