import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ProgressReporter } from '../core/cancel.js';
import {
  DamagedFileError,
  ImportError,
  UnknownFormatError,
  UnsupportedVersionError,
  sqliteAsDamaged,
} from '../core/errors.js';
import { ingestCounted } from '../core/ingest.js';
import { MediaFolder } from '../core/media-folder.js';
import { copyReferencedMedia } from '../core/media-copy.js';
import type {
  ChatStoreLike,
  Detection,
  ImportOptions,
  ImportPreview,
  ImportResult,
  Importer,
} from '../core/types.js';
import { SQLITE_MAGIC } from '../whatsapp-crypt/decrypt.js';
import { personFor } from '../whatsapp-crypt/msgstore.js';
import { ChatStorageReader, isChatStorage } from './chatstorage.js';

/**
 * WhatsApp iOS: `ChatStorage.sqlite` itself, the shared app-group folder holding it (with
 * `Message/Media`), or an unencrypted Finder/iTunes backup folder, where files are stored under
 * `<2 hex>/<sha1>` and found through `Manifest.db`.
 */

export const WHATSAPP_DOMAIN = 'AppDomainGroup-group.net.whatsapp.WhatsApp.shared';

interface Located {
  variant: 'sqlite' | 'folder' | 'backup';
  dbFile: string;
  resolveMedia: (localPath: string) => string | null;
  close: () => void;
}

function isSqliteFile(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const b = Buffer.alloc(16);
      fs.readSync(fd, b, 0, 16, 0);
      return b.equals(SQLITE_MAGIC);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

function backupFile(root: string, fileId: string): string | null {
  for (const p of [path.join(root, fileId.slice(0, 2), fileId), path.join(root, fileId)]) {
    if (fs.existsSync(p)) return p;
  }
  return null;
}

function locate(p: string, opts: ImportOptions): Located {
  const st = fs.statSync(p);
  if (st.isFile()) {
    const folder = opts.mediaDir ? new MediaFolder(opts.mediaDir) : null;
    return {
      variant: 'sqlite',
      dbFile: p,
      resolveMedia: (lp) => folder?.resolve(lp, null) ?? null,
      close: () => undefined,
    };
  }
  const manifest = path.join(p, 'Manifest.db');
  if (fs.existsSync(manifest)) {
    if (!isSqliteFile(manifest)) {
      throw new UnsupportedVersionError(
        'This iPhone backup is encrypted; make an unencrypted Finder/iTunes backup to import WhatsApp from it',
      );
    }
    let m: Database.Database;
    try {
      m = new Database(manifest, { readonly: true, fileMustExist: true });
    } catch (e) {
      throw new DamagedFileError(`Manifest.db cannot be opened (${(e as Error).message})`, {
        cause: e,
      });
    }
    try {
      const lookup = m.prepare('SELECT fileID FROM Files WHERE domain = ? AND relativePath = ?');
      const row = lookup.get(WHATSAPP_DOMAIN, 'ChatStorage.sqlite') as
        { fileID: string } | undefined;
      const dbFile = row ? backupFile(p, row.fileID) : null;
      if (!dbFile) {
        m.close();
        throw new UnknownFormatError('This iPhone backup holds no WhatsApp ChatStorage.sqlite');
      }
      return {
        variant: 'backup',
        dbFile,
        resolveMedia: (lp) => {
          const rel = lp.startsWith('Message/') ? lp : `Message/${lp.replace(/^\/+/, '')}`;
          const r = lookup.get(WHATSAPP_DOMAIN, rel) as { fileID: string } | undefined;
          return r ? backupFile(p, r.fileID) : null;
        },
        close: () => m.close(),
      };
    } catch (e) {
      if (m.open) m.close();
      if (e instanceof ImportError) throw e;
      throw new DamagedFileError(`Manifest.db is damaged (${(e as Error).message})`, { cause: e });
    }
  }
  const direct = path.join(p, 'ChatStorage.sqlite');
  if (fs.existsSync(direct)) {
    const msgDir = path.join(p, 'Message');
    const folder = new MediaFolder(opts.mediaDir ?? (fs.existsSync(msgDir) ? msgDir : p));
    return {
      variant: 'folder',
      dbFile: direct,
      resolveMedia: (lp) => folder.resolve(lp, null),
      close: () => undefined,
    };
  }
  throw new UnknownFormatError(`No WhatsApp ChatStorage.sqlite or iPhone backup in ${p}`);
}

function openDb(file: string): { db: Database.Database; reader: ChatStorageReader } {
  if (!isSqliteFile(file)) throw new UnknownFormatError(`${file} is not a SQLite database`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new DamagedFileError(`ChatStorage.sqlite cannot be opened (${(e as Error).message})`, {
      cause: e,
    });
  }
  try {
    if (!isChatStorage(db))
      throw new UnknownFormatError(`${file} is not WhatsApp's ChatStorage.sqlite`);
    return { db, reader: new ChatStorageReader(db) };
  } catch (e) {
    db.close();
    if (e instanceof ImportError) throw e;
    throw new DamagedFileError(`ChatStorage.sqlite is damaged (${(e as Error).message})`, {
      cause: e,
    });
  }
}

async function withOpen<T>(
  p: string,
  opts: ImportOptions,
  fn: (loc: Located, reader: ChatStorageReader) => Promise<T>,
): Promise<T> {
  const loc = locate(p, opts);
  try {
    const { db, reader } = openDb(loc.dbFile);
    try {
      return await fn(loc, reader);
    } catch (e) {
      throw sqliteAsDamaged(e, 'ChatStorage.sqlite');
    } finally {
      db.close();
    }
  } finally {
    loc.close();
  }
}

export const whatsappIosImporter: Importer = {
  id: 'whatsapp-ios',

  async detect(p: string): Promise<Detection | null> {
    // Recognised so that import can say why it refuses, rather than "unknown format".
    const manifest = path.join(p, 'Manifest.db');
    if (
      fs.existsSync(manifest) &&
      !isSqliteFile(manifest) &&
      fs.existsSync(path.join(p, 'Manifest.plist'))
    ) {
      return {
        format: 'whatsapp-ios',
        variant: 'encrypted-backup',
        description: 'Encrypted iPhone backup',
      };
    }
    try {
      return await withOpen(p, {}, async (loc) => ({
        format: 'whatsapp-ios' as const,
        variant: loc.variant,
        description:
          loc.variant === 'backup'
            ? 'iPhone backup with WhatsApp'
            : 'WhatsApp iOS ChatStorage.sqlite',
      }));
    } catch {
      return null;
    }
  },

  async inspect(p: string, opts: ImportOptions = {}): Promise<ImportPreview> {
    return withOpen(p, opts, async (loc, reader) => {
      const names = reader.names();
      let count = 0;
      let included = 0;
      let bytes = 0;
      for (const ref of reader.mediaRefs()) {
        count++;
        const f = loc.resolveMedia(ref.localPath);
        if (f) {
          included++;
          bytes += fs.statSync(f).size;
        }
      }
      const chats = reader.sessions().map((s) => ({
        key: s.jid,
        title: s.partner ?? personFor(s.jid, names).displayName,
        type: s.jid.endsWith('@g.us') ? ('group' as const) : ('direct' as const),
        messages: reader.countSession(s.pk),
      }));
      return {
        format: 'whatsapp-ios',
        chats,
        messages: chats.reduce((n, c) => n + c.messages, 0),
        media: { count, included, bytes },
        dateRange: reader.timeRange(),
        participants: [...new Set(names.values())].sort(),
        suggestedOwner: null,
        needs: { owner: false, key: false },
        warnings: [],
      };
    });
  },

  async import(p: string, store: ChatStoreLike, opts: ImportOptions = {}): Promise<ImportResult> {
    const progress = new ProgressReporter(opts);
    return withOpen(p, opts, async (loc, reader) => {
      const names = reader.names();
      const {
        byRow: media,
        stored,
        storedBytes,
        missing,
      } = await copyReferencedMedia(
        store,
        reader.mediaRefs(),
        (ref) => {
          const file = loc.resolveMedia(ref.localPath);
          if (!file) return null;
          const name = ref.localPath.split('/').pop() ?? null;
          return { file, name, sniffName: name };
        },
        progress,
        opts.signal,
      );
      progress.phase('messages', reader.countMessages());
      const {
        ingest,
        messages: count,
        chats,
      } = await ingestCounted(
        store,
        (onMessage) => reader.bundles({ names, media, onMessage }),
        progress,
        opts.signal,
        'ChatStorage.sqlite',
      );
      progress.done();
      return {
        format: 'whatsapp-ios',
        chats,
        messages: count,
        media: { stored, bytes: storedBytes, missing },
        ingest,
        warnings: missing > 0 ? [`${missing} media file(s) are not in this backup`] : [],
      };
    });
  },
};
