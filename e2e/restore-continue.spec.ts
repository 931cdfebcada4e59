import { expect, test, type Page } from '@playwright/test';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { screenshotPath, type RunningApp } from './app';
import {
  AppSessions,
  beginRestore,
  chooseFolder,
  openSection,
  PASSWORD,
  restoreWizard,
  SLOW,
  submitSecret,
  turnOnWithPassword,
} from './fixtures/backup-flow';
import { seedLisbonStore } from './fixtures/lisbon-chat';
import { HOLIDAY, seedVideoStore } from './fixtures/video-chat';

/**
 * After a restore, protection goes on: the wizard checks the folder before any password, the
 * restore ends with "Keep backing up to this folder" ticked, and the next backup runs with no
 * set-up and adds only what changed. Then the "do you still remember your password?" reminder
 * on an injected clock.
 */

const sessions = new AppSessions();
const DAY_MS = 24 * 60 * 60 * 1000;

// Playwright requires an object pattern for the (unused) fixtures argument.
// eslint-disable-next-line no-empty-pattern
test.afterEach(({}, testInfo) => sessions.cleanUp(testInfo));

function folderBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(path.join(e.parentPath, e.name)).size, 0);
}

/** Light and dark screenshots of the page as it is now. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name) });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: screenshotPath(`${name}-dark`) });
  await page.emulateMedia({ colorScheme: 'light' });
}

/** From the Chats empty state to the restore wizard's folder step. */
async function openWizard(app: RunningApp): Promise<void> {
  await openSection(app.page, 'Chats');
  await app.page.getByRole('button', { name: 'Restore from a Chatkeep backup' }).click();
  await app.page.getByRole('button', { name: 'Restore from a Chatkeep backup…' }).click();
}

test('the wizard rejects a folder without a backup before any password field is shown', async () => {
  const notABackup = sessions.backupFolder();
  writeFileSync(path.join(notABackup, 'holiday.jpg'), 'a photo, not a backup');
  const empty = sessions.backupFolder();
  const app = await sessions.launch();
  await openWizard(app);
  const wizard = restoreWizard(app.page);

  await chooseFolder(app, notABackup);
  await wizard.getByRole('button', { name: 'Continue' }).click();
  await expect(wizard.getByRole('alert')).toHaveText(/^This folder has no Chatkeep backup\./);
  await expect(wizard.getByLabel('Backup password')).toHaveCount(0);
  await expect(wizard.getByLabel('Recovery key (64 digits)')).toHaveCount(0);
  await shoot(app.page, 'restore-not-a-backup');

  // Another folder: the old error goes as soon as a folder is chosen; an empty one says so.
  await chooseFolder(app, empty);
  await expect(wizard.getByRole('alert')).toHaveCount(0);
  await wizard.getByRole('button', { name: 'Continue' }).click();
  await expect(wizard.getByRole('alert')).toHaveText(/^This folder is empty/);
  await expect(wizard.getByLabel('Backup password')).toHaveCount(0);
});

test('restore on a new computer, keep backing up: the next backup needs no set-up and adds little', async () => {
  const folder = sessions.backupFolder();
  const first = await sessions.launch(seedVideoStore);
  await turnOnWithPassword(first, folder, PASSWORD, {
    include: ['Videos'],
    screenshotPrefix: 'keep-backing-up',
  });
  const firstBytes = folderBytes(folder);
  expect(firstBytes).toBeGreaterThan(HOLIDAY.videoBytes);
  // The lost laptop's keychain does not come to the new computer.
  const forgotten = await first.page.evaluate(() =>
    window.chatkeep.invoke('backup.forgetComputer', {}),
  );
  expect(forgotten).toMatchObject({ ok: true });
  await sessions.wipe(first);

  const second = await sessions.launch();
  // (beginRestore's own shot is the page offering a restore, named for what it shows.)
  await beginRestore(second, folder, 'keep-backing-up-restore');
  const wizard = restoreWizard(second.page);
  await expect(
    wizard.getByText('It opens with its password or its 64-digit recovery key.'),
  ).toBeVisible();
  await shoot(second.page, 'restore-backup-found');
  await submitSecret(second.page, { password: PASSWORD });
  await expect(wizard.getByLabel('Backup from')).toBeVisible(SLOW);
  await wizard.getByRole('button', { name: 'Restore 1 chat' }).click();
  await expect(wizard.getByRole('heading', { name: 'Restored 1 chat' })).toBeVisible(SLOW);
  const keep = wizard.getByRole('checkbox', {
    name: 'Keep backing up to this folder with the same password',
  });
  await expect(keep).toBeChecked();
  await shoot(second.page, 'restore-keep-backing-up');
  // The offer itself, in view: "Keep backing up to this folder", ticked.
  await keep.scrollIntoViewIfNeeded();
  await shoot(second.page, 'keep-backing-up-offer');
  await wizard.getByRole('button', { name: 'Close' }).click();

  // Backups are on: no set-up wizard, the status card, no password asked.
  const page = second.page;
  await expect(page.getByText(/^Backups are on again: this computer keeps backing up/)).toBeVisible(
    SLOW,
  );
  await expect(
    page.getByRole('region', { name: 'Turn on end-to-end encrypted backup' }),
  ).toHaveCount(0);
  const status = page.getByRole('region', { name: 'Backups are on' });
  await expect(status.getByTestId('protection')).toHaveText('Password and 64-digit key');
  await expect(status.getByTestId('last-backup')).not.toHaveText('None yet');
  // The restored backup was made elsewhere: how long it took is not known, so nothing is said.
  await expect(status.getByTestId('last-backup')).not.toContainText('took');
  // The backup held videos: they stay included, so later backups keep them.
  await expect(
    page
      .getByRole('region', { name: 'What to back up' })
      .getByRole('checkbox', { name: 'Videos', exact: true }),
  ).toBeChecked();
  await shoot(page, 'keep-backing-up-status');

  const before = folderBytes(folder);
  await status.getByRole('button', { name: 'Back up now' }).click();
  await expect(status.getByRole('status')).toHaveText(/^Backed up 1 chat and 2 messages/, SLOW);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  const added = folderBytes(folder) - before;
  test.info().annotations.push({
    type: 'bytes',
    description: `first backup ${firstBytes} B, next backup added ${added} B`,
  });
  expect(added).toBeGreaterThan(0);
  expect(added).toBeLessThan(firstBytes * 0.1);
});

test('the password reminder comes when due; a wrong answer says so and changes nothing', async () => {
  const clock = { now: Date.now() };
  const app = await sessions.launch(seedLisbonStore, { now: () => clock.now });
  test.skip(app.mode !== 'bridge', 'the test clock is injected through the test bridge only');
  const folder = sessions.backupFolder();
  await turnOnWithPassword(app, folder, PASSWORD, { screenshotPrefix: 'reminder' });
  const { page } = app;
  const card = page.getByTestId('password-check');
  await expect(card.getByRole('heading')).toHaveText('Password check');
  await expect(card.getByRole('button', { name: 'Verify now' })).toBeVisible();
  const backups = app.bridge!.services.backups;

  // Fifteen days on: the reminder is due.
  clock.now += 15 * DAY_MS;
  await openSection(page, 'Chats');
  await openSection(page, 'Backup');
  await expect(card.getByRole('heading')).toHaveText('Do you still remember your backup password?');
  await shoot(page, 'reminder-due');
  const due = (await backups.status()).secretCheck;
  expect(due.due).toBe(true);

  await card.getByLabel('Your backup password').fill(`${PASSWORD} nope`);
  await card.getByRole('button', { name: 'Check' }).click();
  await expect(card.getByRole('alert')).toHaveText(
    /^That is not the password of this backup\. Nothing was changed/,
    SLOW,
  );
  expect((await backups.status()).secretCheck).toEqual(due);
  await shoot(page, 'reminder-wrong');

  // The key link clears the error; back to the password, what was typed is still there.
  await card.getByRole('button', { name: 'Use your 64-digit key instead' }).click();
  await expect(card.getByRole('alert')).toHaveCount(0);
  await card.getByRole('button', { name: 'Use your password instead' }).click();
  await expect(card.getByLabel('Your backup password')).toHaveValue(`${PASSWORD} nope`);

  await card.getByLabel('Your backup password').fill(PASSWORD);
  await card.getByRole('button', { name: 'Check' }).click();
  await expect(card.getByRole('status')).toHaveText(
    /^That is right\. Chatkeep will ask again/,
    SLOW,
  );
  await expect(card.getByRole('heading')).toHaveText('Password check');
  const after = (await backups.status()).secretCheck;
  expect(after.due).toBe(false);
  expect(after.nextDueAt).toBe(clock.now + 14 * DAY_MS);

  // Due again later: "Not now" is fine, and the reminder goes away until its next date.
  clock.now += 15 * DAY_MS;
  await openSection(page, 'Chats');
  await openSection(page, 'Backup');
  await card.getByRole('button', { name: 'Not now' }).click();
  await expect(card.getByRole('heading')).toHaveText('Password check');
  expect((await backups.status()).secretCheck.due).toBe(false);
});
