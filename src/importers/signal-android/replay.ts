import fs from 'node:fs';
import path from 'node:path';
import type { ProgressReporter } from '../core/cancel.js';
import { UnknownFormatError } from '../core/errors.js';
import type { ChatStoreLike } from '../core/types.js';
import { BackupFileReader } from './backup-file.js';
import { LONG_TEXT_TYPE, SignalChats } from './chats.js';
import { ScratchDb } from './scratch.js';

/**
 * One pass over a Signal backup: statements into the scratch database, attachment bodies into
 * the chat store's media folder (or, for an inspection, past them unread), everything else
 * read for its MAC and dropped. Returns the chats reader over the result.
 */

/** Bodies up to this size are kept in memory on their way to the store; larger ones go via a file. */
const IN_MEMORY_BODY = 8 << 20;
/** Signal's long-message bodies are a few kilobytes; a larger one stays an attachment. */
const MAX_LONG_TEXT = 1 << 20;

export interface ReplayStats {
  dbVersion: number | null;
  frames: number;
  attachments: number;
  stored: number;
  storedBytes: number;
  /** Attachment bodies whose MAC failed: dropped, as Signal itself does. */
  damagedFiles: number;
  mismatchedRows: number;
}

export interface Replayed {
  chats: SignalChats;
  scratch: ScratchDb;
  stats: ReplayStats;
}

export async function replayBackup(
  file: string,
  passphrase: string,
  tmp: string,
  opts: { store: ChatStoreLike | null; signal?: AbortSignal; progress: ProgressReporter },
): Promise<Replayed> {
  const reader = await BackupFileReader.open(file, passphrase, { signal: opts.signal });
  const scratch = new ScratchDb(path.join(tmp, 'signal.db'));
  const stats: ReplayStats = {
    dbVersion: null,
    frames: 0,
    attachments: 0,
    stored: 0,
    storedBytes: 0,
    damagedFiles: 0,
    mismatchedRows: 0,
  };
  const tablesSeen = new Set<string>();
  let schemaChecked = false;
  let bodyFile = 0;
  try {
    opts.progress.phase('reading', reader.size);
    for (;;) {
      const { frame } = await reader.next();
      stats.frames++;
      opts.progress.tick(stats.frames, reader.position);
      if (frame.type === 'end') break;
      if (frame.type === 'version') stats.dbVersion = frame.version;
      else if (frame.type === 'statement') {
        const m = /^\s*create\s+table\s+(?:if\s+not\s+exists\s+)?["'`[]?([A-Za-z0-9_]+)/i.exec(
          frame.sql.statement,
        );
        if (m?.[1]) tablesSeen.add(m[1].toLowerCase());
        scratch.apply(frame.sql);
      } else if (frame.type === 'attachment') {
        stats.attachments++;
        if (!schemaChecked) {
          // Every CREATE TABLE comes before the first row's file: refuse an unreadable database
          // version before anything is written to the store.
          SignalChats.checkSchema(scratch.present, tablesSeen);
          schemaChecked = true;
        }
        const row = scratch.attachmentRow(frame.rowId);
        if (row?.quote) {
          // A quote's thumbnail of the quoted message's picture: never shown as an attachment.
          await reader.skipBody();
          continue;
        }
        const longText = row?.contentType === LONG_TEXT_TYPE && frame.length <= MAX_LONG_TEXT;
        if (!opts.store) {
          // An inspection notes that the body is there, and passes over it unread.
          if (!longText)
            scratch.putMedia(frame.rowId, { hash: null, size: frame.length, text: null });
          await reader.skipBody();
          continue;
        }
        if (longText || frame.length <= IN_MEMORY_BODY) {
          const pieces: Buffer[] = [];
          const ok = await reader.readBody((p) => void pieces.push(Buffer.from(p)));
          if (!ok) {
            stats.damagedFiles++;
            continue;
          }
          const bytes = Buffer.concat(pieces);
          if (longText) {
            scratch.putMedia(frame.rowId, {
              hash: null,
              size: bytes.length,
              text: bytes.toString('utf8'),
            });
            continue;
          }
          const put = await opts.store.media.putBytes(bytes);
          scratch.putMedia(frame.rowId, { hash: put.hash, size: put.size, text: null });
          stats.stored++;
          stats.storedBytes += put.size;
        } else {
          const out = path.join(tmp, `body-${bodyFile++}`);
          const fd = fs.openSync(out, 'w');
          let ok: boolean;
          try {
            ok = await reader.readBody((p) => void fs.writeSync(fd, p));
          } finally {
            fs.closeSync(fd);
          }
          try {
            if (!ok) {
              stats.damagedFiles++;
              continue;
            }
            const put = await opts.store.media.putFile(out);
            scratch.putMedia(frame.rowId, { hash: put.hash, size: put.size, text: null });
            stats.stored++;
            stats.storedBytes += put.size;
          } finally {
            fs.rmSync(out, { force: true });
          }
        }
      } else if (frame.type === 'avatar' || frame.type === 'sticker') {
        // Profile pictures and installed sticker packs: not part of any conversation.
        await reader.skipBody();
      } else if (frame.type === 'header') {
        throw new UnknownFormatError(
          'This Signal backup holds a second header: it is not a valid backup',
        );
      }
    }
    scratch.finish();
    stats.mismatchedRows = scratch.counts.mismatched;
    const chats = new SignalChats(scratch.db, scratch.present, tablesSeen);
    return { chats, scratch, stats };
  } catch (e) {
    scratch.close();
    throw e;
  } finally {
    await reader.close();
  }
}
