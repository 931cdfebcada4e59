import type { ImportOptions } from '../../importers/core/types';

/** What crosses into the import worker: everything but the callbacks and the signal. */
export type PlainImportOptions = Omit<ImportOptions, 'onProgress' | 'signal'>;

export interface ImportJob {
  op: 'inspect' | 'import';
  path: string;
  options: PlainImportOptions;
  storeDir: string;
  nativeBinding?: string;
}

export type ToWorker = { type: 'cancel' };

export type FromWorker =
  | { type: 'progress'; phase: string; items: number; bytes: number; bytesTotal: number }
  | { type: 'result'; value: unknown }
  | { type: 'error'; error: { name: string; code: string; message: string } };
