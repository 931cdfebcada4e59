import type Database from 'better-sqlite3';
import type {
  AttachmentRecord,
  ChatBundle,
  MediaType,
  MessageKind,
  MessageRecord,
  PersonRecord,
  ReactionRecord,
  SourceRecord,
} from '../../store/records.js';
import { CHUNK_MESSAGES } from '../core/ingest.js';
import { mediaTypeOf, mimeFromName } from '../core/media-type.js';
import { rowsThrough, rowsWithDetail, type ColumnTypes } from '../core/sqlite-rows.js';
import { isStorableTime } from '../core/wall-clock.js';
import { systemSentence } from './system-actions.js';

/**
 * Reads Android WhatsApp's msgstore.db in either schema, probing tables and columns instead of
 * assuming a version: phones in the field hold every variant in between.
 *
 * Identity: chats are keyed by their jid (`123@s.whatsapp.net`, `...@g.us`), people by jid,
 * messages by WhatsApp's key_id — the ids iOS uses too, so both phones' backups of one account
 * meet in the same chats. Source: `{kind: 'whatsapp', accountKey: 'phone'}`.
 */

export type Schema = 'new' | 'legacy';

export function tables(db: Database.Database): Set<string> {
  const rows = db
    .prepare("SELECT name FROM sqlite_master WHERE type IN ('table','view')")
    .all() as {
    name: string;
  }[];
  return new Set(rows.map((r) => r.name));
}

export function columns(db: Database.Database, table: string): Set<string> {
  const rows = db.prepare(`PRAGMA table_info("${table.replace(/"/g, '""')}")`).all() as {
    name: string;
  }[];
  return new Set(rows.map((r) => r.name));
}

export function detectSchema(db: Database.Database): Schema | null {
  const t = tables(db);
  if (t.has('message') && t.has('chat') && t.has('jid')) {
    const c = columns(db, 'message');
    if (c.has('chat_row_id') && c.has('key_id') && c.has('timestamp')) return 'new';
  }
  if (t.has('messages')) {
    const c = columns(db, 'messages');
    if (c.has('key_remote_jid') && c.has('key_id') && c.has('timestamp')) return 'legacy';
  }
  return null;
}

export const WHATSAPP_PHONE_SOURCE: SourceRecord = {
  kind: 'whatsapp',
  accountKey: 'phone',
  label: 'WhatsApp (phone backup)',
};

/** A media reference of one message, to be matched against the phone's Media folder. */
export interface MediaRef {
  rowId: number;
  path: string | null;
  name: string | null;
  mime: string | null;
}

export interface ChatRow {
  rowId: number | null;
  jid: string;
  subject: string | null;
}

interface MsgRow {
  rowId: number;
  key_id: string | null;
  from_me: number | null;
  timestamp: number | null;
  wa_type: number | string | null;
  status: number | null;
  text: string | null;
  caption: string | null;
  sender_jid: string | null;
  file_path: string | null;
  media_name: string | null;
  mime: string | null;
  file_size: number | null;
  width: number | null;
  height: number | null;
  duration: number | null;
  quoted_key: string | null;
  lat: number | null;
  lon: number | null;
  place: string | null;
  place_address: string | null;
  place_url: string | null;
  action: number | null;
  vcard: string | null;
  /** JSON array of the jids a system message names (added, removed...). */
  sys_people: string | null;
  old_jid: string | null;
  new_jid: string | null;
}

/** Each column and what it holds: anything else (a damaged page) reads as null. */
const ROW_FIELDS: ColumnTypes<MsgRow> = {
  rowId: 'number',
  key_id: 'text',
  from_me: 'number',
  timestamp: 'number',
  wa_type: 'any',
  status: 'number',
  text: 'text',
  caption: 'text',
  sender_jid: 'text',
  file_path: 'text',
  media_name: 'text',
  mime: 'text',
  file_size: 'number',
  width: 'number',
  height: 'number',
  duration: 'number',
  quoted_key: 'text',
  lat: 'number',
  lon: 'number',
  place: 'text',
  place_address: 'text',
  place_url: 'text',
  action: 'number',
  vcard: 'text',
  sys_people: 'text',
  old_jid: 'text',
  new_jid: 'text',
};

function rowsOf(stmt: Database.Statement, ...params: unknown[]): Generator<MsgRow> {
  return rowsThrough<MsgRow>(stmt, ROW_FIELDS, ...params);
}

/** Builds `expr AS alias` or `NULL AS alias` depending on what the database has. */
class Probe {
  private readonly t: Set<string>;
  private readonly cols = new Map<string, Set<string>>();
  constructor(private readonly db: Database.Database) {
    this.t = tables(db);
  }
  has(table: string, column?: string): boolean {
    if (!this.t.has(table)) return false;
    if (!column) return true;
    let c = this.cols.get(table);
    if (!c) {
      c = columns(this.db, table);
      this.cols.set(table, c);
    }
    return c.has(column);
  }
  col(table: string, alias: string, column: string, as: string): string {
    return this.has(table, column) ? `${alias}.${column} AS ${as}` : `NULL AS ${as}`;
  }
}

function jidExpr(p: Probe, alias: string): string {
  const parts = p.has('jid', 'raw_string') ? [`${alias}.raw_string`] : [];
  parts.push(`(${alias}.user || '@' || ${alias}.server)`);
  return parts.length > 1 ? `COALESCE(${parts.join(', ')})` : (parts[0] ?? 'NULL');
}

export interface MsgstoreReader {
  schema: Schema;
  chats(): ChatRow[];
  countMessages(): number;
  countChat(chat: ChatRow): number;
  timeRange(): { first: number; last: number } | null;
  mediaRefs(): Generator<MediaRef>;
  bundles(ctx: BundleContext): Generator<ChatBundle>;
}

export interface BundleContext {
  names: Map<string, string>;
  media: Map<number, AttachmentRecord>;
  onMessage?: () => void;
}

const SKIP_CHAT = /@broadcast$|^status@/;

export function openMsgstoreReader(db: Database.Database): MsgstoreReader | null {
  const schema = detectSchema(db);
  if (!schema) return null;
  const p = new Probe(db);
  return schema === 'new' ? newSchemaReader(db, p) : legacyReader(db, p);
}

function newSchemaReader(db: Database.Database, p: Probe): MsgstoreReader {
  const cj = jidExpr(p, 'j');
  const subject = p.has('chat', 'subject') ? 'c.subject' : 'NULL';
  const lid = p.has('jid_map', 'lid_row_id') && p.has('jid_map', 'jid_row_id');
  const senderJid = lid ? `COALESCE(${jidExpr(p, 'pj')}, ${jidExpr(p, 'sj')})` : jidExpr(p, 'sj');
  const joins = [
    'LEFT JOIN jid sj ON sj._id = m.sender_jid_row_id',
    lid
      ? 'LEFT JOIN jid_map jm ON jm.lid_row_id = m.sender_jid_row_id LEFT JOIN jid pj ON pj._id = jm.jid_row_id'
      : '',
    p.has('message_media') ? 'LEFT JOIN message_media mm ON mm.message_row_id = m._id' : '',
    p.has('message_quoted') ? 'LEFT JOIN message_quoted mq ON mq.message_row_id = m._id' : '',
    p.has('message_location') ? 'LEFT JOIN message_location ml ON ml.message_row_id = m._id' : '',
    p.has('message_system') ? 'LEFT JOIN message_system ms ON ms.message_row_id = m._id' : '',
  ].join(' ');
  // Sub-queries only for the rows that can need them: most rows are text and skip them.
  const typeCol = p.has('message', 'message_type') ? 'm.message_type' : 'NULL';
  const vcard =
    p.has('message_vcard', 'vcard') && p.has('message_vcard', 'message_row_id')
      ? `CASE WHEN ${typeCol} IN (4, 14) THEN (SELECT v.vcard FROM message_vcard v WHERE v.message_row_id = m._id LIMIT 1) END AS vcard`
      : 'NULL AS vcard';
  // Who a system message names and a number change's two jids (see system-actions.ts).
  const sysPeople =
    p.has('message_system_chat_participant', 'user_jid_row_id') &&
    p.has('message_system_chat_participant', 'message_row_id')
      ? `CASE WHEN ${typeCol} = 7 THEN (SELECT json_group_array(${jidExpr(p, 'xj')}) FROM message_system_chat_participant x
           JOIN jid xj ON xj._id = x.user_jid_row_id WHERE x.message_row_id = m._id) END AS sys_people`
      : 'NULL AS sys_people';
  const numberChange =
    p.has('message_system_number_change', 'old_jid_row_id') &&
    p.has('message_system_number_change', 'new_jid_row_id')
      ? `CASE WHEN ${typeCol} = 7 THEN (SELECT ${jidExpr(p, 'oj')} FROM message_system_number_change n JOIN jid oj ON oj._id = n.old_jid_row_id WHERE n.message_row_id = m._id) END AS old_jid,
         CASE WHEN ${typeCol} = 7 THEN (SELECT ${jidExpr(p, 'nj')} FROM message_system_number_change n JOIN jid nj ON nj._id = n.new_jid_row_id WHERE n.message_row_id = m._id) END AS new_jid`
      : 'NULL AS old_jid, NULL AS new_jid';
  const order = p.has('message', 'sort_id') ? 'm.sort_id, m._id' : 'm._id';
  const sideJoins = [
    p.has('message_media') ? 'LEFT JOIN message_media mm ON mm.message_row_id = m._id' : '',
    p.has('message_location') ? 'LEFT JOIN message_location ml ON ml.message_row_id = m._id' : '',
    p.has('message_system') ? 'LEFT JOIN message_system ms ON ms.message_row_id = m._id' : '',
  ].join(' ');
  // Whether a row has anything in the rare columns below (see rowsWithDetail): a media,
  // location or system row, or a type whose sub-queries can find something.
  const detailFlag =
    [
      p.has('message_media') ? 'mm.message_row_id IS NOT NULL' : '',
      p.has('message_location') ? 'ml.message_row_id IS NOT NULL' : '',
      p.has('message_system') ? 'ms.message_row_id IS NOT NULL' : '',
      typeCol === 'NULL' ? '' : `${typeCol} IN (4, 7, 14)`,
    ]
      .filter(Boolean)
      .join(' OR ') || '0';
  const sql = `SELECT m._id AS rowId, m.key_id AS key_id, ${p.col('message', 'm', 'from_me', 'from_me')},
      m.timestamp AS timestamp, ${p.col('message', 'm', 'message_type', 'wa_type')},
      ${p.col('message', 'm', 'status', 'status')}, ${p.col('message', 'm', 'text_data', 'text')},
      ${senderJid} AS sender_jid, ${p.col('message_quoted', 'mq', 'key_id', 'quoted_key')},
      (${detailFlag}) AS has_detail
    FROM message m ${joins} WHERE m.chat_row_id = ? ORDER BY ${order}`;
  const detailSql = `SELECT ${p.col('message_media', 'mm', 'media_caption', 'caption')},
      ${p.col('message_media', 'mm', 'file_path', 'file_path')}, ${p.col('message_media', 'mm', 'media_name', 'media_name')},
      ${p.col('message_media', 'mm', 'mime_type', 'mime')}, ${p.col('message_media', 'mm', 'file_size', 'file_size')},
      ${p.col('message_media', 'mm', 'width', 'width')}, ${p.col('message_media', 'mm', 'height', 'height')},
      ${p.col('message_media', 'mm', 'media_duration', 'duration')},
      ${p.col('message_location', 'ml', 'latitude', 'lat')}, ${p.col('message_location', 'ml', 'longitude', 'lon')},
      ${p.col('message_location', 'ml', 'place_name', 'place')},
      ${p.col('message_location', 'ml', 'place_address', 'place_address')},
      ${p.col('message_location', 'ml', 'url', 'place_url')},
      ${p.col('message_system', 'ms', 'action_type', 'action')}, ${vcard}, ${sysPeople}, ${numberChange}
    FROM message m ${sideJoins} WHERE m._id = ? LIMIT 1`;
  const messagesOf = db.prepare(sql);
  const detailOf = db.prepare(detailSql);
  const reactionsSql =
    p.has('message_add_on') && p.has('message_add_on_reaction')
      ? db.prepare(`SELECT a.parent_message_row_id AS parent, a.from_me AS from_me,
            ${lid ? `COALESCE(${jidExpr(p, 'pj')}, ${jidExpr(p, 'j')})` : jidExpr(p, 'j')} AS sender,
            r.reaction AS emoji, COALESCE(r.sender_timestamp, a.timestamp) AS ts
          FROM message_add_on a JOIN message_add_on_reaction r ON r.message_add_on_row_id = a._id
          LEFT JOIN jid j ON j._id = a.sender_jid_row_id
          ${lid ? 'LEFT JOIN jid_map jm ON jm.lid_row_id = a.sender_jid_row_id LEFT JOIN jid pj ON pj._id = jm.jid_row_id' : ''}
          WHERE a.parent_message_row_id IN (SELECT value FROM json_each(?))`)
      : null;
  const chats = (): ChatRow[] =>
    (
      db
        .prepare(
          `SELECT c._id AS rowId, ${cj} AS jid, ${subject} AS subject FROM chat c JOIN jid j ON j._id = c.jid_row_id ORDER BY c._id`,
        )
        .all() as ChatRow[]
    ).filter((c) => c.jid && !SKIP_CHAT.test(c.jid));
  return {
    schema: 'new',
    chats,
    countMessages: () => (db.prepare('SELECT COUNT(*) AS n FROM message').get() as { n: number }).n,
    countChat: (chat) =>
      (
        db.prepare('SELECT COUNT(*) AS n FROM message WHERE chat_row_id = ?').get(chat.rowId) as {
          n: number;
        }
      ).n,
    timeRange: () => range(db, 'message'),
    *mediaRefs() {
      if (!p.has('message_media', 'file_path')) return;
      const sql2 = `SELECT message_row_id AS rowId, file_path AS path, ${p.has('message_media', 'media_name') ? 'media_name' : 'NULL'} AS name,
          ${p.has('message_media', 'mime_type') ? 'mime_type' : 'NULL'} AS mime FROM message_media WHERE file_path IS NOT NULL AND file_path != ''`;
      yield* db.prepare(sql2).iterate() as IterableIterator<MediaRef>;
    },
    bundles: (ctx) =>
      chatBundles(
        'new',
        (chat) =>
          rowsWithDetail<MsgRow>(
            messagesOf,
            detailOf,
            ROW_FIELDS,
            { flag: 'has_detail', key: 'rowId' },
            chat.rowId,
          ),
        reactionsSql,
        chats,
        ctx,
      ),
  };
}

function legacyReader(db: Database.Database, p: Probe): MsgstoreReader {
  const c = (col: string, as: string) => p.col('messages', 'm', col, as);
  const quoted =
    p.has('messages_quotes', 'key_id') && p.has('messages', 'quoted_row_id')
      ? '(SELECT q.key_id FROM messages_quotes q WHERE q._id = m.quoted_row_id) AS quoted_key'
      : 'NULL AS quoted_key';
  const sql = `SELECT m._id AS rowId, m.key_id AS key_id, ${c('key_from_me', 'from_me')}, m.timestamp AS timestamp,
      ${c('media_wa_type', 'wa_type')}, ${c('status', 'status')}, ${c('data', 'text')}, ${c('media_caption', 'caption')},
      ${c('remote_resource', 'sender_jid')}, NULL AS file_path, ${c('media_name', 'media_name')},
      ${c('media_mime_type', 'mime')}, ${c('media_size', 'file_size')}, NULL AS width, NULL AS height,
      ${c('media_duration', 'duration')}, ${quoted}, ${c('latitude', 'lat')}, ${c('longitude', 'lon')},
      NULL AS place, NULL AS place_address, NULL AS place_url, NULL AS action, NULL AS vcard,
      NULL AS sys_people, NULL AS old_jid, NULL AS new_jid
    FROM messages m WHERE m.key_remote_jid = ? ORDER BY m._id`;
  const messagesOf = db.prepare(sql);
  const chats = (): ChatRow[] => {
    const subjects = new Map<string, string | null>();
    if (p.has('chat_list', 'key_remote_jid')) {
      const subj = p.has('chat_list', 'subject') ? 'subject' : 'NULL';
      for (const r of db
        .prepare(`SELECT key_remote_jid AS jid, ${subj} AS subject FROM chat_list`)
        .all() as {
        jid: string;
        subject: string | null;
      }[]) {
        subjects.set(r.jid, r.subject);
      }
    }
    const jids = (
      db.prepare('SELECT DISTINCT key_remote_jid AS jid FROM messages').all() as { jid: string }[]
    ).map((r) => r.jid);
    return jids
      .filter((j) => j && !SKIP_CHAT.test(j) && j !== '-1')
      .map((jid) => ({ rowId: null, jid, subject: subjects.get(jid) ?? null }));
  };
  return {
    schema: 'legacy',
    chats,
    countMessages: () =>
      (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n,
    countChat: (chat) =>
      (
        db.prepare('SELECT COUNT(*) AS n FROM messages WHERE key_remote_jid = ?').get(chat.jid) as {
          n: number;
        }
      ).n,
    timeRange: () => range(db, 'messages'),
    *mediaRefs() {
      if (!p.has('messages', 'media_name')) return;
      const mime = p.has('messages', 'media_mime_type') ? 'media_mime_type' : 'NULL';
      yield* db
        .prepare(
          `SELECT _id AS rowId, NULL AS path, media_name AS name, ${mime} AS mime FROM messages
          WHERE media_name IS NOT NULL AND media_name != ''`,
        )
        .iterate() as IterableIterator<MediaRef>;
    },
    bundles: (ctx) =>
      chatBundles('legacy', (chat) => rowsOf(messagesOf, chat.jid), null, chats, ctx),
  };
}

function range(db: Database.Database, table: string): { first: number; last: number } | null {
  const r = db
    .prepare(
      `SELECT MIN(timestamp) AS first, MAX(timestamp) AS last FROM ${table} WHERE timestamp > 0`,
    )
    .get() as {
    first: number | null;
    last: number | null;
  };
  return r.first !== null && r.last !== null ? { first: r.first, last: r.last } : null;
}

const TYPE_KIND: Record<number, { kind: MessageKind; media?: MediaType }> = {
  0: { kind: 'text' },
  1: { kind: 'media', media: 'photo' },
  2: { kind: 'media', media: 'audio' },
  3: { kind: 'media', media: 'video' },
  4: { kind: 'contact' },
  5: { kind: 'location' },
  7: { kind: 'system' },
  9: { kind: 'media', media: 'document' },
  13: { kind: 'media', media: 'gif' },
  15: { kind: 'deleted' },
  16: { kind: 'location' },
  20: { kind: 'media', media: 'sticker' },
};

function basename(p: string | null): string | null {
  if (!p) return null;
  return p.split(/[\\/]/).pop() || null;
}

export function personFor(jid: string, names: Map<string, string>): PersonRecord {
  const [user, server] = [jid.slice(0, jid.indexOf('@')), jid.slice(jid.indexOf('@') + 1)];
  const phone = server === 's.whatsapp.net' && /^\d+$/.test(user) ? `+${user}` : null;
  return { key: jid, displayName: names.get(jid) ?? phone ?? jid, handle: jid, phone };
}

function toRecord(
  schema: Schema,
  row: MsgRow,
  chatJid: string,
  group: boolean,
  ctx: BundleContext,
): MessageRecord | null {
  // A damaged page can hand back any type: a key_id that is not text is no message key.
  if (typeof row.key_id !== 'string' || row.key_id === '' || row.key_id === '-1') return null;
  if (row.timestamp === null || !isStorableTime(row.timestamp)) return null;
  const waType = row.wa_type === null ? 0 : Number(row.wa_type);
  // The legacy schema marks group events with status 6 rather than a message type.
  const known =
    schema === 'legacy' && row.status === 6 ? { kind: 'system' as const } : TYPE_KIND[waType];
  const fromMe = row.from_me === 1;
  const senderJid = fromMe ? null : group ? (row.sender_jid ?? null) : chatJid;
  const system = known?.kind === 'system';
  const attachments: AttachmentRecord[] = [];
  const hasMedia = row.file_path !== null || known?.media !== undefined;
  if (hasMedia && !system) {
    const stored = ctx.media.get(row.rowId);
    const fileName = row.media_name ?? basename(row.file_path);
    if (stored) attachments.push({ ...stored, fileName: stored.fileName ?? fileName });
    else {
      const mime = row.mime ?? mimeFromName(fileName) ?? 'application/octet-stream';
      attachments.push({
        mediaType: mediaTypeOf(mime, basename(row.file_path) ?? fileName, known?.media ?? null),
        mime,
        size: Math.max(0, row.file_size ?? 0),
        hash: null,
        fileName,
        width: row.width || null,
        height: row.height || null,
        durationMs: row.duration ? row.duration * 1000 : null,
      });
    }
  }
  let kind: MessageKind = known?.kind ?? (attachments.length > 0 ? 'media' : 'text');
  if (kind === 'media' && attachments.length === 0) kind = 'text';
  const extra: Record<string, unknown> = {};
  if (!known) extra.waType = waType;
  let text = row.text ?? row.caption ?? null;
  if (kind === 'location') {
    if (typeof row.lat === 'number' && typeof row.lon === 'number') {
      extra.lat = row.lat;
      extra.lon = row.lon;
      if (row.place) extra.name = row.place;
      if (row.place_address) extra.address = row.place_address;
      if (row.place_url) extra.url = row.place_url;
    } else kind = 'text';
  }
  if (kind === 'contact' && row.vcard) extra.vcard = row.vcard;
  if (system) {
    extra.systemAction = row.action;
    const sentence =
      row.action === null ? null : systemSentence(systemContext(row, chatJid, group, ctx.names));
    text = sentence ?? text ?? `WhatsApp event${row.action !== null ? ` ${row.action}` : ''}`;
  }
  if (kind === 'deleted') text = null;
  return {
    key: row.key_id,
    senderKey: system ? null : senderJid,
    sentAt: row.timestamp,
    text,
    kind,
    replyToKey: row.quoted_key ?? null,
    editedAt: null,
    attachments,
    reactions: [],
    extra: Object.keys(extra).length > 0 ? extra : null,
  };
}

function displayName(jid: string, names: Map<string, string>): string {
  return personFor(jid, names).displayName;
}

function jidList(json: string | null): string[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
  } catch {
    return [];
  }
}

function systemContext(row: MsgRow, chatJid: string, group: boolean, names: Map<string, string>) {
  const actorJid = group ? row.sender_jid : chatJid;
  const number = (jid: string | null) => (jid ? (personFor(jid, names).phone ?? jid) : null);
  return {
    action: row.action ?? -1,
    actor: row.from_me === 1 ? 'You' : actorJid ? displayName(actorJid, names) : null,
    participants: jidList(row.sys_people).map((j) => displayName(j, names)),
    value: row.text,
    partner: group ? null : displayName(chatJid, names),
    oldNumber: number(row.old_jid),
    newNumber: number(row.new_jid),
  };
}

function* chatBundles(
  schema: Schema,
  messagesOf: (chat: ChatRow) => IterableIterator<MsgRow>,
  reactions: Database.Statement | null,
  listChats: () => ChatRow[],
  ctx: BundleContext,
): Generator<ChatBundle> {
  for (const c of listChats()) {
    const group = c.jid.endsWith('@g.us');
    const title = c.subject ?? ctx.names.get(c.jid) ?? personFor(c.jid, ctx.names).displayName;
    const members = new Set<string>(group ? [] : [c.jid]);
    let batch: MessageRecord[] = [];
    let rowIds: number[] = [];
    let people = new Map<string, PersonRecord>();
    if (!group) people.set(c.jid, personFor(c.jid, ctx.names));
    const flush = (): ChatBundle => {
      if (reactions && rowIds.length > 0)
        attachReactions(reactions, batch, rowIds, people, ctx.names, group ? null : c.jid);
      const bundle: ChatBundle = {
        source: WHATSAPP_PHONE_SOURCE,
        chat: { key: c.jid, type: group ? 'group' : 'direct', title, members: [...members] },
        people: [...people.values()],
        messages: batch,
      };
      batch = [];
      rowIds = [];
      people = new Map(group ? [] : [[c.jid, personFor(c.jid, ctx.names)]]);
      return bundle;
    };
    for (const row of messagesOf(c)) {
      const rec = toRecord(schema, row, c.jid, group, ctx);
      if (!rec) continue;
      if (rec.senderKey) {
        members.add(rec.senderKey);
        if (!people.has(rec.senderKey))
          people.set(rec.senderKey, personFor(rec.senderKey, ctx.names));
      }
      batch.push(rec);
      rowIds.push(row.rowId);
      ctx.onMessage?.();
      if (batch.length >= CHUNK_MESSAGES) yield flush();
    }
    if (batch.length > 0) yield flush();
  }
}

function attachReactions(
  stmt: Database.Statement,
  batch: MessageRecord[],
  rowIds: number[],
  people: Map<string, PersonRecord>,
  names: Map<string, string>,
  /** A direct chat's jid: who reacted when the row does not say (phones often leave it empty). */
  directJid: string | null,
): void {
  const byRow = new Map<number, ReactionRecord[]>();
  for (const r of stmt.iterate(JSON.stringify(rowIds)) as IterableIterator<{
    parent: number;
    from_me: number;
    sender: string | null;
    emoji: string | null;
    ts: number | null;
  }>) {
    if (!r.emoji) continue; // an empty reaction is a removed one
    // In a direct chat anyone but me is the other person, as toRecord infers for messages.
    const senderKey = r.from_me === 1 ? null : (r.sender ?? directJid);
    if (r.from_me !== 1 && !senderKey) continue;
    if (senderKey && !people.has(senderKey)) people.set(senderKey, personFor(senderKey, names));
    const list = byRow.get(r.parent) ?? [];
    list.push({
      senderKey,
      emoji: r.emoji,
      at: r.ts !== null && isStorableTime(r.ts) ? r.ts : null,
    });
    byRow.set(r.parent, list);
  }
  rowIds.forEach((id, i) => {
    const list = byRow.get(id);
    const m = batch[i];
    if (list && m) m.reactions = list;
  });
}
