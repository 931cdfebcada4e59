import fs from 'node:fs';
import type { AttachmentView } from '../shared/chat-types.js';
import type { ChatStore } from '../store/chat-store.js';
import type { MediaType } from '../store/records.js';
import { asStorageError } from './errors.js';
import type { OutputFolder } from './output.js';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/heic': 'heic',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'text/vcard': 'vcf',
  'text/plain': 'txt',
  'application/x-tgsticker': 'tgs',
};

/** A file extension for a media file: its mime type's, else its own name's, else "bin". */
export function extensionFor(mime: string, fileName: string | null): string {
  const byMime = EXTENSIONS[mime.split(';')[0]?.trim().toLowerCase() ?? ''];
  if (byMime) return byMime;
  const own = /\.([A-Za-z0-9]{1,8})$/.exec(fileName ?? '')?.[1]?.toLowerCase();
  return own ?? 'bin';
}

/**
 * The media of an export: which attachments' files go in (the chosen types, when the store has
 * the bytes), and copying each file once however many messages share it. Files are named by
 * their content hash (`media/ab/<sha-256>.jpg`), so the same photo sent to ten chats is one file.
 */
export class MediaCopier {
  files = 0;
  bytes = 0;
  private readonly copied = new Set<string>();

  constructor(
    private readonly store: ChatStore,
    private readonly types: ReadonlySet<MediaType>,
  ) {}

  /** Whether this attachment's file is part of the export. */
  includes(a: Pick<AttachmentView, 'mediaType' | 'hash'>): a is typeof a & { hash: string } {
    return a.hash !== null && this.types.has(a.mediaType) && this.store.media.has(a.hash);
  }

  /** The store's file for an included attachment. */
  sourcePath(hash: string): string {
    return this.store.media.pathFor(hash);
  }

  /** `media/ab/<hash>.<ext>`: where an included attachment's file goes in the export. */
  static relPath(a: { hash: string; mime: string; fileName: string | null }): string {
    return `media/${a.hash.slice(0, 2)}/${a.hash}.${extensionFor(a.mime, a.fileName)}`;
  }

  /** Copy an included attachment's file to `rel` (once); returns `rel`. */
  copy(out: OutputFolder, hash: string, rel: string): string {
    if (this.copied.has(rel)) return rel;
    const target = out.path(rel);
    try {
      if (!fs.existsSync(target)) {
        out.mkdir(rel.slice(0, rel.lastIndexOf('/')));
        fs.copyFileSync(this.sourcePath(hash), target, fs.constants.COPYFILE_EXCL);
        this.files++;
        this.bytes += fs.statSync(target).size;
      }
    } catch (error) {
      throw asStorageError(error, target);
    }
    // Remembered by path: a bounded set (one entry per distinct file) saves a stat per repeat.
    this.copied.add(rel);
    return rel;
  }
}
