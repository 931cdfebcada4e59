import type { BackupSettingsView } from '../shared/backup-types';

/**
 * The renderer is untrusted (it shows messages anyone can send). So whatever would make the
 * backup keep less, go somewhere else or stop needs the backup's password or recovery key in the
 * request, proven by opening the repository with it (BackupService.verifySecret): a compromised
 * renderer that knows neither cannot quietly undo the person's backups.
 */
export class SecretRequiredError extends Error {
  readonly code = 'SECRET_REQUIRED';
}

/** The changes to backup settings that need the secret, each with the sentence that says why. */
export type GuardedChange = 'fewer-backups-kept' | 'automatic-backups-off';

const WHY: Record<GuardedChange, string> = {
  'fewer-backups-kept': 'Keeping fewer backups removes older ones from the backup folder',
  'automatic-backups-off': 'Backing up only when you ask turns automatic backups off',
};

/**
 * Which of `changes` need the secret, compared with the settings in force: keeping fewer daily,
 * weekly or monthly backups (the next backup would forget and prune the rest) and turning the
 * schedule to manual. Keeping more, or any other setting, does not.
 */
export function guardedChanges(
  current: BackupSettingsView,
  changes: Partial<BackupSettingsView>,
): GuardedChange[] {
  const found: GuardedChange[] = [];
  const next = changes.retention;
  if (
    next &&
    (next.keepDaily < current.retention.keepDaily ||
      next.keepWeekly < current.retention.keepWeekly ||
      next.keepMonthly < current.retention.keepMonthly)
  ) {
    found.push('fewer-backups-kept');
  }
  if (changes.frequency === 'manual' && current.frequency !== 'manual') {
    found.push('automatic-backups-off');
  }
  return found;
}

/** The refusal for a request that lacked the secret, saying what it was for. */
export function secretRequired(
  why: GuardedChange | 'move-backup' | 'turn-off',
): SecretRequiredError {
  const reason =
    why === 'move-backup'
      ? 'Setting up backups again moves them away from the current backup'
      : why === 'turn-off'
        ? 'Turning backups off stops them on this computer'
        : WHY[why];
  return new SecretRequiredError(
    `${reason}: enter your backup password or recovery key to confirm it is you.`,
  );
}
