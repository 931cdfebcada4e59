import { expect, test } from '@playwright/test';
import { screenshotPath, type RunningApp } from './app';
import {
  AppSessions,
  NEW_PASSWORD,
  PASSWORD,
  restoreAll,
  SLOW,
  turnOnWithPassword,
  beginRestore,
  restoreWizard,
  submitSecret,
} from './fixtures/backup-flow';
import { LISBON, seedLisbonStore } from './fixtures/lisbon-chat';

/**
 * Key epochs as a person meets them: after a password change the app says plainly what copies
 * of the old key file in the cloud can still open, and "Re-encrypt everything" (with the
 * current password, showing its progress) writes the backup again with the new key; the backup
 * still restores afterwards.
 */

const CHAT_TITLES = [LISBON.title, 'Дмитрий Иванов', '王美'];

const sessions = new AppSessions();
const launch = (seed?: (dataDir: string) => unknown) => sessions.launch(seed);

// Playwright requires an object pattern for the (unused) fixtures argument.
// eslint-disable-next-line no-empty-pattern
test.afterEach(({}, testInfo) => sessions.cleanUp(testInfo));

async function changePassword(app: RunningApp): Promise<void> {
  const { page } = app;
  await page.getByRole('button', { name: 'Change password…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change the backup password' });
  await dialog.getByLabel('Current password').fill(PASSWORD);
  await dialog.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await dialog.getByLabel('Type the new password again').fill(NEW_PASSWORD);
  await dialog.getByRole('button', { name: 'Change password' }).click();
  await expect(dialog).toBeHidden(SLOW);
}

test('after a password change, re-encrypting everything asks for the password, shows progress, and the backup restores', async () => {
  const folder = sessions.backupFolder();
  const first = await launch(seedLisbonStore);
  await turnOnWithPassword(first, folder, PASSWORD, { screenshotPrefix: 'backup-reencrypt' });
  const { page } = first;
  await changePassword(first);
  await expect(
    page.getByText(/^Password changed\. Backups from now on use a new key/),
  ).toBeVisible();
  await expect(
    page.getByText(/version history, trash\) can still open the backups made before/),
  ).toBeVisible();

  await page.getByRole('button', { name: 'Re-encrypt everything…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Re-encrypt everything' });
  await expect(dialog).toContainText('copies of the old key file');
  // The old password is refused in words; nothing starts.
  await dialog.getByLabel('Current password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Re-encrypt' }).click();
  await expect(dialog.getByText('That password is not right')).toBeVisible(SLOW);
  await dialog.getByLabel('Current password').fill(NEW_PASSWORD);
  await page.screenshot({ path: screenshotPath('backup-reencrypt-dialog') });
  await dialog.getByRole('button', { name: 'Re-encrypt' }).click();
  await expect(dialog.getByText(/^✓ Your (whole )?backup/)).toBeVisible(SLOW);
  await page.screenshot({ path: screenshotPath('backup-reencrypt-done') });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await sessions.wipe(first);

  const second = await launch();
  await beginRestore(second, folder, 'reencrypt-restore');
  const wizard = restoreWizard(second.page);
  await submitSecret(second.page, { password: NEW_PASSWORD });
  await expect(wizard.getByLabel('Backup from')).toBeVisible(SLOW);
  await restoreAll(second.page, CHAT_TITLES.length, 'reencrypt-restore');
  const chats = second.page.getByRole('listbox', { name: 'Chats' });
  for (const title of CHAT_TITLES) {
    await expect(chats.getByRole('option', { name: new RegExp(title) })).toBeVisible();
  }
});
