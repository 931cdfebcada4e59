import { MEDIA_GROUPS, type MediaGroup } from '../../../../shared/backup-types';
import type { MediaKind } from '../../../../shared/chat-types';

export const MEDIA_GROUP_ORDER = Object.keys(MEDIA_GROUPS) as MediaGroup[];

/** Bytes per media group: the sum of the group's kinds (audio holds audio and voice notes). */
export function groupSizes(
  mediaSizes: Partial<Record<MediaKind, number>>,
): Record<MediaGroup, number> {
  const sizes = {} as Record<MediaGroup, number>;
  for (const group of MEDIA_GROUP_ORDER) {
    sizes[group] = MEDIA_GROUPS[group].kinds.reduce(
      (sum, kind) => sum + (mediaSizes[kind] ?? 0),
      0,
    );
  }
  return sizes;
}

/** What a full backup with these groups would hold: messages plus the chosen media. */
export function estimatedTotal(
  mediaSizes: Partial<Record<MediaKind, number>>,
  messagesBytes: number,
  chosen: readonly MediaGroup[],
): number {
  const sizes = groupSizes(mediaSizes);
  return chosen.reduce((sum, group) => sum + sizes[group], messagesBytes);
}

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
