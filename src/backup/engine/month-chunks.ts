import type { RepoKeys } from '../crypto/repo-keys.js';
import {
  encodeMonthGroupHeader,
  monthGroupChunkBytes,
  splitMonthGroup,
} from '../format/month-group.js';
import type { MessageRecord } from '../../store/records.js';
import type { StoreSnapshotReader } from '../source.js';

/**
 * One (chat, month) of the store as the plaintexts of its `messages` blobs, and the chat's
 * title. Uses the store's JSON lines where it offers them (the real store does), records
 * otherwise (test stores).
 */
export function monthGroupChunks(
  r: StoreSnapshotReader,
  keys: RepoKeys,
  chatId: number | string,
  month: string,
): { chunks: string[]; title: string } {
  const isBoundary = (key: string) => keys.isMessageBoundary(key);
  if (r.readMonthLines) {
    const m = r.readMonthLines(chatId, month);
    return {
      chunks: splitMonthGroup(encodeMonthGroupHeader(m.head), m.rows, isBoundary),
      title: m.head.chat.title,
    };
  }
  const bundle = r.readMonthBundle(chatId, month);
  return {
    chunks: splitMonthGroup(encodeMonthGroupHeader(bundle), rowsOf(bundle.messages), isBoundary),
    title: bundle.chat.title,
  };
}

/**
 * The same chunks as UTF-8 bytes in a reused buffer (see monthGroupChunkBytes): what the
 * backup hashes, compresses and seals, without a string or buffer per chunk.
 */
export function monthGroupChunkBuffers(
  r: StoreSnapshotReader,
  keys: RepoKeys,
  chatId: number | string,
  month: string,
): { chunks: Iterable<Buffer>; title: string } {
  const isBoundary = (key: string) => keys.isMessageBoundary(key);
  if (r.readMonthLines) {
    const m = r.readMonthLines(chatId, month);
    return {
      chunks: monthGroupChunkBytes(encodeMonthGroupHeader(m.head), m.rows, isBoundary),
      title: m.head.chat.title,
    };
  }
  const bundle = r.readMonthBundle(chatId, month);
  return {
    chunks: monthGroupChunkBytes(
      encodeMonthGroupHeader(bundle),
      rowsOf(bundle.messages),
      isBoundary,
    ),
    title: bundle.chat.title,
  };
}

function* rowsOf(messages: readonly MessageRecord[]): Generator<[string, string]> {
  for (const m of messages) yield [JSON.stringify(m), m.key];
}
