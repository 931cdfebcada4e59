import { expect, test, type Locator, type Page } from '@playwright/test';
import { screenshotPath } from './app';
import {
  AppSessions,
  openRestore,
  openSection,
  PASSWORD,
  restoreWizard,
  SLOW,
  turnOnWithPassword,
} from './fixtures/backup-flow';
import { DUPLICATES, seedDuplicateMedia } from './fixtures/duplicate-media';

/**
 * One truth for sizes: the set-up wizard, the status, media and history cards and the restore
 * wizard show the same numbers for the same backup, and a file sent many times (or as a photo
 * and a sticker) is counted once.
 */

const sessions = new AppSessions();

// Playwright requires an object pattern for the (unused) fixtures argument.
// eslint-disable-next-line no-empty-pattern
test.afterEach(({}, testInfo) => sessions.cleanUp(testInfo));

/** The size shown beside a media group's bar, e.g. "1.2 MB · 2 files". */
async function groupSize(picker: Locator, label: string): Promise<string> {
  const row = picker.getByRole('listitem').filter({ hasText: label });
  return ((await row.locator('.ck-bar-value').textContent()) ?? '').trim();
}

async function shootBoth(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name) });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: screenshotPath(`${name}-dark`) });
  await page.emulateMedia({ colorScheme: 'light' });
}

test('sizes agree across the wizard, the status, media and history cards and the restore wizard', async () => {
  const folder = sessions.backupFolder();
  const app = await sessions.launch(seedDuplicateMedia);
  const { page } = app;

  // Before set-up: each file once, by content (5 photo and 4 sticker attachments).
  await openSection(page, 'Backup');
  const setup = page.getByRole('region', { name: 'Turn on end-to-end encrypted backup' });
  const setupMedia = setup.getByRole('group', { name: 'What to back up' });
  const photos = await groupSize(setupMedia, 'Photos');
  const stickers = await groupSize(setupMedia, 'Stickers and GIFs');
  expect(photos).toMatch(new RegExp(`· ${DUPLICATES.photos} files$`));
  expect(stickers).toMatch(new RegExp(`· ${DUPLICATES.stickers} file$`));
  // No folder was found on this computer, so there is no "another" to choose.
  await expect(setup.getByRole('button', { name: 'Choose a folder…' })).toBeVisible();
  await shootBoth(page, 'sizes-setup');

  await turnOnWithPassword(app, folder, PASSWORD, { screenshotPrefix: 'sizes' });

  // The status card's size is the folder's; with nothing changed since, the media card's
  // estimated next backup is that same size, and its groups are the wizard's.
  const status = page.getByRole('region', { name: /Backups are on/ });
  const backupSize = ((await status.getByTestId('backup-size').textContent()) ?? '').trim();
  const newSize = ((await status.getByTestId('backup-new').textContent()) ?? '').trim();
  expect(backupSize).toMatch(/^\d+(\.\d)? (KB|MB)$/);
  const media = page.getByRole('region', { name: 'What to back up' });
  const mediaPicker = media.getByRole('group', { name: 'Media included' });
  expect(await groupSize(mediaPicker, 'Photos')).toBe(photos);
  expect(await groupSize(mediaPicker, 'Stickers and GIFs')).toBe(stickers);
  await expect(media.getByTestId('size-estimate')).toHaveText(backupSize);
  await expect(media.getByText(/Estimated next backup/)).toBeVisible();

  // History: the row says what the backup held, in the same bytes as "New in this backup";
  // the chart ends at the backup's size, with a size axis.
  const history = page.getByRole('region', { name: 'History' });
  const row = history.getByRole('row').nth(1);
  await expect(row).toContainText(
    new RegExp(
      `First backup: [\\d,]+ messages, ${DUPLICATES.photos} photos, ${DUPLICATES.stickers} sticker or GIF, ${newSize.replace('.', '\\.')}`,
    ),
  );
  await expect(
    history.getByText(`Backup size over time: ${backupSize} after 1 backup`),
  ).toBeVisible();
  await expect(history.getByRole('img', { name: /Backup size over time/ })).toContainText('0 B');
  await status.scrollIntoViewIfNeeded();
  await shootBoth(page, 'sizes-status');
  await history.scrollIntoViewIfNeeded();
  await shootBoth(page, 'sizes-history-one-backup');

  // Back up now with nothing changed: one message, which says so; no "Added 0 B".
  await status.getByRole('button', { name: 'Back up now' }).click();
  await expect(status.getByRole('status')).toHaveText(/nothing had changed/, SLOW);
  await expect(page.getByRole('status').filter({ hasText: /^Backups are on\./ })).toHaveCount(0);
  await expect(status.getByTestId('backup-new')).toHaveText('Nothing (no changes)');
  // The folder gained only the new backup's own record: the card, the media card's estimate
  // and the chart still agree on one size.
  const sizeNow = ((await status.getByTestId('backup-size').textContent()) ?? '').trim();
  await expect(media.getByTestId('size-estimate')).toHaveText(sizeNow);
  await expect(history.getByText(`Backup size over time: ${sizeNow} after 1 backup`)).toBeVisible();
  await expect(history.getByRole('row').nth(1)).toContainText('No changes');
  await expect(history.getByText(/0 B written|Added 0 B/)).toHaveCount(0);
  await shootBoth(page, 'sizes-after-back-up-now');
  await sessions.wipe(app);

  // A new computer: the restore wizard shows the same backup size and the same groups.
  const second = await sessions.launch();
  await openRestore(second, folder, { password: PASSWORD }, 'sizes-restore');
  const wizard = restoreWizard(second.page);
  await expect(wizard.getByTestId('restore-backup-size')).toHaveText(sizeNow);
  const restoreMedia = wizard.getByRole('group', { name: 'Media to restore' });
  expect(await groupSize(restoreMedia, 'Photos')).toBe(photos);
  expect(await groupSize(restoreMedia, 'Stickers and GIFs')).toBe(stickers);
  // The dropdown holds dates only: nothing in it is cut.
  await expect(wizard.getByTestId('restore-facts')).toContainText('4 chats');
  await shootBoth(second.page, 'sizes-restore-choose');
});
