import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ProgressReporter, throwIfCancelled } from '../core/cancel.js';
import {
  DamagedFileError,
  ImportError,
  NeedsKeyError,
  sqliteAsDamaged,
  UnknownFormatError,
  UnsupportedVersionError,
} from '../core/errors.js';
import { ingestCounted } from '../core/ingest.js';
import { MediaFolder } from '../core/media-folder.js';
import { copyReferencedMedia, type CopiedMedia } from '../core/media-copy.js';
import { withTempDir } from '../core/temp.js';
import type {
  ChatStoreLike,
  Detection,
  ImportOptions,
  ImportPreview,
  ImportResult,
  Importer,
} from '../core/types.js';
import { SQLITE_MAGIC, decryptBackup, readPrefix } from './decrypt.js';
import { parseHexKey, readKeyFile } from './key.js';
import { openMsgstoreReader, personFor, type MsgstoreReader } from './msgstore.js';

/**
 * Android WhatsApp database backups: `msgstore.db.crypt15` / `.crypt14` (with the 64-digit key or
 * the key file), a plain `msgstore.db`, or the phone's `WhatsApp` folder holding
 * `Databases/` and `Media/`.
 */

const DB_NAMES = ['msgstore.db.crypt15', 'msgstore.db.crypt14', 'msgstore.db'];

interface Located {
  file: string;
  mediaDir: string | null;
}

function readHead(file: string, n: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    const got = fs.readSync(fd, b, 0, n, 0);
    return b.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

function locate(p: string, opts: ImportOptions): Located {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return { file: p, mediaDir: opts.mediaDir ?? null };
  for (const sub of ['Databases', '.']) {
    for (const name of DB_NAMES) {
      const f = path.join(p, sub, name);
      if (fs.existsSync(f)) {
        const media = path.join(p, 'Media');
        return { file: f, mediaDir: opts.mediaDir ?? (fs.existsSync(media) ? media : null) };
      }
    }
  }
  throw new UnknownFormatError(`No msgstore.db(.crypt14/.crypt15) in ${p}`);
}

function isSqlite(file: string): boolean {
  return readHead(file, 16).equals(SQLITE_MAGIC);
}

function refuseCrypt12(file: string): void {
  if (/\.crypt12$/i.test(file)) {
    throw new UnsupportedVersionError(
      'crypt12 backups (WhatsApp before 2021) are not supported; make a new backup on the phone (crypt15)',
    );
  }
}

function rootKey(opts: ImportOptions): Buffer | null {
  if (opts.key) return parseHexKey(opts.key);
  if (opts.keyFile) return readKeyFile(opts.keyFile);
  return null;
}

function openDb(file: string): { db: Database.Database; reader: MsgstoreReader } {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new DamagedFileError(`The message database cannot be opened (${(e as Error).message})`, {
      cause: e,
    });
  }
  try {
    const reader = openMsgstoreReader(db);
    if (!reader) throw new UnknownFormatError('This SQLite database is not a WhatsApp msgstore.db');
    return { db, reader };
  } catch (e) {
    db.close();
    if (e instanceof ImportError) throw e;
    throw new DamagedFileError(`The message database is damaged (${(e as Error).message})`, {
      cause: e,
    });
  }
}

export function readContactNames(waDb: string | undefined): Map<string, string> {
  const names = new Map<string, string>();
  if (!waDb) return names;
  let db: Database.Database;
  try {
    db = new Database(waDb, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new DamagedFileError(`wa.db cannot be opened (${(e as Error).message})`, { cause: e });
  }
  try {
    const cols = new Set(
      (db.prepare("PRAGMA table_info('wa_contacts')").all() as { name: string }[]).map(
        (c) => c.name,
      ),
    );
    if (!cols.has('jid')) throw new UnknownFormatError(`${waDb} has no wa_contacts table`);
    const pick = ['display_name', 'wa_name'].filter((c) => cols.has(c));
    const expr = pick.length > 0 ? `COALESCE(${pick.join(', ')})` : 'NULL';
    for (const r of db
      .prepare(`SELECT jid, ${expr} AS name FROM wa_contacts`)
      .iterate() as IterableIterator<{
      jid: string;
      name: string | null;
    }>) {
      if (r.jid && r.name) names.set(r.jid, r.name);
    }
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new DamagedFileError(`wa.db is damaged (${(e as Error).message})`, { cause: e });
  } finally {
    db.close();
  }
  return names;
}

/** Decrypts when needed; returns the plain database path (the input itself when not encrypted). */
async function plainDatabase(
  loc: Located,
  opts: ImportOptions,
  tmp: string,
  progress: ProgressReporter,
): Promise<string> {
  if (path.basename(loc.file).toLowerCase().endsWith('.crypt12')) {
    throw new UnsupportedVersionError(
      'crypt12 backups are not supported; use a crypt14 or crypt15 backup',
    );
  }
  if (isSqlite(loc.file)) return loc.file;
  readPrefix(loc.file); // typed errors for non-backups before asking for a key
  const key = rootKey(opts);
  if (!key) {
    throw new NeedsKeyError(
      'This WhatsApp backup is encrypted: give the 64-digit key (or the encrypted_backup.key file)',
    );
  }
  const out = path.join(tmp, 'msgstore.db');
  progress.phase('decrypting', fs.statSync(loc.file).size);
  await decryptBackup(loc.file, key, out, {
    signal: opts.signal,
    onBytes: (n) => progress.tick(0, n),
  });
  return out;
}

/** Whether the database names any media file (the warning about a missing folder needs one). */
function hasMediaRefs(reader: MsgstoreReader): boolean {
  const refs = reader.mediaRefs();
  try {
    return refs.next().done !== true;
  } finally {
    // Closes the statement's cursor, which would otherwise keep the connection busy.
    refs.return(undefined);
  }
}

export const whatsappCryptImporter: Importer = {
  id: 'whatsapp-crypt',

  async detect(p: string): Promise<Detection | null> {
    let loc: Located;
    try {
      loc = locate(p, {});
      if (!fs.statSync(loc.file).isFile()) return null;
    } catch {
      return null;
    }
    const variant = loc.file === p ? 'file' : 'folder';
    if (/\.crypt12$/i.test(loc.file)) {
      return {
        format: 'whatsapp-crypt',
        variant: 'crypt12',
        description: 'WhatsApp Android backup (crypt12)',
      };
    }
    if (isSqlite(loc.file)) {
      try {
        const { db } = openDb(loc.file);
        db.close();
      } catch {
        return null;
      }
      return {
        format: 'whatsapp-crypt',
        variant: `plain-${variant}`,
        description: 'WhatsApp Android msgstore.db',
      };
    }
    try {
      const prefix = readPrefix(loc.file);
      return {
        format: 'whatsapp-crypt',
        variant: `${prefix.version}-${variant}`,
        description: `WhatsApp Android backup (${prefix.version})`,
      };
    } catch {
      return null;
    }
  },

  async inspect(p: string, opts: ImportOptions = {}): Promise<ImportPreview> {
    const loc = locate(p, opts);
    refuseCrypt12(loc.file);
    const needsKey = !isSqlite(loc.file) && !opts.key && !opts.keyFile;
    if (needsKey) {
      readPrefix(loc.file);
      return {
        format: 'whatsapp-crypt',
        chats: [],
        messages: 0,
        media: { count: 0, included: 0, bytes: 0 },
        dateRange: null,
        participants: [],
        suggestedOwner: null,
        needs: { owner: false, key: true },
        warnings: ['The backup is encrypted: its contents show once the key is given'],
      };
    }
    const progress = new ProgressReporter(opts);
    return withTempDir(async (tmp) => {
      const file = await plainDatabase(loc, opts, tmp, progress);
      const names = readContactNames(opts.waDbPath);
      const { db, reader } = openDb(file);
      try {
        return describe(reader);
      } catch (e) {
        throw sqliteAsDamaged(e, 'The message database');
      } finally {
        db.close();
      }

      function describe(reader: MsgstoreReader): ImportPreview {
        const folder = loc.mediaDir ? new MediaFolder(loc.mediaDir) : null;
        let count = 0;
        let included = 0;
        let bytes = 0;
        for (const ref of reader.mediaRefs()) {
          count++;
          const found = folder?.resolve(ref.path, ref.name);
          if (found) {
            included++;
            bytes += fs.statSync(found).size;
          }
        }
        const chats = reader.chats().map((c) => ({
          key: c.jid,
          title: c.subject ?? personFor(c.jid, names).displayName,
          type: c.jid.endsWith('@g.us') ? ('group' as const) : ('direct' as const),
          messages: reader.countChat(c),
        }));
        return {
          format: 'whatsapp-crypt',
          chats,
          messages: chats.reduce((n, c) => n + c.messages, 0),
          media: { count, included, bytes },
          dateRange: reader.timeRange(),
          participants: chats.filter((c) => c.type === 'direct').map((c) => c.title),
          suggestedOwner: null,
          needs: { owner: false, key: false },
          warnings:
            loc.mediaDir || count === 0
              ? []
              : ['No media folder given: attachments are recorded without their files'],
        };
      }
    });
  },

  async import(p: string, store: ChatStoreLike, opts: ImportOptions = {}): Promise<ImportResult> {
    const loc = locate(p, opts);
    const progress = new ProgressReporter(opts);
    return withTempDir(async (tmp) => {
      const file = await plainDatabase(loc, opts, tmp, progress);
      throwIfCancelled(opts.signal);
      const names = readContactNames(opts.waDbPath);
      const { db, reader } = openDb(file);
      try {
        return await importFrom(reader);
      } catch (e) {
        throw sqliteAsDamaged(e, 'The message database');
      } finally {
        db.close();
      }

      async function importFrom(reader: MsgstoreReader): Promise<ImportResult> {
        // Media first, so the bundles can carry their hashes.
        let copied: CopiedMedia = { byRow: new Map(), stored: 0, storedBytes: 0, missing: 0 };
        if (loc.mediaDir) {
          const folder = new MediaFolder(loc.mediaDir);
          copied = await copyReferencedMedia(
            store,
            reader.mediaRefs(),
            (ref) => {
              const found = folder.resolve(ref.path, ref.name);
              if (!found) return null;
              const base = path.basename(found);
              return { file: found, name: ref.name ?? base, sniffName: base };
            },
            progress,
            opts.signal,
          );
        }
        const { byRow: media, stored, storedBytes, missing } = copied;
        const total = reader.countMessages();
        progress.phase('messages', total);
        const {
          ingest,
          messages: count,
          chats,
        } = await ingestCounted(
          store,
          (onMessage) => reader.bundles({ names, media, onMessage }),
          progress,
          opts.signal,
          'The message database',
        );
        progress.done();
        return {
          format: 'whatsapp-crypt',
          chats,
          messages: count,
          media: { stored, bytes: storedBytes, missing },
          ingest,
          warnings: [
            ...(loc.mediaDir || !hasMediaRefs(reader)
              ? []
              : ['No media folder given: attachments are recorded without their files']),
            ...(missing > 0 ? [`${missing} media file(s) were not found in the media folder`] : []),
          ],
        };
      }
    });
  },
};
