import type { ImportOptions } from '../../importers/core/types';

/** What crosses into the import worker: everything but the callbacks and the signal. */
export type PlainImportOptions = Omit<ImportOptions, 'onProgress' | 'signal'>;

export interface ImportJob {
  op: 'inspect' | 'import';
  path: string;
  options: PlainImportOptions;
  storeDir: string;
  nativeBinding?: string;
  /** A folder for the job's temp files that the caller removes after the job, however it ends. */
  tempRoot?: string;
  /**
   * One Int32 the caller sets to 1 to cancel. Unlike a message it is seen inside synchronous
   * loops (parsing a file, the store's single-transaction ingest), which never yield to the
   * worker's event loop.
   */
  cancelFlag?: SharedArrayBuffer;
  /**
   * After the rows commit, build the search index a first import left for later (into an empty
   * store the rows are written without it, see ChatStore.ingest) before the job ends, reporting
   * phase 'index'. The CLI asks for it; the app leaves it to its store worker, which builds it
   * in the background while search says it is indexing, so the chats show at once.
   */
  buildSearchIndex?: boolean;
}

export type ToWorker = { type: 'cancel' };

export type FromWorker =
  | { type: 'progress'; phase: string; items: number; bytes: number; bytesTotal: number }
  | { type: 'result'; value: unknown }
  | {
      type: 'error';
      error: {
        name: string;
        code: string;
        message: string;
        /** NEEDS_OWNER: who wrote in the chat, so the caller can ask. */
        participants?: string[];
        suggestedOwner?: string | null;
      };
    };
