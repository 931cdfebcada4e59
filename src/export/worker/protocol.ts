import type { ExportOptions } from '../options.js';

/** What crosses into the export worker: plain data, no callbacks or signals. */
export type ExportJob =
  | { op: 'estimate'; storeDir: string; nativeBinding?: string; options: ExportOptions }
  | {
      op: 'export';
      storeDir: string;
      nativeBinding?: string;
      outDir: string;
      options: ExportOptions;
    };

export type ToWorker = { type: 'cancel' };

export type FromWorker =
  | {
      type: 'progress';
      phase: string;
      messagesDone: number;
      messagesTotal: number;
      bytesWritten: number;
    }
  | { type: 'result'; value: unknown }
  | { type: 'error'; error: { name: string; code: string; message: string } };
