import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * better-sqlite3 is built against Node for the tests and the CLI. When the app runs from a
 * checkout (`npm start`), scripts/electron-native.mjs keeps a second build for Electron's ABI
 * here, so both work from one node_modules. Packaged apps are rebuilt for Electron by
 * electron-builder and need nothing.
 */
export function electronSqliteBinding(appPath: string, isPackaged: boolean): string | undefined {
  if (isPackaged) return undefined;
  const candidate = path.join(appPath, '.electron-native', 'better_sqlite3.node');
  return existsSync(candidate) ? candidate : undefined;
}
