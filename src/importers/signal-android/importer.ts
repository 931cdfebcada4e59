import fs from 'node:fs';
import path from 'node:path';
import { ProgressReporter, throwIfCancelled } from '../core/cancel.js';
import {
  NeedsKeyError,
  sqliteAsDamaged,
  UnknownFormatError,
  UnsupportedVersionError,
} from '../core/errors.js';
import { ingestCounted } from '../core/ingest.js';
import { withTempDir } from '../core/temp.js';
import type {
  ChatStoreLike,
  Detection,
  ImportOptions,
  ImportPreview,
  ImportResult,
  Importer,
} from '../core/types.js';
import { readHeader } from './backup-file.js';
import { normalisePassphrase } from './keys.js';
import { replayBackup, type Replayed } from './replay.js';

/**
 * Signal Android's local backup: `signal-YYYY-MM-DD-HH-MM-SS.backup` and its 30-digit passphrase
 * (ImportOptions.key), or the folder holding such files (the newest is read). The format is in
 * README.md. Signal's newer folder backups ("SignalBackups", Signal 8 and later) are recognised
 * and refused with the reason.
 */

const BACKUP_NAME = /^signal-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.backup$/;
const SNAPSHOT_NAME = /^signal-backup-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$/;

export const BACKUP_V2_REFUSAL =
  "This is a Signal on-device backup folder (SignalBackups), the kind Signal 8 and later write. Its format, libsignal's message-backup format, has no public specification: only Signal's own source code describes it, and no sample with a known key exists to test a reader against, so Chatkeep cannot read it safely yet. Chatkeep reads Signal's classic backup files (signal-YYYY-MM-DD-HH-MM-SS.backup) and their 30-digit passphrase.";

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A "backup v2" folder: SignalBackups, one of its dated snapshots, or a folder holding it. */
export function isBackupV2Folder(p: string): boolean {
  const snapshot = (d: string) => isFile(path.join(d, 'main')) && isFile(path.join(d, 'metadata'));
  const root = (d: string) => {
    try {
      return fs.readdirSync(d).some((n) => SNAPSHOT_NAME.test(n) && snapshot(path.join(d, n)));
    } catch {
      return false;
    }
  };
  if (!isDir(p)) return false;
  return snapshot(p) || root(p) || root(path.join(p, 'SignalBackups'));
}

/** The backup file at `p`: the file itself, or the newest `signal-….backup` in a folder. */
function backupFile(p: string): string | null {
  if (isFile(p)) return p;
  if (!isDir(p)) return null;
  const names = fs
    .readdirSync(p)
    .filter((n) => BACKUP_NAME.test(n) && isFile(path.join(p, n)))
    .sort();
  const newest = names[names.length - 1];
  return newest ? path.join(p, newest) : null;
}

function passphraseOf(opts: ImportOptions): string {
  if (!opts.key) {
    throw new NeedsKeyError(
      "This Signal backup is encrypted: give the 30-digit passphrase Signal showed when backups were turned on (Signal keeps no copy you can look up; if it is lost, turn backups off and on in Signal's settings to get a new one, then make a new backup)",
    );
  }
  return normalisePassphrase(opts.key);
}

async function withReplay<T>(
  p: string,
  opts: ImportOptions,
  store: ChatStoreLike | null,
  progress: ProgressReporter,
  fn: (r: Replayed) => Promise<T>,
): Promise<T> {
  if (isBackupV2Folder(p)) throw new UnsupportedVersionError(BACKUP_V2_REFUSAL);
  const file = backupFile(p);
  if (!file || !(await readHeader(file)))
    throw new UnknownFormatError(`${p} is not a Signal backup`);
  const passphrase = passphraseOf(opts);
  return withTempDir(async (tmp) => {
    const replayed = await replayBackup(file, passphrase, tmp, {
      store,
      signal: opts.signal,
      progress,
    });
    try {
      return await fn(replayed);
    } catch (e) {
      throw sqliteAsDamaged(e, 'The Signal backup');
    } finally {
      replayed.scratch.close();
    }
  });
}

function warningsOf(r: Replayed): string[] {
  const out: string[] = [];
  if (r.stats.damagedFiles > 0)
    out.push(
      `${r.stats.damagedFiles} attached file(s) in this backup failed their integrity check and were left out (their messages are kept)`,
    );
  if (r.stats.mismatchedRows > 0)
    out.push(
      `${r.stats.mismatchedRows} database row(s) did not match their table and were skipped`,
    );
  return out;
}

export const signalAndroidImporter: Importer = {
  id: 'signal-android',

  async detect(p: string): Promise<Detection | null> {
    if (isBackupV2Folder(p)) {
      return {
        format: 'signal-android',
        variant: 'backup-v2',
        description: 'Signal on-device backup folder (Signal 8 and later)',
      };
    }
    const file = backupFile(p);
    const header = file ? await readHeader(file) : null;
    if (!header) return null;
    return {
      format: 'signal-android',
      variant: `${file === p ? 'file' : 'folder'}-v${header.version}`,
      description: `Signal Android backup (${path.basename(file ?? p)})`,
    };
  },

  async inspect(p: string, opts: ImportOptions = {}): Promise<ImportPreview> {
    if (isBackupV2Folder(p)) throw new UnsupportedVersionError(BACKUP_V2_REFUSAL);
    if (!opts.key) {
      const file = backupFile(p);
      if (!file || !(await readHeader(file)))
        throw new UnknownFormatError(`${p} is not a Signal backup`);
      return {
        format: 'signal-android',
        chats: [],
        messages: 0,
        media: { count: 0, included: 0, bytes: 0 },
        dateRange: null,
        participants: [],
        suggestedOwner: null,
        needs: { owner: false, key: true },
        warnings: [
          'The backup is encrypted: its contents show once the 30-digit passphrase is given',
        ],
      };
    }
    const progress = new ProgressReporter(opts);
    return withReplay(p, opts, null, progress, async (r) => {
      const chats = r.chats.chats().map((c) => ({
        key: c.key,
        title: c.title,
        type: c.type,
        messages: r.chats.countThread(c.thread),
      }));
      const media = r.chats.mediaCounts();
      return {
        format: 'signal-android',
        chats,
        messages: chats.reduce((n, c) => n + c.messages, 0),
        media,
        dateRange: r.chats.timeRange(),
        participants: chats.filter((c) => c.type === 'direct').map((c) => c.title),
        suggestedOwner: null,
        needs: { owner: false, key: false },
        warnings: warningsOf(r),
      };
    });
  },

  async import(p: string, store: ChatStoreLike, opts: ImportOptions = {}): Promise<ImportResult> {
    const progress = new ProgressReporter(opts);
    return withReplay(p, opts, store, progress, async (r) => {
      throwIfCancelled(opts.signal);
      const media = r.chats.mediaCounts();
      progress.phase('messages', r.chats.countMessages());
      const { ingest, messages, chats } = await ingestCounted(
        store,
        (onMessage) => r.chats.bundles({ onMessage }),
        progress,
        opts.signal,
        'The Signal backup',
      );
      progress.done();
      return {
        format: 'signal-android',
        chats,
        messages,
        media: {
          stored: r.stats.stored,
          bytes: r.stats.storedBytes,
          missing: Math.max(0, media.count - media.included),
        },
        ingest,
        warnings: warningsOf(r),
      };
    });
  },
};
