/** The Backup feature: set up, watch and restore end-to-end encrypted backups. */
export { BackupSection } from './BackupSection';
