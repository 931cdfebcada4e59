import type { ChatStore } from '../store/chat-store.js';
import { ExportCancelledError } from './errors.js';
import type { MediaCopier } from './media.js';
import type { ResolvedOptions } from './options.js';
import type { OutputFolder } from './output.js';
import type { PlannedChat, SearchFilter } from './read.js';
import type { ArchiveClock } from './time.js';

export interface ExportProgress {
  /** "messages", then "finishing". */
  phase: string;
  /** Messages read so far (the search filter may leave some out of the export). */
  messagesDone: number;
  messagesTotal: number;
  /** Bytes written so far (pages, media, index). */
  bytesWritten: number;
}

/** What every format's writer gets: the store, the options, where to write and how to report. */
export interface ExportContext {
  store: ChatStore;
  opts: ResolvedOptions;
  out: OutputFolder;
  clock: ArchiveClock;
  plan: PlannedChat[];
  media: MediaCopier;
  filter: SearchFilter | null;
  progress: ProgressCounter;
  signal?: AbortSignal;
}

/** What a writer says it wrote. */
export interface WriterResult {
  /** The file to open first, relative to the export folder (null for text and JSON). */
  entry: string | null;
  chats: number;
  messages: number;
  warnings: string[];
}

/** Counts messages and bytes, and passes progress on. */
export class ProgressCounter {
  messagesDone = 0;
  phase = 'messages';

  constructor(
    readonly messagesTotal: number,
    /** Bytes written so far (the output folder counts them). */
    private readonly bytes: () => number,
    private readonly report: (p: ExportProgress) => void = () => {},
  ) {}

  get bytesWritten(): number {
    return this.bytes();
  }

  add(messages: number): void {
    this.messagesDone += messages;
  }

  emit(): void {
    this.report({
      phase: this.phase,
      messagesDone: this.messagesDone,
      messagesTotal: this.messagesTotal,
      bytesWritten: this.bytesWritten,
    });
  }
}

/**
 * Between pages of messages: report, let the event loop run (Ctrl-C, a cancel message) and stop
 * when cancelled.
 */
export async function breathe(ctx: ExportContext): Promise<void> {
  ctx.progress.emit();
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (ctx.signal?.aborted) throw new ExportCancelledError();
}
