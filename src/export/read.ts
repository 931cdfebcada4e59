import type { ChatDetail, MessageView } from '../shared/chat-types.js';
import { readContact, readLocation, readPoll } from '../shared/message-extra.js';
import type { ChatStore } from '../store/chat-store.js';
import { matchesAll, parseQuery, type QueryPhrase } from '../store/fts-text.js';
import type { MessageRecord } from '../store/records.js';
import { ChatNotFoundError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import type { ArchiveClock } from './time.js';

/**
 * What an export reads, through the store's own read APIs only (chat details, message pages,
 * counts per time span, month bundles): a page of at most PAGE messages is in memory at a time,
 * whatever the size of the chat.
 */

/** Messages per read: one statement's worth, small enough that memory stays flat. */
export const PAGE = 1000;

export interface MonthSlice {
  /** "2019-06" in the archive's time zone. */
  key: string;
  /** [start, end) in UTC ms, clamped to the export's date range. */
  start: number;
  end: number;
  /** Messages in the slice before the search filter. */
  count: number;
}

export interface PlannedChat {
  detail: ChatDetail;
  months: MonthSlice[];
  /** Messages in range, before the search filter. */
  messages: number;
}

/** The chats to export, in the archive's order, with their months in the date range. */
export function planChats(
  store: ChatStore,
  opts: ResolvedOptions,
  clock: ArchiveClock,
): PlannedChat[] {
  const details: ChatDetail[] = [];
  if (opts.chats === 'all') {
    const PAGE_CHATS = 500;
    for (let offset = 0; ; offset += PAGE_CHATS) {
      const page = store.listChats({ limit: PAGE_CHATS, offset });
      for (const summary of page) {
        const detail = store.getChat(summary.id);
        if (detail) details.push(detail);
      }
      if (page.length < PAGE_CHATS) break;
    }
  } else {
    for (const id of opts.chats) {
      const detail = store.getChat(id);
      if (!detail) throw new ChatNotFoundError(id);
      details.push(detail);
    }
  }
  const planned = details.map((detail) => planChat(store, detail, opts, clock));
  // Every chat asked for by id stays (an empty one says so); "all" leaves out chats with nothing
  // in the date range.
  return opts.chats === 'all' ? planned.filter((c) => c.messages > 0) : planned;
}

function planChat(
  store: ChatStore,
  detail: ChatDetail,
  opts: ResolvedOptions,
  clock: ArchiveClock,
): PlannedChat {
  if (detail.firstSentAt === null || detail.lastSentAt === null) {
    return { detail, months: [], messages: 0 };
  }
  const lo = Math.max(detail.firstSentAt, opts.from ?? -Infinity);
  const hi = Math.min(detail.lastSentAt, (opts.to ?? Infinity) - 1);
  if (lo > hi) return { detail, months: [], messages: 0 };
  const slices = clock.monthsBetween(lo, hi).map((key) => {
    const [start, end] = clock.monthRange(key);
    return {
      key,
      start: Math.max(start, opts.from ?? -Infinity),
      end: Math.min(end, opts.to ?? Infinity),
      count: 0,
    };
  });
  const bounds = [...slices.map((s) => s.start), slices[slices.length - 1]?.end ?? hi + 1];
  const counts = store.countMessagesBetween(detail.id, bounds);
  slices.forEach((s, i) => (s.count = counts[i] ?? 0));
  const months = slices.filter((s) => s.count > 0);
  return { detail, months, messages: months.reduce((n, m) => n + m.count, 0) };
}

/**
 * A chat's messages in [start, end), oldest first, a page at a time (the app's own message
 * pages: replies resolved, reactions counted, attachments listed). `expected`, the count the plan
 * found in the span, sizes the last page so no message beyond `end` is read for nothing.
 */
export function* messagesBetween(
  store: ChatStore,
  chatId: number,
  start: number,
  end: number,
  expected = Infinity,
): Generator<MessageView[]> {
  // Strictly after (start - 1, the largest id): every message sent at `start` or later.
  let cursor = { sentAt: start - 1, id: Number.MAX_SAFE_INTEGER };
  let seen = 0;
  for (;;) {
    const limit = Math.max(1, Math.min(PAGE, expected - seen));
    const page = store.getMessages(chatId, { after: cursor, limit });
    const inRange = page.messages.filter((m) => m.sentAt < end);
    seen += inRange.length;
    if (inRange.length > 0) yield inRange;
    const last = page.messages[page.messages.length - 1];
    if (!last || !page.hasNewer || inRange.length < page.messages.length || seen >= expected) {
      return;
    }
    cursor = { sentAt: last.sentAt, id: last.id };
  }
}

/** Where a quoted message is (its time), or null when it is not in the store. */
export function messageTime(store: ChatStore, chatId: number, messageId: number): number | null {
  try {
    const page = store.getMessages(chatId, { around: messageId, limit: 1 });
    return page.messages.find((m) => m.id === messageId)?.sentAt ?? null;
  } catch {
    return null;
  }
}

/** The words of a message a search looks at: its text, file names, and what its card says. */
export function searchableText(m: {
  kind: string;
  text: string | null;
  attachments: readonly { fileName: string | null }[];
  extra?: Record<string, unknown> | null;
}): string {
  const parts: string[] = [];
  if (m.text) parts.push(m.text);
  for (const a of m.attachments) if (a.fileName) parts.push(a.fileName);
  const extra = m.extra ?? null;
  if (m.kind === 'poll') {
    const poll = readPoll(extra, m.text);
    if (poll) parts.push(poll.question, ...poll.options.map((o) => o.text));
  } else if (m.kind === 'location') {
    const place = readLocation(extra);
    if (place?.name) parts.push(place.name);
    if (place?.address) parts.push(place.address);
  } else if (m.kind === 'contact') {
    const card = readContact(extra, m.text);
    if (card) parts.push(card.name);
  }
  return parts.join('\n');
}

/** "Only messages matching": the app's own word matching (every word, the last one a prefix). */
export class SearchFilter {
  private readonly phrases: QueryPhrase[];
  constructor(readonly query: string) {
    this.phrases = parseQuery(query);
  }
  /** A query without words matches nothing, rather than everything. */
  get empty(): boolean {
    return this.phrases.length === 0;
  }
  matches(m: MessageView | MessageRecord): boolean {
    return matchesAll(searchableText(m), this.phrases);
  }
}
