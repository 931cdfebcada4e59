import { assertTimeZone, fromWallTime, systemTimeZone } from '../node/local-time.js';
import { MEDIA_TYPES, type MediaType } from '../store/records.js';
import { InvalidExportOptionError } from './errors.js';

export const EXPORT_FORMATS = ['html', 'txt', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Above this a single-file archive gets a warning: browsers hold the whole page (every photo
 * base64-encoded, a third larger) in memory, and around this size they become slow to open it or
 * refuse (docs/export.md).
 */
export const SINGLE_FILE_WARN_BYTES = 200 * 1024 * 1024;

export interface ExportOptions {
  format: ExportFormat;
  /** Chat ids, in the order the archive lists them, or every chat. */
  chats: number[] | 'all';
  /** Only messages sent at or after this time (UTC ms). */
  from?: number | null;
  /** Only messages sent before this time (UTC ms). */
  to?: number | null;
  /** Media types whose files are copied (or embedded); the rest are named but left out. */
  mediaTypes?: readonly MediaType[];
  /** Only messages matching these words, as the app's search matches them. */
  search?: string | null;
  /** HTML only: one file with the media inside it, instead of pages with media beside them. */
  singleFile?: boolean;
  /** IANA zone the archive's dates and times are written in (default: this computer's). */
  timeZone?: string;
  /** BCP 47 locale for dates in the HTML archive (default: this computer's). */
  locale?: string;
  /** Text exports: the name written for your own messages (WhatsApp writes the owner's name). */
  ownerName?: string;
  /** "Chatkeep 0.1.0", written into the archive. */
  generator?: string;
  /** What the time of the export is said to be (tests pin it). */
  now?: number;
}

export interface ResolvedOptions {
  format: ExportFormat;
  chats: number[] | 'all';
  from: number | null;
  to: number | null;
  mediaTypes: ReadonlySet<MediaType>;
  search: string | null;
  singleFile: boolean;
  timeZone: string;
  locale: string | undefined;
  ownerName: string;
  generator: string;
  now: number;
}

export const DEFAULT_OWNER_NAME = 'Me';

/** Checks and completes options; every problem is named with what to do instead. */
export function resolveOptions(opts: ExportOptions): ResolvedOptions {
  if (!EXPORT_FORMATS.includes(opts.format)) {
    throw new InvalidExportOptionError(
      `Unknown export format "${String(opts.format)}": use html, txt or json.`,
    );
  }
  if (opts.chats !== 'all') {
    if (opts.chats.length === 0) {
      throw new InvalidExportOptionError('Choose at least one chat to export, or all chats.');
    }
    for (const id of opts.chats) {
      if (!Number.isSafeInteger(id) || id <= 0) {
        throw new InvalidExportOptionError(`"${String(id)}" is not a chat id (a whole number).`);
      }
    }
  }
  const timeZone = opts.timeZone ?? systemTimeZone();
  try {
    assertTimeZone(timeZone);
  } catch {
    throw new InvalidExportOptionError(
      `Unknown time zone "${timeZone}": use an IANA name like Europe/Zurich.`,
    );
  }
  const from = opts.from ?? null;
  const to = opts.to ?? null;
  if (from !== null && !Number.isFinite(from))
    throw new InvalidExportOptionError('The start date is not a date.');
  if (to !== null && !Number.isFinite(to))
    throw new InvalidExportOptionError('The end date is not a date.');
  if (from !== null && to !== null && from >= to) {
    throw new InvalidExportOptionError('The start date must come before the end date.');
  }
  if (opts.singleFile && opts.format !== 'html') {
    throw new InvalidExportOptionError(
      'A single file is only for the HTML archive: text and JSON exports keep media beside them.',
    );
  }
  const ownerName = (opts.ownerName ?? DEFAULT_OWNER_NAME).trim();
  if (!ownerName || /[:\n\r]/.test(ownerName) || ownerName.length > 80) {
    throw new InvalidExportOptionError(
      'The name for your own messages must be 1 to 80 characters without a colon or line break.',
    );
  }
  const search = opts.search?.trim() || null;
  return {
    format: opts.format,
    chats: opts.chats === 'all' ? 'all' : [...new Set(opts.chats)],
    from,
    to,
    mediaTypes: new Set(opts.mediaTypes ?? MEDIA_TYPES),
    search,
    singleFile: opts.singleFile ?? false,
    timeZone,
    locale: opts.locale,
    ownerName,
    generator: opts.generator ?? 'Chatkeep',
    now: opts.now ?? Date.now(),
  };
}

/**
 * A date as people type it: `YYYY-MM-DD` means that day's midnight in `timeZone` (for the end of
 * a range, the midnight after it: the day is included); an ISO time with a zone is that instant.
 */
export function parseDateOption(text: string, timeZone: string, end: boolean): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (day) {
    const year = Number(day[1]);
    const month = Number(day[2]);
    const d = Number(day[3]);
    const check = new Date(Date.UTC(year, month - 1, d));
    if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== d) {
      throw new InvalidExportOptionError(`"${text}" is not a date (use YYYY-MM-DD).`);
    }
    const next = new Date(Date.UTC(year, month - 1, d + (end ? 1 : 0)));
    return fromWallTime(
      {
        year: next.getUTCFullYear(),
        month: next.getUTCMonth() + 1,
        day: next.getUTCDate(),
        hour: 0,
        minute: 0,
      },
      timeZone,
    );
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text.trim())) {
    const ms = Date.parse(text.trim());
    if (Number.isFinite(ms)) return ms;
  }
  throw new InvalidExportOptionError(
    `"${text}" is not a date: use YYYY-MM-DD, or an ISO time with a zone like 2024-05-01T12:00Z.`,
  );
}

const MEDIA_WORDS: Record<string, MediaType> = {
  photo: 'photo',
  photos: 'photo',
  image: 'photo',
  images: 'photo',
  video: 'video',
  videos: 'video',
  audio: 'audio',
  voice: 'voice',
  'voice-notes': 'voice',
  document: 'document',
  documents: 'document',
  sticker: 'sticker',
  stickers: 'sticker',
  gif: 'gif',
  gifs: 'gif',
};

/** `all`, `none`, or a comma-separated list like `photo,video,voice`. */
export function parseMediaTypes(text: string): MediaType[] {
  const t = text.trim().toLowerCase();
  if (t === 'all') return [...MEDIA_TYPES];
  if (t === 'none' || t === '') return [];
  const out = new Set<MediaType>();
  for (const word of t
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean)) {
    const type = MEDIA_WORDS[word];
    if (!type) {
      throw new InvalidExportOptionError(
        `Unknown media type "${word}": use all, none, or some of ${MEDIA_TYPES.join(', ')}.`,
      );
    }
    out.add(type);
  }
  return [...out];
}
