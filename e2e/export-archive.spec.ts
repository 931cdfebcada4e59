import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runExport } from '../src/export/index';
import { buildArchiveFixture, FIXTURE_ZONE, HOSTILE } from '../src/export/testing/archive-fixture';
import { ChatStore } from '../src/store/index';
import { screenshotPath } from './app';

/**
 * The exported HTML archive opened the way people open it: from the disk (`file://`) in
 * Chromium, with the network off. It must look like Chatkeep's conversation view, follow a reply
 * to the quoted message on another month's page, show a poll and a photo, find a word with the
 * search box, and never trip its Content Security Policy or run anything it did not bring.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let dir: string;
let folder: string;
let single: string;
let browser: Browser;

test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-e2e-archive-'));
  buildArchiveFixture(path.join(dir, 'store'));
  const store = ChatStore.open(path.join(dir, 'store'), { readonly: true });
  try {
    folder = path.join(dir, 'archive');
    await runExport(store, folder, {
      format: 'html',
      chats: 'all',
      timeZone: FIXTURE_ZONE,
      locale: 'en-GB',
    });
    single = path.join(dir, 'single');
    await runExport(store, single, {
      format: 'html',
      chats: 'all',
      timeZone: FIXTURE_ZONE,
      locale: 'en-GB',
      singleFile: true,
    });
  } finally {
    store.close();
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});

test.afterAll(async () => {
  await browser.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A page with the network cut off, failing the test on any error, CSP report or request out. */
async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    offline: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file://') && !r.url().startsWith('data:'))
      problems.push(`request: ${r.url()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`a dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  return { page, problems };
}

const url = (file: string) => pathToFileURL(file).href;

test('the archive from file://: a reply, a poll, a photo and search', async () => {
  const { page, problems } = await openPage();
  await page.goto(url(path.join(folder, 'index.html')));
  await expect(page.getByRole('heading', { name: 'Chatkeep archive' })).toBeVisible();
  await expect(page.locator('.chat-card')).toHaveCount(2);
  await page.screenshot({ path: screenshotPath('export-archive-index') });

  // Into the group chat, then its June page.
  await page.getByRole('link', { name: new RegExp(HOSTILE.title.replace(/[<>&/]/g, '.')) }).click();
  await expect(page.getByRole('heading', { name: HOSTILE.title })).toBeVisible();
  await page.getByRole('link', { name: /June 2024/ }).click();
  const messages = page.getByRole('log', { name: 'Messages' });

  // Hostile text stays text: nothing ran (no dialog), no injected image, the words are shown.
  await expect(messages.getByText(HOSTILE.img, { exact: false })).toBeVisible();
  expect(await page.locator('img[src="x"]').count()).toBe(0);

  // A poll with its options and votes.
  const poll = messages.locator('.poll');
  await expect(poll.locator('.poll-question')).toHaveText('Picnic day?');
  await expect(poll.locator('.poll-option-text')).toHaveText(['Saturday <b>', 'Sunday']);
  await expect(poll.locator('.poll-total')).toHaveText('3 votes');

  // A photo, loaded from the media folder beside the pages.
  const photo = messages.locator('.media-tile img');
  await expect(photo).toBeVisible();
  expect(await photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(
    64,
  );
  await page.screenshot({ path: screenshotPath('export-archive-month'), fullPage: true });

  // The reply quotes May's message; following it opens May's page at that message.
  const quote = messages.locator('a.quote');
  await expect(quote).toContainText('Where shall we meet?');
  await quote.click();
  await expect(page).toHaveURL(/2024-05\.html#m\d+$/);
  const target = page.locator('.msg:target');
  await expect(target).toContainText('Where shall we meet? The picnic is at the lake');
  await expect(target).toBeInViewport();

  // Search from the bar: finds the word in the other chat, and the result opens it.
  await page.getByRole('searchbox', { name: 'Search messages' }).first().fill('zeppelin');
  await page.getByRole('button', { name: 'Search' }).first().click();
  await expect(page).toHaveURL(/search\.html#q=zeppelin/);
  const status = page.locator('.search-status');
  await expect(status).toHaveText('1 message found.');
  const hit = page.locator('.search-hit');
  await expect(hit).toContainText('Did you see the zeppelin?');
  await expect(hit.locator('mark')).toHaveText('zeppelin');
  await page.screenshot({ path: screenshotPath('export-archive-search') });
  await hit.getByRole('link').click();
  await expect(page.locator('.msg:target')).toContainText('Did you see the zeppelin?');

  // Accents and case fold as in the app; every word must match.
  await page.goto(url(path.join(folder, 'search.html')) + '#q=MUGGELSEE');
  await expect(page.locator('.search-status')).toHaveText('1 message found.');
  await page
    .getByRole('searchbox', { name: 'Search messages' })
    .last()
    .fill('lake nothing-like-this');
  await expect(page.locator('.search-status')).toHaveText('No messages found.');
  expect(problems).toEqual([]);
});

test('the single-file archive: one chat at a time, media inside, search inside', async () => {
  const { page, problems } = await openPage();
  expect(fs.readdirSync(single)).toEqual(['index.html']);
  await page.goto(url(path.join(single, 'index.html')));
  await expect(page.locator('.chat-section').first()).toBeHidden();
  await page.getByRole('link', { name: new RegExp(HOSTILE.title.replace(/[<>&/]/g, '.')) }).click();
  const section = page.locator('.chat-section:target');
  await expect(section.locator('.poll-question')).toHaveText('Picnic day?');
  const photo = section.locator('.media-tile img');
  await photo.scrollIntoViewIfNeeded();
  await expect(photo).toBeVisible();
  expect(await photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(
    64,
  );
  await page.screenshot({ path: screenshotPath('export-archive-single') });
  await page.getByRole('link', { name: 'Chatkeep archive' }).click();
  await page.getByRole('searchbox', { name: 'Search messages' }).last().fill('blanket');
  await page.getByRole('button', { name: 'Search' }).last().click();
  await expect(page.locator('.search-status')).toHaveText('1 message found.');
  await page.locator('.search-hit a').click();
  await expect(page.locator('.msg:target')).toContainText('Bring the blue blanket');
  expect(problems).toEqual([]);
});
