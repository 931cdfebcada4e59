import type Database from 'better-sqlite3';
import type {
  AttachmentRecord,
  ChatBundle,
  ChatType,
  MediaType,
  MessageRecord,
  PersonRecord,
  ReactionRecord,
  SourceRecord,
} from '../../store/records.js';
import { UnsupportedVersionError } from '../core/errors.js';
import { CHUNK_MESSAGES } from '../core/ingest.js';
import { rowsThrough } from '../core/sqlite-rows.js';
import { isStorableTime } from '../core/wall-clock.js';
import { systemEvent, isOutgoing, skipType, type SystemEvent } from './message-types.js';
import { vcardFromSharedContacts } from './shared-contacts.js';

/**
 * Turns the replayed Signal database (scratch.ts) into chat records.
 *
 * Identity: source `{kind: 'signal', accountKey: 'phone'}`; people by their Signal account id
 * (`aci:<uuid>`), else phone number (`e164:+…`); group chats by Signal's group id, direct chats
 * by the other person's key. A message is keyed by what Signal itself uses to point at one (a
 * quote names its target this way): the time the author sent it and who the author is,
 * `<date_sent>:<author>`, with `me` for the owner. An edited message keeps its original's key
 * and time, shows its latest revision's text, and says when it was edited.
 */

export const SIGNAL_SOURCE: SourceRecord = {
  kind: 'signal',
  accountKey: 'phone',
  label: 'Signal (Android backup)',
};

/** Signal keeps the text of a message over 2,000 characters as an attachment of this type. */
export const LONG_TEXT_TYPE = 'text/x-signal-plain';
const OBJECT_REPLACEMENT = '\ufffc';

interface Recipient {
  id: number;
  key: string | null;
  name: string | null;
  e164: string | null;
  username: string | null;
  groupId: string | null;
  distributionList: boolean;
}

export interface SignalChat {
  thread: number;
  key: string;
  type: ChatType;
  title: string;
  /** Recipient ids of the members other than the owner. */
  members: number[];
  recipient: number;
}

interface MessageRow {
  id: number;
  sent: number;
  type: number | bigint;
  body: string | null;
  author: number | null;
  quote_id: number | null;
  quote_author: number | null;
  remote_deleted: number | null;
  expires_in: number | null;
  shared_contacts: string | null;
  original_id: number | null;
  original_sent: number | null;
}

interface AttachmentRow {
  message_id: number;
  content_type: string | null;
  data_size: number | null;
  file_name: string | null;
  voice_note: number | null;
  video_gif: number | null;
  width: number | null;
  height: number | null;
  sticker_pack_id: string | null;
  hash: string | null;
  size: number | null;
  text: string | null;
}

const MESSAGE_FIELDS = [
  'id',
  'sent',
  'type',
  'body',
  'author',
  'quote_id',
  'quote_author',
  'remote_deleted',
  'expires_in',
  'shared_contacts',
  'original_id',
  'original_sent',
] as const satisfies readonly (keyof MessageRow)[];

const num = (v: unknown): number | null =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;

export class SignalChats {
  private readonly recipients = new Map<number, Recipient>();
  readonly self: number | null;
  private readonly attachmentTable: { table: string; message: string; type: string } | null;

  constructor(
    private readonly db: Database.Database,
    private readonly present: Map<string, Set<string>>,
    tablesSeen: Set<string>,
  ) {
    SignalChats.checkSchema(present, tablesSeen);
    this.attachmentTable = present.has('attachment')
      ? { table: 'attachment', message: 'message_id', type: 'content_type' }
      : present.has('part')
        ? { table: 'part', message: 'mid', type: 'ct' }
        : null;
    this.loadRecipients();
    this.self = this.findSelf();
  }

  /** Refuses databases from before the sms and mms tables were merged into `message` (2023). */
  static checkSchema(present: Map<string, Set<string>>, tablesSeen: Set<string>): void {
    if (present.has('message') && present.has('thread') && present.has('recipient')) return;
    throw new UnsupportedVersionError(
      tablesSeen.has('sms') || tablesSeen.has('mms')
        ? 'This Signal backup was made by a Signal version from before 2023 (its messages are in the old sms and mms tables): update Signal on the phone, make a new backup, and import that'
        : 'This Signal backup holds no message, thread and recipient tables Chatkeep knows',
    );
  }

  private loadRecipients(): void {
    const rows = this.db
      .prepare(
        `SELECT _id AS id, COALESCE(aci, uuid, service_id) AS aci, COALESCE(e164, phone) AS e164,
           username, group_id AS groupId, distribution_list_id AS dl,
           COALESCE(nickname_joined_name, system_joined_name, system_display_name,
             profile_joined_name,
             NULLIF(TRIM(COALESCE(profile_given_name, '') || ' ' || COALESCE(profile_family_name, '')), ''),
             signal_profile_name) AS name
         FROM recipient`,
      )
      .iterate() as IterableIterator<{
      id: number;
      aci: string | null;
      e164: string | null;
      username: string | null;
      groupId: string | null;
      dl: number | null;
      name: string | null;
    }>;
    for (const r of rows) {
      const aci = r.aci?.replace(/^ACI:/i, '').toLowerCase() ?? null;
      const key = r.groupId
        ? null
        : aci && /^[0-9a-f-]{36}$/.test(aci)
          ? `aci:${aci}`
          : r.e164
            ? `e164:${r.e164}`
            : r.username
              ? `username:${r.username}`
              : null;
      this.recipients.set(r.id, {
        id: r.id,
        key,
        name: r.name?.trim() || null,
        e164: r.e164,
        username: r.username,
        groupId: r.groupId,
        distributionList: r.dl !== null && r.dl !== undefined,
      });
    }
  }

  /**
   * The owner's recipient id. Since 2023's from/to split it is the sender of outgoing messages;
   * before, it shows as the author a quote names when the quoted message is an outgoing one.
   */
  private findSelf(): number | null {
    const outgoing = `(m.type & 31) IN (2, 11, 21, 22, 23, 24, 25, 26)`;
    if (this.present.get('message')?.has('from_recipient_id')) {
      const r = this.db
        .prepare(
          `SELECT from_recipient_id AS id FROM message m WHERE ${outgoing} AND from_recipient_id IS NOT NULL
           GROUP BY from_recipient_id ORDER BY COUNT(*) DESC LIMIT 1`,
        )
        .get() as { id: number } | undefined;
      if (r) return r.id;
    }
    // In a direct chat, whoever reacts or is quoted and is not the other person is the owner.
    const direct = `JOIN thread t ON t._id = m.thread_id
      JOIN recipient rc ON rc._id = COALESCE(t.recipient_id, t.thread_recipient_id) AND rc.group_id IS NULL`;
    const byReaction = this.db
      .prepare(
        `SELECT r.author_id AS id FROM reaction r JOIN message m ON m._id = r.message_id ${direct}
         WHERE r.author_id != rc._id GROUP BY r.author_id ORDER BY COUNT(*) DESC LIMIT 1`,
      )
      .get() as { id: number } | undefined;
    if (byReaction) return byReaction.id;
    const byQuote = this.db
      .prepare(
        `SELECT m.quote_author AS id FROM message m ${direct}
         WHERE m.quote_id > 0 AND m.quote_author > 0 AND m.quote_author != rc._id
         GROUP BY m.quote_author ORDER BY COUNT(*) DESC LIMIT 1`,
      )
      .get() as { id: number } | undefined;
    if (byQuote) return byQuote.id;
    const q = this.db
      .prepare(
        `SELECT q.quote_author AS id FROM message q JOIN message m
           ON m.thread_id = q.thread_id AND m.date_sent = q.quote_id AND ${outgoing}
         WHERE q.quote_id > 0 GROUP BY q.quote_author ORDER BY COUNT(*) DESC LIMIT 1`,
      )
      .get() as { id: number } | undefined;
    return q?.id ?? null;
  }

  person(id: number): PersonRecord | null {
    const r = this.recipients.get(id);
    if (!r?.key) return null;
    return {
      key: r.key,
      displayName: r.name ?? r.e164 ?? r.username ?? 'Signal user',
      handle: r.username,
      phone: r.e164,
    };
  }

  private personKey(id: number | null): string | null {
    return id === null ? null : (this.recipients.get(id)?.key ?? `recipient:${id}`);
  }

  private nameOf(id: number | null, outgoing: boolean): string {
    if (outgoing || (id !== null && id === this.self)) return 'You';
    const r = id === null ? undefined : this.recipients.get(id);
    return r?.name ?? r?.e164 ?? r?.username ?? 'Someone';
  }

  chats(): SignalChat[] {
    const threads = this.db
      .prepare(
        'SELECT _id AS thread, COALESCE(recipient_id, thread_recipient_id) AS recipient FROM thread ORDER BY _id',
      )
      .all() as { thread: number; recipient: number | null }[];
    const out: SignalChat[] = [];
    for (const t of threads) {
      const r = t.recipient === null ? undefined : this.recipients.get(t.recipient);
      if (!r || r.distributionList) continue;
      if (r.groupId) {
        const g = this.db
          .prepare(
            'SELECT title, members FROM groups WHERE recipient_id = ? OR group_id = ? LIMIT 1',
          )
          .get(r.id, r.groupId) as { title: string | null; members: string | null } | undefined;
        const listed = (
          this.db
            .prepare('SELECT recipient_id AS id FROM group_membership WHERE group_id = ?')
            .all(r.groupId) as { id: number }[]
        ).map((m) => m.id);
        const fromList = (g?.members ?? '')
          .split(',')
          .map((x) => Number(x.trim()))
          .filter((x) => Number.isSafeInteger(x) && x > 0);
        const members = [...new Set([...listed, ...fromList])].filter(
          (id) => id !== this.self && this.recipients.get(id)?.key,
        );
        out.push({
          thread: t.thread,
          key: `group:${r.groupId}`,
          type: 'group',
          title: g?.title?.trim() || 'Signal group',
          members,
          recipient: r.id,
        });
      } else if (r.key) {
        const self = r.id === this.self;
        out.push({
          thread: t.thread,
          key: r.key,
          type: 'direct',
          title: self ? 'Note to Self' : (r.name ?? r.e164 ?? r.username ?? 'Signal user'),
          members: self ? [] : [r.id],
          recipient: r.id,
        });
      }
    }
    return out;
  }

  countMessages(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM message').get() as { n: number }).n;
  }

  countThread(thread: number): number {
    return (
      this.db
        .prepare(
          'SELECT COUNT(*) AS n FROM message WHERE thread_id = ? AND latest_revision_id IS NULL AND COALESCE(story_type, 0) = 0',
        )
        .get(thread) as { n: number }
    ).n;
  }

  timeRange(): { first: number; last: number } | null {
    const r = this.db
      .prepare('SELECT MIN(date_sent) AS a, MAX(date_sent) AS b FROM message WHERE date_sent > 0')
      .get() as { a: number | null; b: number | null };
    return r.a !== null && r.b !== null ? { first: r.a, last: r.b } : null;
  }

  /** Attachments referenced, and how many have their bytes in the backup. */
  mediaCounts(): { count: number; included: number; bytes: number } {
    if (!this.attachmentTable) return { count: 0, included: 0, bytes: 0 };
    const a = this.attachmentTable;
    const r = this.db
      .prepare(
        `SELECT COUNT(*) AS count, COUNT(c.row_id) AS included, COALESCE(SUM(c.size), 0) AS bytes
         FROM "${a.table}" x LEFT JOIN ck_media c ON c.row_id = x._id
         WHERE COALESCE(x.quote, 0) = 0 AND COALESCE(x."${a.type}", '') != '${LONG_TEXT_TYPE}'`,
      )
      .get() as { count: number; included: number; bytes: number };
    return r;
  }

  *bundles(opts: { onMessage?: () => void } = {}): Generator<ChatBundle> {
    const messagesOf = this.db.prepare(
      `SELECT m._id AS id, m.date_sent AS sent, m.type AS type, m.body AS body,
         COALESCE(m.from_recipient_id, m.recipient_id) AS author,
         m.quote_id AS quote_id, m.quote_author AS quote_author, m.remote_deleted AS remote_deleted,
         m.expires_in AS expires_in, m.shared_contacts AS shared_contacts,
         m.original_message_id AS original_id, o.date_sent AS original_sent
       FROM message m LEFT JOIN message o ON o._id = m.original_message_id
       WHERE m.thread_id = ? AND m.latest_revision_id IS NULL AND COALESCE(m.story_type, 0) = 0
         AND COALESCE(m.scheduled_date, -1) <= 0
       ORDER BY m.date_received, m._id`,
    );
    for (const chat of this.chats()) {
      let batch: MessageRow[] = [];
      const flush = (): ChatBundle | null => {
        const b = this.bundleOf(chat, batch);
        batch = [];
        for (let i = 0; i < (b?.messages.length ?? 0); i++) opts.onMessage?.();
        return b;
      };
      for (const view of rowsThrough<MessageRow>(messagesOf, MESSAGE_FIELDS, chat.thread)) {
        // The view is reused row to row: keep a copy of what a batch needs.
        batch.push({ ...view });
        if (batch.length >= CHUNK_MESSAGES) {
          const b = flush();
          if (b) yield b;
        }
      }
      const b = flush();
      if (b) yield b;
    }
  }

  private bundleOf(chat: SignalChat, rows: MessageRow[]): ChatBundle | null {
    if (rows.length === 0) return null;
    const ids = rows.flatMap((r) => (r.original_id ? [r.id, r.original_id] : [r.id]));
    const attachments = this.attachmentsFor(ids);
    const reactions = this.group(
      ids,
      'SELECT message_id AS message_id, author_id AS author, emoji, date_sent AS at FROM reaction WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY _id',
    ) as Map<number, { author: number; emoji: string; at: number | null }[]>;
    const mentions = this.group(
      ids,
      'SELECT message_id AS message_id, recipient_id AS recipient, range_start AS start, range_length AS length FROM mention WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY range_start DESC',
    ) as Map<number, { recipient: number; start: number; length: number }[]>;
    const people = new Map<string, PersonRecord>();
    const addPerson = (id: number | null): string | null => {
      if (id === null || id === this.self) return null;
      const p = this.person(id);
      const key = p?.key ?? this.personKey(id);
      if (!key) return null;
      if (!people.has(key)) people.set(key, p ?? { key, displayName: 'Signal user' });
      return key;
    };
    for (const id of chat.members) addPerson(id);
    const messages: MessageRecord[] = [];
    for (const row of rows) {
      const rec = this.record(chat, row, attachments, reactions, mentions, addPerson);
      if (rec) messages.push(rec);
    }
    if (messages.length === 0) return null;
    return {
      source: SIGNAL_SOURCE,
      chat: {
        key: chat.key,
        type: chat.type,
        title: chat.title,
        members: chat.members
          .map((id) => this.personKey(id))
          .filter((k): k is string => k !== null),
      },
      people: [...people.values()],
      messages,
    };
  }

  private group(ids: number[], sql: string): Map<number, unknown[]> {
    const out = new Map<number, unknown[]>();
    for (const row of this.db.prepare(sql).iterate(JSON.stringify(ids)) as IterableIterator<{
      message_id: number;
    }>) {
      const list = out.get(row.message_id) ?? [];
      list.push(row);
      out.set(row.message_id, list);
    }
    return out;
  }

  private attachmentsFor(ids: number[]): Map<number, AttachmentRow[]> {
    const a = this.attachmentTable;
    if (!a) return new Map();
    return this.group(
      ids,
      `SELECT x."${a.message}" AS message_id, x."${a.type}" AS content_type, x.data_size, x.file_name,
         x.voice_note, x.video_gif, x.width, x.height, x.sticker_pack_id,
         c.hash AS hash, c.size AS size, c.text AS text
       FROM "${a.table}" x LEFT JOIN ck_media c ON c.row_id = x._id
       WHERE x."${a.message}" IN (SELECT value FROM json_each(?)) AND COALESCE(x.quote, 0) = 0
       ORDER BY x.display_order, x._id`,
    ) as Map<number, AttachmentRow[]>;
  }

  private keyFor(sent: number, author: number | null, outgoing: boolean): string {
    return `${sent}:${outgoing ? 'me' : (this.personKey(author) ?? 'unknown')}`;
  }

  /** The key of the message a quote points at: its sent time and author, found in the chat. */
  private quoteKey(thread: number, quoteId: number, quoteAuthor: number | null): string {
    const candidates = this.db
      .prepare(
        `SELECT type, COALESCE(from_recipient_id, recipient_id) AS author FROM message
         WHERE thread_id = ? AND date_sent = ? AND original_message_id IS NULL`,
      )
      .all(thread, quoteId) as { type: number; author: number | null }[];
    const mine = quoteAuthor !== null && quoteAuthor === this.self;
    const hit =
      candidates.find((c) =>
        mine ? isOutgoing(c.type) : !isOutgoing(c.type) && c.author === quoteAuthor,
      ) ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (hit) return this.keyFor(quoteId, hit.author, isOutgoing(hit.type));
    return this.keyFor(quoteId, quoteAuthor, mine);
  }

  private record(
    chat: SignalChat,
    row: MessageRow,
    attachmentsBy: Map<number, AttachmentRow[]>,
    reactionsBy: Map<number, { author: number; emoji: string; at: number | null }[]>,
    mentionsBy: Map<number, { recipient: number; start: number; length: number }[]>,
    addPerson: (id: number | null) => string | null,
  ): MessageRecord | null {
    const type = row.type;
    if (skipType(type)) return null;
    const sentAt = row.original_sent ?? row.sent;
    if (!isStorableTime(sentAt)) return null;
    const outgoing = isOutgoing(type);
    const author = outgoing ? null : row.author;
    const key = this.keyFor(sentAt, row.author, outgoing);
    const editedAt = row.original_sent !== null && isStorableTime(row.sent) ? row.sent : null;
    const replyToKey =
      row.quote_id && row.quote_id > 0
        ? this.quoteKey(chat.thread, row.quote_id, num(row.quote_author))
        : null;

    const event: SystemEvent | null = systemEvent(type, {
      actor: this.nameOf(row.author, outgoing),
      expiresInMs: num(row.expires_in),
      chatTitle: chat.title,
    });
    if (event) {
      return {
        key,
        senderKey: null,
        sentAt,
        text: event.text,
        kind: 'system',
        replyToKey: null,
        editedAt: null,
        attachments: [],
        reactions: [],
        extra: { signalType: typeof type === 'bigint' ? type.toString() : type, ...event.extra },
      };
    }
    const senderKey = outgoing ? null : addPerson(author);
    const reactions: ReactionRecord[] = [];
    for (const id of row.original_id ? [row.id, row.original_id] : [row.id]) {
      for (const r of reactionsBy.get(id) ?? []) {
        const who = r.author === this.self ? null : addPerson(r.author);
        if (r.author !== this.self && who === null) continue;
        if (reactions.some((x) => x.senderKey === who && x.emoji === r.emoji)) continue;
        reactions.push({
          senderKey: who,
          emoji: r.emoji,
          at: r.at !== null && isStorableTime(r.at) ? r.at : null,
        });
      }
    }
    if (row.remote_deleted === 1) {
      return {
        key,
        senderKey,
        sentAt,
        text: null,
        kind: 'deleted',
        replyToKey,
        editedAt,
        attachments: [],
        reactions,
        extra: null,
      };
    }

    let text = row.body;
    const own =
      attachmentsBy.get(row.id) ??
      (row.original_id ? attachmentsBy.get(row.original_id) : undefined) ??
      [];
    const attachments: AttachmentRecord[] = [];
    for (const a of own) {
      if (a.content_type === LONG_TEXT_TYPE) {
        if (a.text !== null) text = a.text;
        continue;
      }
      attachments.push(attachmentRecord(a));
    }
    const mentions = mentionsBy.get(row.id) ?? [];
    if (text && mentions.length > 0)
      text = withMentions(text, mentions, (id) => this.nameOf(id, false));

    const vcard = row.shared_contacts ? vcardFromSharedContacts(row.shared_contacts) : null;
    if (vcard) {
      return {
        key,
        senderKey,
        sentAt,
        text: text ?? vcard.name,
        kind: 'contact',
        replyToKey,
        editedAt,
        attachments: [],
        reactions,
        extra: { vcard: vcard.vcard },
      };
    }
    return {
      key,
      senderKey,
      sentAt,
      text: text === '' ? null : text,
      kind: attachments.length > 0 ? 'media' : 'text',
      replyToKey,
      editedAt,
      attachments,
      reactions,
      extra: null,
    };
  }
}

function mediaTypeOf(a: AttachmentRow): MediaType {
  const ct = (a.content_type ?? '').toLowerCase();
  if (a.voice_note === 1) return 'voice';
  if (a.sticker_pack_id) return 'sticker';
  if (a.video_gif === 1 || ct === 'image/gif') return 'gif';
  if (ct.startsWith('image/')) return 'photo';
  if (ct.startsWith('video/')) return 'video';
  if (ct.startsWith('audio/')) return 'audio';
  return 'document';
}

function attachmentRecord(a: AttachmentRow): AttachmentRecord {
  const positive = (n: number | null) =>
    typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : null;
  return {
    mediaType: mediaTypeOf(a),
    mime: a.content_type ?? 'application/octet-stream',
    size: positive(a.size) ?? positive(a.data_size) ?? 0,
    hash: a.hash,
    fileName: a.file_name,
    width: positive(a.width),
    height: positive(a.height),
    durationMs: null,
  };
}

/** Puts "@Name" where Signal's text holds a placeholder for a mention (U+FFFC at its range). */
function withMentions(
  text: string,
  mentions: { recipient: number; start: number; length: number }[],
  name: (id: number) => string,
): string {
  let out = text;
  for (const m of mentions) {
    if (m.start < 0 || m.start + m.length > out.length) continue;
    if (!out.slice(m.start, m.start + m.length).includes(OBJECT_REPLACEMENT)) continue;
    out = `${out.slice(0, m.start)}@${name(m.recipient)}${out.slice(m.start + m.length)}`;
  }
  return out;
}
