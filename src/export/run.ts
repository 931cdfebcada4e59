import type { ChatStore } from '../store/chat-store.js';
import type { SnapshotReader } from '../store/index.js';
import { ProgressCounter, type ExportContext, type ExportProgress } from './context.js';
import { asStorageError, ExportCancelledError, InvalidExportOptionError } from './errors.js';
import { exportHtml } from './html/html-export.js';
import { exportJson } from './json/json-export.js';
import { MediaCopier } from './media.js';
import { resolveOptions, SINGLE_FILE_WARN_BYTES, type ExportOptions } from './options.js';
import { OutputFolder } from './output.js';
import { planChats, SearchFilter } from './read.js';
import { ArchiveClock } from './time.js';
import { exportText } from './txt/txt-export.js';

export interface ExportResult {
  format: ExportOptions['format'];
  /** The export's folder. */
  outDir: string;
  /** The file to open first, relative to `outDir` (`index.html`, `export.json`), or null. */
  entry: string | null;
  chats: number;
  messages: number;
  mediaFiles: number;
  mediaBytes: number;
  bytesWritten: number;
  warnings: string[];
}

export interface RunExportControls {
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
}

/**
 * Export chats from `store` into `outDir` (a new or empty folder). Everything is read in one
 * consistent snapshot of the store (other connections keep writing meanwhile), a page of
 * messages at a time; on failure or cancel the folder is left as it was found.
 */
export async function runExport(
  store: ChatStore,
  outDir: string,
  options: ExportOptions,
  controls: RunExportControls = {},
): Promise<ExportResult> {
  const opts = resolveOptions(options);
  const filter = opts.search ? new SearchFilter(opts.search) : null;
  if (filter?.empty) {
    throw new InvalidExportOptionError(
      `"${opts.search}" has no words to search for: give a word, or leave the search out.`,
    );
  }
  if (controls.signal?.aborted) throw new ExportCancelledError();
  const out = OutputFolder.prepare(outDir);
  try {
    return await store.readSnapshot(async (snapshot: SnapshotReader) => {
      const clock = new ArchiveClock(opts.timeZone, opts.locale);
      const plan = planChats(store, opts, clock);
      const total = plan.reduce((n, c) => n + c.messages, 0);
      const media = new MediaCopier(store, opts.mediaTypes);
      const progress = new ProgressCounter(
        total,
        () => out.bytesWritten + media.bytes,
        controls.onProgress,
      );
      const ctx: ExportContext = {
        store,
        opts,
        out,
        clock,
        plan,
        media,
        filter,
        progress,
        signal: controls.signal,
      };
      progress.emit();
      const written =
        opts.format === 'html'
          ? await exportHtml(ctx)
          : opts.format === 'txt'
            ? await exportText(ctx)
            : await exportJson(ctx, snapshot);
      const warnings = [...written.warnings];
      if (opts.singleFile && progress.bytesWritten > SINGLE_FILE_WARN_BYTES) {
        warnings.push(singleFileWarning(progress.bytesWritten));
      }
      progress.phase = 'done';
      progress.emit();
      return {
        format: opts.format,
        outDir: out.dir,
        entry: written.entry,
        chats: written.chats,
        messages: written.messages,
        mediaFiles: ctx.media.files,
        mediaBytes: ctx.media.bytes,
        bytesWritten: out.bytesWritten + (opts.singleFile ? 0 : ctx.media.bytes),
        warnings,
      };
    });
  } catch (error) {
    try {
      out.discard();
    } catch {
      // The original error says more than a failed cleanup.
    }
    throw asStorageError(error, out.dir);
  }
}

export function singleFileWarning(bytes: number): string {
  const mb = Math.round(bytes / (1024 * 1024));
  return `The single file is ${mb} MB, above ${SINGLE_FILE_WARN_BYTES / (1024 * 1024)} MB: some browsers open files this large slowly or not at all. Without --single-file the media stay beside the pages and every page opens quickly.`;
}
