import type { MediaGroup, RestoreSessionView } from '../../../../shared/backup-types';

export type RestoreSnapshot = RestoreSessionView['snapshots'][number];

/** Newest first: the one a person almost always wants is on top and chosen by default. */
export function newestFirst(snapshots: readonly RestoreSnapshot[]): RestoreSnapshot[] {
  return [...snapshots].sort((a, b) => b.time - a.time);
}

/** Chats whose title contains the filter, ignoring case and accents. */
export function filterChats<T extends { title: string }>(chats: readonly T[], filter: string): T[] {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
  const needle = fold(filter.trim());
  if (!needle) return [...chats];
  return chats.filter((c) => fold(c.title).includes(needle));
}

/** What restore.start is asked for: chatRefs is left out for "all chats". */
export function restoreRequest(
  sessionId: string,
  snapshotId: string,
  chosen: ReadonlySet<string> | null,
  mediaGroups: MediaGroup[],
) {
  return {
    sessionId,
    snapshotId,
    mediaGroups,
    ...(chosen ? { chatRefs: [...chosen] } : {}),
  };
}
