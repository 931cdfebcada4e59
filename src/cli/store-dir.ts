import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CliUsageError, StoreAccessError } from './errors.js';

/** The chat store's database file inside a store folder (see src/store). */
const DB_FILE = 'chatkeep.db';

/**
 * Checks a chat store folder before a command uses it, so that a wrong path or a folder this
 * user may not use is said in one sentence (exit 2 or 7) rather than as a database error.
 * `existing`: the store must already be there (backup, repair); otherwise it may be created
 * (restore into a new folder).
 */
export function checkStoreDir(
  dir: string,
  opts: { existing: boolean; write: boolean; option?: string },
): string {
  const option = opts.option ?? '--store';
  const resolved = path.resolve(dir);
  let st;
  try {
    st = statSync(resolved, { throwIfNoEntry: false });
  } catch (err) {
    throw new StoreAccessError(resolved, (err as NodeJS.ErrnoException).code ?? 'EACCES');
  }
  if (!st) {
    if (opts.existing)
      throw new CliUsageError(`There is no chat store at ${resolved} (pass ${option} DIR).`);
    return resolved;
  }
  if (!st.isDirectory())
    throw new CliUsageError(`${option} ${dir} is a file, not a chat store folder.`);
  try {
    accessSync(resolved, constants.R_OK | constants.X_OK | (opts.write ? constants.W_OK : 0));
  } catch (err) {
    throw new StoreAccessError(resolved, (err as NodeJS.ErrnoException).code ?? 'EACCES');
  }
  if (opts.existing && !existsSync(path.join(resolved, DB_FILE))) {
    throw new CliUsageError(
      `${resolved} is not a chat store (there is no ${DB_FILE} in it): pass ${option} with ` +
        "your chat store's folder.",
    );
  }
  return resolved;
}
