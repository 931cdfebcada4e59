import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchApp, makeDataDir, screenshotPath, type RunningApp } from './app';
import { PASSWORD, makeBackupFolder, turnOnWithPassword } from './fixtures/backup-flow';
import { SHOWCASE, seedShowcaseStore } from './fixtures/showcase';

/**
 * Every Settings action, as a person does it: light or dark (applied at once, remembered), text
 * size, 12- or 24-hour times in a conversation, notifications, start at login, the data folder
 * (its size, Show in folder, Move data folder… with progress), the link to Backup, the licences,
 * and Delete all data with its typed confirmation.
 */

let app: RunningApp;

test.beforeEach(async () => {
  const dataDir = makeDataDir();
  seedShowcaseStore(dataDir);
  app = await launchApp({ dataDir });
});

test.afterEach(async () => {
  await app.close();
});

async function openSettings(page: Page): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: 'Settings' })
    .click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
}

const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);

test('appearance, text size and time format apply at once and are remembered', async () => {
  test.skip(app.mode !== 'bridge', 'reloads the page served by the test bridge');
  const { page } = app;
  await openSettings(page);
  const appearance = page.getByRole('region', { name: 'Appearance' });

  await page.emulateMedia({ colorScheme: 'light' });
  await appearance.getByLabel('Dark').check();
  expect(await theme(page)).toBe('dark');
  await page.screenshot({ path: screenshotPath('settings-dark') });
  await appearance.getByLabel('Light').check();
  expect(await theme(page)).toBe('light');
  await page.screenshot({ path: screenshotPath('settings-light') });
  // "Same as this computer" follows the system, live.
  await appearance.getByLabel('Same as this computer').check();
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => theme(page)).toBe('dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => theme(page)).toBe('light');

  await appearance.getByLabel('Dark').check();
  await appearance.getByLabel('Text size').selectOption('large');
  expect(await page.evaluate(() => document.documentElement.style.zoom)).toBe('1.15');
  await appearance.getByLabel(/^12-hour/).check();

  // Remembered: a new page (as after a restart) starts dark, large, with 12-hour times.
  await page.reload();
  await expect.poll(() => theme(page)).toBe('dark');
  expect(await page.evaluate(() => document.documentElement.style.zoom)).toBe('1.15');
  const list = page.getByRole('listbox', { name: 'Chats' });
  await list
    .getByRole('option', { name: new RegExp(SHOWCASE.group) })
    .first()
    .click();
  const log = page.getByTestId('messages');
  await expect(log).toHaveAttribute('data-loaded', 'true');
  await expect(log).toContainText(/\d{1,2}:\d{2}\s?(AM|PM)/);

  // 24-hour: the conversation view shows no AM or PM.
  await openSettings(page);
  await page
    .getByRole('region', { name: 'Appearance' })
    .getByLabel(/^24-hour/)
    .check();
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: 'Chats' })
    .click();
  await list
    .getByRole('option', { name: new RegExp(SHOWCASE.group) })
    .first()
    .click();
  await expect(log).toHaveAttribute('data-loaded', 'true');
  await expect(log).toContainText(/\d{1,2}:\d{2}/);
  await expect(log).not.toContainText(/\d{1,2}:\d{2}\s?(AM|PM)/);
  await page.screenshot({ path: screenshotPath('settings-24h-conversation-dark') });
});

test('notifications, start at login, the link to Backup and the licences', async () => {
  test.skip(app.mode !== 'bridge', 'reads the login item of the test bridge');
  const { page } = app;
  await openSettings(page);
  const general = page.getByRole('region', { name: 'Notifications and starting' });
  const notify = general.getByRole('checkbox', { name: /Show notifications/ });
  await expect(notify).toBeChecked();
  await notify.uncheck();
  const login = general.getByRole('checkbox', { name: /Start Chatkeep when I log in/ });
  await expect(login).not.toBeChecked();
  await login.check();
  await expect.poll(() => app.bridge!.loginItem.enabled).toBe(true);
  await page.reload();
  await openSettings(page);
  await expect(general.getByRole('checkbox', { name: /Show notifications/ })).not.toBeChecked();
  await expect(general.getByRole('checkbox', { name: /Start Chatkeep/ })).toBeChecked();

  const licences = page.getByRole('region', { name: 'Licences' });
  await licences.getByRole('button', { name: /Show the libraries/ }).click();
  const table = licences.getByRole('table', { name: 'Libraries and their licences' });
  await expect(table.getByRole('row', { name: /^react \S+ MIT$/ })).toBeVisible();
  expect(await table.getByRole('row').count()).toBeGreaterThan(50);
  await licences.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('settings-licences-light') });

  await page.getByRole('button', { name: 'Open Backup settings' }).click();
  await expect(page.getByRole('heading', { name: 'Backup', level: 1 })).toBeVisible();
});

test('shows the data folder and its size, and moves it safely with progress', async () => {
  test.skip(app.mode !== 'bridge', 'checks the bridge’s record of "Show in folder"');
  const { page } = app;
  const destination = mkdtempSync(path.join(os.tmpdir(), 'ck-e2e-move-'));
  try {
    await openSettings(page);
    const data = page.getByRole('region', { name: 'Your data on this computer' });
    await expect(data.getByTestId('data-folder-path')).toHaveText(app.dataDir);
    await expect(data.getByTestId('data-folder-size')).toHaveText(/^[\d.]+ (KB|MB) in \d+ files$/);

    await data.getByRole('button', { name: 'Show in folder' }).click();
    await expect.poll(() => app.bridge!.revealedPaths).toEqual([app.dataDir]);

    await app.queuePick(destination);
    await data.getByRole('button', { name: 'Move data folder…' }).click();
    const moved = path.join(destination, 'Chatkeep Data');
    await expect(data.getByRole('status')).toHaveText(`Your data is now in ${moved}.`, {
      timeout: 60_000,
    });
    await expect(data.getByTestId('data-folder-path')).toHaveText(moved);
    await page.screenshot({ path: screenshotPath('settings-moved-light') });
    expect(readdirSync(moved)).toEqual(expect.arrayContaining(['chatkeep.db', 'media']));
    expect(existsSync(path.join(app.dataDir, 'chatkeep.db'))).toBe(false);

    // The chats are all there, read from the new folder.
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Chats' })
      .click();
    await expect(
      page
        .getByRole('listbox', { name: 'Chats' })
        .getByRole('option', { name: new RegExp(SHOWCASE.group) }),
    ).toBeVisible();
  } finally {
    await app.close();
    // Closed here so the moved folder can go; afterEach's close is then a no-op.
    app = { ...app, close: async () => {} };
    rmSync(destination, { recursive: true, force: true });
  }
});

test('deletes all data from this computer only after the typed confirmation', async () => {
  const { page } = app;
  await openSettings(page);
  const danger = page.getByRole('region', { name: 'Delete all data from this computer' });
  await expect(danger).toContainText('Your backups are not touched');
  await danger.getByRole('button', { name: 'Delete all data…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete all data from this computer?' });
  await expect(dialog).toContainText('Backups are not touched');
  const confirm = dialog.getByRole('button', { name: 'Delete everything' });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('Type “delete” to confirm').fill('delet');
  await expect(confirm).toBeDisabled();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: screenshotPath(`settings-delete-confirm-${scheme}`) });
  }
  // Cancel changes nothing.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();

  await danger.getByRole('button', { name: 'Delete all data…' }).click();
  await dialog.getByLabel('Type “delete” to confirm').fill('delete');
  await confirm.click();
  await expect(danger.getByRole('status')).toContainText('Your backups were not touched');
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: 'Chats' })
    .click();
  await expect(page.getByRole('heading', { name: 'No chats yet' })).toBeVisible();
});

/** Every file under `dir` with its size, to show a folder is exactly as it was. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      return `${path.relative(dir, file)} ${statSync(file).size}`;
    })
    .sort();
}

test('with backups on, deleting all data leaves the backup exactly as it was', async () => {
  test.setTimeout(180_000);
  const { page } = app;
  const folder = makeBackupFolder();
  try {
    await turnOnWithPassword(app, folder, PASSWORD, { screenshotPrefix: 'settings-delete-backup' });
    const before = tree(folder);
    expect(before.length).toBeGreaterThan(3);

    await openSettings(page);
    const danger = page.getByRole('region', { name: 'Delete all data from this computer' });
    await danger.getByRole('button', { name: 'Delete all data…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete all data from this computer?' });
    // It names the backup that stays, and how to get the chats back from it.
    await expect(dialog).toContainText(`Your backup in ${folder} is not touched`);
    await expect(dialog).toContainText('restore it with your password or 64-digit key');
    await page.screenshot({ path: screenshotPath('settings-delete-with-backup-light') });
    await dialog.getByLabel('Type “delete” to confirm').fill('delete');
    await dialog.getByRole('button', { name: 'Delete everything' }).click();
    await expect(danger.getByRole('status')).toContainText('Your backups were not touched');

    expect(tree(folder)).toEqual(before);
    // This computer no longer backs up: the Backup page offers to set up or restore.
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Backup' })
      .click();
    await expect(
      page.getByRole('region', { name: 'Turn on end-to-end encrypted backup' }),
    ).toBeVisible();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
