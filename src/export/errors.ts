/**
 * What can go wrong in an export, as typed errors with stable codes (the CLI maps them to exit
 * codes, the app shows their sentence). Every message says what is wrong and what to do.
 */

/** Every code an export error can carry (the CLI's exit-code table covers each). */
export const EXPORT_ERROR_CODES = [
  'INVALID_ARGUMENT',
  'CHAT_NOT_FOUND',
  'EXPORT_DESTINATION',
  'STORAGE',
  'CANCELLED',
  // The export worker's own failures (src/export/worker).
  'EXPORT_FAILED',
] as const;

export class ExportError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExportError';
  }
}

/** An option that cannot work (a bad date, an unknown media type, a combination that makes no sense). */
export class InvalidExportOptionError extends ExportError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
    this.name = 'InvalidExportOptionError';
  }
}

/** A chat asked for by id that the store does not hold. */
export class ChatNotFoundError extends ExportError {
  constructor(readonly chatId: number) {
    super(
      'CHAT_NOT_FOUND',
      `There is no chat ${chatId} in this store (list the chats and their ids with "chatkeep export --list").`,
    );
    this.name = 'ChatNotFoundError';
  }
}

/** The destination is a file, or a folder that already holds something (never overwritten). */
export class ExportDestinationError extends ExportError {
  constructor(message: string) {
    super('EXPORT_DESTINATION', message);
    this.name = 'ExportDestinationError';
  }
}

/** Writing failed: the disk is full, the folder is read-only or went away. */
export class ExportStorageError extends ExportError {
  constructor(
    readonly path: string,
    readonly errno: string,
    options?: { cause?: unknown },
  ) {
    super('STORAGE', storageSentence(path, errno), options);
    this.name = 'ExportStorageError';
  }
}

/** The person cancelled: what was written so far has been removed. */
export class ExportCancelledError extends ExportError {
  constructor() {
    super('CANCELLED', 'The export was cancelled; the files it had written were removed.');
    this.name = 'ExportCancelledError';
  }
}

function storageSentence(path: string, errno: string): string {
  switch (errno) {
    case 'ENOSPC':
    case 'EFBIG':
    case 'EDQUOT':
      return `The disk is full while writing ${path}: free some space or choose another folder, then export again.`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `Chatkeep may not write to ${path} (permission denied): choose a folder you can write to.`;
    case 'ENOENT':
    case 'ENOTDIR':
      return `The folder for ${path} went away during the export: choose it again and export again.`;
    default:
      return `Writing ${path} failed (${errno}): check the folder and export again.`;
  }
}

const STORAGE_ERRNOS = new Set([
  'ENOSPC',
  'EFBIG',
  'EDQUOT',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOENT',
  'ENOTDIR',
  'EIO',
  'EISDIR',
  'EEXIST',
]);

/** A file-system error while writing `path`, as an ExportStorageError; anything else unchanged. */
export function asStorageError(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && STORAGE_ERRNOS.has(code)) {
    return new ExportStorageError(path, code, { cause: error });
  }
  return error;
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ExportCancelledError();
}
