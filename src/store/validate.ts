import { InvalidRecordError } from './errors.js';
import { isMediaHash } from './media-store.js';
import { CHAT_TYPES, MEDIA_TYPES, MESSAGE_KINDS, type ChatBundle } from './records.js';

/**
 * Message times must fit the id scheme (sent_at * 1024 stays a safe integer) and be plausible:
 * from 1970 to 2200.
 */
export const MAX_SENT_AT = Date.UTC(2200, 0, 1);

const kinds = new Set<string>(MESSAGE_KINDS);
const mediaTypes = new Set<string>(MEDIA_TYPES);
const chatTypes = new Set<string>(CHAT_TYPES);

function fail(path: string, problem: string): never {
  throw new InvalidRecordError(path, problem);
}

function str(value: unknown, path: string, { empty = false } = {}): void {
  if (typeof value !== 'string') fail(path, `expected a string, got ${typeof value}`);
  if (!empty && value.length === 0) fail(path, 'must not be empty');
}

function optStr(value: unknown, path: string): void {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    fail(path, `expected a string or null, got ${typeof value}`);
  }
}

function optInt(value: unknown, path: string): void {
  if (
    value !== undefined &&
    value !== null &&
    !(Number.isSafeInteger(value) && (value as number) >= 0)
  ) {
    fail(path, `expected a non-negative integer or null, got ${String(value)}`);
  }
}

function time(value: unknown, path: string, optional: boolean): void {
  if (optional && (value === undefined || value === null)) return;
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) >= MAX_SENT_AT) {
    fail(path, `expected a UTC millisecond time between 1970 and 2200, got ${String(value)}`);
  }
}

/**
 * Check a bundle against the record contract before anything is written, so a bad record names
 * itself instead of surfacing as an SQLite constraint error. `where` prefixes every path.
 */
export function validateBundle(bundle: ChatBundle, where: string): void {
  if (typeof bundle !== 'object' || bundle === null) fail(where, 'expected a ChatBundle object');
  const { source, chat, people, messages } = bundle;
  if (typeof source !== 'object' || source === null) fail(`${where}.source`, 'missing');
  str(source.kind, `${where}.source.kind`);
  str(source.accountKey, `${where}.source.accountKey`);
  str(source.label, `${where}.source.label`, { empty: true });
  if (typeof chat !== 'object' || chat === null) fail(`${where}.chat`, 'missing');
  str(chat.key, `${where}.chat.key`);
  str(chat.title, `${where}.chat.title`, { empty: true });
  if (!chatTypes.has(chat.type))
    fail(`${where}.chat.type`, `unknown chat type ${String(chat.type)}`);
  if (!Array.isArray(chat.members)) fail(`${where}.chat.members`, 'expected an array');
  chat.members.forEach((m, i) => str(m, `${where}.chat.members[${i}]`));
  if (!Array.isArray(people)) fail(`${where}.people`, 'expected an array');
  people.forEach((p, i) => {
    const at = `${where}.people[${i}]`;
    if (typeof p !== 'object' || p === null) fail(at, 'expected a PersonRecord');
    str(p.key, `${at}.key`);
    str(p.displayName, `${at}.displayName`, { empty: true });
    optStr(p.handle, `${at}.handle`);
    optStr(p.phone, `${at}.phone`);
  });
  if (!Array.isArray(messages)) fail(`${where}.messages`, 'expected an array');
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const at = `${where}.messages[${i}]`;
    if (typeof m !== 'object' || m === null) fail(at, 'expected a MessageRecord');
    str(m.key, `${at}.key`);
    optStr(m.senderKey, `${at}.senderKey`);
    time(m.sentAt, `${at}.sentAt`, false);
    time(m.editedAt, `${at}.editedAt`, true);
    optStr(m.text, `${at}.text`);
    if (!kinds.has(m.kind)) fail(`${at}.kind`, `unknown message kind ${String(m.kind)}`);
    optStr(m.replyToKey, `${at}.replyToKey`);
    if (
      m.extra !== undefined &&
      m.extra !== null &&
      (typeof m.extra !== 'object' || Array.isArray(m.extra))
    ) {
      fail(`${at}.extra`, 'expected an object or null');
    }
    if (!Array.isArray(m.attachments)) fail(`${at}.attachments`, 'expected an array');
    m.attachments.forEach((a, j) => {
      const aat = `${at}.attachments[${j}]`;
      if (typeof a !== 'object' || a === null) fail(aat, 'expected an AttachmentRecord');
      if (!mediaTypes.has(a.mediaType))
        fail(`${aat}.mediaType`, `unknown media type ${String(a.mediaType)}`);
      str(a.mime, `${aat}.mime`, { empty: true });
      optInt(a.size, `${aat}.size`);
      if (a.size === undefined || a.size === null) fail(`${aat}.size`, 'required');
      if (a.hash !== null && !isMediaHash(a.hash)) {
        fail(`${aat}.hash`, 'expected 64 lowercase hex digits (SHA-256) or null');
      }
      optStr(a.fileName, `${aat}.fileName`);
      optInt(a.width, `${aat}.width`);
      optInt(a.height, `${aat}.height`);
      optInt(a.durationMs, `${aat}.durationMs`);
    });
    if (!Array.isArray(m.reactions)) fail(`${at}.reactions`, 'expected an array');
    m.reactions.forEach((r, j) => {
      const rat = `${at}.reactions[${j}]`;
      if (typeof r !== 'object' || r === null) fail(rat, 'expected a ReactionRecord');
      optStr(r.senderKey, `${rat}.senderKey`);
      str(r.emoji, `${rat}.emoji`);
      time(r.at, `${rat}.at`, true);
    });
  }
}
