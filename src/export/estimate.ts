import type { ChatStore } from '../store/chat-store.js';
import { resolveOptions, SINGLE_FILE_WARN_BYTES, type ExportOptions } from './options.js';
import { planChats } from './read.js';
import { ArchiveClock } from './time.js';

export interface ExportEstimate {
  chats: number;
  /** Messages in the chosen chats and dates (before any search filter). */
  messages: number;
  /** Media files and bytes that would be included (scaled to the date range). */
  mediaFiles: number;
  mediaBytes: number;
  /** About how large the export will be. */
  estimatedBytes: number;
  /** A single file above this gets a warning (docs/export.md). */
  singleFileWarnBytes: number;
  /** True when a single file would be above that. */
  singleFileTooLarge: boolean;
}

/** Bytes an archive page spends per message, measured on seeded stores (bench/export.bench.ts). */
const HTML_BYTES_PER_MESSAGE = 900;

/**
 * How big an export will be, before it runs: the app shows it beside "Single file", and the CLI
 * warns with it. Media counts are the chats' own, scaled by the share of their messages in the
 * date range; base64 makes embedded media a third larger.
 */
export function estimateExport(store: ChatStore, options: ExportOptions): ExportEstimate {
  const opts = resolveOptions(options);
  const clock = new ArchiveClock(opts.timeZone, opts.locale);
  const plan = planChats(store, opts, clock);
  let messages = 0;
  let mediaFiles = 0;
  let mediaBytes = 0;
  for (const chat of plan) {
    messages += chat.messages;
    const share = chat.detail.messageCount > 0 ? chat.messages / chat.detail.messageCount : 0;
    const summary = store.chatMediaSummary(chat.detail.id);
    for (const [type, c] of Object.entries(summary.media)) {
      if (!opts.mediaTypes.has(type as never) || c.count === 0) continue;
      const includedShare = c.included / c.count;
      mediaFiles += Math.round(c.included * share);
      mediaBytes += Math.round(c.bytes * includedShare * share);
    }
  }
  const pages = messages * HTML_BYTES_PER_MESSAGE;
  const single = pages + Math.ceil((mediaBytes * 4) / 3);
  const estimatedBytes = opts.format === 'html' && opts.singleFile ? single : pages + mediaBytes;
  return {
    chats: plan.length,
    messages,
    mediaFiles,
    mediaBytes,
    estimatedBytes,
    singleFileWarnBytes: SINGLE_FILE_WARN_BYTES,
    singleFileTooLarge: single > SINGLE_FILE_WARN_BYTES,
  };
}
