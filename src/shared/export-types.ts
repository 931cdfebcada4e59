/**
 * What the app's "Export…" dialog sends and is told: plain data across IPC. The export itself
 * runs in src/export (an export worker); see docs/export.md.
 */
import type { MediaKind } from './chat-types';

export type ExportFormatName = 'html' | 'txt' | 'json';

export interface ExportRequestView {
  /** Chat ids, or every chat. */
  chats: number[] | 'all';
  format: ExportFormatName;
  /** UTC ms: messages at or after. */
  from?: number | null;
  /** UTC ms: messages before. */
  to?: number | null;
  /** Media types whose files go in. */
  mediaTypes: MediaKind[];
  /** Only messages matching these words. */
  search?: string;
  /** HTML: one file with the media inside. */
  singleFile?: boolean;
}

export interface ExportEstimateView {
  chats: number;
  messages: number;
  mediaFiles: number;
  mediaBytes: number;
  estimatedBytes: number;
  singleFileWarnBytes: number;
  singleFileTooLarge: boolean;
}
