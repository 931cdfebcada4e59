/**
 * Exit codes of `chatkeep`: a stable contract for scripts and schedulers, documented in
 * `--help` and docs/cli.md. Errors are mapped by their stable `code` string, never by class
 * identity, so an error re-created across a worker boundary or a second bundle maps the same.
 */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  WRONG_SECRET: 3,
  DAMAGED: 4,
  LOCKED: 5,
  ROLLBACK: 6,
  STORAGE: 7,
  CANCELLED: 8,
  NOT_FOUND: 9,
  TOO_NEW: 10,
  NOT_SYNCED: 11,
  OFFLINE: 12,
  HOST_KEY: 13,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const BY_ERROR_CODE: Record<string, ExitCode> = {
  CLI_USAGE: EXIT.USAGE,
  SECRET_UNAVAILABLE: EXIT.USAGE,
  INVALID_ARGUMENT: EXIT.USAGE,
  SNAPSHOT_NOT_FOUND: EXIT.USAGE,
  KEY_SLOT_NOT_FOUND: EXIT.USAGE,
  LAST_KEY_SLOT: EXIT.USAGE,
  REPO_EXISTS: EXIT.USAGE,
  FOLDER_IN_USE: EXIT.USAGE,
  NOT_MAINTENANCE_OWNER: EXIT.USAGE,
  WEAK_KDF: EXIT.USAGE,
  WRONG_SECRET: EXIT.WRONG_SECRET,
  // The key this computer kept is older than the backup's: the current password is needed.
  KEYS_CHANGED: EXIT.WRONG_SECRET,
  SECRET_KIND_MISSING: EXIT.WRONG_SECRET,
  REPO_DAMAGED: EXIT.DAMAGED,
  OBJECT_NOT_FOUND: EXIT.DAMAGED,
  CHECK_FAILED: EXIT.DAMAGED,
  RESTORE_INCOMPLETE: EXIT.DAMAGED,
  REPAIR_INCOMPLETE: EXIT.DAMAGED,
  NOT_SYNCED: EXIT.NOT_SYNCED,
  NO_KEY_FILES: EXIT.STORAGE,
  STORE_ACCESS: EXIT.STORAGE,
  NOT_DOWNLOADED: EXIT.NOT_SYNCED,
  NOT_ARRIVED: EXIT.NOT_SYNCED,
  REPO_LOCKED: EXIT.LOCKED,
  ROLLBACK_DETECTED: EXIT.ROLLBACK,
  STORAGE: EXIT.STORAGE,
  CANCELLED: EXIT.CANCELLED,
  REPO_NOT_FOUND: EXIT.NOT_FOUND,
  REPO_TOO_NEW: EXIT.TOO_NEW,
  // Backup locations on other computers (WebDAV, SFTP, S3, rclone).
  INVALID_LOCATION: EXIT.USAGE,
  BACKEND_AUTH: EXIT.WRONG_SECRET,
  BACKEND_NOT_FOUND: EXIT.NOT_FOUND,
  BACKEND_ERROR: EXIT.STORAGE,
  BACKEND_UNAVAILABLE: EXIT.STORAGE,
  OFFLINE: EXIT.OFFLINE,
  HOST_KEY_UNKNOWN: EXIT.HOST_KEY,
  HOST_KEY_CHANGED: EXIT.HOST_KEY,
  // chatkeep import (src/importers): the same meanings for a phone backup's key and input.
  WRONG_KEY: EXIT.WRONG_SECRET,
  INVALID_KEY: EXIT.USAGE,
  NEEDS_KEY: EXIT.USAGE,
  NEEDS_OWNER: EXIT.USAGE,
  UNKNOWN_FORMAT: EXIT.USAGE,
  EMPTY_FILE: EXIT.USAGE,
  UNSUPPORTED_VERSION: EXIT.USAGE,
  INVALID_OPTION: EXIT.USAGE,
  TRUNCATED_FILE: EXIT.DAMAGED,
  DAMAGED_FILE: EXIT.DAMAGED,
  IMPORT_CANCELLED: EXIT.CANCELLED,
  // The import worker's own failures: unexpected, with the stack trace on request.
  IMPORT_FAILED: EXIT.ERROR,
  // The chat store (src/store), which every command that writes chats may meet.
  INGEST_CANCELLED: EXIT.CANCELLED,
  STORE_DISK_FULL: EXIT.STORAGE,
  STORE_BUSY: EXIT.LOCKED,
  STORE_CORRUPT: EXIT.DAMAGED,
  STORE_TOO_NEW: EXIT.TOO_NEW,
  STORE_NEEDS_MIGRATION: EXIT.USAGE,
  STORE_NOT_FOUND: EXIT.USAGE,
  // Programming errors or crashes rather than anything the person can fix: exit 1 on purpose.
  WORKER_CRASHED: EXIT.ERROR,
  CLIENT_CLOSED: EXIT.ERROR,
  STORE_ERROR: EXIT.ERROR,
  STORE_CLOSED: EXIT.ERROR,
  STORE_READONLY: EXIT.ERROR,
  STORE_WORKER_CRASHED: EXIT.ERROR,
  INVALID_RECORD: EXIT.ERROR,
  INVALID_MEDIA_HASH: EXIT.ERROR,
  MESSAGE_NOT_FOUND: EXIT.ERROR,
  // chatkeep export (src/export)
  EXPORT_DESTINATION: EXIT.USAGE,
  CHAT_NOT_FOUND: EXIT.USAGE,
  EXPORT_FAILED: EXIT.ERROR,
};

/** Whether an error code has its own entry (a test keeps every known code listed). */
export function hasExitCode(code: string): boolean {
  return Object.hasOwn(BY_ERROR_CODE, code);
}

export function exitCodeFor(error: unknown): ExitCode {
  const code = errorCode(error);
  if (code === undefined) return EXIT.ERROR;
  if (code.startsWith('commander.')) return EXIT.USAGE;
  return BY_ERROR_CODE[code] ?? EXIT.ERROR;
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The table shown by `chatkeep --help` and copied into docs/cli.md. */
export const EXIT_CODE_HELP = `Exit codes:
  0   success
  1   unexpected error
  2   usage error (bad option, unknown snapshot, no password source, a folder that is not empty,
      a --repo location Chatkeep does not understand;
      import: a file Chatkeep does not read, an empty file, a missing key or --me;
      export: no --out, an unknown chat, an --out folder that is not empty)
  3   wrong password or recovery key, or the storage server refused the sign-in
      (import: wrong backup key or passphrase)
  4   repository damaged (check found problems; restore or repair could not save everything;
      import: the phone's file is cut short or damaged)
  5   repository locked by another running chatkeep or the app
  6   rollback detected (the repository is older than the last one this store saw)
  7   storage error (disk full, permission denied, folder unavailable)
  8   cancelled (Ctrl-C or SIGTERM)
  9   repository not found (run "chatkeep init" first), or no such bucket or rclone remote
  10  repository written by a newer Chatkeep (update first)
  11  backup folder not fully synced to this computer yet (files still in the cloud or arriving)
  12  the storage server cannot be reached (offline, or it kept dropping the connection): try later
  13  an SSH server's host key is not trusted yet, or it changed (see docs/cli.md)`;
