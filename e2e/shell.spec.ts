import { expect, test } from '@playwright/test';
import { launchApp, screenshotPath, type RunningApp } from './app';

let app: RunningApp;

test.beforeEach(async () => {
  app = await launchApp();
});

test.afterEach(async () => {
  await app.close();
});

test('opens on the empty state and reaches every section', async () => {
  const { page } = app;
  await expect(page.getByRole('heading', { name: 'No chats yet' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Import a phone backup' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Restore from a Chatkeep backup' })).toBeVisible();
  await page.screenshot({ path: screenshotPath('chats-empty') });

  const nav = page.getByRole('navigation', { name: 'Sections' });
  for (const [label, heading] of [
    ['Backup', 'Backup'],
    ['Import', 'Import'],
    ['Settings', 'Settings'],
    ['Chats', 'No chats yet'],
  ] as const) {
    await nav.getByRole('button', { name: label }).click();
    await expect(nav.getByRole('button', { name: label })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
    await page.screenshot({ path: screenshotPath(`section-${label.toLowerCase()}`) });
  }

  // The empty state's buttons lead where they say.
  await page.getByRole('button', { name: 'Import a phone backup' }).click();
  await expect(page.getByRole('heading', { name: 'Import', level: 1 })).toBeVisible();
});

test('sections are reachable from the keyboard', async () => {
  const { page } = app;
  await expect(page.getByRole('heading', { name: 'No chats yet' })).toBeVisible();
  await page.keyboard.press('Control+4');
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByTestId('app-version')).toHaveText(/^\d+\.\d+\.\d+/);
  await page.keyboard.press('Control+2');
  await expect(page.getByRole('heading', { name: 'Backup', level: 1 })).toBeVisible();
  // Tab reaches the navigation buttons and Enter activates them.
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: 'Chats' })
    .focus();
  await page.keyboard.press('Tab');
  await expect(
    page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Backup' }),
  ).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Import', level: 1 })).toBeVisible();
});

test('a malformed request gets a typed validation error and the app keeps working', async () => {
  const { page } = app;
  await expect(page.getByRole('heading', { name: 'No chats yet' })).toBeVisible();
  const replies = await page.evaluate(async () => {
    const t = window.chatkeep;
    return [
      await t.invoke('chats.list', { limit: 'lots' }),
      await t.invoke('chats.list', { limit: 10, extra: true }),
      await t.invoke('no.such.channel', {}),
      await t.invoke('messages.page', { chatId: -1 }),
    ];
  });
  expect(replies[0]).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  expect(JSON.stringify(replies[0])).toContain('limit');
  expect(replies[1]).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  expect(replies[2]).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  expect(replies[3]).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });

  // Still alive: a valid request answers and the UI still navigates.
  const ok = await page.evaluate(() => window.chatkeep.invoke('chats.list', { limit: 10 }));
  expect(ok).toMatchObject({ ok: true, value: { total: 0 } });
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('app-version')).toBeVisible();
});

test('the bridge refuses requests without its token', async () => {
  test.skip(app.mode !== 'bridge', 'Only the loopback test bridge has a token to check');
  const bridge = app.bridge!;
  // Nothing is served without the token: not the page, not its scripts, not media, not events,
  // and a token in the URL does not count (it would end up in logs and the history).
  for (const url of [
    '/',
    '/index.html',
    '/__bridge/client.js',
    `/media/${'a'.repeat(64)}`,
    '/__bridge/events',
    `/__bridge/events?token=${bridge.token}`,
    `/?token=${bridge.token}`,
  ]) {
    expect((await fetch(`${bridge.origin}${url}`)).status, url).toBe(403);
  }
  const withCookie = await fetch(`${bridge.origin}/`, {
    headers: { cookie: `${bridge.cookie.name}=${bridge.cookie.value}` },
  });
  expect(withCookie.status).toBe(200);
  expect(withCookie.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  const withHeader = await fetch(`${bridge.origin}/__bridge/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-chatkeep-token': bridge.token },
    body: JSON.stringify({ channel: 'app.getInfo', payload: {} }),
  });
  expect(await withHeader.json()).toMatchObject({ ok: true, value: { shell: 'bridge' } });
  // The page's own scripts cannot read the token: the cookie is HttpOnly.
  expect(await app.page.evaluate(() => document.cookie)).toBe('');
  const response = await fetch(`${bridge.origin}/__bridge/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-chatkeep-token': 'wrong' },
    body: JSON.stringify({ channel: 'app.getInfo', payload: {} }),
  });
  expect(response.status).toBe(403);
  const foreign = await fetch(`${bridge.origin}/__bridge/invoke`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-chatkeep-token': bridge.token,
      origin: 'http://evil.example',
    },
    body: JSON.stringify({ channel: 'app.getInfo', payload: {} }),
  });
  expect(foreign.status).toBe(403);
});
