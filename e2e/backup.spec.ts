import { expect, test } from '@playwright/test';
import { cpSync } from 'node:fs';
import { launchApp, makeDataDir, screenshotPath, type RunningApp } from './app';
import {
  AppSessions,
  NEW_PASSWORD,
  openSection,
  openRestore,
  PASSWORD,
  restoreAll,
  SLOW,
  turnOnWithKey,
  turnOnWithPassword,
  beginRestore,
  restoreWizard,
  submitSecret,
} from './fixtures/backup-flow';
import { LISBON, seedLisbonStore } from './fixtures/lisbon-chat';

/**
 * Backups as a person makes them: turn on with a password or a 64-digit key, back up, lose the
 * computer (a new, empty data folder), restore from the backup folder, find the same chats.
 */

const CHAT_TITLES = [LISBON.title, 'Дмитрий Иванов', '王美'];

const sessions = new AppSessions();
const launch = (seed?: (dataDir: string) => unknown) => sessions.launch(seed);
const wipe = (app: RunningApp) => sessions.wipe(app);

// Playwright requires an object pattern for the (unused) fixtures argument.
// eslint-disable-next-line no-empty-pattern
test.afterEach(({}, testInfo) => sessions.cleanUp(testInfo));

async function expectChatsBack(app: RunningApp): Promise<void> {
  const { page } = app;
  const chats = page.getByRole('listbox', { name: 'Chats' });
  for (const title of CHAT_TITLES) {
    await expect(chats.getByRole('option', { name: new RegExp(title) })).toBeVisible();
  }
  await expect(chats.getByRole('option')).toHaveCount(CHAT_TITLES.length);
  await chats.getByRole('option', { name: new RegExp(LISBON.title) }).click();
  const log = page.getByTestId('messages');
  await expect(log.getByText(LISBON.replyText)).toBeVisible();
  await expect(log.getByRole('img', { name: LISBON.photoName })).toBeVisible();
  await page.getByLabel('Search chats and messages').fill(LISBON.rareWord);
  await expect(
    page
      .getByRole('listbox', { name: 'Search results' })
      .getByRole('group', { name: `In ${LISBON.title}` })
      .getByRole('option')
      .first(),
  ).toContainText(LISBON.rareWord);
  await page.screenshot({ path: screenshotPath('restore-chats-back') });
}

test('turns on backup with a password, and restores it on a new computer', async () => {
  const folder = sessions.backupFolder();
  const first = await launch(seedLisbonStore);
  const sawProgress = await turnOnWithPassword(first, folder, PASSWORD);
  expect(sawProgress).toBe(true);

  // The status page: history lists the first backup with its chats.
  const history = first.page.getByRole('region', { name: 'History' });
  await expect(history.getByRole('row')).toHaveCount(2);
  await expect(history.getByRole('img', { name: /Backup size over time/ })).toBeVisible();

  // Back up now: a second, incremental backup that only adds what changed.
  const status = first.page.getByRole('region', { name: /Backups are on/ });
  await status.getByRole('button', { name: 'Back up now' }).click();
  await expect(status.getByRole('status')).toHaveText(/^Backed up 3 chats/, SLOW);
  await expect(status.getByRole('button', { name: 'Back up now' })).toBeVisible();
  // Retention keeps one backup per day (the newest), so the list still holds one.
  await expect(history.getByRole('row')).toHaveCount(2);

  // Schedule: weekly, saved and shown as the next backup's frequency.
  const schedule = first.page.getByRole('region', { name: 'Schedule' });
  await schedule.getByLabel('Back up').selectOption('weekly');
  await expect(schedule.getByRole('status')).toHaveText('Saved.');
  await expect(status.getByText(/every week/)).toBeVisible();

  // Check the backup: structure and a sample of the data read back, the result in words.
  const verify = first.page.getByRole('region', { name: 'Check the backup' });
  await verify.getByRole('button', { name: 'Check backup' }).click();
  await expect(verify.getByTestId('verify-result')).toContainText(/healthy/, SLOW);
  await history.scrollIntoViewIfNeeded();
  await first.page.screenshot({ path: screenshotPath('backup-history') });
  await verify.scrollIntoViewIfNeeded();
  await first.page.screenshot({ path: screenshotPath('backup-verified') });
  await first.page.emulateMedia({ colorScheme: 'dark' });
  await status.scrollIntoViewIfNeeded();
  await first.page.screenshot({ path: screenshotPath('backup-status-dark') });
  await first.page.emulateMedia({ colorScheme: 'light' });
  await wipe(first);

  const second = await launch();
  await openRestore(second, folder, { password: PASSWORD });
  await restoreAll(second.page, CHAT_TITLES.length);
  await expectChatsBack(second);
});

test('turns on backup with a 64-digit key, and restores with the key', async () => {
  const folder = sessions.backupFolder();
  const first = await launch(seedLisbonStore);
  const { key, sawProgress } = await turnOnWithKey(first, folder);
  expect(sawProgress).toBe(true);
  await wipe(first);

  const second = await launch();
  // Typed as people copy it: groups split by spaces, in capitals.
  await openRestore(
    second,
    folder,
    { recoveryKey: key.replace(/-/g, ' ').toUpperCase() },
    'restore-key',
  );
  await restoreAll(second.page, CHAT_TITLES.length, 'restore-key');
  await expectChatsBack(second);
});

test('changes the password: the old one no longer opens the backup, the new one does', async () => {
  const folder = sessions.backupFolder();
  const first = await launch(seedLisbonStore);
  await turnOnWithPassword(first, folder, PASSWORD, { screenshotPrefix: 'backup-change' });
  const { page } = first;
  await page.getByRole('button', { name: 'Change password…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change the backup password' });
  await dialog.getByLabel('Current password').fill('not the password at all 77');
  await dialog.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await dialog.getByLabel('Type the new password again').fill(NEW_PASSWORD);
  await dialog.getByRole('button', { name: 'Change password' }).click();
  await expect(dialog.getByText('That password is not right')).toBeVisible(SLOW);
  await dialog.getByLabel('Current password').fill(PASSWORD);
  await page.screenshot({ path: screenshotPath('backup-change-password') });
  await dialog.getByRole('button', { name: 'Change password' }).click();
  await expect(dialog).toBeHidden(SLOW);
  await expect(page.getByText(/^Password changed\./)).toBeVisible();
  await wipe(first);

  const second = await launch();
  await beginRestore(second, folder, 'restore-old');
  const wizard = restoreWizard(second.page);
  await submitSecret(second.page, { password: PASSWORD });
  // The old password is refused in words, and the wizard stays on the password step.
  await expect(wizard.getByText('That password is not right')).toBeVisible(SLOW);
  await expect(wizard.getByRole('button', { name: 'Open backup' })).toBeVisible();
  await submitSecret(second.page, { password: NEW_PASSWORD });
  await expect(wizard.getByLabel('Backup from')).toBeVisible(SLOW);
  await restoreAll(second.page, CHAT_TITLES.length, 'restore-new');
  await expectChatsBack(second);
});

test('turning backups off asks first, and the backup stays restorable', async () => {
  const folder = sessions.backupFolder();
  const first = await launch(seedLisbonStore);
  await turnOnWithPassword(first, folder, PASSWORD, { screenshotPrefix: 'backup-off' });
  const { page } = first;
  await page.getByRole('button', { name: 'Turn off backups…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Turn off backups?' });
  await expect(dialog).toContainText('The existing backup stays in');
  await expect(dialog).toContainText('can still be restored with your password or recovery key');
  await page.screenshot({ path: screenshotPath('backup-turn-off-confirm') });
  // Escape cancels: nothing changed.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Backups are on' })).toBeVisible();

  await page.getByRole('button', { name: 'Turn off backups…' }).click();
  await dialog.getByLabel('Backup password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Turn off backups' }).click();
  await expect(page.getByText(/^Backups are off\. Your backup stays in/)).toBeVisible(SLOW);
  await expect(
    page.getByRole('region', { name: 'Turn on end-to-end encrypted backup' }),
  ).toBeVisible();
  await wipe(first);

  const second = await launch();
  await openRestore(second, folder, { password: PASSWORD }, 'restore-after-off');
  await restoreAll(second.page, CHAT_TITLES.length, 'restore-after-off');
  await expectChatsBack(second);
});

test('a computer without the saved key asks for the password, refuses a wrong one, then backs up', async () => {
  const folder = sessions.backupFolder();
  const first = await launch(seedLisbonStore);
  await turnOnWithPassword(first, folder, PASSWORD, { screenshotPrefix: 'backup-locked' });
  // "Forget this computer" removes the saved key from the keychain (CI has a real one) and from
  // memory. The same data folder opened again then has settings and chats, but no key.
  const forgotten = await first.page.evaluate(() =>
    window.chatkeep.invoke('backup.forgetComputer', {}),
  );
  expect(forgotten).toMatchObject({ ok: true });
  const copy = makeDataDir();
  cpSync(first.dataDir, copy, { recursive: true });
  await wipe(first);
  const second = await launchApp({ dataDir: copy });
  sessions.track(second);
  const { page } = second;
  await openSection(page, 'Backup');
  const status = page.getByRole('region', { name: 'Backups need attention' });
  await expect(status.getByRole('alert')).toContainText('Enter your backup password');
  await page.screenshot({ path: screenshotPath('backup-locked-status') });
  await status.getByRole('button', { name: 'Enter password' }).click();
  const dialog = page.getByRole('dialog', { name: 'Enter your backup password' });
  await dialog.getByLabel('Backup password').fill('definitely wrong 123');
  await dialog.getByRole('button', { name: 'Unlock' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(/^That password is not right/, SLOW);
  await dialog.getByLabel('Backup password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Unlock' }).click();
  await expect(dialog).toBeHidden(SLOW);
  const ready = page.getByRole('region', { name: 'Backups are on' });
  await ready.getByRole('button', { name: 'Back up now' }).click();
  await expect(ready.getByRole('status')).toHaveText(/^Backed up 3 chats/, SLOW);
});

test('a new recovery key is shown once, confirmed, and opens the backup', async () => {
  const folder = sessions.backupFolder();
  const first = await launch(seedLisbonStore);
  await turnOnWithPassword(first, folder, PASSWORD, { screenshotPrefix: 'backup-newkey' });
  const { page } = first;
  await page.getByRole('button', { name: 'New recovery key…' }).click();
  const dialog = page.getByRole('dialog', { name: 'New recovery key' });
  await dialog.getByLabel('Current password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Make a new key' }).click();
  const shown = dialog.getByRole('list', { name: 'Your recovery key' });
  await expect(shown.getByRole('listitem')).toHaveCount(16, SLOW);
  const key = (await shown.getAttribute('data-key')) ?? '';
  const label =
    (await dialog.locator('label', { hasText: /^Type group \d+ of your key$/ }).textContent()) ??
    '';
  const group = Number(/group (\d+)/.exec(label)?.[1]);
  await expect(dialog.getByRole('button', { name: 'Done' })).toBeDisabled();
  // Copy: main puts the key on the clipboard (the page has no clipboard permission).
  await dialog.getByRole('button', { name: 'Copy' }).click();
  await expect(dialog.getByText(/^Copied\./)).toBeVisible();
  expect((await first.clipboard()).at(-1)).toBe(key.split('-').join(' '));
  await dialog.getByLabel(label).fill(key.split('-')[group - 1]!);
  await page.screenshot({ path: screenshotPath('backup-new-key') });
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(/^Your new recovery key is ready/)).toBeVisible();
  await wipe(first);

  const second = await launch();
  await openRestore(second, folder, { recoveryKey: key }, 'restore-newkey');
  await restoreAll(second.page, CHAT_TITLES.length, 'restore-newkey');
  await expectChatsBack(second);
});

test('keeping fewer backups, or backing up only on request, asks for the password first', async () => {
  const folder = sessions.backupFolder();
  const first = await launch(seedLisbonStore);
  await turnOnWithPassword(first, folder, PASSWORD, { screenshotPrefix: 'backup-guard' });
  const { page } = first;

  // Fewer daily backups: the next backup would remove older ones, so main asks who it is.
  const history = page.getByRole('region', { name: 'History' });
  const daily = history.getByLabel('Daily backups');
  const before = await daily.inputValue();
  // Retention saves itself like the other cards, once the field is left.
  await daily.fill('2');
  await daily.press('Tab');
  const confirm = page.getByRole('dialog', { name: 'Confirm with your backup password' });
  await expect(confirm).toContainText('Keeping fewer backups removes older ones');
  await confirm.getByLabel('Backup password').fill('definitely not it 2042');
  await confirm.getByRole('button', { name: 'Confirm' }).click();
  await expect(confirm.getByRole('alert')).toHaveText(/^That password is not right/, SLOW);
  await page.screenshot({ path: screenshotPath('backup-confirm-retention') });
  await confirm.getByLabel('Backup password').fill(PASSWORD);
  await confirm.getByRole('button', { name: 'Confirm' }).click();
  await expect(confirm).toBeHidden(SLOW);
  await expect(history.getByRole('status')).toHaveText('Saved.');
  expect(before).not.toBe('2');
  const status = await page.evaluate(() => window.chatkeep.invoke('backup.status', {}));
  expect(status).toMatchObject({ ok: true, value: { settings: { retention: { keepDaily: 2 } } } });

  // Only when I tap Back up now: automatic backups would stop. Cancelled, nothing changes.
  const schedule = page.getByRole('region', { name: 'Schedule' });
  await schedule.getByLabel('Back up').selectOption('manual');
  await expect(confirm).toContainText('turns automatic backups off');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await expect(schedule.getByRole('status')).toHaveText('Not changed.');
  await expect(schedule.getByLabel('Back up')).toHaveValue('daily');

  // A request without the password, as a compromised page would send it, changes nothing.
  const refused = await page.evaluate(() => window.chatkeep.invoke('backup.turnOff', {}));
  expect(refused).toMatchObject({ ok: false, error: { code: 'SECRET_REQUIRED' } });
  await expect(page.getByRole('heading', { name: 'Backups are on' })).toBeVisible();
});
