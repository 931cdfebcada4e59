import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchApp, makeDataDir, screenshotPath, type RunningApp } from './app';
import { LISBON, seedLisbonStore } from './fixtures/lisbon-chat';

/**
 * "Export…" in the app: from a chat's menu, and for several chats chosen in the list. The real
 * export worker writes into a new folder inside the one "picked" in the OS dialog; the dialog
 * shows progress, then "Show in folder".
 */

let app: RunningApp;
let destination: string;

test.beforeEach(async () => {
  const dataDir = makeDataDir();
  seedLisbonStore(dataDir);
  destination = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-e2e-export-'));
  app = await launchApp({ dataDir });
});

test.afterEach(async () => {
  await app.close();
  fs.rmSync(destination, { recursive: true, force: true });
});

function exportedFolders(): string[] {
  return fs.readdirSync(destination).filter((f) => f.startsWith('Chatkeep export'));
}

test('exports one chat from its menu, and shows the folder', async () => {
  const { page } = app;
  await page
    .getByRole('listbox', { name: 'Chats' })
    .getByRole('option', { name: new RegExp(LISBON.title) })
    .click();
  const conversation = page.getByRole('region', { name: `Conversation: ${LISBON.title}` });
  await conversation.getByRole('button', { name: 'More' }).click();
  await page.getByRole('menuitem', { name: 'Export…' }).click();

  const dialog = page.getByRole('dialog', { name: `Export ${LISBON.title}` });
  await expect(dialog.getByRole('radio', { name: /Archive to read \(HTML\)/ })).toBeChecked();
  await expect(dialog.getByText(/601 messages/)).toBeVisible();
  await app.queuePick(destination);
  await dialog.getByRole('button', { name: 'Choose a folder…' }).click();
  await expect(dialog.getByText(`A new folder inside ${path.basename(destination)}`)).toBeVisible();
  await page.screenshot({ path: screenshotPath('export-dialog') });
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();

  await expect(
    dialog.getByText(/^Exported 1 chat \(601 messages and 1 media files\)/),
  ).toBeVisible();
  const [folder] = exportedFolders();
  expect(folder).toBeDefined();
  expect(fs.existsSync(path.join(destination, folder!, 'index.html'))).toBe(true);
  await dialog.getByRole('button', { name: 'Show in folder' }).click();
  if (app.bridge) {
    await expect
      .poll(() => app.bridge!.revealedPaths)
      .toEqual([path.join(destination, folder!, 'index.html')]);
  }
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
});

test('exports chats chosen in the list as WhatsApp text, for some dates', async () => {
  const { page } = app;
  await page.getByRole('button', { name: 'Choose chats to export' }).click();
  const list = page.getByRole('listbox', { name: 'Chats' });
  const options = list.getByRole('option');
  await options.nth(0).click();
  await options.nth(1).click();
  await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true');
  const bar = page.getByRole('toolbar', { name: 'Chosen chats' });
  await expect(bar.getByText('2 chats chosen')).toBeVisible();
  await page.screenshot({ path: screenshotPath('export-choose-chats') });
  await bar.getByRole('button', { name: 'Export…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Export 2 chats' });
  await dialog.getByRole('radio', { name: /Text \(WhatsApp format\)/ }).click();
  await expect(
    dialog.getByRole('checkbox', { name: 'One file, with the media inside' }),
  ).toHaveCount(0);
  await dialog.getByLabel('From', { exact: true }).fill('2024-01-15');
  await dialog.getByLabel('To', { exact: true }).fill('2024-01-15');
  await app.queuePick(destination);
  await dialog.getByRole('button', { name: 'Choose a folder…' }).click();
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(dialog.getByText(/^Exported 2 chats/)).toBeVisible();

  const [folder] = exportedFolders();
  const chats = fs.readdirSync(path.join(destination, folder!));
  expect(chats).toHaveLength(2);
  const lisbon = chats.find((c) => c === LISBON.title)!;
  const text = fs.readFileSync(
    path.join(destination, folder!, lisbon, `WhatsApp Chat - ${LISBON.title}.txt`),
    'utf8',
  );
  expect(text.split('\r\n')[0]).toMatch(/^\[2024-01-1[45], \d\d:\d\d:\d\d\] /);
  expect(text).toContain(LISBON.firstText);
});
