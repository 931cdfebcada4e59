import type Database from 'better-sqlite3';
import type {
  AttachmentRecord,
  ChatBundle,
  MediaType,
  MessageKind,
  MessageRecord,
  PersonRecord,
  ReactionRecord,
} from '../../store/records.js';
import { CHUNK_MESSAGES } from '../core/ingest.js';
import { mediaTypeOf, mimeFromName } from '../core/media-type.js';
import { isStorableTime } from '../core/wall-clock.js';
import { typedRow, type ColumnTypes } from '../core/sqlite-rows.js';
import { WHATSAPP_PHONE_SOURCE, columns, personFor, tables } from '../whatsapp-crypt/msgstore.js';
import { pollFrom, reactionsFrom, replyStanzaId } from './metadata.js';

/**
 * Reads WhatsApp iOS `ChatStorage.sqlite` (Core Data tables Z...). Times are seconds since
 * 2001-01-01 UTC. Identity matches the Android reader: chats by jid, messages by stanza id
 * (= Android key_id), source `{kind: 'whatsapp', accountKey: 'phone'}`.
 */

export const APPLE_EPOCH_S = 978307200;

export function isChatStorage(db: Database.Database): boolean {
  const t = tables(db);
  return t.has('ZWAMESSAGE') && t.has('ZWACHATSESSION');
}

export interface IosMediaRef {
  rowId: number;
  localPath: string;
}

interface Row {
  rowId: number;
  stanza: string | null;
  from_me: number | null;
  date: number | null;
  type: number | null;
  text: string | null;
  member_jid: string | null;
  from_jid: string | null;
  media_path: string | null;
  media_title: string | null;
  vcard: string | null;
  file_size: number | null;
  lat: number | null;
  lon: number | null;
  duration: number | null;
  metadata: Uint8Array | null;
  receipt: Uint8Array | null;
}

/** What each column holds: anything else (a damaged page) reads as null. */
const MESSAGE_COLUMNS: ColumnTypes<Row> = {
  rowId: 'number',
  stanza: 'text',
  from_me: 'number',
  date: 'number',
  type: 'number',
  text: 'text',
  member_jid: 'text',
  from_jid: 'text',
  media_path: 'text',
  media_title: 'text',
  vcard: 'text',
  file_size: 'number',
  lat: 'number',
  lon: 'number',
  duration: 'number',
  metadata: 'bytes',
  receipt: 'bytes',
};

interface SessionRow {
  pk: number;
  jid: string;
  partner: string | null;
  type: number | null;
}

// ZMESSAGETYPE values (verified on our fixtures; others fall back to text or media by content).
const TYPE_KIND: Record<number, { kind: MessageKind; media?: MediaType }> = {
  0: { kind: 'text' },
  1: { kind: 'media', media: 'photo' },
  2: { kind: 'media', media: 'video' },
  3: { kind: 'media', media: 'voice' },
  4: { kind: 'contact' },
  5: { kind: 'location' },
  6: { kind: 'system' },
  8: { kind: 'media', media: 'document' },
  10: { kind: 'system' },
  11: { kind: 'media', media: 'gif' },
  14: { kind: 'deleted' },
  15: { kind: 'media', media: 'sticker' },
  46: { kind: 'poll' },
};

const SKIP = /@broadcast$|^status@/;

export class ChatStorageReader {
  private readonly msgCols: Set<string>;
  private readonly mediaCols: Set<string>;
  private readonly t: Set<string>;

  constructor(private readonly db: Database.Database) {
    this.t = tables(db);
    this.msgCols = columns(db, 'ZWAMESSAGE');
    this.mediaCols = this.t.has('ZWAMEDIAITEM') ? columns(db, 'ZWAMEDIAITEM') : new Set();
  }

  private m(col: string, as: string): string {
    return this.msgCols.has(col) ? `m.${col} AS ${as}` : `NULL AS ${as}`;
  }

  private mi(col: string, as: string): string {
    return this.mediaCols.has(col) ? `mi.${col} AS ${as}` : `NULL AS ${as}`;
  }

  /** Display names by jid: push names, then group member contact names. */
  names(): Map<string, string> {
    const names = new Map<string, string>();
    if (this.t.has('ZWAPROFILEPUSHNAME')) {
      for (const r of this.db
        .prepare('SELECT ZJID AS jid, ZPUSHNAME AS name FROM ZWAPROFILEPUSHNAME')
        .iterate() as IterableIterator<{
        jid: string | null;
        name: string | null;
      }>) {
        if (r.jid && r.name) names.set(r.jid, r.name);
      }
    }
    if (this.t.has('ZWAGROUPMEMBER') && columns(this.db, 'ZWAGROUPMEMBER').has('ZCONTACTNAME')) {
      for (const r of this.db
        .prepare('SELECT ZMEMBERJID AS jid, ZCONTACTNAME AS name FROM ZWAGROUPMEMBER')
        .iterate() as IterableIterator<{ jid: string | null; name: string | null }>) {
        if (r.jid && r.name) names.set(r.jid, r.name);
      }
    }
    for (const s of this.sessions()) {
      if (!s.jid.endsWith('@g.us') && s.partner) names.set(s.jid, s.partner);
    }
    return names;
  }

  sessions(): SessionRow[] {
    const cols = columns(this.db, 'ZWACHATSESSION');
    const partner = cols.has('ZPARTNERNAME') ? 'ZPARTNERNAME' : 'NULL';
    const type = cols.has('ZSESSIONTYPE') ? 'ZSESSIONTYPE' : 'NULL';
    return (
      this.db
        .prepare(
          `SELECT Z_PK AS pk, ZCONTACTJID AS jid, ${partner} AS partner, ${type} AS type FROM ZWACHATSESSION ORDER BY Z_PK`,
        )
        .all() as SessionRow[]
    )
      .map((s) => typedRow(s, { jid: 'text', partner: 'text', type: 'number' }))
      .filter((s) => s.jid && !SKIP.test(s.jid));
  }

  countMessages(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM ZWAMESSAGE').get() as { n: number }).n;
  }

  countSession(pk: number): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM ZWAMESSAGE WHERE ZCHATSESSION = ?').get(pk) as {
        n: number;
      }
    ).n;
  }

  timeRange(): { first: number; last: number } | null {
    const r = this.db
      .prepare('SELECT MIN(ZMESSAGEDATE) AS a, MAX(ZMESSAGEDATE) AS b FROM ZWAMESSAGE')
      .get() as {
      a: number | null;
      b: number | null;
    };
    return r.a !== null && r.b !== null ? { first: toMs(r.a), last: toMs(r.b) } : null;
  }

  *mediaRefs(): Generator<IosMediaRef> {
    if (!this.mediaCols.has('ZMEDIALOCALPATH') || !this.mediaCols.has('ZMESSAGE')) return;
    yield* this.db
      .prepare(
        "SELECT ZMESSAGE AS rowId, ZMEDIALOCALPATH AS localPath FROM ZWAMEDIAITEM WHERE ZMEDIALOCALPATH IS NOT NULL AND ZMEDIALOCALPATH != ''",
      )
      .iterate() as IterableIterator<IosMediaRef>;
  }

  *bundles(ctx: {
    names: Map<string, string>;
    media: Map<number, AttachmentRecord>;
    onMessage?: () => void;
  }): Generator<ChatBundle> {
    const memberJoin = this.t.has('ZWAGROUPMEMBER') && this.msgCols.has('ZGROUPMEMBER');
    const mediaJoin = this.t.has('ZWAMEDIAITEM') && this.mediaCols.has('ZMESSAGE');
    const order = this.msgCols.has('ZSORT') ? 'm.ZSORT, m.Z_PK' : 'm.ZMESSAGEDATE, m.Z_PK';
    // Reactions and polls sit in ZWAMESSAGEINFO, reached from the message or pointing at it.
    const infoCols = this.t.has('ZWAMESSAGEINFO') ? columns(this.db, 'ZWAMESSAGEINFO') : new Set();
    const receipt = !infoCols.has('ZRECEIPTINFO')
      ? 'NULL'
      : this.msgCols.has('ZMESSAGEINFO')
        ? '(SELECT i.ZRECEIPTINFO FROM ZWAMESSAGEINFO i WHERE i.Z_PK = m.ZMESSAGEINFO)'
        : infoCols.has('ZMESSAGE')
          ? '(SELECT i.ZRECEIPTINFO FROM ZWAMESSAGEINFO i WHERE i.ZMESSAGE = m.Z_PK LIMIT 1)'
          : 'NULL';
    const stmt = this.db
      .prepare(`SELECT m.Z_PK AS rowId, ${this.m('ZSTANZAID', 'stanza')}, ${this.m('ZISFROMME', 'from_me')},
        ${this.m('ZMESSAGEDATE', 'date')}, ${this.m('ZMESSAGETYPE', 'type')}, ${this.m('ZTEXT', 'text')},
        ${memberJoin ? 'gm.ZMEMBERJID' : 'NULL'} AS member_jid, ${this.m('ZFROMJID', 'from_jid')},
        ${mediaJoin ? this.mi('ZMEDIALOCALPATH', 'media_path') : 'NULL AS media_path'},
        ${mediaJoin ? this.mi('ZTITLE', 'media_title') : 'NULL AS media_title'},
        ${mediaJoin ? this.mi('ZVCARDSTRING', 'vcard') : 'NULL AS vcard'},
        ${mediaJoin ? this.mi('ZFILESIZE', 'file_size') : 'NULL AS file_size'},
        ${mediaJoin ? this.mi('ZLATITUDE', 'lat') : 'NULL AS lat'},
        ${mediaJoin ? this.mi('ZLONGITUDE', 'lon') : 'NULL AS lon'},
        ${mediaJoin ? this.mi('ZMOVIEDURATION', 'duration') : 'NULL AS duration'},
        ${mediaJoin ? this.mi('ZMETADATA', 'metadata') : 'NULL AS metadata'},
        ${receipt} AS receipt
      FROM ZWAMESSAGE m
      ${memberJoin ? 'LEFT JOIN ZWAGROUPMEMBER gm ON gm.Z_PK = m.ZGROUPMEMBER' : ''}
      ${mediaJoin ? 'LEFT JOIN ZWAMEDIAITEM mi ON mi.ZMESSAGE = m.Z_PK' : ''}
      WHERE m.ZCHATSESSION = ? ORDER BY ${order}`);
    for (const s of this.sessions()) {
      const group = s.jid.endsWith('@g.us');
      const title = s.partner ?? ctx.names.get(s.jid) ?? personFor(s.jid, ctx.names).displayName;
      const members = new Set<string>(group ? [] : [s.jid]);
      let batch: MessageRecord[] = [];
      let people = new Map<string, PersonRecord>(
        group ? [] : [[s.jid, personFor(s.jid, ctx.names)]],
      );
      const flush = (): ChatBundle => {
        const b: ChatBundle = {
          source: WHATSAPP_PHONE_SOURCE,
          chat: { key: s.jid, type: group ? 'group' : 'direct', title, members: [...members] },
          people: [...people.values()],
          messages: batch,
        };
        batch = [];
        people = new Map(group ? [] : [[s.jid, personFor(s.jid, ctx.names)]]);
        return b;
      };
      for (const row of stmt.iterate(s.pk) as IterableIterator<Row>) {
        const rec = toRecord(typedRow(row, MESSAGE_COLUMNS), s.jid, group, ctx.media);
        if (!rec) continue;
        if (rec.senderKey) {
          members.add(rec.senderKey);
          if (!people.has(rec.senderKey))
            people.set(rec.senderKey, personFor(rec.senderKey, ctx.names));
        }
        for (const r of rec.reactions) {
          if (r.senderKey && !people.has(r.senderKey))
            people.set(r.senderKey, personFor(r.senderKey, ctx.names));
        }
        batch.push(rec);
        ctx.onMessage?.();
        if (batch.length >= CHUNK_MESSAGES) yield flush();
      }
      if (batch.length > 0) yield flush();
    }
  }
}

function toMs(appleSeconds: number): number {
  return Math.round((appleSeconds + APPLE_EPOCH_S) * 1000);
}

function basename(p: string | null): string | null {
  return p ? (p.split('/').pop() ?? null) : null;
}

function toRecord(
  row: Row,
  chatJid: string,
  group: boolean,
  media: Map<number, AttachmentRecord>,
): MessageRecord | null {
  // A damaged page can hand back any type: a stanza id that is not text is no message key.
  if (typeof row.stanza !== 'string' || row.stanza === '' || row.date === null) return null;
  const sentAt = toMs(row.date);
  if (!isStorableTime(sentAt)) return null;
  const known = row.type !== null ? TYPE_KIND[row.type] : TYPE_KIND[0];
  const fromMe = row.from_me === 1;
  let kind: MessageKind = known?.kind ?? (row.media_path ? 'media' : 'text');
  const system = kind === 'system';
  const sender =
    fromMe || system ? null : group ? (row.member_jid ?? row.from_jid ?? null) : chatJid;
  const attachments: AttachmentRecord[] = [];
  if (!system && (row.media_path || known?.media)) {
    const stored = media.get(row.rowId);
    if (stored) attachments.push(stored);
    else if (row.media_path || known?.media) {
      const name = basename(row.media_path);
      const mime = mimeFromName(name) ?? 'application/octet-stream';
      attachments.push({
        mediaType: mediaTypeOf(mime, name, known?.media ?? null),
        mime,
        size: Math.max(0, Math.round(row.file_size ?? 0)),
        hash: null,
        fileName: name,
        durationMs: row.duration ? Math.round(row.duration * 1000) : null,
      });
    }
  }
  if (kind === 'media' && attachments.length === 0) kind = 'text';
  const extra: Record<string, unknown> = {};
  if (!known) extra.iosType = row.type;
  let text = row.text ?? (kind === 'media' ? row.media_title : null) ?? null;
  if (kind === 'location') {
    if (typeof row.lat === 'number' && typeof row.lon === 'number') {
      extra.lat = row.lat;
      extra.lon = row.lon;
      if (row.media_title) extra.name = row.media_title;
      text = text ?? row.media_title ?? null;
    } else kind = 'text';
  }
  if (kind === 'contact' && row.vcard) extra.vcard = row.vcard;
  if (kind === 'poll') {
    const poll = pollFrom(row.receipt);
    if (poll) {
      extra.poll = poll;
      text = poll.question;
    } else if (text === null) kind = 'system';
  }
  if (kind === 'deleted') text = null;
  if (kind === 'system' && text === null) text = 'WhatsApp event';
  // A poll's receipt blob holds votes, not reactions.
  const reactions: ReactionRecord[] =
    kind === 'poll'
      ? []
      : reactionsFrom(row.receipt).map((r) => ({ senderKey: r.jid, emoji: r.emoji, at: null }));
  return {
    key: row.stanza,
    senderKey: kind === 'system' ? null : sender,
    sentAt,
    text,
    kind,
    replyToKey: replyStanzaId(row.metadata),
    editedAt: null,
    attachments,
    reactions,
    extra: Object.keys(extra).length > 0 ? extra : null,
  };
}
