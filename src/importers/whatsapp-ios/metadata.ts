import { fields, ProtobufError, text, WIRE, type Field } from '../core/protobuf.js';

/**
 * The protobuf blobs of WhatsApp iOS's ChatStorage.sqlite that hold replies, reactions and polls.
 * Their schema is not published; the field numbers below are what public readers of the format
 * found and agree on, and each reader here is lenient: a blob it does not understand yields
 * nothing rather than an error, so an unusual message loses only its extra, never the import.
 *
 * - `ZWAMEDIAITEM.ZMETADATA` of a reply: field 5 is the quoted message's stanza id (field 6 its
 *   sender's jid). Text replies have a media-item row for this alone.
 * - `ZWAMESSAGEINFO.ZRECEIPTINFO`: reactions are nested messages whose field 2 is the reacting
 *   jid (`…@s.whatsapp.net` or `…@lid`) and field 3 the emoji; a poll's (ZMESSAGETYPE 46)
 *   content is field 8: question (2), options (3, each with its text in 1), and votes (5 for
 *   others, 6 for the poll's creator; each vote lists the chosen option indices in field 1 and
 *   the voter's jid in 4).
 */

function safeFields(buf: Uint8Array): Field[] | null {
  try {
    return [...fields(buf)];
  } catch (e) {
    if (e instanceof ProtobufError) return null;
    throw e;
  }
}

function printable(s: string): boolean {
  if (s.length === 0 || s.includes('\ufffd')) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return false;
  }
  return true;
}

/** The stanza id of the message a reply quotes, or null. */
export function replyStanzaId(metadata: Uint8Array | null): string | null {
  if (!metadata) return null;
  for (const f of safeFields(metadata) ?? []) {
    if (f.field !== 5 || f.wire !== WIRE.LEN || f.bytes.length > 128) continue;
    const id = text(f.bytes);
    if (printable(id) && !id.includes('@')) return id;
  }
  return null;
}

export interface IosReaction {
  jid: string;
  emoji: string;
}

const REACTOR = /@(?:s\.whatsapp\.net|lid)$/;

function looksLikeEmoji(s: string): boolean {
  // One emoji can be several code points (skin tones, ZWJ sequences), never plain text.
  return (
    s.length > 0 && s.length <= 32 && /\p{Extended_Pictographic}|\p{Emoji_Presentation}/u.test(s)
  );
}

/** Reactions found anywhere in a receipt-info blob, in order. */
export function reactionsFrom(receipt: Uint8Array | null, depth = 0): IosReaction[] {
  if (!receipt || depth > 6) return [];
  const fs = safeFields(receipt);
  if (!fs) return [];
  let jid: string | null = null;
  let emoji: string | null = null;
  for (const f of fs) {
    if (f.wire !== WIRE.LEN) continue;
    if (f.field === 2 && f.bytes.length < 128) {
      const s = text(f.bytes);
      if (REACTOR.test(s)) jid = s.toLowerCase();
    } else if (f.field === 3 && f.bytes.length <= 64) {
      const s = text(f.bytes);
      if (looksLikeEmoji(s)) emoji = s;
    }
  }
  if (jid && emoji) return [{ jid, emoji }];
  const out: IosReaction[] = [];
  for (const f of fs) {
    if (f.wire === WIRE.LEN && f.bytes.length > 2) out.push(...reactionsFrom(f.bytes, depth + 1));
  }
  return out;
}

export interface IosPoll {
  question: string;
  options: { text: string; votes: number }[];
}

/** A poll's question, options and vote counts from its receipt-info blob, or null. */
export function pollFrom(receipt: Uint8Array | null): IosPoll | null {
  if (!receipt) return null;
  const content = safeFields(receipt)?.find((f) => f.field === 8 && f.wire === WIRE.LEN);
  const fs = content ? safeFields(content.bytes) : null;
  if (!fs) return null;
  const question = fs.find((f) => f.field === 2 && f.wire === WIRE.LEN);
  if (!question) return null;
  const options: { text: string; votes: number }[] = [];
  for (const f of fs) {
    if (f.field !== 3 || f.wire !== WIRE.LEN) continue;
    const name = safeFields(f.bytes)?.find((o) => o.field === 1 && o.wire === WIRE.LEN);
    options.push({ text: name ? text(name.bytes) : '', votes: 0 });
  }
  for (const f of fs) {
    if ((f.field !== 5 && f.field !== 6) || f.wire !== WIRE.LEN) continue;
    for (const v of safeFields(f.bytes) ?? []) {
      const option = v.field === 1 && v.wire === WIRE.VARINT ? options[v.num] : undefined;
      if (option) option.votes++;
    }
  }
  return { question: text(question.bytes), options };
}
