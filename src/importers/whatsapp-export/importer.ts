import fs from 'node:fs';
import type {
  AttachmentRecord,
  ChatBundle,
  ChatRecord,
  MessageRecord,
  PersonRecord,
  SourceRecord,
} from '../../store/records.js';
import { ProgressReporter, throwIfCancelled } from '../core/cancel.js';
import { InvalidOptionError, NeedsOwnerError, UnknownFormatError } from '../core/errors.js';
import { contentKey } from '../core/hash.js';
import { CHUNK_MESSAGES, ingestBundles } from '../core/ingest.js';
import { readLines, usesCrlf } from '../core/line-reader.js';
import { mediaTypeOf, mimeFromName } from '../core/media-type.js';
import { withTempDir } from '../core/temp.js';
import type {
  ChatStoreLike,
  Detection,
  ImportOptions,
  ImportPreview,
  ImportResult,
  Importer,
} from '../core/types.js';
import { assertTimeZone, formatWallClock, wallClockToUtc } from '../core/wall-clock.js';
import { keyText } from './classify.js';
import type { DateOrder } from './line.js';
import {
  MAX_MESSAGE_CHARS,
  parseMessages,
  scanExport,
  suggestOwner,
  wallClockOf,
  type ExportScan,
} from './parse.js';
import { LARGE_MEDIA_HINT, detectExport, openExportSource, type ExportSource } from './source.js';

/**
 * WhatsApp "Export chat" (.txt, .zip with media, or an unzipped folder).
 *
 * Identity: an export has no ids, so the chat is identified by its title (from `chatTitle`, else
 * the file name `WhatsApp Chat with NAME`, else the "created group" line, else the set of
 * participants). The source is `{kind: 'whatsapp', accountKey: 'export:' + that identity}`: the
 * same chat exported again later lands in the same source and chat. Person keys are
 * `name:<display name>` (exports show names, not numbers). Message keys hash the wall-clock time
 * as written, the author, the normalized body and the occurrence index among identical messages
 * of that second, so they do not depend on the time zone the times are read in, and an export
 * with media and one without give the same keys.
 */

const TITLE_FROM_NAME =
  /^(?:WhatsApp[- ]Chat|Chat (?:de )?WhatsApp|Discussion WhatsApp|Conversa do WhatsApp|WhatsApp-chat)\s*(?:with|mit|con|avec|com|met|med|z|ile|-)\s+(.+?)(?: \(\d+\))?$/i;

export function titleFromFileName(name: string): string | null {
  const stem = name.replace(/\.(txt|zip)$/i, '');
  const m = TITLE_FROM_NAME.exec(stem);
  return m?.[1]?.trim() || null;
}

interface Plan {
  crlf: boolean;
  scan: ExportScan;
  order: DateOrder;
  title: string;
  identity: string;
  type: 'direct' | 'group';
  participants: string[];
  suggestedOwner: string | null;
  warnings: string[];
}

function makePlan(src: ExportSource, opts: ImportOptions): Plan {
  if (opts.timeZone) {
    try {
      assertTimeZone(opts.timeZone);
    } catch {
      throw new InvalidOptionError(
        `Unknown time zone "${opts.timeZone}" (use an IANA name like Europe/Zurich)`,
      );
    }
  }
  if (opts.dateOrder && opts.dateOrder !== 'day-first' && opts.dateOrder !== 'month-first') {
    throw new InvalidOptionError(
      `Date order must be day-first or month-first, not "${String(opts.dateOrder)}"`,
    );
  }
  const crlf = usesCrlf(src.chatFile);
  const scan = scanExport(readLines(src.chatFile, { signal: opts.signal }), crlf);
  if (scan.messages === 0) {
    throw new UnknownFormatError('This WhatsApp export holds no messages we could read');
  }
  const warnings: string[] = [];
  if (scan.cutMessages > 0) {
    warnings.push(
      `${scan.cutMessages} message(s) were longer than ${MAX_MESSAGE_CHARS.toLocaleString('en')} characters, the most WhatsApp allows, and were cut there: the file may not be a plain WhatsApp export`,
    );
  }
  let order: DateOrder;
  if (opts.dateOrder) order = opts.dateOrder;
  else if (scan.dateOrder) order = scan.dateOrder;
  else {
    order = 'day-first';
    warnings.push(
      'No date in this export shows whether the day or the month comes first; read as day-first (pass dateOrder to change)',
    );
  }
  const participants = [...scan.authors.keys()].sort((a, b) => a.localeCompare(b));
  const fileTitle = src.names.map(titleFromFileName).find((t) => t !== null) ?? null;
  const voice = scan.chatVoices.size === 1 ? [...scan.chatVoices][0] : undefined;
  const title = opts.chatTitle?.trim() || fileTitle || scan.groupCreatedTitle || voice || null;
  const identity = title ? `title:${title}` : `people:${participants.join('\u0001')}`;
  const group =
    scan.groupCreatedTitle !== null ||
    participants.length > 2 ||
    scan.groupEvents ||
    scan.chatVoices.size > 0;
  const suggested = suggestOwner(scan, fileTitle);
  return {
    crlf,
    scan,
    order,
    title: title ?? participants.join(', '),
    identity,
    type: group ? 'group' : 'direct',
    participants,
    suggestedOwner: suggested,
    warnings,
  };
}

function resolveOwner(plan: Plan, owner: string | undefined): string {
  const list = plan.participants.join(', ');
  if (!owner) {
    throw new NeedsOwnerError(
      `A WhatsApp export does not say who "me" is. Choose the owner among: ${list}` +
        (plan.suggestedOwner ? ` (most likely: ${plan.suggestedOwner})` : ''),
      plan.participants,
      plan.suggestedOwner,
    );
  }
  const exact = plan.participants.find((p) => p === owner);
  const loose = plan.participants.find(
    (p) => p.normalize('NFC').trim().toLowerCase() === owner.normalize('NFC').trim().toLowerCase(),
  );
  const found = exact ?? loose;
  if (!found) {
    throw new NeedsOwnerError(
      `"${owner}" did not write in this chat. Choose the owner among: ${list}`,
      plan.participants,
      plan.suggestedOwner,
    );
  }
  return found;
}

function personKey(name: string): string {
  return `name:${name}`;
}

function personOf(name: string): PersonRecord {
  const phone = /^\+?[\d\s\-()\u00a0]{6,}$/.test(name) ? name.replace(/[^\d+]/g, '') : null;
  return { key: personKey(name), displayName: name, phone };
}

async function withSource<T>(
  file: string,
  opts: ImportOptions,
  fn: (src: ExportSource, tmp: string) => Promise<T>,
): Promise<T> {
  const reading = new ProgressReporter(opts);
  return withTempDir(async (tmp) => {
    const src = await openExportSource(file, tmp, {
      mediaDir: opts.mediaDir,
      allowLargeMedia: opts.allowLargeMedia,
      signal: opts.signal,
      onChatBytes: (done, total) => {
        if (done === 0) reading.phase('reading', total);
        else reading.tick(0, done);
      },
    });
    try {
      return await fn(src, tmp);
    } finally {
      src.close();
    }
  });
}

export const whatsappExportImporter: Importer = {
  id: 'whatsapp-export',

  async detect(file: string): Promise<Detection | null> {
    const variant = await detectExport(file);
    if (!variant) return null;
    const what = { zip: 'zip with media', txt: 'text', folder: 'folder' }[variant];
    return { format: 'whatsapp-export', variant, description: `WhatsApp chat export (${what})` };
  },

  async inspect(file: string, opts: ImportOptions = {}): Promise<ImportPreview> {
    return withSource(file, opts, async (src) => {
      const plan = makePlan(src, opts);
      const { scan } = plan;
      let included = 0;
      let bytes = 0;
      for (const name of scan.attachmentNames) {
        const size = src.mediaSize(name);
        if (size !== null) {
          included++;
          bytes += size;
        }
      }
      const utc = (h: typeof scan.first) => {
        const w = h && wallClockOf(h, plan.order);
        return w ? wallClockToUtc(w, opts.timeZone) : null;
      };
      const first = utc(scan.first);
      const last = utc(scan.last);
      return {
        format: 'whatsapp-export',
        chats: [
          { key: plan.identity, title: plan.title, type: plan.type, messages: scan.messages },
        ],
        messages: scan.messages,
        media: { count: scan.attachmentNames.size + scan.omittedMedia, included, bytes },
        dateRange: first !== null && last !== null ? { first, last } : null,
        participants: plan.participants,
        suggestedOwner: plan.suggestedOwner,
        needs: { owner: !opts.owner, key: false },
        warnings: plan.warnings,
      };
    });
  },

  async import(
    file: string,
    store: ChatStoreLike,
    opts: ImportOptions = {},
  ): Promise<ImportResult> {
    const progress = new ProgressReporter(opts);
    return withSource(file, opts, async (src, tmp) => {
      progress.phase('scanning', src.bytesTotal);
      const plan = makePlan(src, opts);
      const owner = resolveOwner(plan, opts.owner);
      throwIfCancelled(opts.signal);

      // Media first: the bundles carry the hashes, and orphans from a failed import are harmless.
      const media = new Map<string, AttachmentRecord>();
      let mediaBytesTotal = 0;
      for (const name of plan.scan.attachmentNames) mediaBytesTotal += src.mediaSize(name) ?? 0;
      progress.phase('media', mediaBytesTotal);
      let stored = 0;
      let storedBytes = 0;
      let missing = 0;
      const refused: string[] = [];
      for (const name of plan.scan.attachmentNames) {
        throwIfCancelled(opts.signal);
        const refusal = src.mediaRefusal(name);
        if (refusal) {
          refused.push(refusal);
          continue;
        }
        const r = await src.storeMedia(name, store.media, tmp, {
          signal: opts.signal,
          onBytes: (n) => progress.tick(stored, (storedBytes += n)),
        });
        if (!r) {
          missing++;
          continue;
        }
        stored++;
        media.set(name, {
          mediaType: r.mediaType,
          mime: r.mime,
          size: r.size,
          hash: r.hash,
          fileName: name,
        });
      }
      throwIfCancelled(opts.signal);

      const source: SourceRecord = {
        kind: 'whatsapp',
        accountKey: `export:${plan.identity}`,
        label: `WhatsApp export: ${plan.title}`,
      };
      const others = plan.participants.filter((p) => p !== owner);
      const chat: ChatRecord = {
        key: plan.identity,
        type: plan.type,
        title: plan.title,
        members: others.map(personKey),
      };
      const people = others.map(personOf);
      let count = 0;
      progress.phase('messages', fs.statSync(src.chatFile).size);

      function* bundles(): Generator<ChatBundle> {
        let batch: MessageRecord[] = [];
        let second = '';
        let seen = new Map<string, number>();
        for (const m of parseMessages(
          readLines(src.chatFile, { signal: opts.signal }),
          plan.order,
          plan.crlf,
          plan.scan.chatVoices,
        )) {
          const wall = formatWallClock(m.wall);
          if (wall !== second) {
            second = wall;
            seen = new Map();
          }
          const author = m.raw.header.author;
          const c = m.classified;
          const id = `${author ?? ''}\u0001${keyText(c)}`;
          const occurrence = seen.get(id) ?? 0;
          seen.set(id, occurrence + 1);
          const attachments: AttachmentRecord[] = [];
          if (c.attachment) {
            const name = c.attachment.fileName;
            const found = name ? media.get(name) : undefined;
            if (found) attachments.push(found);
            else {
              const mime = mimeFromName(name) ?? 'application/octet-stream';
              attachments.push({
                mediaType: mediaTypeOf(mime, name, c.attachment.hint),
                mime,
                size: 0,
                hash: null,
                fileName: name,
              });
            }
          }
          batch.push({
            key: contentKey(wall, author ?? '', keyText(c), String(occurrence)),
            senderKey: author === null || author === owner ? null : personKey(author),
            sentAt: wallClockToUtc(m.wall, opts.timeZone),
            text: c.text,
            kind: c.kind,
            replyToKey: null,
            editedAt: null,
            attachments,
            reactions: [],
            extra: c.extra,
          });
          count++;
          progress.tick(count, m.raw.offset);
          if (batch.length >= CHUNK_MESSAGES) {
            yield { source, chat, people, messages: batch };
            batch = [];
          }
        }
        if (batch.length > 0 || count === 0) yield { source, chat, people, messages: batch };
      }

      const ingest = ingestBundles(store, bundles(), opts.signal);
      progress.done();
      return {
        format: 'whatsapp-export',
        chats: 1,
        messages: count,
        media: { stored, bytes: storedBytes, missing },
        ingest: await ingest,
        warnings: [
          ...plan.warnings,
          ...(missing > 0 ? [`${missing} attached file(s) are not in the export`] : []),
          ...refused.map((r) => `Not imported: ${r} (${LARGE_MEDIA_HINT})`),
        ],
      };
    });
  },
};
