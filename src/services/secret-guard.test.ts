import { describe, expect, it } from 'vitest';
import type { BackupSettingsView } from '../shared/backup-types';
import { guardedChanges, secretRequired } from './secret-guard';

const current: BackupSettingsView = {
  frequency: 'daily',
  timeOfDay: '02:00',
  onlyOnAcPower: false,
  mediaGroups: ['photos'],
  retention: { keepDaily: 7, keepWeekly: 4, keepMonthly: 12 },
  startAtLogin: true,
};

describe('which settings changes need the password', () => {
  it.each([
    [{ retention: { keepDaily: 6, keepWeekly: 4, keepMonthly: 12 } }, ['fewer-backups-kept']],
    [{ retention: { keepDaily: 30, keepWeekly: 4, keepMonthly: 0 } }, ['fewer-backups-kept']],
    [{ frequency: 'manual' as const }, ['automatic-backups-off']],
    [
      { frequency: 'manual' as const, retention: { keepDaily: 1, keepWeekly: 0, keepMonthly: 0 } },
      ['fewer-backups-kept', 'automatic-backups-off'],
    ],
    [{ retention: { keepDaily: 7, keepWeekly: 5, keepMonthly: 24 } }, []],
    [{ frequency: 'weekly' as const, timeOfDay: '23:00', onlyOnAcPower: true }, []],
    [{ mediaGroups: [], startAtLogin: false }, []],
  ])('%j → %j', (changes, expected) => {
    expect(guardedChanges(current, changes)).toEqual(expected);
  });

  it('leaves a schedule that is already manual alone', () => {
    expect(guardedChanges({ ...current, frequency: 'manual' }, { frequency: 'manual' })).toEqual(
      [],
    );
  });

  it('says why, and what to do', () => {
    const error = secretRequired('fewer-backups-kept');
    expect(error.code).toBe('SECRET_REQUIRED');
    expect(error.message).toMatch(/older ones.*password or recovery key/);
  });
});
