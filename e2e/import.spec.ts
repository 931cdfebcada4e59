import { expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  TEST_PASSPHRASE,
  sampleSignalDb,
  writeSignalBackup,
} from '../src/importers/fixtures/signal-backup';
import { launchApp, screenshotPath, type RunningApp } from './app';

/** The real WhatsApp iOS export shared with the project (../shared beside the checkout). */
const EXPORT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../shared/fixtures/whatsapp-export-ios/chat-export.zip',
);
const GROUP = 'WhatsApp Chat Parser Example';

let app: RunningApp;

test.beforeAll(() => {
  // The fixture is part of the project's shared folder; without it this spec proves nothing.
  expect(existsSync(EXPORT), `missing fixture ${EXPORT}`).toBe(true);
});

test.beforeEach(async () => {
  app = await launchApp();
});

test.afterEach(async () => {
  await app.close();
});

test('imports a WhatsApp export through the Import page and shows the chat with its photo', async () => {
  const { page } = app;
  await page.getByRole('button', { name: 'Import a phone backup' }).click();
  await expect(page.getByRole('heading', { name: 'Import', level: 1 })).toBeVisible();
  await page.screenshot({ path: screenshotPath('import-start') });

  await app.queuePick(EXPORT);
  await page.getByRole('button', { name: 'Choose a file…' }).click();

  const found = page.getByRole('region', { name: 'What was found' });
  await expect(found).toContainText('WhatsApp');
  await expect(found.getByTestId('preview-messages')).toHaveText('52');
  // A text export has no "me": the app asks, offering the participants.
  const owner = found.getByRole('group', { name: 'Which of these people is you?' });
  await expect(owner.getByRole('radio')).toHaveCount(3);
  await owner.getByLabel('Emily').check();
  await expect(found.getByLabel('Chat name')).toHaveValue(GROUP);
  await page.screenshot({ path: screenshotPath('import-preview') });

  await found.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(found.getByRole('status')).toContainText('Imported 52 new messages');
  await page.screenshot({ path: screenshotPath('import-done') });
  await found.getByRole('button', { name: /Open the chat/ }).click();

  const conversation = page.getByRole('region', { name: `Conversation: ${GROUP}` });
  await expect(conversation.getByRole('heading', { name: GROUP })).toBeVisible();
  const log = page.getByTestId('messages');
  const photo = log.getByRole('img', { name: '00000001-PHOTO-2019-06-20-16-00-15.jpg' });
  for (let i = 0; i < 100 && !(await photo.isVisible()); i++) {
    await log.hover();
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(30);
  }
  await expect(photo).toBeVisible();
  expect(
    await photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
  ).toBe(true);
  await page.screenshot({ path: screenshotPath('import-chat-photo') });

  // Importing the same file again adds nothing.
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: 'Import' })
    .click();
  await app.queuePick(EXPORT);
  await page.getByRole('button', { name: 'Choose a file…' }).click();
  const again = page.getByRole('region', { name: 'What was found' });
  await again.getByLabel('Emily').check();
  await again.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(again.getByRole('status')).toContainText('Nothing new');
});

test('says plainly when a file is not something it can import, naming it and what was expected', async () => {
  const { page } = app;
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: 'Import' })
    .click();
  await app.queuePick(fileURLToPath(import.meta.url));
  await page.getByRole('button', { name: 'Choose a file…' }).click();
  const alert = page.getByRole('alert');
  await expect(alert.getByRole('heading')).toHaveText('Chatkeep could not import “import.spec.ts”');
  await expect(alert).toContainText('“import.spec.ts” is not something Chatkeep can import');
  await expect(alert).toContainText('Chatkeep expected a WhatsApp “Export chat” file');
  // Its own card, apart from the drop zone and the guides (not glued to either).
  await expect(alert).toHaveClass(/\bimport-error\b/);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: screenshotPath(`import-error-${scheme}`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('button', { name: 'Choose another file' }).click();
  await expect(page.getByRole('button', { name: 'Choose a file…' })).toBeVisible();
});

test('shows, for each kind of file, how to get it from the phone, aligned to the left', async () => {
  const { page } = app;
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: 'Import' })
    .click();
  const guides = page.getByRole('region', { name: 'How to get this from your phone' });
  const expected: [string, RegExp][] = [
    ['One WhatsApp chat, from any phone', /Export chat.*Attach media/],
    [
      'Every WhatsApp chat, from an Android phone',
      /64-digit encryption key.*msgstore\.db\.crypt15/,
    ],
    ['Every WhatsApp chat, from an iPhone', /Finder.*iTunes.*Encrypt local backup/],
    ['Telegram chats, from Telegram Desktop', /Export Telegram data.*Machine-readable JSON/],
    ['Signal, from an Android phone', /Chat backups › Turn on/],
  ];
  for (const [title, steps] of expected) {
    const guide = guides.getByRole('article', { name: title });
    await expect(guide).toBeVisible();
    await expect(guide.getByRole('listitem').first()).toBeVisible();
    expect((await guide.innerText()).replace(/\s+/g, ' ')).toMatch(steps);
  }
  // Left-aligned: the drop zone's text and the guides start at the same left edge.
  const zoneText = await page.getByText('Drop a file or folder here').boundingBox();
  const zone = await page.locator('.drop-zone').boundingBox();
  expect(zoneText!.x - zone!.x).toBeLessThan(40);
  const align = await page.locator('.drop-zone').evaluate((el) => getComputedStyle(el).textAlign);
  expect(align).not.toBe('center');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: screenshotPath(`import-guidance-${scheme}`), fullPage: true });
  }
});

test('imports a Signal backup: the page says how to make one, asks for its 30-digit passphrase, then imports', async () => {
  const { page } = app;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ck-e2e-signal-'));
  try {
    const file = path.join(dir, 'signal-2024-03-10-10-00-00.backup');
    writeSignalBackup(file, sampleSignalDb());
    await page.getByRole('button', { name: 'Import a phone backup' }).click();
    // Before anything is chosen, the page tells how to make a Signal backup and where the
    // passphrase comes from.
    await expect(page.getByText(/Chat backups › Turn on/)).toBeVisible();
    await expect(page.getByText(/30-digit passphrase only then, once/)).toBeVisible();

    await app.queuePick(file);
    await page.getByRole('button', { name: 'Choose a file…' }).click();
    const found = page.getByRole('region', { name: 'What was found' });
    await expect(found).toContainText('Signal Android backup');
    const passphrase = found.getByLabel('This backup is encrypted. Enter its 30-digit passphrase');
    await passphrase.fill('12345 12345 12345');
    await expect(found.getByRole('button', { name: 'Unlock' })).toBeDisabled();
    await passphrase.fill(TEST_PASSPHRASE.replace(/(\d{5})(?=\d)/g, '$1 '));
    await found.getByRole('button', { name: 'Unlock' }).click();
    await expect(found.getByTestId('preview-chats')).toHaveText('3');
    await page.screenshot({ path: screenshotPath('import-signal-preview') });
    await found.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(found.getByRole('status')).toContainText(/Imported \d+ new messages in 3 chats/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
