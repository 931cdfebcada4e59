import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { detectSyncedFolders, validateDestination } from '../app-backup/destinations';
import type { Events } from '../shared/ipc/contract';
import { createAppServices, type AppServices } from './app-services';
import { dispatch } from './dispatch';

/** The shared, real WhatsApp iOS export (see /work/shared/fixtures). */
const EXPORT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/fixtures/whatsapp-export-ios/chat-export.zip',
);

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(picks: string[]): Promise<AppServices> {
  const services = await createAppServices({
    dataDir: tempDir('ck-imp-data-'),
    info: {
      name: 'Chatkeep',
      version: '0.0.0-test',
      platform: process.platform,
      shell: 'bridge',
      mediaBaseUrl: '/media/',
    },
    platform: {
      openExternal: async () => {},
      pickPath: async () => picks.shift() ?? null,
      saveText: async () => true,
    },
    folders: { detect: () => detectSyncedFolders(), validate: (dir) => validateDestination(dir) },
    schedule: false,
  });
  cleanup.push(() => services.close());
  return services;
}

async function inspect(services: AppServices) {
  const grant = await dispatch(services.handlers, 'files.pick', { purpose: 'import-file' });
  if (!grant.ok || !grant.value) throw new Error('no grant');
  const { grantId } = grant.value as { grantId: string };
  return { grantId, reply: await dispatch(services.handlers, 'import.inspect', { grantId }) };
}

describe('the Import page’s inspection', () => {
  it('names the file and what was expected when it is not something Chatkeep imports', async () => {
    const dir = tempDir('ck-imp-bad-');
    const file = path.join(dir, 'holiday-notes.pdf');
    fs.writeFileSync(file, '%PDF-1.4 not a chat at all\n'.repeat(20));
    const services = await start([file]);
    const { reply } = await inspect(services);
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('UNKNOWN_FORMAT');
    expect(reply.error.message).toContain(
      '“holiday-notes.pdf” is not something Chatkeep can import',
    );
    expect(reply.error.message).toMatch(/expected a WhatsApp “Export chat” file/);
    // The folder it came from is not repeated back: the name is what the person knows.
    expect(reply.error.message).not.toContain(dir);
  });

  it('says an empty file may not have finished copying, by its name', async () => {
    const dir = tempDir('ck-imp-empty-');
    const file = path.join(dir, 'msgstore.db.crypt15');
    fs.writeFileSync(file, '');
    const services = await start([file]);
    const { reply } = await inspect(services);
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('EMPTY_FILE');
    expect(reply.error.message).toMatch(/^“msgstore\.db\.crypt15” is empty/);
  });

  it('reports how far it has read the file while making the preview', async () => {
    const services = await start([EXPORT]);
    const seen: Events['import.reading'][] = [];
    services.bus.subscribe((event, payload) => {
      if (event === 'import.reading') seen.push(payload as Events['import.reading']);
    });
    const { grantId, reply } = await inspect(services);
    expect(reply.ok).toBe(true);
    expect(seen[0]).toEqual({ grantId, bytesDone: 0, bytesTotal: fs.statSync(EXPORT).size });
    // Then the chat text's own bytes, as the worker inflates it.
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((r) => r.grantId === grantId && r.bytesDone <= r.bytesTotal)).toBe(true);
  });
});
