import type { ChatBundle } from '../../store/records.js';
import {
  DamagedFileError,
  ImportCancelledError,
  isImportError,
  sqliteAsDamaged,
} from './errors.js';
import type { ProgressReporter } from './cancel.js';
import type { ChatStoreLike } from './types.js';

/**
 * Hands a synchronous stream of bundles to the store's single-transaction ingest. Cancellation is
 * checked both by the store (shouldCancel) and by our generators; either way the transaction rolls
 * back and the caller sees ImportCancelledError. Our own typed errors thrown from inside the
 * generator (a damaged row, say) reach the caller unchanged even if the store wraps them.
 */
export async function ingestBundles(
  store: ChatStoreLike,
  bundles: Iterable<ChatBundle>,
  signal: AbortSignal | undefined,
  sourceName = 'The file',
): Promise<unknown> {
  let inner: unknown = null;
  const guarded = (function* () {
    try {
      for (const b of bundles) {
        if (signal?.aborted) throw new ImportCancelledError();
        yield b;
      }
    } catch (e) {
      // Errors raised while reading the source (not by the store) describe the source.
      inner = sqliteAsDamaged(e, sourceName);
      throw inner;
    }
  })();
  try {
    return await store.ingest(guarded, {
      shouldCancel: () => signal?.aborted === true,
      // A first import (an empty store) is readable as soon as its rows commit; the search index
      // is built afterwards (the app's store worker, or the import worker for the CLI).
      deferSearchIndex: true,
    });
  } catch (e) {
    if (signal?.aborted) throw new ImportCancelledError();
    if (isImportError(inner)) throw inner;
    throw e;
  }
}

/** Splits a long run of messages into bundles of at most `size` (bounded memory in ingest). */
export const CHUNK_MESSAGES = 5000;

/**
 * Streams a database reader's bundles into the store (one transaction), reporting each message as
 * progress and counting the chats as they pass. `bundles` receives the per-message callback.
 */
export async function ingestCounted(
  store: ChatStoreLike,
  bundles: (onMessage: () => void) => Iterable<ChatBundle>,
  progress: ProgressReporter,
  signal: AbortSignal | undefined,
  sourceName: string,
): Promise<{ ingest: unknown; messages: number; chats: number }> {
  let messages = 0;
  let chats = 0;
  const counted = (function* () {
    let lastChat = '';
    for (const b of bundles(() => progress.tick(++messages, messages))) {
      if (b.chat.key !== lastChat) chats++;
      lastChat = b.chat.key;
      yield b;
    }
  })();
  let ingest: unknown;
  try {
    ingest = await ingestBundles(store, counted, signal, sourceName);
  } catch (e) {
    // A database reader makes records of rows; a record the store refuses (a key that is a
    // blob, a time that is text) comes from a damaged page: say so, as SQLite's own errors are.
    if ((e as { code?: unknown } | null)?.code === 'INVALID_RECORD') {
      throw new DamagedFileError(`${sourceName} is damaged (${(e as Error).message})`, {
        cause: e,
      });
    }
    throw e;
  }
  return { ingest, messages, chats };
}
