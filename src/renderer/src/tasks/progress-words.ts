import type { TaskProgress } from '../../../shared/task-types';
import { formatBytes } from '../ui/format';

/**
 * Time left in words a person reads at a glance: "about 3 minutes left". A task's estimate is
 * for its current phase, and later phases may follow: "almost done" is said only once the bar
 * is nearly full (`percent` at 90 or more); before that, a few seconds left says nothing.
 */
export function formatTimeLeft(etaMs: number | null, percent: number | null = 100): string | null {
  if (etaMs === null || !Number.isFinite(etaMs) || etaMs < 0) return null;
  const seconds = Math.round(etaMs / 1000);
  if (seconds < 5) return percent !== null && percent >= 90 ? 'almost done' : null;
  if (seconds < 60) return `about ${seconds} seconds left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? '' : 's'} left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} hour${hours === 1 ? '' : 's'}${rest ? ` ${rest} min` : ''} left`;
}

/** "3 min 20 s", for how long a finished backup took. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * How far along, 0-100, or null while the total is unknown (an indeterminate bar). Bytes are the
 * better measure when known: one video outweighs a thousand messages.
 */
export function progressPercent(
  p: Pick<TaskProgress, 'bytesDone' | 'bytesTotal' | 'itemsDone' | 'itemsTotal'>,
): number | null {
  const [done, total] =
    p.bytesTotal > 0 ? [p.bytesDone, p.bytesTotal] : [p.itemsDone, p.itemsTotal];
  if (total <= 0) return null;
  return Math.max(0, Math.min(100, Math.round((done / total) * 100)));
}

const PHASES: Record<string, string> = {
  scan: 'Looking for changes',
  scanning: 'Looking for changes',
  messages: 'Saving messages',
  media: 'Saving photos and other media',
  index: 'Writing the index',
  snapshot: 'Finishing',
  finish: 'Finishing',
  restore: 'Restoring',
  check: 'Checking the backup',
  verify: 'Checking the backup',
  'read-data': 'Reading back a sample of the data',
  import: 'Importing',
  prune: 'Tidying up old backups',
  export: 'Exporting messages',
  finishing: 'Writing the index pages',
  reading: 'Reading the chat',
  copy: 'Copying your data',
  'verify-copy': 'Checking the copy',
  'remove-old': 'Removing the old copy',
};

/** The phase word main sends, as a sentence start; unknown phases are shown capitalized. */
export function phaseLabel(phase: string): string {
  const known = PHASES[phase];
  if (known) return known;
  if (!phase) return 'Working';
  return phase.charAt(0).toUpperCase() + phase.slice(1);
}

/** "120 of 400 items · 3.1 MB of 12 MB", skipping the parts that are not known yet. */
export function progressDetail(p: TaskProgress): string {
  const parts: string[] = [];
  if (p.itemsTotal > 0)
    parts.push(`${p.itemsDone.toLocaleString()} of ${p.itemsTotal.toLocaleString()} items`);
  else if (p.itemsDone > 0) parts.push(`${p.itemsDone.toLocaleString()} items`);
  if (p.bytesTotal > 0) parts.push(`${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`);
  else if (p.bytesDone > 0) parts.push(formatBytes(p.bytesDone));
  const left = formatTimeLeft(p.etaMs, progressPercent(p));
  if (left) parts.push(left);
  return parts.join(' · ');
}
