import fs from 'node:fs';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { MediaType } from '../../store/records.js';

const EXT_MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  '3gp': 'video/3gpp',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  opus: 'audio/ogg',
  ogg: 'audio/ogg',
  amr: 'audio/amr',
  wav: 'audio/wav',
  pdf: 'application/pdf',
  zip: 'application/zip',
  vcf: 'text/vcard',
  txt: 'text/plain',
  tgs: 'application/x-tgsticker',
};

export interface MediaKind {
  mediaType: MediaType;
  mime: string;
}

/** Reads up to 4100 bytes: what file-type needs to recognise every format it knows. */
export function readHead(file: string): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4100);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

export function mimeFromName(fileName: string | null | undefined): string | null {
  if (!fileName) return null;
  const ext = path.extname(fileName).slice(1).toLowerCase();
  return EXT_MIME[ext] ?? null;
}

/**
 * The media type a message's attachment should show as. The bytes decide the mime (a WhatsApp
 * "document" named .jpg is still a JPEG); the name and the source's hint decide what a person
 * would call it (a voice note and a song are both audio/ogg or audio/mpeg).
 */
export function mediaTypeOf(
  mime: string,
  fileName: string | null | undefined,
  hint?: MediaType | null,
): MediaType {
  if (hint === 'voice' || hint === 'sticker' || hint === 'gif') return hint;
  const name = (fileName ?? '').toUpperCase();
  if (/(^|[-_])PTT[-_]/.test(name) || name.endsWith('.OPUS')) return 'voice';
  if (/STICKER/.test(name) || mime === 'application/x-tgsticker') return 'sticker';
  if (mime === 'image/gif' || /(^|-)GIF-/.test(name)) return 'gif';
  if (hint === 'document') return 'document';
  if (mime.startsWith('image/'))
    return mime === 'image/webp' && /STK-/.test(name) ? 'sticker' : 'photo';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return hint ?? 'document';
}

/** Mime by content (magic bytes), falling back to the extension and then to octet-stream. */
export async function sniffMime(head: Uint8Array, fileName?: string | null): Promise<string> {
  let sniffed: string | undefined;
  try {
    sniffed = (await fileTypeFromBuffer(head))?.mime;
  } catch {
    sniffed = undefined;
  }
  return sniffed ?? mimeFromName(fileName) ?? 'application/octet-stream';
}

export async function classifyFile(
  file: string,
  fileName?: string | null,
  hint?: MediaType | null,
): Promise<MediaKind> {
  const mime = await sniffMime(readHead(file), fileName ?? path.basename(file));
  return { mime, mediaType: mediaTypeOf(mime, fileName ?? path.basename(file), hint) };
}
