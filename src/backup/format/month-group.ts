import type { ChatBundle, MessageRecord } from '../../store/records.js';

/**
 * Serialized (chat, month) group: UTF-8 JSON lines, joined by '\n'.
 *   line 1: {"v":1,"source":SourceRecord,"chat":ChatRecord,"people":PersonRecord[]}
 *   then one MessageRecord per line, in the order the store gave them.
 * The lines are split into content-defined chunks (tree-list.ts) and each chunk is one
 * `messages` blob, so appending to a month rewrites only its last chunk.
 */
export const MONTH_GROUP_VERSION = 1;
/** Average lines per `messages` chunk. */
export const MESSAGE_LINES_AVG = 32;

export class MonthGroupFormatError extends Error {}

/** The group's lines; stored split into content-defined chunks (one `messages` blob each). */
export function encodeMonthGroupLines(bundle: ChatBundle): string[] {
  const lines = [
    JSON.stringify({
      v: MONTH_GROUP_VERSION,
      source: bundle.source,
      chat: bundle.chat,
      people: bundle.people,
    }),
  ];
  for (const m of bundle.messages) lines.push(JSON.stringify(m));
  return lines;
}

export function encodeMonthGroup(bundle: ChatBundle): Buffer {
  return Buffer.from(encodeMonthGroupLines(bundle).join('\n'), 'utf8');
}

export function decodeMonthGroup(bytes: Buffer): ChatBundle {
  const lines = bytes.toString('utf8').split('\n');
  const head = JSON.parse(lines[0] ?? '') as Partial<ChatBundle> & { v?: unknown };
  if (head.v !== MONTH_GROUP_VERSION)
    throw new MonthGroupFormatError(`unknown month group version ${String(head.v)}`);
  if (!head.source || !head.chat || !Array.isArray(head.people))
    throw new MonthGroupFormatError('missing header fields');
  const messages: MessageRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    const m = JSON.parse(lines[i]!) as MessageRecord;
    if (typeof m.key !== 'string' || typeof m.sentAt !== 'number')
      throw new MonthGroupFormatError(`bad message on line ${i + 1}`);
    messages.push(m);
  }
  return { source: head.source, chat: head.chat, people: head.people, messages };
}
