import os from 'node:os';
import path from 'node:path';

/**
 * The desktop app's data directory (Electron's `userData` for the app name "Chatkeep"), so
 * the app and the CLI share one chat store without any configuration. Computed here the way
 * Electron computes it, because the CLI must never import electron.
 */
export const APP_NAME = 'Chatkeep';

export function defaultStoreDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') {
    const appData = env.APPDATA || path.win32.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, APP_NAME);
  }
  if (platform === 'darwin')
    return path.posix.join(home, 'Library', 'Application Support', APP_NAME);
  // Electron follows the XDG spec only for an absolute XDG_CONFIG_HOME; so do we.
  const xdg = env.XDG_CONFIG_HOME;
  const configHome = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.config');
  return path.posix.join(configHome, APP_NAME);
}

/**
 * Where the CLI keeps per-user state that belongs to no chat store: the newest snapshot seen
 * in each backup (rollback detection) and this installation's client id. `CHATKEEP_STATE_DIR`
 * overrides it (tests, portable setups).
 */
export function defaultStateDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.CHATKEEP_STATE_DIR) return env.CHATKEEP_STATE_DIR;
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || path.win32.join(home, 'AppData', 'Local');
    return path.win32.join(local, APP_NAME, 'cli');
  }
  if (platform === 'darwin')
    return path.posix.join(home, 'Library', 'Application Support', APP_NAME, 'cli');
  const xdg = env.XDG_STATE_HOME;
  const stateHome =
    xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'state');
  return path.posix.join(stateHome, 'chatkeep');
}

/**
 * Where the CLI keeps its verified cache of network repositories (index and snapshot files,
 * list blobs), so that an incremental backup to WebDAV, SFTP, S3 or rclone downloads almost
 * nothing. Safe to delete. `CHATKEEP_CACHE_DIR` overrides it.
 */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.CHATKEEP_CACHE_DIR) return env.CHATKEEP_CACHE_DIR;
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || path.win32.join(home, 'AppData', 'Local');
    return path.win32.join(local, APP_NAME, 'cache');
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Caches', APP_NAME);
  const xdg = env.XDG_CACHE_HOME;
  const cacheHome = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.cache');
  return path.posix.join(cacheHome, 'chatkeep');
}
