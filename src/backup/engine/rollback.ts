import { RollbackDetectedError } from '../errors.js';
import type { SnapshotMarker } from '../types.js';
import type { RepoState } from './state.js';

/**
 * Rollback detection: a client remembers the newest snapshot it saw ({seq, hash}). The folder
 * was rolled back (replaced by an older copy: a sync conflict, a disk image, someone with the
 * cloud account) when that snapshot is gone and
 * - every snapshot left is older (lower seq), or
 * - another snapshot holds its seq and none is newer (a different history).
 * A snapshot that is still there counts whether or not it can be read, including one moved
 * into `damaged/` by repair: damage is reported as damage, not as a rollback. A missing
 * marker snapshot with newer ones present is fine: it was forgotten after newer backups.
 */
export async function checkRollback(state: RepoState, lastSeen: SnapshotMarker): Promise<void> {
  const present = new Set([
    ...state.snapshots.map((s) => s.hash),
    // Written again with a newer key (re-encryption): the same snapshot under a new name.
    ...state.snapshots.flatMap((s) => (Array.isArray(s.doc.was) ? s.doc.was : [])),
    ...state.unreadableSnapshots.map((n) => n.slice(n.lastIndexOf('/') + 1)),
  ]);
  if (present.has(lastSeen.hash)) return;
  const aside = await state.backend.list('damaged/snapshots/').catch(() => [] as string[]);
  if (aside.some((n) => n.endsWith(lastSeen.hash))) return;
  const newest = state.snapshots.reduce((m, s) => Math.max(m, s.doc.seq), 0);
  if (newest < lastSeen.seq) {
    throw new RollbackDetectedError(
      `newest snapshot is #${newest}, this computer last saw #${lastSeen.seq}`,
    );
  }
  if (newest === lastSeen.seq) {
    throw new RollbackDetectedError(`snapshot #${lastSeen.seq} is not the one this computer saw`);
  }
}
