import { mkdtempSync, rmSync } from 'node:fs';
import { afterEach } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { detectSyncedFolders, validateDestination } from '../../app-backup/destinations';
import type { TaskFinished, TaskProgress } from '../../shared/task-types';
import { createAppServices, type AppServices, type AppServicesOptions } from '../app-services';
import { dispatch } from '../dispatch';

/**
 * The app's services as the test bridge runs them, for the services tests: the real store and
 * backup workers, real folders, the system keychain (gnome-keyring in CI). Each test file keeps
 * its own list of clean-ups and runs it after each test, newest first.
 */
export type CleanupList = (() => Promise<void> | void)[];

/** The weakest Argon2id, for tests that make many key slots (never for a real backup). */
export const WEAK_KDF = { opsLimit: 1, memLimit: 8192 };

/** A clean-up list run after each test of the calling file, newest first. */
export function cleanupAfterEach(): CleanupList {
  const cleanup: CleanupList = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  return cleanup;
}

/** A fresh temporary folder, removed by the clean-ups. */
export function tempDirFor(cleanup: CleanupList, prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface TestServicesOptions extends Partial<
  Pick<AppServicesOptions, 'folders' | 'kdf' | 'now' | 'schedulerClock'>
> {
  cleanup: CleanupList;
  /** What the next "Choose…" dialogs answer, in order (the array may grow during the test). */
  picks?: string[];
  /** Platform hooks beyond the picker (reveal, confirm, clipboard). */
  platform?: Partial<AppServicesOptions['platform']>;
}

/** The services over `dataDir`; the schedule runs only with an injected scheduler clock. */
export async function startTestServices(
  dataDir: string,
  o: TestServicesOptions,
): Promise<AppServices> {
  const picks = o.picks ?? [];
  const services = await createAppServices({
    dataDir,
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
      ...o.platform,
    },
    folders: o.folders ?? {
      detect: () => detectSyncedFolders(),
      validate: (dir) => validateDestination(dir),
    },
    schedule: o.schedulerClock !== undefined,
    schedulerClock: o.schedulerClock,
    kdf: o.kdf,
    now: o.now,
  });
  o.cleanup.push(() => services.close());
  return services;
}

/** One IPC request through dispatch (validation included); a refusal throws with its code. */
export async function call<T>(
  services: AppServices,
  channel: string,
  payload: unknown,
): Promise<T> {
  const reply = await dispatch(services.handlers, channel, payload);
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  return reply.value as T;
}

/** The end of task `taskId` (subscribe before the task can end); progress on the way. */
export function finished(
  services: AppServices,
  taskId: string,
  onProgress?: (p: TaskProgress) => void,
): Promise<TaskFinished> {
  return new Promise((resolve) => {
    const off = services.bus.subscribe((event, payload) => {
      if (event === 'task.progress' && (payload as TaskProgress).taskId === taskId)
        onProgress?.(payload as TaskProgress);
      if (event === 'task.finished' && (payload as TaskFinished).taskId === taskId) {
        off();
        resolve(payload as TaskFinished);
      }
    });
  });
}
