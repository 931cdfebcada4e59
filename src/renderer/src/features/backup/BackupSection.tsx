import type { Section } from '../../../../shared/ipc/contract';
import { BackupPage } from './BackupPage';

/** The Backup section: set up, watch and restore end-to-end encrypted backups. */
export function BackupSection({ onNavigate }: { onNavigate?(section: Section): void }) {
  return <BackupPage onNavigate={onNavigate} />;
}
