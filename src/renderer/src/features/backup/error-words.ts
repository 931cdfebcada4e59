/**
 * Errors from main in words a person can act on. Main sends a stable `code` and a sentence; the
 * codes below get words that also say what to do here, on this page. Anything else shows main's
 * own sentence, which is already written for people.
 */

export interface ErrorLike {
  code?: string;
  message: string;
  issues?: { path: string; message: string }[] | undefined;
}

/** What the secret was, so a wrong one is named right: a password or a recovery key. */
export type SecretKind = 'password' | 'recoveryKey';

export function wrongSecretWords(kind: SecretKind): string {
  return kind === 'password'
    ? 'That password is not right. Check it (capital letters count) and try again.'
    : 'That key does not open this backup. Check each group of four and try again.';
}

export function errorWords(error: unknown, secretKind: SecretKind = 'password'): string {
  const e = asErrorLike(error);
  switch (e.code) {
    case 'WRONG_SECRET':
      return wrongSecretWords(secretKind);
    case 'REPO_DAMAGED':
      // The engine's own detail may name files by their hashes: words only, then.
      return looksTechnical(e.message)
        ? 'Part of the backup is damaged and cannot be read. Back up now writes what this computer still has again; Repair saves what can be saved of older backups.'
        : `Part of the backup is damaged and cannot be read: ${e.message}`;
    case 'REPO_NOT_FOUND':
      return 'There is no Chatkeep backup in that folder. Choose the folder you picked when you turned on backups.';
    case 'STORAGE':
      return `The backup folder could not be used. ${e.message}`;
    case 'ROLLBACK_DETECTED':
      return `${e.message} Check your sync app's version history for the newest copy of the backup folder before going on.`;
    case 'REPO_LOCKED':
      return `The backup is busy with another task. ${e.message}`;
    case 'PASSWORD_NEEDED':
      return 'Chatkeep needs your backup password (or recovery key) for this. Enter it and try again.';
    case 'REPO_EXISTS':
      return 'That folder already holds a Chatkeep backup. Choose an empty folder, or restore from it instead.';
    case 'INVALID_REQUEST': {
      const issues = (e.issues ?? []).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
      return issues.length > 0
        ? `Chatkeep could not accept that: ${issues.join('; ')}.`
        : `Chatkeep could not accept that: ${e.message}`;
    }
    default:
      return e.message || 'Something went wrong.';
  }
}

/** Object names ("data/3f/3f2a…") and long hex hashes: nothing a person can act on. */
function looksTechnical(message: string): boolean {
  return /\b(data|index|snapshots|keys|locks)\/|[0-9a-f]{12,}/i.test(message);
}

export function errorCode(error: unknown): string | undefined {
  return asErrorLike(error).code;
}

function asErrorLike(error: unknown): ErrorLike {
  if (error && typeof error === 'object' && 'message' in error) {
    const e = error as { code?: unknown; message?: unknown; issues?: unknown };
    return {
      code: typeof e.code === 'string' ? e.code : undefined,
      message: typeof e.message === 'string' ? e.message : String(e.message),
      issues: Array.isArray(e.issues) ? (e.issues as ErrorLike['issues']) : undefined,
    };
  }
  return { message: String(error) };
}
