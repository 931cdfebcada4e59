/**
 * How long the app-backup operations a person waits for take, and how often the scheduler
 * wakes the process. Run: `npx tsx src/app-backup/bench/app-backup.bench.ts` (inside
 * `bash src/app-backup/testing/with-keyring.sh` to include the real keychain). Prints a
 * markdown table of medians.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectDestinations, validateDestination } from '../destinations.js';
import { KeytarVault, masterKeyAccount } from '../keychain.js';
import { BackupScheduler } from '../scheduler.js';
import { BackupSettingsFile, defaultBackupSettings } from '../settings.js';
import { FakeClock } from '../testing/fake-clock.js';

const ROUNDS = 25;

async function median(fn: () => Promise<unknown>, rounds = ROUNDS): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? NaN;
}

const rows: [string, string][] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
try {
  let n = 0;
  rows.push([
    'validateDestination (new folder: mkdir, 4 KiB probe + fsync, cleanup)',
    `${(await median(() => validateDestination(path.join(tmp, 'dest', `b${n++}`)))).toFixed(2)} ms`,
  ]);

  const home = path.join(tmp, 'home');
  const cs = path.join(home, 'Library', 'CloudStorage');
  for (const d of [
    path.join(home, 'Library', 'Mobile Documents', 'com~apple~CloudDocs'),
    path.join(cs, 'GoogleDrive-a@example.com', 'My Drive'),
    path.join(cs, 'OneDrive-Personal'),
    path.join(cs, 'Dropbox'),
  ]) {
    fs.mkdirSync(d, { recursive: true });
  }
  rows.push([
    'detectDestinations (macOS home with 4 providers)',
    `${(await median(() => detectDestinations({ homedir: home, platform: 'darwin', env: {}, macVolumesDir: path.join(tmp, 'V') }))).toFixed(2)} ms`,
  ]);

  const settingsFile = new BackupSettingsFile(path.join(tmp, 'store'));
  const settings = {
    ...defaultBackupSettings(),
    destination: {
      location: { kind: 'folder' as const, path: path.join(tmp, 'dest') },
      repoId: 'bench',
    },
  };
  rows.push([
    'BackupSettingsFile.save (atomic: tmp + fsync + rename + dir fsync)',
    `${(await median(() => settingsFile.save(settings))).toFixed(2)} ms`,
  ]);
  rows.push([
    'BackupSettingsFile.load (read + zod per section)',
    `${(await median(() => settingsFile.load())).toFixed(2)} ms`,
  ]);

  // A simulated year of daily backups: how often the scheduler wakes the process. (The time
  // the simulation takes is the fake clock's own settling, not the scheduler's cost.)
  let wakeups = 0;
  await median(async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
    const counting = {
      now: () => clock.now(),
      setTimer: (ms: number, fn: () => void) => {
        return clock.setTimer(ms, () => {
          wakeups++;
          fn();
        });
      },
      clearTimer: (h: unknown) => clock.clearTimer(h),
    };
    wakeups = 0;
    const scheduler = new BackupScheduler({
      clock: counting,
      timeZone: 'Europe/Berlin',
      loadState: () => ({ lastSuccessAt: Date.UTC(2026, 0, 1, 10) }),
      runBackup: async () => ({}),
    });
    await scheduler.start();
    await clock.advance(365 * 86_400_000);
    await scheduler.stop();
  }, 5);
  rows.push(['Scheduler: timer wake-ups per day', `${(wakeups / 365).toFixed(1)}`]);

  const vault = new KeytarVault({
    service: `app.chatkeep.backup.bench-${process.pid}`,
    timeoutMs: 10_000,
  });
  const availability = await vault.available({ fresh: true });
  if (availability.ok) {
    rows.push([
      'Keychain available() probe (set + get + delete)',
      `${(await median(() => vault.available({ fresh: true }))).toFixed(2)} ms`,
    ]);
    await vault.set(masterKeyAccount('bench'), 'x'.repeat(44));
    rows.push([
      'Keychain get (master key)',
      `${(await median(() => vault.get(masterKeyAccount('bench')))).toFixed(2)} ms`,
    ]);
    await vault.delete(masterKeyAccount('bench'));
  } else {
    rows.push(['Keychain', `not measured: ${availability.reason}`]);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

console.log('| Operation | Median |');
console.log('| --- | --- |');
for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
