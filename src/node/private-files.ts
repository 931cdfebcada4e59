import { chmod, mkdir, stat } from 'node:fs/promises';

/**
 * Years of private conversations should not be readable by other accounts on the computer. The
 * app and the CLI call this first thing, so every file and folder they create (the chat store,
 * its SQLite files and media, backup settings, temporary files, a restored store, a new backup
 * folder) is the user's own: 0600 files, 0700 folders. No effect on Windows, where new files
 * inherit the folder's owner-only ACL from the user profile.
 */
export function restrictNewFilesToOwner(): void {
  if (process.platform !== 'win32') process.umask(0o077);
}

/**
 * Makes the app's own data folder 0700, creating it if needed. A folder made by an older version
 * (0755) is tightened too; nothing is changed on a folder this user does not own.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = await stat(dir);
  const mine = typeof process.getuid !== 'function' || st.uid === process.getuid();
  if (mine && (st.mode & 0o077) !== 0) await chmod(dir, st.mode & 0o700);
}
