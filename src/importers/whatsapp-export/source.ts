import fs from 'node:fs';
import path from 'node:path';
import { DamagedFileError, EmptyFileError, UnknownFormatError } from '../core/errors.js';
import { classifyFile, type MediaKind } from '../core/media-type.js';
import type { MediaSink } from '../core/types.js';
import { ZipReader, entryLimitProblem, isZipFile, type ZipEntryInfo } from '../core/zip.js';
import { parseHeader } from './line.js';

/** Where an export's chat text and media files are: a zip, or a .txt with files beside it. */
export interface ExportSource {
  variant: 'zip' | 'txt';
  /** The chat text on disk (extracted to the temp folder for zips). */
  chatFile: string;
  /** The names that may carry the chat title (`WhatsApp Chat with NAME.txt`, the zip name). */
  names: string[];
  bytesTotal: number;
  mediaSize(name: string): number | null;
  /**
   * Why a media file is not copied (a zip entry beyond ZIP_LIMITS without allowLargeMedia), in
   * words for a warning, or null.
   */
  mediaRefusal(name: string): string | null;
  storeMedia(
    name: string,
    sink: MediaSink,
    tmpDir: string,
    opts: { signal?: AbortSignal; onBytes?: (n: number) => void },
  ): Promise<({ hash: string; size: number } & MediaKind) | null>;
  close(): void;
}

function isJunk(name: string): boolean {
  return name.startsWith('__MACOSX/') || path.posix.basename(name).startsWith('._');
}

/** The chat text entry of an export zip, or null when the zip is not a WhatsApp export. */
export function findChatEntry(entries: ZipEntryInfo[]): ZipEntryInfo | null {
  const texts = entries.filter((e) => !isJunk(e.name) && e.name.toLowerCase().endsWith('.txt'));
  return (
    texts.find((e) => path.posix.basename(e.name) === '_chat.txt') ??
    texts.find((e) => /^whatsapp.*\.txt$/i.test(path.posix.basename(e.name))) ??
    (texts.length === 1 ? (texts[0] ?? null) : null)
  );
}

/** True when the first non-empty lines of a text start like WhatsApp export lines. */
export function looksLikeExportText(head: string): boolean {
  const lines = head
    .split(/\r\n|\r|\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 8);
  if (lines.length === 0) return false;
  const hits = lines.filter((l) => parseHeader(l) !== null).length;
  return parseHeader(lines[0] ?? '') !== null || hits >= Math.min(3, lines.length);
}

function readHeadText(file: string, bytes = 16384): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return new TextDecoder('utf-8').decode(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}

function dirMedia(dir: string | undefined) {
  return {
    size(name: string): number | null {
      if (!dir || name.includes('/') || name.includes('\\') || name === '..') return null;
      try {
        const st = fs.statSync(path.join(dir, name));
        return st.isFile() ? st.size : null;
      } catch {
        return null;
      }
    },
    async store(name: string, sink: MediaSink) {
      if (!dir) return null;
      const file = path.join(dir, name);
      const kind = await classifyFile(file, name);
      const stored = await sink.putFile(file);
      return { ...stored, ...kind };
    },
  };
}

export interface SourceOptions {
  mediaDir?: string;
  allowLargeMedia?: boolean;
  signal?: AbortSignal;
  /** How much of a zip's chat text has been read (the preview waits for it, media do not). */
  onChatBytes?: (done: number, total: number) => void;
}

export const LARGE_MEDIA_HINT = 'to import it anyway: chatkeep import --allow-large-media';

export async function openExportSource(
  file: string,
  tmpDir: string,
  opts: SourceOptions = {},
): Promise<ExportSource> {
  const mediaDir = opts.mediaDir;
  const st = fs.statSync(file);
  if (st.isDirectory()) {
    const txt = fs
      .readdirSync(file)
      .filter((n) => n.toLowerCase().endsWith('.txt'))
      .sort((a, b) => (a === '_chat.txt' ? -1 : b === '_chat.txt' ? 1 : a.localeCompare(b)))
      .find((n) => looksLikeExportText(readHeadText(path.join(file, n))));
    if (!txt) throw new UnknownFormatError(`No WhatsApp chat export text in ${file}`);
    return openExportSource(path.join(file, txt), tmpDir, { ...opts, mediaDir: mediaDir ?? file });
  }
  if (isZipFile(file)) {
    const zip = await ZipReader.open(file);
    try {
      const chat = findChatEntry(zip.entries);
      if (!chat) throw new UnknownFormatError(`${file} is a zip without a WhatsApp chat text`);
      if (chat.size === 0) throw new EmptyFileError(`The chat text in ${file} is empty`);
      const bomb = entryLimitProblem(chat);
      if (bomb && !opts.allowLargeMedia) {
        throw new UnknownFormatError(
          `The chat text ${bomb}: this is not a WhatsApp export (${LARGE_MEDIA_HINT})`,
        );
      }
      const chatFile = path.join(tmpDir, 'chat.txt');
      let read = 0;
      opts.onChatBytes?.(0, chat.size);
      await zip.extract(chat, chatFile, {
        signal: opts.signal,
        onBytes: (n) => opts.onChatBytes?.((read += n), chat.size),
      });
      // Names compared in NFC: zips made on macOS may store decomposed (NFD) names.
      const byName = new Map<string, ZipEntryInfo>();
      for (const e of zip.entries) {
        if (!isJunk(e.name) && e !== chat)
          byName.set(path.posix.basename(e.name).normalize('NFC'), e);
      }
      const beside = dirMedia(mediaDir);
      let n = 0;
      return {
        variant: 'zip',
        chatFile,
        names: [path.basename(file), path.posix.basename(chat.name)],
        bytesTotal: st.size,
        mediaSize: (name) => byName.get(name.normalize('NFC'))?.size ?? beside.size(name),
        mediaRefusal: (name) => {
          const entry = byName.get(name.normalize('NFC'));
          return entry && !opts.allowLargeMedia ? entryLimitProblem(entry) : null;
        },
        async storeMedia(name, sink, dir, opts) {
          const entry = byName.get(name.normalize('NFC'));
          if (!entry) return beside.size(name) === null ? null : beside.store(name, sink);
          const tmp = path.join(dir, `media-${n++}`);
          try {
            const got = await zip.extract(entry, tmp, opts);
            const kind = await classifyFile(tmp, name);
            const stored = await sink.putFile(tmp);
            if (stored.hash !== got.hash) {
              throw new DamagedFileError(`The media file ${name} changed while being copied`);
            }
            return { ...stored, ...kind };
          } finally {
            fs.rmSync(tmp, { force: true });
          }
        },
        close: () => zip.close(),
      };
    } catch (e) {
      zip.close();
      throw e;
    }
  }
  if (st.size === 0) throw new EmptyFileError(`The file ${file} is empty (0 bytes)`);
  if (!looksLikeExportText(readHeadText(file))) {
    throw new UnknownFormatError(`${file} does not look like a WhatsApp chat export`);
  }
  const beside = dirMedia(mediaDir ?? path.dirname(file));
  return {
    variant: 'txt',
    chatFile: file,
    names: [path.basename(file)],
    bytesTotal: st.size,
    mediaSize: (name) => beside.size(name),
    mediaRefusal: () => null,
    async storeMedia(name, sink, _dir, opts) {
      if (beside.size(name) === null) return null;
      const r = await beside.store(name, sink);
      if (r) opts.onBytes?.(r.size);
      return r;
    },
    close: () => undefined,
  };
}

export async function detectExport(file: string): Promise<'zip' | 'txt' | 'folder' | null> {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return null;
  }
  if (st.isDirectory()) {
    const ok = fs
      .readdirSync(file)
      .filter((n) => n.toLowerCase().endsWith('.txt'))
      .some((n) => looksLikeExportText(readHeadText(path.join(file, n))));
    return ok ? 'folder' : null;
  }
  if (!st.isFile() || st.size === 0) return null;
  if (isZipFile(file)) {
    let zip: ZipReader;
    try {
      zip = await ZipReader.open(file);
    } catch {
      return null;
    }
    try {
      const chat = findChatEntry(zip.entries);
      if (!chat) return null;
      const base = path.posix.basename(chat.name);
      if (base === '_chat.txt' || /^whatsapp/i.test(base)) return 'zip';
      // A lone .txt with a translated name ("Chat de WhatsApp con ..."): judge by its lines.
      const head = await zip.readHead(chat, 16384);
      return looksLikeExportText(new TextDecoder('utf-8').decode(head)) ? 'zip' : null;
    } finally {
      zip.close();
    }
  }
  return looksLikeExportText(readHeadText(file)) ? 'txt' : null;
}
