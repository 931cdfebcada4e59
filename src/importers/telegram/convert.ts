import type { AttachmentRecord, MediaType, MessageRecord } from '../../store/records.js';
import { mimeFromName } from '../core/media-type.js';
import { isStorableTime } from '../core/wall-clock.js';

/** A Telegram message converted to our record, with the sender still as Telegram's from_id. */
export interface TelegramConverted {
  record: MessageRecord;
  fromId: string | null;
  fromName: string | null;
  /** Relative path of the media file in the export folder, when the export includes it. */
  mediaPath: string | null;
  /** People named by reactions: from_id -> name. */
  reactors: [string, string][];
}

type Obj = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : null;
};
const obj = (v: unknown): Obj | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;

/** Telegram's formatted text (a string, or an array of strings and entities) as plain text. */
export function flattenText(text: unknown): string {
  if (typeof text === 'string') return text;
  if (!Array.isArray(text)) return '';
  let out = '';
  for (const part of text) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const e = obj(part);
    if (!e) continue;
    const t = str(e.text) ?? '';
    const href = str(e.href);
    // A link whose visible text hides its target keeps the target beside it.
    out += e.type === 'text_link' && href && href !== t ? `${t} (${href})` : t;
  }
  return out;
}

/** A placeholder like "(File not included. Change data exporting settings to download.)". */
export function isNotIncluded(path: string): boolean {
  return /^\(.*\)$/s.test(path.trim()) || /^File not included/i.test(path);
}

const MEDIA_HINT: Record<string, MediaType> = {
  voice_message: 'voice',
  video_file: 'video',
  video_message: 'video',
  audio_file: 'audio',
  sticker: 'sticker',
  animation: 'gif',
};

function serviceText(m: Obj): string {
  const actor = str(m.actor) ?? '';
  const action = str(m.action) ?? 'service';
  const title = str(m.title);
  const members = Array.isArray(m.members) ? m.members.filter((x) => typeof x === 'string') : [];
  const words: Record<string, string> = {
    create_group: `created group «${title ?? ''}»`,
    create_channel: `created channel «${title ?? ''}»`,
    migrate_from_group: `migrated from group «${title ?? ''}»`,
    invite_members: `invited ${members.join(', ')}`,
    remove_members: `removed ${members.join(', ')}`,
    join_group_by_link: 'joined the group by link',
    edit_group_title: `changed the group name to «${title ?? ''}»`,
    edit_group_photo: 'changed the group photo',
    delete_group_photo: 'removed the group photo',
    pin_message: 'pinned a message',
    phone_call: `call${num(m.duration_seconds) !== null ? ` (${num(m.duration_seconds)} s)` : ''}`,
    group_call: 'started a group call',
    clear_history: 'cleared the history',
  };
  const said = words[action] ?? action.replace(/_/g, ' ');
  return `${actor} ${said}`.trim();
}

function serviceExtra(m: Obj): Obj {
  const keep = ['action', 'title', 'members', 'message_id', 'duration_seconds', 'discard_reason'];
  const out: Obj = {};
  for (const k of keep) if (m[k] !== undefined) out[k] = m[k];
  return out;
}

export function convertTelegramMessage(m: Obj): TelegramConverted | null {
  const id = num(m.id);
  if (id === null) return null;
  const unix = num(m.date_unixtime);
  const sentAt = unix !== null ? unix * 1000 : str(m.date) ? Date.parse(str(m.date) ?? '') : NaN;
  if (!isStorableTime(sentAt)) return null;
  const edited = num(m.edited_unixtime);
  const replyTo = num(m.reply_to_message_id);
  const base: MessageRecord = {
    key: String(id),
    senderKey: null,
    sentAt,
    text: null,
    kind: 'text',
    replyToKey: replyTo !== null ? String(replyTo) : null,
    editedAt: edited !== null && isStorableTime(edited * 1000) ? edited * 1000 : null,
    attachments: [],
    reactions: [],
    extra: null,
  };
  const extra: Obj = {};
  if (m.type === 'service') {
    return {
      record: { ...base, kind: 'system', text: serviceText(m), extra: serviceExtra(m) },
      fromId: null,
      fromName: null,
      mediaPath: null,
      reactors: [],
    };
  }
  const text = flattenText(m.text);
  base.text = text === '' ? null : text;
  if (str(m.forwarded_from)) extra.forwardedFrom = m.forwarded_from;
  if (str(m.saved_from)) extra.savedFrom = m.saved_from;
  if (str(m.via_bot)) extra.viaBot = m.via_bot;

  let mediaPath: string | null = null;
  const photo = str(m.photo);
  const file = str(m.file);
  if (photo !== null || file !== null) {
    const p = (photo ?? file) as string;
    const included = !isNotIncluded(p);
    const fileName = str(m.file_name) ?? (included ? (p.split('/').pop() ?? null) : null);
    const hint: MediaType =
      photo !== null ? 'photo' : (MEDIA_HINT[str(m.media_type) ?? ''] ?? 'document');
    const mime =
      str(m.mime_type) ??
      mimeFromName(fileName) ??
      (photo !== null ? 'image/jpeg' : 'application/octet-stream');
    const duration = num(m.duration_seconds);
    const att: AttachmentRecord = {
      mediaType: hint,
      mime,
      size: num(m.file_size) ?? num(m.photo_file_size) ?? 0,
      hash: null,
      fileName,
      width: num(m.width),
      height: num(m.height),
      durationMs: duration !== null ? duration * 1000 : null,
    };
    base.attachments.push(att);
    base.kind = 'media';
    if (included) mediaPath = p;
  }
  const loc = obj(m.location_information);
  if (loc) {
    base.kind = 'location';
    extra.lat = num(loc.latitude);
    extra.lon = num(loc.longitude);
    if (str(m.place_name)) extra.name = m.place_name;
    if (str(m.address)) extra.address = m.address;
  }
  const contact = obj(m.contact_information);
  if (contact) {
    base.kind = 'contact';
    extra.contact = contact;
  }
  const poll = obj(m.poll);
  if (poll) {
    base.kind = 'poll';
    base.text = str(poll.question) ?? base.text;
    const answers = Array.isArray(poll.answers)
      ? poll.answers.map(obj).filter((a) => a !== null)
      : [];
    extra.poll = {
      question: str(poll.question),
      closed: poll.closed === true,
      options: answers.map((a) => ({ text: str(a.text), votes: num(a.voters) })),
    };
  }
  const reactors: [string, string][] = [];
  if (Array.isArray(m.reactions)) {
    const counts: Obj[] = [];
    for (const r of m.reactions.map(obj)) {
      if (!r) continue;
      const emoji = str(r.emoji) ?? str(r.document_id) ?? '?';
      const recent = Array.isArray(r.recent) ? r.recent.map(obj).filter((x) => x !== null) : [];
      for (const who of recent) {
        const fromId = str(who.from_id);
        if (!fromId) continue;
        reactors.push([fromId, str(who.from) ?? fromId]);
        const at = str(who.date) ? Date.parse(str(who.date) ?? '') : NaN;
        base.reactions.push({ senderKey: fromId, emoji, at: isStorableTime(at) ? at : null });
      }
      counts.push({ emoji, count: num(r.count) });
    }
    if (counts.length > 0) extra.reactionCounts = counts;
  }
  base.extra = Object.keys(extra).length > 0 ? extra : null;
  return {
    record: base,
    fromId: str(m.from_id) || null,
    fromName: str(m.from) || null,
    mediaPath,
    reactors,
  };
}
