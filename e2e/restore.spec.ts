import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { screenshotPath, type RunningApp } from './app';
import {
  AppSessions,
  beginRestore,
  openSection,
  PASSWORD,
  restoreAll,
  restoreWizard,
  SLOW,
  submitSecret,
  turnOnWithPassword,
} from './fixtures/backup-flow';
import { LISBON, seedLisbonStore } from './fixtures/lisbon-chat';
import { HOLIDAY, seedVideoStore } from './fixtures/video-chat';

/** Restoring: a wrong password is refused in words; media left out come back as not included. */

const sessions = new AppSessions();
const launch = (seed?: (dataDir: string) => unknown) => sessions.launch(seed);
const wipe = (app: RunningApp) => sessions.wipe(app);

// Playwright requires an object pattern for the (unused) fixtures argument.
// eslint-disable-next-line no-empty-pattern
test.afterEach(({}, testInfo) => sessions.cleanUp(testInfo));

test('a wrong password is refused in words; the right one restores the chats chosen', async () => {
  const folder = sessions.backupFolder();
  const first = await launch(seedLisbonStore);
  await turnOnWithPassword(first, folder, PASSWORD, { screenshotPrefix: 'restore-wrong' });
  await wipe(first);

  const second = await launch();
  await beginRestore(second, folder, 'restore-wrong');
  const wizard = restoreWizard(second.page);
  await submitSecret(second.page, { password: `${PASSWORD}!` });
  await expect(wizard.getByRole('alert')).toHaveText(/^That password is not right/, SLOW);
  await second.page.screenshot({ path: screenshotPath('restore-wrong-password') });
  // Still on the password step. "Use your 64-digit key instead" clears the password's error,
  // and a key of the wrong length cannot even be sent.
  await wizard.getByRole('button', { name: 'Use your 64-digit key instead' }).click();
  await expect(wizard.getByRole('alert')).toHaveCount(0);
  await wizard.getByLabel('Recovery key (64 digits)').fill('1234 5678');
  await expect(wizard.getByText('8 of 64 digits and letters')).toBeVisible();
  await expect(wizard.getByRole('button', { name: 'Open backup' })).toBeDisabled();
  // Back to the password: what was typed there is still there.
  await wizard.getByRole('button', { name: 'Use your password instead' }).click();
  await expect(wizard.getByLabel('Backup password')).toHaveValue(`${PASSWORD}!`);
  await submitSecret(second.page, { password: PASSWORD });
  await expect(wizard.getByLabel('Backup from')).toBeVisible(SLOW);
  // Only the chats I choose: filter, tick one, restore just that one.
  await wizard.getByRole('radio', { name: 'Only the chats I choose' }).check();
  await expect(wizard.getByRole('button', { name: 'Restore 0 chats' })).toBeDisabled();
  await wizard.getByLabel('Filter chats').fill('дмит');
  const picks = wizard.getByRole('list', { name: 'Chats to restore' });
  await expect(picks.getByRole('checkbox')).toHaveCount(1);
  await picks.getByRole('checkbox', { name: /Дмитрий Иванов/ }).check();
  await second.page.screenshot({ path: screenshotPath('restore-choose-chats') });
  await wizard.getByRole('button', { name: 'Restore 1 chat' }).click();
  await expect(wizard.getByRole('heading', { name: 'Restored 1 chat' })).toBeVisible(SLOW);
  await wizard.getByRole('button', { name: 'Open chats' }).click();
  const chats = second.page.getByRole('listbox', { name: 'Chats' });
  await expect(chats.getByRole('option')).toHaveCount(1);
  await expect(chats.getByRole('option')).toContainText('Дмитрий Иванов');
  await expect(chats.getByRole('option', { name: new RegExp(LISBON.title) })).toHaveCount(0);
});

test('videos left out of the backup come back as not included; photos come back', async () => {
  const folder = sessions.backupFolder();
  const first = await launch(seedVideoStore);
  await openSection(first.page, 'Backup');
  const wizard = first.page.getByRole('region', { name: 'Turn on end-to-end encrypted backup' });
  // The estimate drops by the video's size (3 MiB of the ~3 MB) when Videos is unticked.
  const estimate = wizard.getByText(/First backup, about/);
  const videos = wizard.getByRole('checkbox', { name: 'Videos', exact: true });
  await videos.check();
  await expect(estimate).toContainText('MB');
  await videos.uncheck();
  await expect(estimate).toContainText('KB');
  await turnOnWithPassword(first, folder, PASSWORD, { screenshotPrefix: 'backup-no-videos' });
  const media = first.page.getByRole('region', { name: 'What to back up' });
  await expect(media.getByRole('checkbox', { name: 'Videos', exact: true })).not.toBeChecked();
  await expect(media.getByRole('checkbox', { name: 'Photos', exact: true })).toBeChecked();
  await wipe(first);

  const second = await launch();
  await beginRestore(second, folder, 'restore-no-videos');
  await submitSecret(second.page, { password: PASSWORD });
  await expect(restoreWizard(second.page).getByLabel('Backup from')).toBeVisible(SLOW);
  await restoreAll(second.page, 1, 'restore-no-videos');

  const { page } = second;
  await page
    .getByRole('listbox', { name: 'Chats' })
    .getByRole('option', { name: new RegExp(HOLIDAY.title) })
    .click();
  const log = page.getByTestId('messages');
  await expect(log.getByText(HOLIDAY.videoText)).toBeVisible();
  await expect(log.getByText(new RegExp(`Video not included.*${HOLIDAY.videoName}`))).toBeVisible();
  const photo = log.getByRole('img', { name: HOLIDAY.photoName });
  await expect(photo).toBeVisible();
  expect(await photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(160);
  await page.screenshot({ path: screenshotPath('restore-video-not-included') });
});

test('a damaged backup: everything readable is restored, the rest is named by chat and month', async () => {
  const folder = sessions.backupFolder();
  const first = await launch(seedLisbonStore);
  await turnOnWithPassword(first, folder, PASSWORD, { screenshotPrefix: 'restore-damaged' });
  await wipe(first);

  // Flip bytes in the middle of every pack file, as a failing disk or a bad sync would, long
  // enough ago that no sync client can still be writing them.
  const packs = readdirSync(path.join(folder, 'data'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
  expect(packs.length).toBeGreaterThan(0);
  const old = new Date(Date.now() - 3600_000);
  for (const pack of packs) {
    const bytes = readFileSync(pack);
    for (let i = bytes.length >> 1; i < Math.min(bytes.length, (bytes.length >> 1) + 64); i++) {
      bytes[i] = bytes[i]! ^ 0xff;
    }
    writeFileSync(pack, bytes);
    utimesSync(pack, old, old);
  }

  const second = await launch();
  await beginRestore(second, folder, 'restore-damaged');
  await submitSecret(second.page, { password: PASSWORD });
  const wizard = restoreWizard(second.page);
  await expect(wizard.getByLabel('Backup from')).toBeVisible(SLOW);
  await wizard.getByRole('button', { name: 'Restore 3 chats' }).click();
  // One pass: what can be read comes back, what cannot is named.
  await expect(wizard.getByRole('heading', { name: /^Restored \d+ chats?$/ })).toBeVisible(SLOW);
  await expect(
    wizard.getByText(
      'Part of the backup is damaged. Everything else was restored; this could not be:',
    ),
  ).toBeVisible();
  await second.page.screenshot({ path: screenshotPath('restore-damaged-rest') });
  const heading = (await wizard.getByRole('heading', { name: /^Restored/ }).textContent()) ?? '';
  const restored = Number(/Restored (\d+)/.exec(heading)?.[1]);
  expect(restored).toBeGreaterThan(0);
  const notRestored = wizard.getByRole('list', { name: 'Not restored' });
  if (await notRestored.count()) {
    await expect(notRestored.getByRole('listitem').first()).toContainText(/from [A-Z][a-z]+ \d{4}/);
  }
  await expect(wizard.getByRole('button', { name: 'Restore from another backup…' })).toBeVisible();
  await wizard.getByRole('button', { name: 'Open chats' }).click();
  await expect(second.page.getByRole('listbox', { name: 'Chats' }).getByRole('option')).toHaveCount(
    restored,
  );
});
