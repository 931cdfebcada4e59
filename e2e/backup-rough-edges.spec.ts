import { expect, test, type Page } from '@playwright/test';
import { screenshotPath } from './app';
import {
  AppSessions,
  chooseFolder,
  openSection,
  PASSWORD,
  NEW_PASSWORD,
  SLOW,
  turnOnWithPassword,
} from './fixtures/backup-flow';
import { seedLisbonStore } from './fixtures/lisbon-chat';

/**
 * The small things a person meets on the way (issue 11, point 5): rules said before they are
 * broken, a way to see the password, hints that do not look like success before anything is
 * typed, errors beside the field they are about, settings that save themselves and say so
 * briefly.
 */

const sessions = new AppSessions();

// Playwright requires an object pattern for the (unused) fixtures argument.
// eslint-disable-next-line no-empty-pattern
test.afterEach(({}, testInfo) => sessions.cleanUp(testInfo));

async function shootBoth(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name) });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: screenshotPath(`${name}-dark`) });
  await page.emulateMedia({ colorScheme: 'light' });
}

test('the set-up wizard says its rules first, shows the password on request, and stays neutral until typed', async () => {
  const folder = sessions.backupFolder();
  const app = await sessions.launch(seedLisbonStore);
  const { page } = app;
  await openSection(page, 'Backup');
  const wizard = page.getByRole('region', { name: 'Turn on end-to-end encrypted backup' });
  // Step labels are words in a line, with the current one marked for assistive technology.
  await expect(wizard.getByRole('list', { name: 'Steps' }).getByRole('listitem')).toHaveCount(3);
  await expect(wizard.locator('[aria-current="step"]')).toHaveText('1. Where');
  await expect(wizard.getByRole('tab')).toHaveCount(0);
  await chooseFolder(app, folder);
  // A hand-picked folder gets the free-space check, in its card.
  await expect(wizard.getByText(/ free$/)).toBeVisible();
  await expect(wizard.getByRole('button', { name: 'Choose another folder…' })).toBeVisible();
  await wizard.getByRole('button', { name: 'Continue' }).click();

  // The rule, before typing.
  await expect(wizard.getByText(/It must reach “Strong” on this meter/)).toBeVisible();
  const password = wizard.getByLabel('Password', { exact: true });
  const repeat = wizard.getByLabel('Type the password again');
  await expect(password).toHaveAttribute('type', 'password');
  // The key check's hint is an instruction, not a success, until something is typed.
  const hint = wizard.getByText('Type the four characters of that group to show you have the key.');
  await expect(hint).toBeVisible();
  await expect(hint).not.toHaveClass(/ck-ok/);
  await password.scrollIntoViewIfNeeded();
  await shootBoth(page, 'rough-setup-rule-before-typing');

  await password.fill(PASSWORD);
  await repeat.fill(PASSWORD);
  await wizard.getByRole('checkbox', { name: 'Show passwords' }).check();
  await expect(password).toHaveAttribute('type', 'text');
  await expect(repeat).toHaveAttribute('type', 'text');
  await expect(password).toHaveValue(PASSWORD);
  await expect(wizard.getByText(/It must reach “Strong”/)).toHaveCount(0);
  await shootBoth(page, 'rough-setup-show-password');
  await wizard.getByRole('checkbox', { name: 'Show passwords' }).uncheck();
  await expect(password).toHaveAttribute('type', 'password');
});

test('the change-password error stands by its field, and Retention saves itself with a short "Saved."', async () => {
  const folder = sessions.backupFolder();
  const app = await sessions.launch(seedLisbonStore);
  await turnOnWithPassword(app, folder, PASSWORD, { screenshotPrefix: 'rough' });
  const { page } = app;

  await page.getByRole('button', { name: 'Change password…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change the backup password' });
  const current = dialog.getByLabel('Current password');
  await current.fill('not the password at all 77');
  await dialog.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await dialog.getByLabel('Type the new password again').fill(NEW_PASSWORD);
  await dialog.getByRole('button', { name: 'Change password' }).click();
  // The error is the current password field's own description, right under it.
  await expect(current).toHaveAttribute('aria-invalid', 'true', SLOW);
  await expect(current).toHaveAccessibleDescription(/^That password is not right/);
  await shootBoth(page, 'rough-change-password-error');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // Retention: no Save button; leaving the field saves; "Saved." then goes away.
  const history = page.getByRole('region', { name: 'History' });
  await expect(history.getByRole('button', { name: 'Save' })).toHaveCount(0);
  const weekly = history.getByLabel('Weekly backups');
  await weekly.fill('6');
  await weekly.press('Tab');
  await expect(history.getByRole('status')).toHaveText('Saved.');
  await history.scrollIntoViewIfNeeded();
  await shootBoth(page, 'rough-retention-saved');
  await expect(history.getByRole('status')).toHaveText('', { timeout: 10_000 });
  const status = await page.evaluate(() => window.chatkeep.invoke('backup.status', {}));
  expect(status).toMatchObject({ ok: true, value: { settings: { retention: { keepWeekly: 6 } } } });
});
