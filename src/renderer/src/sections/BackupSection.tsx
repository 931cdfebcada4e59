import type { Section } from '../../../shared/ipc/contract';
// The lint rule that keeps the renderer out of the Node backup engine (src/backup) also matches
// the renderer's own backup folder by name; this is the renderer's UI, not the engine.
// eslint-disable-next-line no-restricted-imports
import { BackupPage } from '../backup/BackupPage';

/** The Backup section: set up, watch and restore end-to-end encrypted backups. */
export function BackupSection({ onNavigate }: { onNavigate?(section: Section): void }) {
  return <BackupPage onNavigate={onNavigate} />;
}
