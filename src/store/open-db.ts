import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import {
  StoreCorruptError,
  StoreNeedsMigrationError,
  StoreNotFoundError,
  StoreTooNewError,
} from './errors.js';
import { APPLICATION_ID, LATEST_VERSION, migrate, registerFunctions } from './schema.js';

export const DB_FILE = 'chatkeep.db';
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export interface OpenDbOptions {
  nativeBinding?: string;
  readonly?: boolean;
  create?: boolean;
  /** How long a write waits for another writer's lock before StoreBusyError (default 10 s). */
  busyTimeoutMs?: number;
  /**
   * A connection that reads or writes the whole store once (a backup, a restore, an export, the CLI):
   * a small page cache and no memory map, so its memory stays bounded whatever the store's
   * size (mapped pages count against the process's memory; the OS caches the file anyway).
   */
  lean?: boolean;
}

function readHeader(dbPath: string): Buffer {
  const fd = fs.openSync(dbPath, 'r');
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const n = fs.readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

function isSqliteFileError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
}

/**
 * Look at an existing file without changing a byte of it: is it a Chatkeep store, and which
 * version? Throws StoreCorruptError / StoreTooNewError.
 */
function inspect(dbPath: string, nativeBinding: string | undefined): number {
  const size = fs.statSync(dbPath).size;
  // SQLite writes the header with the first transaction; a zero-byte file is an empty database.
  if (size === 0) return 0;
  if (!readHeader(dbPath).equals(SQLITE_HEADER)) {
    throw new StoreCorruptError(dbPath, 'it is not an SQLite database');
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true, nativeBinding });
    const version = db.pragma('user_version', { simple: true }) as number;
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (version > 0 && appId !== APPLICATION_ID) {
      throw new StoreCorruptError(dbPath, "it is another application's SQLite database");
    }
    if (version === 0) {
      const tables = db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number };
      if (tables.n > 0) {
        throw new StoreCorruptError(dbPath, "it is another application's SQLite database");
      }
    }
    if (version > LATEST_VERSION) throw new StoreTooNewError(dbPath, version, LATEST_VERSION);
    return version;
  } catch (error) {
    if (isSqliteFileError(error)) {
      throw new StoreCorruptError(dbPath, 'the database file is damaged', { cause: error });
    }
    throw error;
  } finally {
    db?.close();
  }
}

function applyPragmas(
  db: Database.Database,
  readonly: boolean,
  busyTimeoutMs: number,
  lean: boolean,
): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  if (lean) {
    db.pragma('cache_size = -16384'); // 16 MiB
    db.pragma('mmap_size = 0');
  } else {
    db.pragma('cache_size = -65536'); // 64 MiB
    db.pragma('mmap_size = 268435456');
  }
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL keeps the database consistent after a crash; at worst the last
    // transactions before a power loss are rolled back.
    db.pragma('synchronous = NORMAL');
  }
}

/** Open (creating or upgrading when allowed) the database of a store directory. */
export function openDatabase(dir: string, opts: OpenDbOptions = {}): Database.Database {
  const dbPath = path.join(dir, DB_FILE);
  const readonly = opts.readonly ?? false;
  const create = (opts.create ?? true) && !readonly;
  const exists = fs.existsSync(dbPath);
  if (!exists && !create) throw new StoreNotFoundError(dbPath);

  const version = exists ? inspect(dbPath, opts.nativeBinding) : 0;
  if (readonly && version < LATEST_VERSION) {
    throw new StoreNeedsMigrationError(dbPath, version, LATEST_VERSION);
  }
  if (!exists) fs.mkdirSync(dir, { recursive: true });

  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { readonly, nativeBinding: opts.nativeBinding });
    applyPragmas(db, readonly, opts.busyTimeoutMs ?? 10_000, opts.lean ?? false);
    registerFunctions(db);
    if (!readonly) migrate(db);
    return db;
  } catch (error) {
    db?.close();
    if (isSqliteFileError(error)) {
      throw new StoreCorruptError(dbPath, 'the database file is damaged', { cause: error });
    }
    throw error;
  }
}
