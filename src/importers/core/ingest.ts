import type { ChatBundle } from '../../store/records.js';
import { ImportCancelledError, isImportError, sqliteAsDamaged } from './errors.js';
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
    return await store.ingest(guarded, { shouldCancel: () => signal?.aborted === true });
  } catch (e) {
    if (signal?.aborted) throw new ImportCancelledError();
    if (isImportError(inner)) throw inner;
    throw e;
  }
}

/** Splits a long run of messages into bundles of at most `size` (bounded memory in ingest). */
export const CHUNK_MESSAGES = 5000;
