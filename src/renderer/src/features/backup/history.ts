import type { MediaGroup, SnapshotView } from '../../../../shared/backup-types';
import { formatBytes } from '../../ui/format';
import { MEDIA_GROUP_ORDER } from './media-groups';

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

const GROUP_NOUNS: Record<MediaGroup, [string, string]> = {
  photos: ['photo', 'photos'],
  videos: ['video', 'videos'],
  audio: ['audio file', 'audio files'],
  documents: ['document', 'documents'],
  stickers: ['sticker or GIF', 'stickers and GIFs'],
};

const signed = (n: number, one: string, many: string) =>
  `${n > 0 ? '+' : '−'}${Math.abs(n).toLocaleString()} ${Math.abs(n) === 1 ? one : many}`;

/**
 * A history row's words for what a backup changed ("+1,204 messages, +3 photos, 1.2 MB"): the
 * counts come from main (SnapshotView.change), the bytes are what the backup wrote. A backup
 * that changed nothing says so instead of "0 B".
 */
export function changeWords(s: Pick<SnapshotView, 'change' | 'sizeAdded' | 'messages'>): string {
  const bytes = formatBytes(s.sizeAdded);
  const c = s.change;
  // Nothing written means nothing changed (the backup stores by content), whatever came before.
  if (!c) return s.sizeAdded === 0 ? 'No changes' : `${bytes} written`;
  if (c.first) {
    const media = MEDIA_GROUP_ORDER.flatMap((g) => {
      const n = c.media[g] ?? 0;
      return n > 0
        ? [`${n.toLocaleString()} ${n === 1 ? GROUP_NOUNS[g][0] : GROUP_NOUNS[g][1]}`]
        : [];
    });
    return `First backup: ${[`${s.messages.toLocaleString()} messages`, ...media, bytes].join(', ')}`;
  }
  const parts = [
    ...(c.chats !== 0 ? [signed(c.chats, 'chat', 'chats')] : []),
    ...(c.messages !== 0 ? [signed(c.messages, 'message', 'messages')] : []),
    ...MEDIA_GROUP_ORDER.flatMap((g) => {
      const n = c.media[g] ?? 0;
      return n !== 0 ? [signed(n, ...GROUP_NOUNS[g])] : [];
    }),
  ];
  if (parts.length === 0) {
    return s.sizeAdded === 0 ? 'No changes' : `Changes to earlier messages, ${bytes}`;
  }
  return [...parts, bytes].join(', ');
}
