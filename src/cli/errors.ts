/** Errors raised by the command line itself (the engine's errors pass through unchanged). */

/** The command was called wrongly: a bad option value or a missing required choice. */
export class CliUsageError extends Error {
  readonly code = 'CLI_USAGE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** No way to obtain a password or key without a terminal to prompt on. */
export class SecretUnavailableError extends Error {
  readonly code = 'SECRET_UNAVAILABLE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'SecretUnavailableError';
  }
}

/** `check` completed and found problems: the repository needs attention. */
export class CheckFailedError extends Error {
  readonly code = 'CHECK_FAILED' as const;
  /** Goes into the `--json` document beside the error, so scripts see which objects failed. */
  readonly result: Record<string, unknown>;
  constructor(
    readonly problemCount: number,
    report: unknown = null,
  ) {
    super(`check found ${problemCount} problem${problemCount === 1 ? '' : 's'}`);
    this.name = 'CheckFailedError';
    this.result = { check: report };
  }
}

/** A restore restored everything readable but not everything: the rest is in `result`. */
export class RestoreIncompleteError extends Error {
  readonly code: 'RESTORE_INCOMPLETE' | 'NOT_SYNCED';
  readonly result: Record<string, unknown>;
  constructor(message: string, onlyNotHere: boolean, result: Record<string, unknown>) {
    super(message);
    this.name = 'RestoreIncompleteError';
    this.code = onlyNotHere ? 'NOT_SYNCED' : 'RESTORE_INCOMPLETE';
    this.result = result;
  }
}

/** Repair did what it could; what it could not save is in `result`. */
export class RepairIncompleteError extends Error {
  readonly code = 'REPAIR_INCOMPLETE' as const;
  readonly result: Record<string, unknown>;
  constructor(message: string, result: Record<string, unknown>) {
    super(message);
    this.name = 'RepairIncompleteError';
    this.result = result;
  }
}

/** `check` found nothing wrong but could not verify files that are not on this computer yet. */
export class CheckNotSyncedError extends Error {
  readonly code = 'NOT_SYNCED' as const;
  readonly result: Record<string, unknown>;
  constructor(message: string, report: unknown) {
    super(message);
    this.name = 'CheckNotSyncedError';
    this.result = { check: report };
  }
}

/** The chat store folder exists but this user may not read (or write) it. */
export class StoreAccessError extends Error {
  readonly code = 'STORE_ACCESS' as const;
  constructor(
    readonly dir: string,
    readonly errno: string,
  ) {
    super(
      `Chatkeep may not use the chat store folder ${dir} (${errno === 'EACCES' || errno === 'EPERM' ? 'permission denied' : errno}). ` +
        'Run chatkeep as the user who owns it, or fix the folder permissions.',
    );
    this.name = 'StoreAccessError';
  }
}
