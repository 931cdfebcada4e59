export type { Backend, ObjectStat, ObjectVariant, SurveyEntry } from './backend/backend.js';
export { createFolderBackend } from './backend/folder.js';
export {
  Repository,
  type InitOptions,
  type KeyChangeResult,
  type OpenOptions,
} from './repository.js';
export type { ReencryptOptions, ReencryptReport } from './engine/reencrypt.js';
export * from './errors.js';
export type * from './types.js';
export type {
  BackupSource,
  RestoreTarget,
  StoreSnapshotReader,
  MonthGroup,
  MediaRef,
} from './source.js';
export { formatRecoveryKey, parseRecoveryKey, DEFAULT_ARGON2 } from './format/key-slot.js';
export type { PruneOptions } from './engine/prune.js';
export type { RepairOptions } from './engine/repair.js';
