import fs from 'node:fs';
import path from 'node:path';

/**
 * Running the CLI as the unprivileged user `nobody` (setpriv), for tests of permissions: these
 * tests run as root, and root ignores file modes.
 */
export const isRoot = process.getuid?.() === 0;
export const hasSetpriv = fs.existsSync('/usr/bin/setpriv');
export const NOBODY = 65534;
export const AS_NOBODY = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];

/** Folders above the checkout that `nobody` was given leave to pass through, and their modes. */
const opened: { dir: string; mode: number }[] = [];

/**
 * `nobody` must be able to reach `file` (the CLI in this checkout). A checkout in a private
 * folder (a `mktemp -d` clone is mode 0700) would stop it at the door: let others traverse
 * (x only, no listing) exactly the ancestors that forbid it, and put them back after.
 */
export function letNobodyReach(file: string): void {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      fs.chmodSync(dir, mode | 0o001);
      opened.push({ dir, mode });
    }
    if (path.dirname(dir) === dir) break;
  }
}

export function restoreReachModes(): void {
  for (const { dir, mode } of opened.reverse()) fs.chmodSync(dir, mode);
  opened.length = 0;
}
