/**
 * Typed errors of the chat store. Each has a stable `code` so callers (and the worker client,
 * which re-creates them on its side of the thread boundary) can tell them apart without parsing
 * messages.
 */

export class StoreError extends Error {
  readonly code: string = 'STORE_ERROR';
  /** Extra, JSON-serializable facts about the failure. */
  readonly details: Record<string, unknown>;
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

/** The database was written by a newer Chatkeep; we refuse to touch it. */
export class StoreTooNewError extends StoreError {
  override readonly code = 'STORE_TOO_NEW';
  constructor(
    readonly dbPath: string,
    readonly foundVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `The chat store at ${dbPath} has format version ${foundVersion}, but this Chatkeep understands ` +
        `versions up to ${supportedVersion}. It was written by a newer Chatkeep: update Chatkeep to open it. ` +
        `The file was not modified.`,
      { dbPath, foundVersion, supportedVersion },
    );
  }
}

/** The file is not SQLite, is damaged, or is some other application's database. */
export class StoreCorruptError extends StoreError {
  override readonly code = 'STORE_CORRUPT';
  constructor(
    readonly dbPath: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`${dbPath} is not a usable Chatkeep store: ${reason}`, { dbPath, reason }, options);
  }
}

export class StoreNotFoundError extends StoreError {
  override readonly code = 'STORE_NOT_FOUND';
  constructor(readonly dbPath: string) {
    super(`No Chatkeep store at ${dbPath}`, { dbPath });
  }
}

/** A read-only open found an older format that needs a migration only a writer may run. */
export class StoreNeedsMigrationError extends StoreError {
  override readonly code = 'STORE_NEEDS_MIGRATION';
  constructor(
    readonly dbPath: string,
    readonly foundVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `The chat store at ${dbPath} has format version ${foundVersion} and must be upgraded to ` +
        `${supportedVersion}; open it once for writing first.`,
      { dbPath, foundVersion, supportedVersion },
    );
  }
}

export class StoreClosedError extends StoreError {
  override readonly code = 'STORE_CLOSED';
  constructor() {
    super('The chat store is closed');
  }
}

export class StoreReadOnlyError extends StoreError {
  override readonly code = 'STORE_READONLY';
  constructor() {
    super('The chat store was opened read-only; it cannot be changed through this connection');
  }
}

export class IngestCancelledError extends StoreError {
  override readonly code = 'INGEST_CANCELLED';
  constructor() {
    super('Import cancelled: nothing was written');
  }
}

/** A record handed to ingest breaks the record contract; `path` names the offending field. */
export class InvalidRecordError extends StoreError {
  override readonly code = 'INVALID_RECORD';
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`Invalid chat record at ${path}: ${problem}`, { path, problem });
  }
}

export class InvalidMediaHashError extends StoreError {
  override readonly code = 'INVALID_MEDIA_HASH';
  constructor(value: string) {
    const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
    super(`Not a media hash (64 lowercase hex digits expected): ${JSON.stringify(shown)}`, {
      value: shown,
    });
  }
}

export class MessageNotFoundError extends StoreError {
  override readonly code = 'MESSAGE_NOT_FOUND';
  constructor(readonly messageId: number) {
    super(`Message ${messageId} does not exist`, { messageId });
  }
}

/** The store's worker thread ended without answering (crash, out of memory, terminated). */
export class StoreWorkerCrashedError extends StoreError {
  override readonly code = 'STORE_WORKER_CRASHED';
  constructor(detail: string) {
    super(`The chat store's worker stopped unexpectedly: ${detail}`, { detail });
  }
}

/** The disk (or the user's quota) is full: the write was rolled back, nothing was lost. */
export class StoreDiskFullError extends StoreError {
  override readonly code = 'STORE_DISK_FULL';
  constructor(
    readonly dbPath: string,
    options?: ErrorOptions,
  ) {
    super(
      `The disk holding ${dbPath} is full; the change was not saved. Free some space and retry.`,
      { dbPath },
      options,
    );
  }
}

/** Another program kept the store locked for longer than we wait. */
export class StoreBusyError extends StoreError {
  override readonly code = 'STORE_BUSY';
  constructor(
    readonly dbPath: string,
    options?: ErrorOptions,
  ) {
    super(
      `The chat store at ${dbPath} is busy: another Chatkeep process is writing to it. Try again shortly.`,
      { dbPath },
      options,
    );
  }
}

/** Every error class a store call may throw, by code: lets the worker client rebuild them. */
export const STORE_ERROR_CODES = [
  'STORE_ERROR',
  'STORE_TOO_NEW',
  'STORE_CORRUPT',
  'STORE_NOT_FOUND',
  'STORE_NEEDS_MIGRATION',
  'STORE_CLOSED',
  'STORE_READONLY',
  'INGEST_CANCELLED',
  'INVALID_RECORD',
  'INVALID_MEDIA_HASH',
  'MESSAGE_NOT_FOUND',
  'STORE_WORKER_CRASHED',
  'STORE_DISK_FULL',
  'STORE_BUSY',
] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];
