import { randomBytes } from 'node:crypto';
import type fs from 'node:fs';
import {
  mkdir,
  open,
  readdir,
  readFile,
  realpath,
  rmdir,
  stat,
  statfs,
  unlink,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * Where backups can go: the synced folders of cloud apps already on this computer (iCloud Drive,
 * Google Drive for desktop, OneDrive, Dropbox), found at each app's usual place or
 * from its own configuration, and a check that a chosen folder can really hold a backup.
 *
 * Detection only looks (it never creates anything) and only reports folders that exist. The
 * places are those the apps use by default; a person who moved their folder elsewhere picks it
 * with a folder chooser instead, and validateDestination checks that choice.
 */

export type DestinationKind = 'icloud' | 'google-drive' | 'onedrive' | 'dropbox';

export interface DetectedDestination {
  kind: DestinationKind;
  /** What the settings page shows, e.g. "OneDrive – Contoso". */
  label: string;
  /** The synced folder itself. */
  root: string;
  /** The suggested backup folder inside it. */
  path: string;
  /** Free space on the disk holding it (the local disk: the cloud quota is not visible here). */
  freeBytes: number | null;
  /** Whether the suggested folder already exists. */
  exists: boolean;
  /** Whether it holds a Chatkeep backup already (made on another computer, perhaps). */
  hasBackup: boolean;
  /** How it was found, for support: "usual location" or the config file read. */
  foundBy: string;
}

export const BACKUP_FOLDER_NAME = 'Chatkeep Backup';

export interface DetectOptions {
  homedir?: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Windows drive roots to look for a Google Drive virtual drive on (default D:\ to Z:\). */
  windowsDriveRoots?: string[];
  /** Where macOS mounts volumes (older Google Drive versions mount there). */
  macVolumesDir?: string;
  /**
   * A folder whose disk does not answer within this time (a disconnected network drive can
   * block a stat for a minute) is left out rather than holding up the whole list.
   */
  probeTimeoutMs?: number;
}

interface Candidate {
  kind: DestinationKind;
  label: string;
  root: string;
  foundBy: string;
}

const USUAL = 'usual location';

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function listDir(p: string): Promise<string[]> {
  try {
    return await readdir(p);
  } catch {
    return [];
  }
}

const dropboxInfoSchema = z.record(z.string(), z.unknown());

/** Dropbox writes its folder locations to info.json: {"personal": {"path": ...}, "business": {...}}. */
export async function dropboxFoldersFromInfo(
  file: string,
): Promise<{ account: string; path: string }[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return [];
  }
  const parsed = dropboxInfoSchema.safeParse(doc);
  if (!parsed.success) return [];
  const out: { account: string; path: string }[] = [];
  for (const [account, value] of Object.entries(parsed.data)) {
    const p = (value as { path?: unknown } | null)?.path;
    if (typeof p === 'string' && p.length > 0 && path.isAbsolute(p)) out.push({ account, path: p });
  }
  return out;
}

async function candidates(
  opts: Required<Omit<DetectOptions, 'probeTimeoutMs'>>,
): Promise<Candidate[]> {
  const { platform, env } = opts;
  const home = platform === 'win32' ? (env.USERPROFILE ?? opts.homedir) : opts.homedir;
  const list: Candidate[] = [];
  const add = (kind: DestinationKind, label: string, root: string, foundBy = USUAL) =>
    list.push({ kind, label, root, foundBy });
  const cloudStorage = path.join(home, 'Library', 'CloudStorage');
  const cloudEntries = platform === 'darwin' ? await listDir(cloudStorage) : [];

  // iCloud Drive
  if (platform === 'darwin') {
    add(
      'icloud',
      'iCloud Drive',
      path.join(home, 'Library', 'Mobile Documents', 'com~apple~CloudDocs'),
    );
  }
  if (platform === 'win32') add('icloud', 'iCloud Drive', path.join(home, 'iCloudDrive'));

  // Dropbox: its own record of where the folder is comes first.
  const infoFiles =
    platform === 'win32'
      ? [env.LOCALAPPDATA, env.APPDATA]
          .filter((d): d is string => !!d)
          .map((d) => path.join(d, 'Dropbox', 'info.json'))
      : [path.join(home, '.dropbox', 'info.json')];
  for (const info of infoFiles) {
    for (const { account, path: p } of await dropboxFoldersFromInfo(info)) {
      add('dropbox', account === 'personal' ? 'Dropbox' : `Dropbox (${account})`, p, info);
    }
  }
  for (const entry of cloudEntries.filter((e) => e === 'Dropbox' || e.startsWith('Dropbox-'))) {
    const suffix = entry.slice('Dropbox-'.length);
    add('dropbox', suffix ? `Dropbox (${suffix})` : 'Dropbox', path.join(cloudStorage, entry));
  }
  add('dropbox', 'Dropbox', path.join(home, 'Dropbox'));

  // OneDrive: on Windows the client publishes its folders in the environment.
  if (platform === 'win32') {
    if (env.OneDriveCommercial)
      add('onedrive', 'OneDrive (work or school)', env.OneDriveCommercial, '%OneDriveCommercial%');
    if (env.OneDriveConsumer)
      add('onedrive', 'OneDrive', env.OneDriveConsumer, '%OneDriveConsumer%');
    if (env.OneDrive) add('onedrive', 'OneDrive', env.OneDrive, '%OneDrive%');
  }
  for (const entry of cloudEntries.filter((e) => e.startsWith('OneDrive-'))) {
    const org = entry.slice('OneDrive-'.length);
    add(
      'onedrive',
      org === 'Personal' ? 'OneDrive' : `OneDrive – ${org}`,
      path.join(cloudStorage, entry),
    );
  }
  add('onedrive', 'OneDrive', path.join(home, 'OneDrive'));

  // Google Drive for desktop: "My Drive" inside its folder or virtual drive.
  for (const entry of cloudEntries.filter((e) => e.startsWith('GoogleDrive-'))) {
    const account = entry.slice('GoogleDrive-'.length);
    add('google-drive', `Google Drive (${account})`, path.join(cloudStorage, entry, 'My Drive'));
  }
  if (platform === 'darwin')
    add('google-drive', 'Google Drive', path.join(opts.macVolumesDir, 'GoogleDrive', 'My Drive'));
  if (platform === 'win32') {
    for (const drive of opts.windowsDriveRoots) {
      add(
        'google-drive',
        `Google Drive (${drive.replace(/[\\/]+$/, '')})`,
        path.join(drive, 'My Drive'),
      );
    }
  }
  add('google-drive', 'Google Drive', path.join(home, 'Google Drive', 'My Drive'));
  add('google-drive', 'Google Drive', path.join(home, 'My Drive'));
  // The old Backup and Sync app synced to this folder directly, without "My Drive".
  add('google-drive', 'Google Drive', path.join(home, 'Google Drive'));

  return list;
}

const DEFAULT_DRIVES = 'DEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((l) => `${l}:\\`);

/** The synced folders present on this computer, best known first, each folder once. */
export async function detectDestinations(
  options: DetectOptions = {},
): Promise<DetectedDestination[]> {
  const platform = options.platform ?? process.platform;
  const opts = {
    homedir: options.homedir ?? os.homedir(),
    platform,
    env: options.env ?? process.env,
    windowsDriveRoots: options.windowsDriveRoots ?? (platform === 'win32' ? DEFAULT_DRIVES : []),
    macVolumesDir: options.macVolumesDir ?? '/Volumes',
  };
  const timeoutMs = options.probeTimeoutMs ?? 5_000;
  // Look at every candidate at once: a slow disk then costs one timeout, not one per folder.
  const list = await candidates(opts);
  const looked = await Promise.all(
    list.map((c) => withTimeout(inspect(c.root), timeoutMs, () => null).catch(() => null)),
  );
  const seen = new Set<string>();
  const found: DetectedDestination[] = [];
  const googleRoots: string[] = [];
  for (const [i, c] of list.entries()) {
    const info = looked[i];
    if (!info) continue;
    if (seen.has(info.real)) continue;
    // "~/Google Drive" itself is a fallback only when no "My Drive" inside it was found.
    if (c.kind === 'google-drive' && googleRoots.some((g) => g.startsWith(info.real + path.sep)))
      continue;
    seen.add(info.real);
    if (c.kind === 'google-drive') googleRoots.push(info.real);
    found.push({
      ...c,
      path: info.target,
      freeBytes: info.freeBytes,
      exists: info.exists,
      hasBackup: info.hasBackup,
    });
  }
  return found;
}

async function inspect(root: string): Promise<{
  real: string;
  target: string;
  freeBytes: number | null;
  exists: boolean;
  hasBackup: boolean;
} | null> {
  if (!(await isDirectory(root))) return null;
  const target = path.join(root, BACKUP_FOLDER_NAME);
  const exists = await isDirectory(target);
  return {
    real: await realpath(root).catch(() => root),
    target,
    freeBytes: await freeSpace(root),
    exists,
    hasBackup: exists && (await looksLikeChatkeepBackup(target)),
  };
}

/**
 * Whether a folder holds a Chatkeep backup: its `config` object starts with the magic `CKCF`
 * (docs/backup-format.md). A cheap look for the UI ("connect to this backup?"), not a check:
 * opening the repository verifies it.
 */
export async function looksLikeChatkeepBackup(folder: string): Promise<boolean> {
  let handle: fs.promises.FileHandle | null = null;
  try {
    handle = await open(path.join(folder, 'config'), 'r');
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.toString('latin1') === 'CKCF';
  } catch {
    return false;
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * Settles with `promise`, or with `onTimeout()` if it takes longer than `ms`. The slow
 * operation itself cannot be cancelled (file system calls run to completion in libuv's pool);
 * the caller just stops waiting for it.
 */
export function withTimeout<T, U>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => U,
): Promise<T | U> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<U>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (err) {
        reject(err);
      }
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The name the app's services use. */
export const detectSyncedFolders = detectDestinations;

/** Bytes available to this user on the disk holding `p` (or its nearest existing parent). */
export async function freeSpace(p: string): Promise<number | null> {
  const existing = await nearestExisting(path.resolve(p));
  if (existing === null) return null;
  try {
    const s = await statfs(existing);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

async function nearestExisting(p: string): Promise<string | null> {
  let current = p;
  for (;;) {
    try {
      await stat(current);
      return current;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return null;
    }
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

export type DestinationProblem =
  | 'not-absolute'
  | 'inside-store'
  | 'not-a-folder'
  | 'unreachable'
  | 'not-writable'
  | 'read-only'
  | 'disk-full'
  | 'io-error';

const PROBLEM_SENTENCES: Record<DestinationProblem, string> = {
  'not-absolute': 'Choose a full folder path (this one is relative).',
  'inside-store':
    "This folder is inside Chatkeep's own data folder (or holds it). Choose a folder elsewhere, such as your cloud drive.",
  'not-a-folder':
    'Something that is not a folder is in the way at this path. Choose another folder.',
  unreachable:
    'This folder cannot be reached. Is the drive connected, or the network or cloud drive available?',
  'not-writable':
    'Chatkeep is not allowed to write in this folder. Choose another folder or change its permissions.',
  'read-only':
    'This folder is on a disk that cannot be written to. Choose a folder on another disk.',
  'disk-full': 'The disk holding this folder is full. Free some space or choose another disk.',
  'io-error':
    'The disk holding this folder reported an error while Chatkeep tested it. Check the disk or choose another.',
};

export class DestinationError extends Error {
  readonly code = 'DESTINATION_UNUSABLE' as const;
  constructor(
    readonly problem: DestinationProblem,
    readonly folder: string,
    readonly errno?: string,
  ) {
    super(`${PROBLEM_SENTENCES[problem]} (${folder}${errno ? `: ${errno}` : ''})`);
    this.name = 'DestinationError';
  }

  /** The sentence alone, without the path and errno. */
  get sentence(): string {
    return PROBLEM_SENTENCES[this.problem];
  }
}

const ERRNO_PROBLEMS: Record<string, DestinationProblem> = {
  EACCES: 'not-writable',
  EPERM: 'not-writable',
  EROFS: 'read-only',
  ENOSPC: 'disk-full',
  EDQUOT: 'disk-full',
  ENOTDIR: 'not-a-folder',
  EEXIST: 'not-a-folder',
  ENOENT: 'unreachable',
  ENODEV: 'unreachable',
  ENXIO: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ETIMEDOUT: 'unreachable',
  EIO: 'io-error',
};

function destinationError(err: unknown, folder: string): DestinationError {
  if (err instanceof DestinationError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code ?? 'UNKNOWN';
  return new DestinationError(ERRNO_PROBLEMS[code] ?? 'io-error', folder, code);
}

export interface ValidDestination {
  path: string;
  /** True when the folder was created by this check. */
  created: boolean;
  /** True when the folder holds nothing (a fresh backup folder). */
  empty: boolean;
  /** True when it holds a Chatkeep backup already: connect to it rather than start another. */
  hasBackup: boolean;
  freeBytes: number | null;
  /** Free space is below `lowSpaceBytes`: worth a warning, not a refusal. */
  lowSpace: boolean;
}

export interface ValidateOptions {
  /** Chatkeep's own data folder: a backup inside it (or around it) is refused. */
  storeDir?: string;
  lowSpaceBytes?: number;
  /**
   * Give up (problem `unreachable`) when the disk does not answer within this time, e.g. a
   * network drive that went away. The check may still finish in the background.
   */
  timeoutMs?: number;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Checks that `folder` can hold a backup: it exists or is created, and a file can be written,
 * flushed to disk, read back and deleted there. Throws DestinationError naming the problem.
 * Folders it created are removed again when the check fails.
 */
export async function validateDestination(
  folder: string,
  options: ValidateOptions = {},
): Promise<ValidDestination> {
  if (!path.isAbsolute(folder)) throw new DestinationError('not-absolute', folder);
  const target = path.resolve(folder);
  return withTimeout(checkDestination(target, options), options.timeoutMs ?? 30_000, () => {
    throw new DestinationError('unreachable', target, 'ETIMEDOUT');
  });
}

async function checkDestination(
  target: string,
  options: ValidateOptions,
): Promise<ValidDestination> {
  if (options.storeDir) {
    const store = path.resolve(options.storeDir);
    if (isInside(target, store) || isInside(store, target))
      throw new DestinationError('inside-store', target);
  }

  const created = await makeFolders(target);
  try {
    const info = await stat(target).catch((err: unknown) => {
      throw destinationError(err, target);
    });
    if (!info.isDirectory()) throw new DestinationError('not-a-folder', target);
    await probeWrite(target);
    const entries = await readdir(target).catch((err: unknown) => {
      throw destinationError(err, target);
    });
    const freeBytes = await freeSpace(target);
    return {
      path: target,
      created: created.length > 0,
      empty: entries.length === 0,
      hasBackup: await looksLikeChatkeepBackup(target),
      freeBytes,
      lowSpace: freeBytes !== null && freeBytes < (options.lowSpaceBytes ?? 1024 ** 3),
    };
  } catch (err) {
    for (const dir of [...created].reverse()) await rmdir(dir).catch(() => {});
    throw destinationError(err, target);
  }
}

/**
 * mkdir -p, one level at a time from the nearest existing parent, returning the folders it
 * made. Node's own recursive mkdir can spin forever on some virtual file systems (/proc), and
 * we need to know what we created to undo it.
 */
async function makeFolders(target: string): Promise<string[]> {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    try {
      await stat(current);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new DestinationError('not-a-folder', target, code);
      if (code !== 'ENOENT') throw destinationError(err, target);
    }
    const parent = path.dirname(current);
    if (parent === current) throw new DestinationError('unreachable', target, 'ENOENT');
    missing.push(current);
    current = parent;
  }
  const created: string[] = [];
  for (const dir of missing.reverse()) {
    try {
      await mkdir(dir);
      created.push(dir);
    } catch (err) {
      for (const d of [...created].reverse()) await rmdir(d).catch(() => {});
      throw destinationError(err, target);
    }
  }
  return created;
}

async function probeWrite(folder: string): Promise<void> {
  const probe = path.join(folder, `.chatkeep-write-test-${randomBytes(6).toString('hex')}`);
  const data = randomBytes(4096);
  let handle: fs.promises.FileHandle | null = null;
  try {
    handle = await open(probe, 'wx', 0o600);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = null;
    const back = await readFile(probe);
    if (!back.equals(data)) throw new DestinationError('io-error', folder, 'read-back mismatch');
  } finally {
    await handle?.close().catch(() => {});
    await unlink(probe).catch(() => {});
  }
}
