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
