import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemTimeZone } from '../node/local-time.js';
import { BackupScheduler } from './scheduler.js';
import { FakeClock } from './testing/fake-clock.js';

/** Without an injected zone the scheduler follows the computer's (TZ here, as a user's OS sets it). */
const saved = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  if (saved === undefined) delete process.env.TZ;
  else process.env.TZ = saved;
});

describe('BackupScheduler in the system time zone', () => {
  it('plans 03:30 Berlin time (01:30 UTC in summer, 02:30 UTC in winter)', async () => {
    expect(systemTimeZone()).toBe('Europe/Berlin');
    const summer = new FakeClock(Date.UTC(2026, 5, 1, 10, 0));
    const s1 = new BackupScheduler({
      clock: summer,
      runBackup: async () => {},
      loadState: () => ({ lastSuccessAt: Date.UTC(2026, 5, 1, 2, 0) }),
    });
    await s1.start();
    expect(s1.status().nextRunAt).toBe(Date.UTC(2026, 5, 2, 1, 30));

    const winter = new FakeClock(Date.UTC(2026, 11, 1, 10, 0));
    const s2 = new BackupScheduler({
      clock: winter,
      runBackup: async () => {},
      loadState: () => ({ lastSuccessAt: Date.UTC(2026, 11, 1, 3, 0) }),
    });
    await s2.start();
    expect(s2.status().nextRunAt).toBe(Date.UTC(2026, 11, 2, 2, 30));
    await Promise.all([s1.stop(), s2.stop()]);
  });
});
