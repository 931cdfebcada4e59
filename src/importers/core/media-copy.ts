import type { AttachmentRecord } from '../../store/records.js';
import { throwIfCancelled, type ProgressReporter } from './cancel.js';
import { classifyFile } from './media-type.js';
import type { ChatStoreLike } from './types.js';

export interface CopiedMedia {
  /** Attachment records by the source database's media row id. */
  byRow: Map<number, AttachmentRecord>;
  stored: number;
  storedBytes: number;
  missing: number;
}

/**
 * Copies the media a phone database references into the store's media folder, typed by content,
 * before the messages are ingested so their bundles can carry the hashes. `locate` finds a
 * reference's file (null when it is not there) and the name to record.
 */
export async function copyReferencedMedia<R extends { rowId: number }>(
  store: ChatStoreLike,
  refs: Iterable<R>,
  locate: (ref: R) => { file: string; name: string | null; sniffName: string | null } | null,
  progress: ProgressReporter,
  signal: AbortSignal | undefined,
): Promise<CopiedMedia> {
  const result: CopiedMedia = { byRow: new Map(), stored: 0, storedBytes: 0, missing: 0 };
  progress.phase('media', 0);
  for (const ref of [...refs]) {
    throwIfCancelled(signal);
    const found = locate(ref);
    if (!found) {
      result.missing++;
      continue;
    }
    const kind = await classifyFile(found.file, found.sniffName);
    const put = await store.media.putFile(found.file);
    result.byRow.set(ref.rowId, {
      mediaType: kind.mediaType,
      mime: kind.mime,
      size: put.size,
      hash: put.hash,
      fileName: found.name,
    });
    result.stored++;
    result.storedBytes += put.size;
    progress.tick(result.stored, result.storedBytes);
  }
  return result;
}
