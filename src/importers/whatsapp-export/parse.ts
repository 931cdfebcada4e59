import type { Line } from '../core/line-reader.js';
import { type WallClock } from '../core/wall-clock.js';
import { classify, isEncryptionNotice, type Classified } from './classify.js';
import {
  inferDateOrder,
  parseHeader,
  resolveDate,
  to24h,
  type DateOrder,
  type HeaderParts,
} from './line.js';

/** One message of an export as written: header plus the full (possibly multi-line) body. */
export interface RawMessage {
  header: HeaderParts;
  body: string;
  /** The first line exactly as written (header included). */
  firstLine: string;
  /** Bytes of the file consumed when this message is complete. */
  offset: number;
  /** The body was longer than WhatsApp allows (MAX_MESSAGE_CHARS) and was cut there. */
  cut: boolean;
}

/**
 * WhatsApp refuses to send a message longer than this many characters, so a longer "message" in
 * an export is something else (junk lines after one real header): it is cut here, with a warning,
 * which also keeps memory bounded however many lines follow.
 */
export const MAX_MESSAGE_CHARS = 65_536;

const POLL_START = /^[\u200e\u200f]*POLL:\s*$/;
const POLL_OPTION_LINE = /^[\u200e\u200f]*OPTION: /;

interface Assembling {
  header: HeaderParts;
  parts: string[];
  chars: number;
  firstLine: string;
  cut: boolean;
}

/**
 * Groups lines into messages: a line without a timestamp header continues the previous one. In
 * files whose messages end with CRLF (iOS), a lone LF is a line break typed inside a message, so
 * the line after it continues the message even when it looks like a header.
 */
export function* assembleMessages(lines: Iterable<Line>, crlf = false): Generator<RawMessage> {
  let current: Assembling | null = null;
  let offset = 0;
  let prevEol = '';
  let prevText = '';
  for (const line of lines) {
    let header = parseHeader(line.text);
    // iOS writes a poll with LF line ends, before and after it too: a header whose text is
    // "POLL:" starts a message even after an LF, and so does one right after a poll's options.
    if (header && crlf && prevEol === 'lf') {
      const pollStart = POLL_START.test(header.text);
      const afterPoll =
        current !== null && POLL_START.test(current.header.text) && POLL_OPTION_LINE.test(prevText);
      if (!pollStart && !afterPoll) header = null;
    }
    prevEol = line.eol;
    prevText = line.text;
    if (header) {
      if (current) yield finish(current, offset);
      current = {
        header,
        parts: [header.text],
        chars: header.text.length,
        firstLine: line.text,
        cut: false,
      };
    } else if (current && !current.cut) {
      const room = MAX_MESSAGE_CHARS - current.chars - 1;
      if (line.text.length > room) {
        current.parts.push(line.text.slice(0, Math.max(0, room)));
        current.cut = true;
      } else current.parts.push(line.text);
      current.chars += line.text.length + 1;
    }
    offset = line.offset;
  }
  if (current) yield finish(current, offset);
}

function finish(c: Assembling, offset: number): RawMessage {
  // Blank lines at the end of a message are the file's layout (a trailing newline), not text.
  const parts = c.parts;
  while (parts.length > 1 && (parts[parts.length - 1] ?? '').trim() === '') parts.pop();
  let body = parts.join('\n');
  let cut = c.cut;
  if (body.length > MAX_MESSAGE_CHARS) {
    body = body.slice(0, MAX_MESSAGE_CHARS);
    cut = true;
  }
  return { header: c.header, body, firstLine: c.firstLine, offset, cut };
}

/** What one read of the whole file learns, in memory bounded by participants and days. */
export interface ExportScan {
  messages: number;
  systemMessages: number;
  /** Author -> message count. */
  authors: Map<string, number>;
  /** File names referenced by attachment lines. */
  attachmentNames: Set<string>;
  omittedMedia: number;
  dateOrder: DateOrder | null;
  /** The subject the group was created with (first "created group" line), if any. */
  groupCreatedTitle: string | null;
  /** Names that system messages mention in the third person: not the exporter. */
  namesInSystemLines: Set<string>;
  /** The exporter's own actions appear as "You ..." in system lines. */
  hasYouSystemLines: boolean;
  /**
   * "Authors" that are the chat itself: iOS writes group events as `Group name: \u200eAna added
   * Ben`. An author all of whose messages are text starting with U+200E is one of these.
   */
  chatVoices: Set<string>;
  /** System lines only groups have (added, removed, left, group subject...). */
  groupEvents: boolean;
  /** Messages longer than MAX_MESSAGE_CHARS, cut there. */
  cutMessages: number;
  first: HeaderParts | null;
  last: HeaderParts | null;
}

const CREATED_GROUP = /^(.+?) created (?:the )?group ["\u201c\u201e]?(.+?)["\u201d\u201c]?$/;
const YOU_LINE = /^(You|you) /;
const ACTOR = /^(.+?) (added|removed|left|joined|changed|created|deleted)\b/;
const TARGET = /\b(?:added|removed) (.+)$/;
const GROUP_EVENT =
  /\b(added|removed|left|joined using|created (?:the )?group|changed the subject|changed (?:this )?group|changed the group)\b/;
const MAX_SYSTEM_NAMES = 10_000;

export function scanExport(lines: Iterable<Line>, crlf = false): ExportScan {
  const scan: ExportScan = {
    messages: 0,
    systemMessages: 0,
    authors: new Map(),
    attachmentNames: new Set(),
    omittedMedia: 0,
    dateOrder: null,
    groupCreatedTitle: null,
    namesInSystemLines: new Set(),
    hasYouSystemLines: false,
    chatVoices: new Set(),
    groupEvents: false,
    cutMessages: 0,
    first: null,
    last: null,
  };
  // Distinct dates in order of first appearance: bounded by the number of days the chat spans.
  const dates = new Map<string, [number, number, number]>();
  let widths: [number, number, number] | null = null;
  const lrmText = new Map<string, number>();
  const systemLine = (text: string) => {
    const created = CREATED_GROUP.exec(text);
    if (created?.[2] && scan.groupCreatedTitle === null) scan.groupCreatedTitle = created[2];
    if (YOU_LINE.test(text)) scan.hasYouSystemLines = true;
    if (GROUP_EVENT.test(text)) scan.groupEvents = true;
    if (scan.namesInSystemLines.size < MAX_SYSTEM_NAMES) {
      const actor = ACTOR.exec(text)?.[1];
      if (actor && !YOU_LINE.test(actor + ' ')) scan.namesInSystemLines.add(actor);
      for (const name of (TARGET.exec(text)?.[1] ?? '').split(/, | and /)) {
        if (name && name !== 'you' && name !== 'You') scan.namesInSystemLines.add(name.trim());
      }
    }
  };
  for (const raw of assembleMessages(lines, crlf)) {
    const h = raw.header;
    scan.messages++;
    scan.first ??= h;
    scan.last = h;
    widths ??= h.dateWidths;
    const dk = h.date.join('/');
    if (!dates.has(dk)) dates.set(dk, h.date);
    if (raw.cut) scan.cutMessages++;
    // The encryption notice is WhatsApp's, whatever name the export puts before it.
    if (h.author === null || isEncryptionNotice(raw.body)) {
      scan.systemMessages++;
      systemLine(raw.body.replace(/^[\u200e\u200f]+/, ''));
      continue;
    }
    scan.authors.set(h.author, (scan.authors.get(h.author) ?? 0) + 1);
    const c = classify(h.author, raw.body);
    if (c.attachment?.fileName) scan.attachmentNames.add(c.attachment.fileName);
    else if (c.attachment?.omitted) scan.omittedMedia++;
    if (c.kind === 'text' && raw.body.startsWith('\u200e')) {
      lrmText.set(h.author, (lrmText.get(h.author) ?? 0) + 1);
      systemLine(raw.body.replace(/^[\u200e\u200f]+/, ''));
    }
  }
  for (const [author, n] of lrmText) {
    if (scan.authors.get(author) !== n) continue;
    scan.chatVoices.add(author);
    scan.authors.delete(author);
    scan.systemMessages += n;
  }
  scan.dateOrder = inferDateOrder(dates.values(), widths);
  return scan;
}

/** The owner the exporter most likely is: a sender never named by system lines, most active first. */
export function suggestOwner(scan: ExportScan, chatTitle: string | null): string | null {
  const ranked = [...scan.authors.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
  const notMentioned = ranked.filter(
    (n) => !(scan.hasYouSystemLines && scan.namesInSystemLines.has(n)) && n !== chatTitle,
  );
  // In a direct chat exported from Android the title is the other person.
  if (chatTitle && ranked.length === 2 && ranked.includes(chatTitle)) {
    return ranked.find((n) => n !== chatTitle) ?? null;
  }
  return notMentioned[0] ?? ranked[0] ?? null;
}

export function wallClockOf(h: HeaderParts, order: DateOrder): WallClock | null {
  const d = resolveDate(h.date, order);
  if (!d || d.year < 1970 || d.year >= 2200) return null;
  return { ...d, hour: to24h(h.hour, h.meridiem), minute: h.minute, second: h.second };
}

export interface ParsedMessage {
  raw: RawMessage;
  wall: WallClock;
  classified: Classified;
}

/**
 * Messages with resolved wall-clock times. A header whose date is impossible in the inferred
 * order (e.g. month 13) was not a header after all: its text continues the previous message.
 */
export function* parseMessages(
  lines: Iterable<Line>,
  order: DateOrder,
  crlf = false,
  chatVoices: ReadonlySet<string> = new Set(),
): Generator<ParsedMessage> {
  let pending: ParsedMessage | null = null;
  for (const found of assembleMessages(lines, crlf)) {
    const voice =
      found.header.author !== null &&
      (chatVoices.has(found.header.author) || isEncryptionNotice(found.body));
    const raw = voice ? { ...found, header: { ...found.header, author: null } } : found;
    const wall = wallClockOf(raw.header, order);
    if (!wall) {
      if (pending) {
        const prev: ParsedMessage = pending;
        const joined = `${prev.raw.body}\n${raw.firstLine}${raw.body.slice(raw.header.text.length)}`;
        const cut = prev.raw.cut || raw.cut || joined.length > MAX_MESSAGE_CHARS;
        const body = joined.slice(0, MAX_MESSAGE_CHARS);
        pending = {
          wall: prev.wall,
          raw: { ...prev.raw, body, offset: raw.offset, cut },
          classified: classify(prev.raw.header.author, body),
        };
      }
      continue;
    }
    if (pending) yield pending;
    pending = { raw, wall, classified: classify(raw.header.author, raw.body) };
  }
  if (pending) yield pending;
}
