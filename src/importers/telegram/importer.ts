import fs from 'node:fs';
import path from 'node:path';
import type { ChatBundle, ChatType, MessageRecord, PersonRecord } from '../../store/records.js';
import { ProgressReporter, throwIfCancelled } from '../core/cancel.js';
import { UnknownFormatError } from '../core/errors.js';
import { CHUNK_MESSAGES, ingestBundles } from '../core/ingest.js';
import { readLines } from '../core/line-reader.js';
import { classifyFile } from '../core/media-type.js';
import { withTempDir } from '../core/temp.js';
import type {
  ChatStoreLike,
  Detection,
  ImportOptions,
  ImportPreview,
  ImportResult,
  Importer,
} from '../core/types.js';
import { convertTelegramMessage, type TelegramConverted } from './convert.js';
import { readTelegramExport } from './stream.js';

/**
 * Telegram Desktop "Export chat history" in JSON (`result.json`, a full export or one chat),
 * with its media folders beside it.
 *
 * Identity: source `{kind: 'telegram', accountKey: 'user<id>'}` of the exporting account (from
 * `personal_information`, or for a one-chat export of a personal chat the sender who is not the
 * peer, or `owner` given as `user<id>` or a name), else 'telegram-export'. Chat key:
 * `chat:<id>`; message key: Telegram's message id; person key: Telegram's from_id.
 */

const DIRECT_TYPES = new Set(['personal_chat', 'bot_chat', 'saved_messages']);

export function resolveResultJson(p: string): string {
  const st = fs.statSync(p);
  return st.isDirectory() ? path.join(p, 'result.json') : p;
}

function sniffTelegram(file: string): boolean {
  let head: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(65536);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      head = buf.subarray(0, n).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
  if (!/^\uFEFF?\s*\{/.test(head)) return false;
  const full = /"personal_information"\s*:/.test(head) || /"chats"\s*:\s*\{\s*"about"/.test(head);
  const chat =
    /"messages"\s*:\s*\[/.test(head) &&
    /"type"\s*:\s*"(personal_chat|private_group|private_supergroup|public_supergroup|public_channel|private_channel|saved_messages|bot_chat)"/.test(
      head,
    );
  const msgs = /"date_unixtime"\s*:/.test(head) || /"from_id"\s*:\s*"(user|channel)\d+"/.test(head);
  return full || chat || (msgs && /"messages"\s*:/.test(head));
}

interface ChatState {
  meta: Record<string, unknown>;
  spool: string | null;
  fd: number | null;
  messages: number;
  senders: Map<string, string>;
  first: number | null;
  last: number | null;
}

interface Collected {
  ownerFromExport: string | null;
  chats: ChatState[];
  names: Map<string, string>;
  media: {
    count: number;
    included: number;
    bytes: number;
    stored: number;
    storedBytes: number;
    missing: number;
  };
  skipped: number;
}

function safeMediaPath(root: string, rel: string): string | null {
  if (path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) return null;
  const full = path.join(root, rel);
  try {
    return fs.statSync(full).isFile() ? full : null;
  } catch {
    return null;
  }
}

/**
 * One streaming pass over result.json. With a store: media are copied into it and each chat's
 * converted messages are spooled to a temp file (NDJSON) for the synchronous ingest pass.
 */
async function collect(
  file: string,
  opts: ImportOptions,
  progress: ProgressReporter,
  write: { store: ChatStoreLike; tmp: string } | null,
): Promise<Collected> {
  const root = path.dirname(file);
  const out: Collected = {
    ownerFromExport: null,
    chats: [],
    names: new Map(),
    media: { count: 0, included: 0, bytes: 0, stored: 0, storedBytes: 0, missing: 0 },
    skipped: 0,
  };
  let chat: ChatState | null = null;
  let bytes = 0;
  let items = 0;
  progress.phase(write ? 'reading' : 'inspecting', fs.statSync(file).size);
  // Spool files still open when reading fails (a damaged file, a cancel) are closed here.
  const openFds = new Set<number>();
  try {
    await readAll();
  } finally {
    for (const fd of openFds) fs.closeSync(fd);
  }
  return out;

  async function readAll(): Promise<void> {
    for await (const ev of readTelegramExport(file, {
      signal: opts.signal,
      onBytes: (n) => (bytes = n),
    })) {
      switch (ev.type) {
        case 'personal': {
          const id = ev.info.user_id;
          if (typeof id === 'number' || typeof id === 'string') out.ownerFromExport = `user${id}`;
          const name = [ev.info.first_name, ev.info.last_name]
            .filter((x) => typeof x === 'string')
            .join(' ');
          if (out.ownerFromExport && name) out.names.set(out.ownerFromExport, name);
          break;
        }
        case 'chat-start': {
          const spool = write ? path.join(write.tmp, `chat-${out.chats.length}.ndjson`) : null;
          chat = {
            meta: {},
            spool,
            fd: spool ? fs.openSync(spool, 'w') : null,
            messages: 0,
            senders: new Map(),
            first: null,
            last: null,
          };
          if (chat.fd !== null) openFds.add(chat.fd);
          break;
        }
        case 'chat-meta':
          if (chat) chat.meta[ev.key] = ev.value;
          break;
        case 'message': {
          if (!chat) break;
          const c = convertTelegramMessage(ev.value);
          if (!c) {
            out.skipped++;
            break;
          }
          await handleMedia(c, root, out, write, opts);
          if (c.fromId) {
            chat.senders.set(c.fromId, c.fromName ?? chat.senders.get(c.fromId) ?? c.fromId);
            if (c.fromName) out.names.set(c.fromId, c.fromName);
          }
          for (const [id, name] of c.reactors) if (!out.names.has(id)) out.names.set(id, name);
          chat.messages++;
          chat.first = Math.min(chat.first ?? c.record.sentAt, c.record.sentAt);
          chat.last = Math.max(chat.last ?? c.record.sentAt, c.record.sentAt);
          if (chat.fd !== null)
            fs.writeSync(chat.fd, JSON.stringify({ f: c.fromId, r: c.record }) + '\n');
          progress.tick(++items, bytes);
          break;
        }
        case 'chat-end':
          if (chat) {
            if (chat.fd !== null) {
              fs.closeSync(chat.fd);
              openFds.delete(chat.fd);
            }
            chat.fd = null;
            out.chats.push(chat);
          }
          chat = null;
          break;
      }
    }
  }
}

async function handleMedia(
  c: TelegramConverted,
  root: string,
  out: Collected,
  write: { store: ChatStoreLike; tmp: string } | null,
  opts: ImportOptions,
): Promise<void> {
  const att = c.record.attachments[0];
  if (!att) return;
  out.media.count++;
  const full = c.mediaPath ? safeMediaPath(root, c.mediaPath) : null;
  if (!full) {
    if (c.mediaPath) out.media.missing++;
    return;
  }
  out.media.included++;
  const size = fs.statSync(full).size;
  out.media.bytes += size;
  if (!write) return;
  throwIfCancelled(opts.signal);
  const kind = await classifyFile(full, att.fileName, att.mediaType);
  const stored = await write.store.media.putFile(full);
  att.hash = stored.hash;
  att.size = stored.size;
  att.mime = kind.mime;
  att.mediaType = kind.mediaType;
  out.media.stored++;
  out.media.storedBytes += stored.size;
}

/**
 * A JSON file shaped like an export but without one message we can read (no id, no date) is not
 * an export we import: refused like a text file without one readable line, before anything is
 * written.
 */
function refuseEmpty(c: Collected, p: string): void {
  if (c.chats.some((ch) => ch.messages > 0)) return;
  throw new UnknownFormatError(
    c.skipped > 0
      ? `${p} holds no Telegram message Chatkeep can read (${c.skipped} entries without an id or a date)`
      : `${p} holds no Telegram messages`,
  );
}

/** Telegram's chat id; exports always carry one, but a hand-edited file may not. */
function chatKey(meta: Record<string, unknown>, index: number): string {
  const id = meta.id;
  return typeof id === 'string' || typeof id === 'number' ? `chat:${id}` : `chat-index:${index}`;
}

function chatType(meta: Record<string, unknown>): ChatType {
  return DIRECT_TYPES.has(String(meta.type)) ? 'direct' : 'group';
}

function chatTitle(meta: Record<string, unknown>): string {
  if (typeof meta.name === 'string' && meta.name) return meta.name;
  if (meta.type === 'saved_messages') return 'Saved Messages';
  return `Telegram chat ${String(meta.id ?? '')}`.trim();
}

/** Who "me" is: the export's own account, the owner option, or the non-peer of a 1:1 chat. */
function resolveOwner(c: Collected, opts: ImportOptions): string | null {
  if (c.ownerFromExport) return c.ownerFromExport;
  if (opts.owner) {
    if (/^user\d+$/.test(opts.owner)) return opts.owner;
    const want = opts.owner.trim().toLowerCase();
    for (const [id, name] of c.names) if (name.trim().toLowerCase() === want) return id;
  }
  for (const chat of c.chats) {
    if (chat.meta.type !== 'personal_chat' || chat.meta.id === undefined) continue;
    const peer = `user${String(chat.meta.id)}`;
    const others = [...chat.senders.keys()].filter((id) => id !== peer);
    if (others.length === 1 && others[0]) return others[0];
  }
  return null;
}

export const telegramImporter: Importer = {
  id: 'telegram-json',

  async detect(p: string): Promise<Detection | null> {
    let file: string;
    try {
      file = resolveResultJson(p);
    } catch {
      return null;
    }
    if (!sniffTelegram(file)) return null;
    return {
      format: 'telegram-json',
      variant: file === p ? 'file' : 'folder',
      description: 'Telegram Desktop export (JSON)',
    };
  },

  async inspect(p: string, opts: ImportOptions = {}): Promise<ImportPreview> {
    const file = resolveResultJson(p);
    if (!sniffTelegram(file)) throw new UnknownFormatError(`${p} is not a Telegram JSON export`);
    const c = await collect(file, opts, new ProgressReporter(opts), null);
    refuseEmpty(c, p);
    const owner = resolveOwner(c, opts);
    let first: number | null = null;
    let last: number | null = null;
    for (const ch of c.chats) {
      if (ch.first !== null) first = Math.min(first ?? ch.first, ch.first);
      if (ch.last !== null) last = Math.max(last ?? ch.last, ch.last);
    }
    return {
      format: 'telegram-json',
      chats: c.chats.map((ch, i) => ({
        key: chatKey(ch.meta, i),
        title: chatTitle(ch.meta),
        type: chatType(ch.meta),
        messages: ch.messages,
      })),
      messages: c.chats.reduce((n, ch) => n + ch.messages, 0),
      media: { count: c.media.count, included: c.media.included, bytes: c.media.bytes },
      dateRange: first !== null && last !== null ? { first, last } : null,
      participants: [...new Set(c.names.values())].sort(),
      suggestedOwner: owner ? (c.names.get(owner) ?? owner) : null,
      needs: { owner: false, key: false },
      warnings: owner
        ? []
        : ['This export does not say which account is yours; pass the owner to mark your messages'],
    };
  },

  async import(p: string, store: ChatStoreLike, opts: ImportOptions = {}): Promise<ImportResult> {
    const file = resolveResultJson(p);
    if (!sniffTelegram(file)) throw new UnknownFormatError(`${p} is not a Telegram JSON export`);
    const progress = new ProgressReporter(opts);
    return withTempDir(async (tmp) => {
      const c = await collect(file, opts, progress, { store, tmp });
      throwIfCancelled(opts.signal);
      refuseEmpty(c, p);
      const owner = resolveOwner(c, opts);
      const source = {
        kind: 'telegram',
        accountKey: owner ?? 'telegram-export',
        label: `Telegram${owner && c.names.get(owner) ? `: ${c.names.get(owner)}` : ''}`,
      };
      const total = c.chats.reduce((n, ch) => n + ch.messages, 0);
      progress.phase('messages', total);
      let count = 0;
      const person = (id: string): PersonRecord => ({
        key: id,
        displayName: c.names.get(id) ?? id,
        handle: null,
      });
      function* bundles(): Generator<ChatBundle> {
        for (const [index, ch] of c.chats.entries()) {
          if (!ch.spool) continue;
          const members = [...ch.senders.keys()].filter((id) => id !== owner);
          const chat = {
            key: chatKey(ch.meta, index),
            type: chatType(ch.meta),
            title: chatTitle(ch.meta),
            members,
          };
          let batch: MessageRecord[] = [];
          let people = new Map<string, PersonRecord>();
          for (const id of members) people.set(id, person(id));
          const flush = (): ChatBundle => {
            const b = { source, chat, people: [...people.values()], messages: batch };
            batch = [];
            people = new Map(members.map((id) => [id, person(id)]));
            return b;
          };
          // Our own spool: one converted message per line, long only for very long texts.
          for (const line of readLines(ch.spool, { maxLineBytes: 64 << 20 })) {
            if (line.text === '') continue;
            const { f, r } = JSON.parse(line.text) as { f: string | null; r: MessageRecord };
            r.senderKey = f === null || f === owner ? null : f;
            for (const re of r.reactions) {
              if (re.senderKey === owner) re.senderKey = null;
              else if (re.senderKey && !people.has(re.senderKey))
                people.set(re.senderKey, person(re.senderKey));
            }
            batch.push(r);
            progress.tick(++count, count);
            if (batch.length >= CHUNK_MESSAGES) yield flush();
          }
          if (batch.length > 0 || ch.messages === 0) yield flush();
        }
      }
      const ingest = await ingestBundles(store, bundles(), opts.signal);
      progress.done();
      const warnings: string[] = [];
      if (!owner)
        warnings.push('Could not tell which account is yours: every message keeps its sender');
      if (c.media.missing > 0)
        warnings.push(`${c.media.missing} media file(s) named in the export are missing`);
      if (c.skipped > 0) warnings.push(`${c.skipped} message(s) without id or date were skipped`);
      return {
        format: 'telegram-json',
        chats: c.chats.length,
        messages: count,
        media: { stored: c.media.stored, bytes: c.media.storedBytes, missing: c.media.missing },
        ingest,
        warnings,
      };
    });
  },
};
