import { expect, test } from '@playwright/test';
import { launchApp, makeDataDir, screenshotPath, type RunningApp } from './app';
import { LISBON, seedLisbonStore } from './fixtures/lisbon-chat';

let app: RunningApp;

test.beforeEach(async () => {
  const dataDir = makeDataDir();
  seedLisbonStore(dataDir);
  app = await launchApp({ dataDir });
});

test.afterEach(async () => {
  await app.close();
});

test('reads a group chat: newest first, scroll back, follow a reply, see a photo', async () => {
  const { page } = app;
  const chats = page.getByRole('listbox', { name: 'Chats' });
  // Sorted by latest message: the group chat has the newest messages.
  await expect(chats.getByRole('option').first()).toContainText(LISBON.title);
  await chats.getByRole('option', { name: new RegExp(LISBON.title) }).click();

  const conversation = page.getByRole('region', { name: `Conversation: ${LISBON.title}` });
  await expect(conversation.getByRole('heading', { name: LISBON.title })).toBeVisible();
  const log = page.getByTestId('messages');
  // Opens at the newest message, with the photo near it.
  await expect(log.getByText(LISBON.replyText)).toBeVisible();
  const image = log.getByRole('img', { name: LISBON.photoName });
  await expect(image).toBeVisible();
  expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(
    320,
  );
  // Group chats name their senders.
  await expect(log.getByText('Ben Okafor').first()).toBeVisible();
  await page.screenshot({ path: screenshotPath('chat-group') });

  // Scroll back: older pages load as the top is reached (the first page holds the newest 80).
  const older = log.getByText(/Message number 4[0-4]\d about plans/);
  await expect(older).toHaveCount(0);
  await log.hover();
  // Bounded by time, not by a number of wheel turns: on a busy machine each older page takes
  // longer to arrive, and the wheel does nothing at the top until it has.
  await expect(async () => {
    await page.mouse.wheel(0, -500);
    expect(await older.count()).toBeGreaterThan(0);
  }).toPass({ timeout: 45_000, intervals: [30] });
  await expect(older.first()).toBeVisible();

  // Follow the reply to the first message of the chat, which is far outside the loaded pages.
  await log.hover();
  await expect(async () => {
    await page.mouse.wheel(0, 600);
    expect(await log.getByText(LISBON.replyText).isVisible()).toBe(true);
  }).toPass({ timeout: 45_000, intervals: [30] });
  await log
    .getByRole('button', { name: /Answering|Who is in for Lisbon/ })
    .first()
    .click();
  const first = log.locator('.bubble.highlight');
  await expect(first).toContainText(LISBON.firstText);
  await expect(first).toBeInViewport();
  await page.screenshot({ path: screenshotPath('chat-reply-followed') });
});

test('searches a word and jumps to the highlighted message', async () => {
  const { page } = app;
  await expect(page.getByRole('listbox', { name: 'Chats' })).toBeVisible();
  await page.getByLabel('Search chats and messages').fill(LISBON.rareWord);
  const results = page.getByRole('listbox', { name: 'Search results' });
  const group = results.getByRole('group', { name: `In ${LISBON.title}` });
  const hit = group.getByRole('option').first();
  await expect(hit.locator('mark')).toHaveText(LISBON.rareWord);
  await page.screenshot({ path: screenshotPath('search-results') });
  await hit.click();

  const log = page.getByTestId('messages');
  const target = log.locator('.bubble.highlight');
  await expect(target).toContainText(LISBON.rareText);
  await expect(target).toBeInViewport();
  await page.screenshot({ path: screenshotPath('search-jump') });
});

test('finds chats by name, in any script, in the same search box', async () => {
  const { page } = app;
  await page.getByLabel('Search chats and messages').fill('Дмитрий');
  const chats = page.getByRole('listbox', { name: 'Search results' }).getByRole('group', {
    name: 'Chats',
  });
  await expect(chats.getByRole('option')).toHaveCount(1);
  await expect(chats.getByRole('option')).toContainText('Дмитрий Иванов');
  await chats.getByRole('option').click();
  await expect(page.getByRole('heading', { name: 'Дмитрий Иванов' })).toBeVisible();
  await page.getByLabel('Search chats and messages').fill('nobody-like-this');
  await expect(page.getByText('No chats or messages match')).toBeVisible();
});
