import os from 'node:os';

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
  | 'STORAGE'
  | 'OBJECT_NOT_FOUND'
  | 'NOT_DOWNLOADED'
  | 'NOT_SYNCED'
  | 'FOLDER_IN_USE'
  | 'NOT_MAINTENANCE_OWNER'
  | 'SECRET_KIND_MISSING'
  | 'NOT_ARRIVED'
  | 'NO_KEY_FILES'
  | 'INVALID_LOCATION'
  | 'BACKEND_AUTH'
  | 'BACKEND_NOT_FOUND'
  | 'BACKEND_ERROR'
  | 'BACKEND_UNAVAILABLE'
  | 'OFFLINE'
  | 'HOST_KEY_UNKNOWN'
  | 'HOST_KEY_CHANGED'
  | 'KEYS_CHANGED';

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

/** The person gave a recovery key to a backup that has none (or a password to one without). */
export class SecretKindMissingError extends BackupError {
  readonly code = 'SECRET_KIND_MISSING' as const;
  constructor(readonly secretKind: 'password' | 'recovery') {
    super(
      secretKind === 'recovery'
        ? 'This backup has no recovery key: open it with its password'
        : 'This backup has no password: open it with its 64-digit recovery key',
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

/**
 * An object sealed with a data key this keyring does not hold: written after a password
 * change or a key removal by someone holding the newer key, and opened here with an older
 * key file (or a key this computer kept from before). It is skipped like damage, but it is
 * not damage, and the message says so.
 */
export class KeyEpochUnknownError extends RepositoryDamagedError {
  constructor(
    object: string,
    readonly epoch: number,
  ) {
    super(object, `sealed with key ${epoch}, which this password or key does not hold`);
    this.message =
      `Backup object "${object}" was written with a newer key (key ${epoch}) than this ` +
      'password or recovery key opens: it was made after the password was changed or a key removed.';
  }
}

/**
 * The key this computer kept is older than the backup's: the password was changed (or a key
 * removed) on another computer, so backing up with the old key would let the old password read
 * the new backups. The person types the current password once.
 */
export class KeysChangedError extends BackupError {
  readonly code = 'KEYS_CHANGED' as const;
  constructor() {
    super(
      "The backup's password or recovery key was changed on another computer. Enter the current " +
        'password (or recovery key) to keep backing up.',
    );
  }
}

/**
 * A backend has no object by this name. Backends throw it instead of an errno so the engine
 * never depends on a filesystem's error codes; the engine turns it into damage where
 * something referred to the object.
 */
export class ObjectNotFoundError extends BackupError {
  readonly code = 'OBJECT_NOT_FOUND' as const;
  constructor(readonly object: string) {
    super(`Backup object "${object}" does not exist`);
  }
}

/**
 * A sync client lists the object but its bytes are still in the cloud (an evicted iCloud
 * Drive file, an online-only OneDrive or Dropbox file), or reading it to download failed.
 * Not damage: the same object can be read once it has been downloaded.
 */
export class ObjectNotLocalError extends BackupError {
  readonly code = 'NOT_DOWNLOADED' as const;
  constructor(
    readonly object: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Backup file "${object}" is still in the cloud: it has not been downloaded to this computer yet`,
      options,
    );
  }
}

/**
 * An object is there but not whole yet: empty, shorter than the index says, or failing its
 * check while a sync client is still writing it (modified in the last few minutes). Reported
 * as "still arriving" and retried, never moved aside or deleted.
 */
export class ObjectIncompleteError extends BackupError {
  readonly code = 'NOT_ARRIVED' as const;
  constructor(
    readonly object: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Backup file "${object}" is still arriving (${detail})`, options);
  }
}

/** What a person can do when a synced folder has not finished bringing a backup here. */
export function syncAdvice(platform: NodeJS.Platform = process.platform): string {
  return platform === 'darwin'
    ? 'Open the backup folder in Finder, select it and choose "Download Now" (or run ' +
        '`brctl download` on it), or turn off "Optimise Mac Storage" for iCloud Drive; then try again.'
    : platform === 'win32'
      ? 'In File Explorer, right-click the backup folder and choose "Always keep on this device", ' +
        'wait until its files show a green tick, then try again.'
      : 'Make sure your sync app has downloaded the whole backup folder (mark it "available ' +
        'offline" or "keep on this device"), then try again.';
}

/**
 * Files of the backup are listed but not here yet: still in the cloud (not downloaded), or not
 * yet arrived from another computer (zero bytes, shorter than they will be, or not synced at
 * all yet). Counted and named, with what to do; never reported as damage.
 */
export class BackupNotSyncedError extends BackupError {
  readonly code = 'NOT_SYNCED' as const;
  constructor(
    readonly objects: string[],
    readonly reason: 'not-downloaded' | 'arriving',
  ) {
    const n = objects.length;
    const what = `${n} file${n === 1 ? '' : 's'} of this backup ${n === 1 ? 'is' : 'are'}`;
    super(
      reason === 'not-downloaded'
        ? `${what} still in the cloud and not downloaded to this computer. ${syncAdvice()}`
        : `${what} still arriving from the cloud (not yet synced, or only partly written). ` +
            'Wait until your sync app has finished, then try again.',
    );
  }
}

/**
 * A folder that holds parts of a Chatkeep backup (key slots, data, index or snapshots) but no
 * readable `config` is never initialised over: it is most likely a backup still syncing to
 * this computer, and a new repository there would make it unreadable.
 */
export class FolderInUseError extends BackupError {
  readonly code = 'FOLDER_IN_USE' as const;
  constructor(
    readonly location: string,
    readonly found: string[],
  ) {
    super(
      `${location} already holds parts of a Chatkeep backup (${found.join(', ')}) but its ` +
        '"config" file is missing or not here yet: it may still be syncing from another ' +
        'computer. Wait for the sync to finish and open the backup with its password or ' +
        'recovery key, or run "chatkeep repair" on it. To start a new backup, choose an empty folder.',
    );
  }
}

/**
 * The folder has a config or data but no key files at all: it is not a whole backup folder
 * (still syncing to this computer, a copy of part of it, or the keys were deleted). Not a
 * wrong password: no password could open it.
 */
export class NoKeyFilesError extends BackupError {
  readonly code = 'NO_KEY_FILES' as const;
  constructor(readonly location: string) {
    super(
      `The backup folder ${location} has no key files (its "keys" folder is empty or missing): it is ` +
        'incomplete, still syncing to this computer, or only part of the backup folder was copied. ' +
        'Wait for the sync to finish, or point Chatkeep at the complete folder. No password can open it as it is.',
    );
  }
}

/** Prune is left to the computer recorded as this backup's maintenance owner. */
export class NotMaintenanceOwnerError extends BackupError {
  readonly code = 'NOT_MAINTENANCE_OWNER' as const;
  constructor(readonly owner: { host: string; clientId: string; since: number }) {
    super(
      `Maintenance (prune) of this backup is done by ${owner.host} (since ` +
        `${new Date(owner.since).toISOString()}). It runs there; to move it to this computer, ` +
        'take over maintenance (chatkeep prune --take-over).',
    );
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
  constructor(
    readonly holder: LockHolder,
    thisHost: string = os.hostname(),
  ) {
    const what = holder.exclusive ? 'backing up or maintaining' : 'reading';
    const since = new Date(holder.time).toISOString();
    super(
      holder.host === thisHost
        ? `The backup is in use: process ${holder.pid} on this computer has been ${what} it since ` +
            `${since}. Try again when it has finished; a lock not renewed for 30 minutes is ignored.`
        : `Another computer (${holder.host}, process ${holder.pid}) has been ${what} this backup ` +
            `since ${since}. Try again when it has finished. If that computer is switched off or its ` +
            `backup crashed, take over with "chatkeep unlock" (a lock not renewed for 30 minutes is ignored anyway).`,
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
  'disk-full':
    'The disk (or server, or storage quota) holding the backup is full. Free some space and try again.',
  'permission-denied':
    "Chatkeep may not write to the backup folder. Check the folder permissions (or the sync app, or the account's rights on the server) and try again.",
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

/**
 * A backup location written wrongly (`--repo webdav:…` without a host, an unknown `xyz:`
 * prefix, a password inside a URL): refused before anything is created anywhere.
 */
export class InvalidLocationError extends BackupError {
  readonly code = 'INVALID_LOCATION' as const;
  constructor(
    readonly location: string,
    detail: string,
  ) {
    super(`"${location}" is not a backup location Chatkeep understands: ${detail}`);
  }
}

/** The storage server refused the sign-in (wrong user name, password, key or access key). */
export class BackendAuthError extends BackupError {
  readonly code = 'BACKEND_AUTH' as const;
  constructor(
    readonly location: string,
    detail: string,
  ) {
    super(
      `${location} refused the sign-in (${detail}). Check the user name and password (or key) for it and try again.`,
    );
  }
}

/** The server has no such share, bucket or remote (as opposed to an empty place). */
export class BackendNotFoundError extends BackupError {
  readonly code = 'BACKEND_NOT_FOUND' as const;
  constructor(
    readonly location: string,
    detail: string,
  ) {
    super(`${location}: ${detail}`);
  }
}

/** The server answered with an error Chatkeep does not expect (and retrying did not help). */
export class BackendProtocolError extends BackupError {
  readonly code = 'BACKEND_ERROR' as const;
  constructor(
    readonly location: string,
    readonly object: string,
    detail: string,
  ) {
    super(`${location} answered with an error on "${object}": ${detail}`);
  }
}

/** A tool Chatkeep needs for this location is missing or failed to start (rclone). */
export class BackendUnavailableError extends BackupError {
  readonly code = 'BACKEND_UNAVAILABLE' as const;
}

/**
 * The storage server could not be reached, or the connection kept dropping, for longer than
 * Chatkeep retries within one operation. Nothing is damaged: the next try resumes where this
 * one stopped (packs already uploaded are kept and adopted).
 */
export class BackendOfflineError extends BackupError {
  readonly code = 'OFFLINE' as const;
  constructor(
    readonly location: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${location} cannot be reached (${detail}). This computer may be offline or the server down; ` +
        'Chatkeep will try again, and nothing already uploaded is lost.',
      options,
    );
  }
}

/**
 * An SSH server Chatkeep has not met before: its key's fingerprint must be confirmed by the
 * person (compared with what the server's owner shows) before anything is sent to it.
 */
export class HostKeyUnknownError extends BackupError {
  readonly code = 'HOST_KEY_UNKNOWN' as const;
  constructor(
    readonly host: string,
    readonly fingerprint: string,
  ) {
    super(
      `Chatkeep has not connected to ${host} before. Its host key fingerprint is ${fingerprint}: ` +
        'check that it matches the one your server shows (ssh-keygen -lf on its host key), then trust it.',
    );
  }
}

/**
 * The SSH server's key is not the one pinned on first use: someone may be intercepting the
 * connection, or the server was reinstalled. Never accepted silently.
 */
export class HostKeyChangedError extends BackupError {
  readonly code = 'HOST_KEY_CHANGED' as const;
  constructor(
    readonly host: string,
    readonly fingerprint: string,
    readonly expected: string,
  ) {
    super(
      `The host key of ${host} has changed (it is now ${fingerprint}, Chatkeep trusted ${expected}). ` +
        'Someone may be intercepting the connection. If the server was reinstalled, confirm the new ' +
        'fingerprint with its owner before trusting it.',
    );
  }
}
