/**
 * Typed errors of the backup engine. Every class carries a stable `code` so callers (the CLI,
 * the app's UI, the worker's message channel) can branch on it without parsing messages.
 */

export type BackupErrorCode =
  | 'WRONG_SECRET'
  | 'REPO_DAMAGED'
  | 'REPO_NOT_FOUND'
  | 'REPO_EXISTS'
  | 'REPO_TOO_NEW'
  | 'ROLLBACK_DETECTED'
  | 'REPO_LOCKED'
  | 'LAST_KEY_SLOT'
  | 'KEY_SLOT_NOT_FOUND'
  | 'SNAPSHOT_NOT_FOUND'
  | 'WEAK_KDF'
  | 'INVALID_ARGUMENT'
  | 'CANCELLED'
  | 'STORAGE';

export abstract class BackupError extends Error {
  abstract readonly code: BackupErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class WrongSecretError extends BackupError {
  readonly code = 'WRONG_SECRET' as const;
  constructor(readonly secretKind: 'password' | 'recovery' | 'master-key') {
    super(
      secretKind === 'password'
        ? 'Wrong password'
        : secretKind === 'recovery'
          ? 'This recovery key does not open this backup'
          : 'This stored key does not open this backup',
    );
  }
}

/** Some object of the repository is corrupt, truncated or missing. `object` names it. */
export class RepositoryDamagedError extends BackupError {
  readonly code = 'REPO_DAMAGED' as const;
  constructor(
    readonly object: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Backup object "${object}" is damaged: ${detail}`, options);
  }
}

export class RepositoryNotFoundError extends BackupError {
  readonly code = 'REPO_NOT_FOUND' as const;
  constructor(readonly location: string) {
    super(`No Chatkeep backup found at ${location}`);
  }
}

export class RepositoryExistsError extends BackupError {
  readonly code = 'REPO_EXISTS' as const;
  constructor(readonly location: string) {
    super(`A Chatkeep backup already exists at ${location}; open it instead of creating one`);
  }
}

export class RepositoryTooNewError extends BackupError {
  readonly code = 'REPO_TOO_NEW' as const;
  constructor(
    readonly object: string,
    readonly foundVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `Backup object "${object}" uses format version ${foundVersion}, but this version of ` +
        `Chatkeep reads up to version ${supportedVersion}. Update Chatkeep to open this backup.`,
    );
  }
}

export class RollbackDetectedError extends BackupError {
  readonly code = 'ROLLBACK_DETECTED' as const;
  constructor(detail: string) {
    super(
      `This backup is older than the one this computer saw last (${detail}). ` +
        `Someone or something replaced it with an older copy; newer backups may be missing.`,
    );
  }
}

export interface LockHolder {
  lock: string;
  host: string;
  pid: number;
  time: number;
  exclusive: boolean;
}

export class RepositoryLockedError extends BackupError {
  readonly code = 'REPO_LOCKED' as const;
  constructor(readonly holder: LockHolder) {
    super(
      `The backup is in use by ${holder.exclusive ? 'another backup or maintenance task' : 'another task'} ` +
        `(host ${holder.host}, process ${holder.pid}, since ${new Date(holder.time).toISOString()}). ` +
        `Try again when it has finished; a lock older than 30 minutes is ignored.`,
    );
  }
}

export class LastKeySlotError extends BackupError {
  readonly code = 'LAST_KEY_SLOT' as const;
  constructor() {
    super(
      'This is the only password or recovery key of the backup; add another before removing it',
    );
  }
}

export class KeySlotNotFoundError extends BackupError {
  readonly code = 'KEY_SLOT_NOT_FOUND' as const;
  constructor(readonly slotId: string) {
    super(`No key slot "${slotId}" in this backup`);
  }
}

export class SnapshotNotFoundError extends BackupError {
  readonly code = 'SNAPSHOT_NOT_FOUND' as const;
  constructor(readonly snapshot: string) {
    super(`No snapshot "${snapshot}" in this backup`);
  }
}

export class WeakKdfError extends BackupError {
  readonly code = 'WEAK_KDF' as const;
  constructor(detail: string) {
    super(`Password hashing parameters are too weak: ${detail}`);
  }
}

export class InvalidArgumentError extends BackupError {
  readonly code = 'INVALID_ARGUMENT' as const;
}

export class BackupCancelledError extends BackupError {
  readonly code = 'CANCELLED' as const;
  constructor() {
    super(
      'Cancelled; the backup folder is unchanged apart from unused data the next prune removes',
    );
  }
}

export type StorageProblem = 'disk-full' | 'permission-denied' | 'read-only' | 'io-error';

const STORAGE_ADVICE: Record<StorageProblem, string> = {
  'disk-full': 'The disk holding the backup folder is full. Free some space and try again.',
  'permission-denied':
    'Chatkeep may not write to the backup folder. Check the folder permissions (or the sync app) and try again.',
  'read-only':
    'The backup folder is on a read-only disk. Choose a writable folder or remount the disk.',
  'io-error': 'The disk reported an input/output error. Check the disk and try again.',
};

/** The folder could not be written or read for a reason outside Chatkeep: says which and what to do. */
export class StorageError extends BackupError {
  readonly code = 'STORAGE' as const;
  constructor(
    readonly problem: StorageProblem,
    readonly object: string,
    readonly errno: string,
    options?: { cause?: unknown },
  ) {
    super(`${STORAGE_ADVICE[problem]} (${errno} on "${object}")`, options);
  }
}

const ERRNO_PROBLEM: Record<string, StorageProblem> = {
  ENOSPC: 'disk-full',
  EDQUOT: 'disk-full',
  EFBIG: 'disk-full',
  EACCES: 'permission-denied',
  EPERM: 'permission-denied',
  EROFS: 'read-only',
  EIO: 'io-error',
};

/** Maps a Node errno error to StorageError; anything else is returned unchanged. */
export function toStorageError(err: unknown, object: string): unknown {
  if (err instanceof BackupError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') {
    const problem = ERRNO_PROBLEM[code];
    if (problem) return new StorageError(problem, object, code, { cause: err });
  }
  return err;
}
