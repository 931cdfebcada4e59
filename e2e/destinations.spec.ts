import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SETTINGS_FILE_NAME } from '../src/app-backup/settings';
import {
  missingBinary,
  RCLONE,
  SSHD,
  startRcloneWebdav,
  startSshd,
  type TestServer,
} from '../src/backup/backend/testing/servers';
import { screenshotPath } from './app';
import {
  AppSessions,
  openSection,
  PASSWORD,
  restoreAll,
  restoreWizard,
  SLOW,
  submitSecret,
} from './fixtures/backup-flow';
import { seedLisbonStore } from './fixtures/lisbon-chat';

/**
 * A backup on a Nextcloud-like WebDAV server, set up in the app as a person would: the
 * "Nextcloud or WebDAV" form, Test connection with a wrong password (said in plain words), then
 * the right one, the first backup, and a restore from the server on a new computer. The server
 * is a real `rclone serve webdav` on 127.0.0.1 with a random port, user and password.
 */

const sessions = new AppSessions();
let dav: TestServer | null = null;

// Playwright requires an object pattern for the (unused) fixtures argument.
// eslint-disable-next-line no-empty-pattern
test.afterEach(async ({}, testInfo) => {
  await sessions.cleanUp(testInfo);
  await dav?.stop();
  dav = null;
});

/**
 * Light and dark screenshots of the page as it is now, scrolled to `focus` (the page scrolls
 * inside its main area, so a full-page shot would not reach below the fold).
 */
async function shoot(page: Page, name: string, focus?: Locator): Promise<void> {
  await focus?.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath(name) });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: screenshotPath(`${name}-dark`) });
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Chooses "Nextcloud or WebDAV" and fills its form (the caller presses Test connection). */
async function fillWebdav(scope: Locator, server: TestServer, password: string): Promise<void> {
  if (server.location.kind !== 'webdav') throw new Error('a WebDAV server was expected');
  await scope.getByRole('radio', { name: /^Nextcloud or WebDAV/ }).check();
  await scope.getByLabel('Server address').fill(server.location.url);
  await scope.getByLabel('User name').fill(server.location.user ?? '');
  await scope.getByLabel('Password', { exact: true }).fill(password);
}

test('backs up to a WebDAV server set up in the app, and restores from it on a new computer', async () => {
  const skip = missingBinary(RCLONE, 'rclone');
  test.skip(
    skip !== null,
    `Needs rclone to serve WebDAV; .ci/run installs it (Debian package rclone): ${skip}`,
  );
  dav = await startRcloneWebdav();
  const password = dav.credentials.password ?? '';

  const first = await sessions.launch(seedLisbonStore);
  const { page } = first;
  await openSection(page, 'Backup');
  const wizard = page.getByRole('region', { name: 'Turn on end-to-end encrypted backup' });
  await expect(wizard).toBeVisible();

  // A wrong password: refused by the server, said in words; Continue stays off.
  await fillWebdav(wizard, dav, 'not the server password');
  const testButton = wizard.getByRole('button', { name: 'Test connection' });
  await testButton.click();
  await expect(wizard.getByRole('alert')).toHaveText(
    /The server did not accept the user name and password/,
    SLOW,
  );
  await expect(wizard.getByRole('button', { name: 'Continue' })).toBeDisabled();
  await shoot(page, 'destinations-webdav-wrong-password', wizard.getByRole('alert'));

  // The right one: a test file is written, read back and deleted on the server.
  await wizard.getByLabel('Password', { exact: true }).fill(password);
  await expect(wizard.getByRole('alert')).toHaveCount(0);
  await testButton.click();
  await expect(wizard.getByRole('status').filter({ hasText: /^✅/ })).toHaveText(
    /Connected to WebDAV on 127\.0\.0\.1:\d+\/repo: a test file was written, read back and deleted\./,
    SLOW,
  );
  await shoot(
    page,
    'destinations-webdav-connected',
    wizard.getByRole('button', { name: 'Continue' }),
  );
  // Changing a field after the test asks for a new test.
  await wizard.getByLabel('User name').fill('someone-else');
  await expect(wizard.getByRole('button', { name: 'Continue' })).toBeDisabled();
  await wizard
    .getByLabel('User name')
    .fill(dav.location.kind === 'webdav' ? (dav.location.user ?? '') : '');
  await testButton.click();
  await expect(wizard.getByRole('status').filter({ hasText: /Connected to WebDAV/ })).toBeVisible(
    SLOW,
  );
  await wizard.getByRole('button', { name: 'Continue' }).click();

  // Protection, as for a folder: a password (no recovery key, to keep the test short).
  await expect(wizard.getByText(/^Saving to WebDAV on 127\.0\.0\.1/)).toBeVisible();
  await wizard.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await wizard.getByLabel('Type the password again').fill(PASSWORD);
  await wizard.getByRole('checkbox', { name: /Also make a 64-digit recovery key/ }).uncheck();
  await wizard.getByRole('button', { name: 'Turn on backup' }).click();
  await expect(page.getByText(/^Backups are on\. Backed up 3 chats/)).toBeVisible(SLOW);
  await expect(page.getByRole('heading', { name: 'Backups are on' })).toBeVisible();
  await shoot(page, 'destinations-webdav-status');

  // The settings file names the server, never its password (that is in the keychain).
  const settings = readFileSync(path.join(first.dataDir, SETTINGS_FILE_NAME), 'utf8');
  expect(settings).toContain('"kind": "webdav"');
  expect(settings).not.toContain(password);
  await sessions.wipe(first);

  // A new computer: the restore wizard opens the same server with the same form.
  const second = await sessions.launch();
  const p2 = second.page;
  await openSection(p2, 'Chats');
  await p2.getByRole('button', { name: 'Restore from a Chatkeep backup' }).click();
  await p2.getByRole('button', { name: 'Restore from a Chatkeep backup…' }).click();
  const restore = restoreWizard(p2);
  await fillWebdav(restore, dav, password);
  await restore.getByRole('button', { name: 'Test connection' }).click();
  await expect(restore.getByRole('status').filter({ hasText: /Connected to WebDAV/ })).toBeVisible(
    SLOW,
  );
  await shoot(p2, 'destinations-restore-webdav', restore.getByRole('button', { name: 'Continue' }));
  await restore.getByRole('button', { name: 'Continue' }).click();
  await expect(restore.getByText(/Chatkeep backup found in/)).toContainText(
    /WebDAV on 127\.0\.0\.1/,
    SLOW,
  );
  await submitSecret(p2, { password: PASSWORD });
  await expect(restore.getByLabel('Backup from')).toBeVisible(SLOW);
  await restoreAll(p2, 3, 'destinations-restore');
  const chats = p2.getByRole('listbox', { name: 'Chats' });
  await expect(chats.getByRole('option')).toHaveCount(3);

  // "Keep backing up" was ticked: this computer now backs up to the same server.
  await openSection(p2, 'Backup');
  await expect(p2.getByRole('heading', { name: 'Backups are on' })).toBeVisible(SLOW);
  await expect(p2.getByText(/WebDAV on 127\.0\.0\.1/).first()).toBeVisible();
});

test('an SSH server met for the first time shows its fingerprint to confirm before anything is sent', async () => {
  const skip = missingBinary(SSHD, 'openssh-server');
  test.skip(
    skip !== null,
    `Needs OpenSSH's sshd as the SFTP server; .ci/run installs it (openssh-server): ${skip}`,
  );
  const sshd = await startSshd();
  dav = sshd;
  const keyDir = mkdtempSync(path.join(os.tmpdir(), 'ck-e2e-key-'));
  const keyFile = path.join(keyDir, 'id_ed25519');
  writeFileSync(keyFile, sshd.userKey, { mode: 0o600 });
  try {
    const app = await sessions.launch(seedLisbonStore);
    const { page } = app;
    await openSection(page, 'Backup');
    const wizard = page.getByRole('region', { name: 'Turn on end-to-end encrypted backup' });
    if (sshd.location.kind !== 'sftp') throw new Error('an SFTP server was expected');
    await wizard.getByRole('radio', { name: /^NAS or server \(SFTP\)/ }).check();
    await wizard.getByRole('textbox', { name: 'Server', exact: true }).fill(sshd.location.host);
    await wizard
      .getByRole('textbox', { name: 'Port', exact: true })
      .fill(String(sshd.location.port));
    await wizard.getByLabel('User name').fill(sshd.location.user ?? '');
    await wizard.getByLabel('Folder on the server').fill(sshd.location.path);
    await wizard.getByRole('radio', { name: 'An SSH key file' }).check();
    await app.queuePick(keyFile);
    await wizard.getByRole('button', { name: 'Choose your key file…' }).click();
    await expect(wizard.getByText('id_ed25519', { exact: true })).toBeVisible();

    await wizard.getByRole('button', { name: 'Test connection' }).click();
    const alert = wizard.getByRole('alert');
    await expect(alert).toContainText(/has not connected to 127\.0\.0\.1 before/, SLOW);
    await expect(alert.getByText(sshd.fingerprint, { exact: true })).toBeVisible();
    await expect(wizard.getByRole('button', { name: 'Continue' })).toBeDisabled();
    const trust = wizard.getByRole('button', {
      name: 'The fingerprint matches: trust this server',
    });
    await shoot(page, 'destinations-sftp-fingerprint', trust);
    await trust.click();
    await expect(
      wizard.getByRole('status').filter({ hasText: /Connected to SFTP on/ }),
    ).toBeVisible(SLOW);
    await expect(wizard.getByRole('button', { name: 'Continue' })).toBeEnabled();
  } finally {
    rmSync(keyDir, { recursive: true, force: true });
  }
});
