/**
 * What a failed backup means for the person using the app: one sentence saying what to do, and
 * whether trying again by itself can help. Errors are matched by their stable `code` (the backup
 * engine's, the worker client's, the keychain's), never by message text.
 */

export interface FailureAdvice {
  /** The error's `code`, or UNKNOWN. */
  code: string;
  /** Short notification title. */
  title: string;
  /** One or two plain sentences: what happened and what to do. */
  sentence: string;
  /**
   * Whether waiting and retrying can fix it (a drive reconnected, a lock released). When false
   * the scheduler stops retrying and asks the person at once: a wrong password stays wrong.
   */
  retry: boolean;
}

/** Thrown by the app's backup runner when a scheduled backup needs a password nobody saved. */
export class PasswordNeededError extends Error {
  readonly code = 'PASSWORD_NEEDED' as const;
  constructor(message = 'The backup password is not saved on this computer') {
    super(message);
    this.name = 'PasswordNeededError';
  }
}

const TITLE = 'Chatkeep backup needs attention';

const STORAGE_SENTENCES: Record<string, string> = {
  'disk-full':
    'The disk or cloud folder holding your backup is full. Free some space there and Chatkeep will try again.',
  'permission-denied':
    'Chatkeep is not allowed to write to your backup folder. Check the folder (or your sync app) and Chatkeep will try again.',
  'read-only':
    'Your backup folder is on a disk that cannot be written. Choose another backup folder in Chatkeep.',
  'io-error':
    'The disk holding your backup folder reported an error. Check the disk is connected and working; Chatkeep will try again.',
};

const UNREACHABLE =
  'The backup folder is not reachable: is the drive connected, is your sync app (iCloud, Dropbox, OneDrive, Google Drive) running, and is there free space? Chatkeep will try again.';

const BY_CODE: Record<string, Omit<FailureAdvice, 'code'>> = {
  WRONG_SECRET: {
    title: TITLE,
    sentence:
      'The password saved on this computer no longer opens your backup (was it changed on another computer?). Open Chatkeep and enter your backup password again.',
    retry: false,
  },
  PASSWORD_NEEDED: {
    title: TITLE,
    sentence:
      'Chatkeep needs your backup password to run the scheduled backup. Open Chatkeep and tap Back up now to enter it.',
    retry: false,
  },
  KEYCHAIN_UNAVAILABLE: {
    title: TITLE,
    sentence:
      "Chatkeep can't reach your system's keychain, where it keeps the key for scheduled backups. Open Chatkeep and tap Back up now to enter your backup password.",
    retry: false,
  },
  KEYCHAIN_LOCKED: {
    title: TITLE,
    sentence:
      'Your keychain is locked, so Chatkeep cannot read the key for scheduled backups. Unlock it (or open Chatkeep and tap Back up now) to continue.',
    retry: false,
  },
  REPO_NOT_FOUND: {
    title: 'Chatkeep backup folder not reachable',
    sentence: UNREACHABLE,
    retry: true,
  },
  STORAGE: { title: 'Chatkeep backup folder not reachable', sentence: UNREACHABLE, retry: true },
  REPO_LOCKED: {
    title: 'Chatkeep backup is busy',
    sentence:
      'Another Chatkeep task (perhaps on another computer or the command line) is using your backup folder. Chatkeep will try again when it has finished.',
    retry: true,
  },
  ROLLBACK_DETECTED: {
    title: 'Chatkeep backup was replaced by an older copy',
    sentence:
      'Your backup folder now holds an older backup than the one this computer made last, for example after a sync conflict or a restored disk. Chatkeep has stopped backing up so nothing newer is overwritten: open Chatkeep to review it.',
    retry: false,
  },
  REPO_DAMAGED: {
    title: 'Chatkeep backup is damaged',
    sentence:
      'Part of your backup folder is damaged or missing. Open Chatkeep and choose Repair: it saves what can be saved and says what cannot.',
    retry: false,
  },
  NOT_SYNCED: {
    title: 'Chatkeep backup folder is still syncing',
    sentence:
      'Some files of your backup have not reached this computer yet (they are still in the cloud). Chatkeep will try again; make sure your sync app is running and keeps the backup folder on this computer.',
    retry: true,
  },
  NOT_DOWNLOADED: {
    title: 'Chatkeep backup folder is still syncing',
    sentence:
      'Some files of your backup are only in the cloud, not on this computer. Chatkeep will try again; set the backup folder to "always keep on this device" in your sync app.',
    retry: true,
  },
  NO_KEY_FILES: {
    title: 'Chatkeep backup folder is incomplete',
    sentence:
      'The backup folder has no key files: it is still syncing to this computer, or it is not the whole backup folder. Chatkeep will try again; check your sync app.',
    retry: true,
  },
  REPO_TOO_NEW: {
    title: 'Update Chatkeep to keep backing up',
    sentence:
      'Your backup was written by a newer version of Chatkeep. Update Chatkeep on this computer to keep backing up.',
    retry: false,
  },
};

const GENERIC: Omit<FailureAdvice, 'code'> = {
  title: TITLE,
  sentence:
    "Chatkeep's recent backups did not finish. Open Chatkeep to see what went wrong; it will keep trying.",
  retry: true,
};

export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && code.length > 0 ? code : 'UNKNOWN';
}

export function adviceFor(err: unknown): FailureAdvice {
  const code = errorCode(err);
  if (code === 'STORAGE') {
    const problem = (err as { problem?: unknown }).problem;
    const sentence = typeof problem === 'string' ? STORAGE_SENTENCES[problem] : undefined;
    if (sentence) return { code, title: TITLE, sentence, retry: problem !== 'read-only' };
  }
  return { code, ...(BY_CODE[code] ?? GENERIC) };
}
