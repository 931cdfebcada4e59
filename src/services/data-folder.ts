import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  copyFile,
  lstat,
  mkdir,
  open,
  readFile,
  readdir,
  rm,
  rmdir,
  statfs,
} from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../app-backup/atomic-file';
import { CORRUPT_COPY_NAME, SETTINGS_FILE_NAME } from '../app-backup/settings';
import { DB_FILE } from '../store';

/**
 * Chatkeep's data folder: where it is, what in it is Chatkeep's, and moving it safely.
 *
 * The app's default data folder is Electron's `userData`, which also holds Chromium's own files
 * (caches, local storage). So Chatkeep names what is its own instead of taking the whole folder:
 * a move copies only those, and "Delete all data" removes only those. `data-folder.test.ts`
 * checks that a store that imported, backed up and saved preferences holds nothing else.
 */

/** Where a moved data folder is: a file in the default folder, which never moves. */
export const LOCATION_FILE = 'data-location.json';
export const PREFERENCES_FILE = 'app-preferences.json';
/** The folder a move creates inside the one the person picked. */
export const MOVED_FOLDER_NAME = 'Chatkeep Data';

/** Is this entry of the data folder Chatkeep's own (as opposed to Chromium's, or the person's)? */
export function isChatkeepEntry(name: string): boolean {
  return (
    name.startsWith(DB_FILE) || // the database and its -wal, -shm, -journal
    name === 'media' ||
    name === 'backup-cache' ||
    name === SETTINGS_FILE_NAME ||
    name === CORRUPT_COPY_NAME ||
    // writeFileAtomic's temporary files beside the settings file
    name.startsWith(`.${SETTINGS_FILE_NAME}.`)
  );
}

export class DataFolderError extends Error {
  constructor(
    readonly code:
      | 'DATA_MOVE_TARGET_INSIDE'
      | 'DATA_MOVE_TARGET_EXISTS'
      | 'DATA_MOVE_NO_SPACE'
      | 'DATA_MOVE_NOT_WRITABLE'
      | 'DATA_MOVE_COPY_MISMATCH'
      | 'DATA_MOVE_FAILED'
      | 'DATA_BUSY'
      | 'DATA_DELETE_NOT_CONFIRMED',
    message: string,
  ) {
    super(message);
  }
}

interface LocationDoc {
  format: 1;
  path: string;
}

/** The data folder in use: the one named in `home`'s location file, else `home` itself. */
export async function currentDataDir(home: string): Promise<string> {
  try {
    const doc = JSON.parse(await readFile(path.join(home, LOCATION_FILE), 'utf8')) as LocationDoc;
    if (doc.format === 1 && typeof doc.path === 'string' && path.isAbsolute(doc.path)) {
      return doc.path;
    }
  } catch {
    // No file (never moved) or an unreadable one: the default folder, which is never removed.
  }
  return home;
}

/** Points the app at `dir` from now on (atomically: the old or the new folder, never neither). */
export async function switchDataDir(home: string, dir: string): Promise<void> {
  if (path.resolve(dir) === path.resolve(home)) {
    await rm(path.join(home, LOCATION_FILE), { force: true });
    return;
  }
  const doc: LocationDoc = { format: 1, path: path.resolve(dir) };
  await writeFileAtomic(path.join(home, LOCATION_FILE), JSON.stringify(doc, null, 2));
}

export interface FileEntry {
  /** Relative to the data folder, with the platform's separator. */
  rel: string;
  size: number;
}

/** Every file of Chatkeep's in `dir`, with its size (symbolic links are not followed). */
export async function listDataFiles(dir: string): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const walk = async (rel: string): Promise<void> => {
    const names = await readdir(path.join(dir, rel));
    for (const name of names) {
      if (rel === '' && !isChatkeepEntry(name)) continue;
      const child = rel === '' ? name : path.join(rel, name);
      const st = await lstat(path.join(dir, child));
      if (st.isDirectory()) await walk(child);
      else if (st.isFile()) out.push({ rel: child, size: st.size });
    }
  };
  try {
    await walk('');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return out;
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface CopyProgress {
  phase: 'copy' | 'verify-copy';
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

/** Is `inner` the same folder as `outer`, or inside it? */
export function isInside(inner: string, outer: string): boolean {
  const rel = path.relative(path.resolve(outer), path.resolve(inner));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Where a move to `picked` would put the data: a new "Chatkeep Data" folder inside it (the
 * person's own files in `picked` are never mixed with Chatkeep's), or `home` itself when the
 * person moves the data back to where Chatkeep keeps it by default.
 */
export function moveTarget(picked: string, home: string): string {
  const resolved = path.resolve(picked);
  return resolved === path.resolve(home) ? resolved : path.join(resolved, MOVED_FOLDER_NAME);
}

/** Checks a move from `from` to `to` can start; throws a DataFolderError saying why not. */
export async function checkMoveTarget(from: string, to: string, bytes: number): Promise<void> {
  if (isInside(to, from) || isInside(from, to)) {
    throw new DataFolderError(
      'DATA_MOVE_TARGET_INSIDE',
      'Choose a folder outside Chatkeep’s current data folder (and not one that contains it).',
    );
  }
  const existing = await readdir(to).catch(() => [] as string[]);
  if (existing.some(isChatkeepEntry)) {
    throw new DataFolderError(
      'DATA_MOVE_TARGET_EXISTS',
      `“${path.basename(to)}” already holds Chatkeep data. Choose another folder, or move or delete that one first.`,
    );
  }
  const parent = existing.length > 0 || (await exists(to)) ? to : path.dirname(to);
  try {
    const fs = await statfs(parent);
    // 5 % or 50 MB to spare: a full disk is a bad place to keep a database.
    const needed = bytes + Math.max(50 * 1024 * 1024, bytes * 0.05);
    if (fs.bavail * fs.bsize < needed) {
      throw new DataFolderError(
        'DATA_MOVE_NO_SPACE',
        `There is not enough free space there: Chatkeep’s data needs about ${Math.ceil(needed / 1024 / 1024)} MB.`,
      );
    }
  } catch (err) {
    if (err instanceof DataFolderError) throw err;
    throw new DataFolderError(
      'DATA_MOVE_NOT_WRITABLE',
      'That folder cannot be used: it may have been disconnected. Choose another one.',
    );
  }
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Copies every Chatkeep file from `from` to `to`, each made durable (fsync), then reads both
 * sides back and compares their SHA-256. Throws (DATA_MOVE_COPY_MISMATCH, or the copy's own
 * error) without touching `from`; the caller removes the partial copy.
 */
export async function copyAndVerify(
  from: string,
  to: string,
  options: {
    signal?: AbortSignal;
    onProgress?(p: CopyProgress): void;
    /** Tests only: runs between the copy and the check, to damage the copy. */
    afterCopy?(to: string): Promise<void>;
  } = {},
): Promise<FileEntry[]> {
  const files = await listDataFiles(from);
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  const report = (phase: CopyProgress['phase'], filesDone: number, bytesDone: number) =>
    options.onProgress?.({ phase, filesDone, filesTotal: files.length, bytesDone, bytesTotal });
  try {
    await mkdir(to, { recursive: true, mode: 0o700 });
  } catch {
    throw new DataFolderError(
      'DATA_MOVE_NOT_WRITABLE',
      `Chatkeep cannot create a folder in “${path.basename(path.dirname(to))}”. Choose a folder you can write to.`,
    );
  }
  let bytesDone = 0;
  for (const [i, file] of files.entries()) {
    options.signal?.throwIfAborted();
    const target = path.join(to, file.rel);
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await copyFile(path.join(from, file.rel), target);
    const handle = await open(target, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    bytesDone += file.size;
    report('copy', i + 1, bytesDone);
  }
  await options.afterCopy?.(to);
  bytesDone = 0;
  for (const [i, file] of files.entries()) {
    options.signal?.throwIfAborted();
    const [a, b] = await Promise.all([
      hashFile(path.join(from, file.rel)),
      hashFile(path.join(to, file.rel)).catch(() => ''),
    ]);
    if (a !== b) {
      throw new DataFolderError(
        'DATA_MOVE_COPY_MISMATCH',
        'The copy did not match the original (the disk may be failing or full), so Chatkeep kept your data where it was.',
      );
    }
    bytesDone += file.size;
    report('verify-copy', i + 1, bytesDone);
  }
  return files;
}

/**
 * Removes Chatkeep's own entries from `dir` (never anything else), then `dir` itself when it is
 * a moved folder left empty.
 */
export async function removeChatkeepEntries(dir: string, removeFolderIfEmpty: boolean) {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter(isChatkeepEntry)) {
    await rm(path.join(dir, name), { recursive: true, force: true });
  }
  if (removeFolderIfEmpty) await rmdir(dir).catch(() => {});
}
