/**
 * Typed errors of the importers. Every error has a stable `code` string that callers (the CLI, the
 * app's IPC layer) switch on; the message is written for the person importing.
 */
export abstract class ImportError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Nothing we know how to import is at this path. */
export class UnknownFormatError extends ImportError {
  readonly code = 'UNKNOWN_FORMAT';
}

/** The key is well-formed but does not decrypt this backup (GCM tag mismatch). */
export class WrongKeyError extends ImportError {
  readonly code = 'WRONG_KEY';
  constructor(message = 'This key does not open this backup', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A Signal backup's 30-digit passphrase does not open it (the first frame's MAC fails). */
export class WrongPassphraseError extends WrongKeyError {
  constructor(
    message = 'This passphrase does not open this Signal backup: check the 30 digits (Signal shows them when backups are turned on)',
  ) {
    super(message);
  }
}

/** The file has no bytes at all: nothing to recognise, and worth saying in those words. */
export class EmptyFileError extends ImportError {
  readonly code = 'EMPTY_FILE';
}

/** The key given is not a 64-digit hexadecimal key nor a readable key file. */
export class InvalidKeyError extends ImportError {
  readonly code = 'INVALID_KEY';
}

/** The file ends before its format says it should (an interrupted copy or download). */
export class TruncatedFileError extends ImportError {
  readonly code = 'TRUNCATED_FILE';
}

/** The file's bytes contradict its format (corruption, a checksum or structure mismatch). */
export class DamagedFileError extends ImportError {
  readonly code = 'DAMAGED_FILE';
}

/** A format version newer (or other) than the ones this version of Chatkeep reads. */
export class UnsupportedVersionError extends ImportError {
  readonly code = 'UNSUPPORTED_VERSION';
}

/** A WhatsApp text export has no "me": the caller must say which participant is the owner. */
export class NeedsOwnerError extends ImportError {
  readonly code = 'NEEDS_OWNER';
  constructor(
    message: string,
    readonly participants: string[],
    readonly suggestedOwner: string | null,
  ) {
    super(message);
  }
}

/** An encrypted backup was given without a key. */
export class NeedsKeyError extends ImportError {
  readonly code = 'NEEDS_KEY';
}

/** An import option has a value we cannot use (an unknown time zone, a bad date order). */
export class InvalidOptionError extends ImportError {
  readonly code = 'INVALID_OPTION';
}

/** The caller's AbortSignal fired; nothing was written to the chat store. */
export class ImportCancelledError extends ImportError {
  readonly code = 'IMPORT_CANCELLED';
  constructor(message = 'Import cancelled; nothing was imported') {
    super(message);
  }
}

/** Every code an importer error can carry (the CLI gives each one an exit code; tested). */
export const IMPORT_ERROR_CODES = [
  'UNKNOWN_FORMAT',
  'EMPTY_FILE',
  'WRONG_KEY',
  'INVALID_KEY',
  'TRUNCATED_FILE',
  'DAMAGED_FILE',
  'UNSUPPORTED_VERSION',
  'NEEDS_OWNER',
  'NEEDS_KEY',
  'INVALID_OPTION',
  'IMPORT_CANCELLED',
] as const;

export function isImportError(e: unknown): e is ImportError {
  return e instanceof ImportError;
}

/**
 * SQLite reports a damaged database file while we read it (SQLITE_CORRUPT, SQLITE_NOTADB...):
 * the person's file is damaged, which they should hear in those words.
 */
export function sqliteAsDamaged(e: unknown, what: string): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (isImportError(e) || typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return e;
  return new DamagedFileError(`${what} is damaged (${(e as Error).message})`, { cause: e });
}
