import type { AttachmentView, MessageView } from '../../shared/chat-types.js';
import { callLabel } from '../../shared/message-labels.js';
import { readCall, readContact, readLocation, readPoll } from '../../shared/message-extra.js';
import { toWallTime } from '../../node/local-time.js';
import { extensionFor } from '../media.js';

/**
 * Messages in WhatsApp's "Export chat" text format, as the iPhone writes it: one message per
 * `[2019-06-20, 15:58:47] Name: text` line ending in CRLF, line breaks inside a message as a lone
 * LF, attachments as `<attached: 00000001-PHOTO-2019-06-20-15-58-47.jpg>` with the file beside
 * the text, polls as `POLL:` blocks, locations as maps links. The date is written year first with
 * four digits, a form WhatsApp uses in some languages, because it is the one form no reader can
 * take for day-first or month-first: Chatkeep's own importer (and others) read it back exactly.
 */

const pad = (n: number, l = 2) => String(n).padStart(l, '0');

/** `[2019-06-20, 15:58:47]` in the given zone. */
export function header(ms: number, timeZone: string): string {
  const w = toWallTime(ms, timeZone);
  return `[${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}, ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}]`;
}

/** Line breaks inside a message are a lone LF (CRLF ends the message). */
function body(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * A name as an author: readers take everything up to the first ": " as the name, so a ": " in a
 * name keeps its colon with a no-break space instead; line breaks become spaces.
 */
export function authorName(name: string): string {
  return (
    name
      .replace(/[\r\n]+/g, ' ')
      .replace(/: /g, ':\u00a0')
      .trim() || '?'
  );
}

/** A system line has no author: a ": " early in its first line would read as one. */
function systemText(text: string): string {
  const lines = body(text).split('\n');
  const first = lines[0] ?? '';
  const colon = first.indexOf(': ');
  if (colon >= 0 && colon <= 80) lines[0] = first.replace(/: /g, ':\u00a0');
  return lines.join('\n');
}

const TYPE_WORDS: Record<AttachmentView['mediaType'], string> = {
  photo: 'PHOTO',
  video: 'VIDEO',
  audio: 'AUDIO',
  voice: 'PTT',
  sticker: 'STICKER',
  gif: 'GIF',
  document: 'DOCUMENT',
};

/**
 * The file name an attachment gets beside the text, as WhatsApp on the iPhone names them:
 * `00000001-PHOTO-2019-06-20-15-58-47.jpg`, documents with their own name
 * (`00000004-Report.pdf`). The type word tells readers a voice note from a song.
 */
export function attachmentFileName(
  a: Pick<AttachmentView, 'mediaType' | 'mime' | 'fileName'>,
  n: number,
  ms: number,
  timeZone: string,
): string {
  const seq = pad(n, 8);
  const ext = extensionFor(a.mime, a.fileName);
  if (a.mediaType === 'document' && a.fileName) {
    const own = a.fileName
      .split(/[\\/]/)
      .pop()!
      // eslint-disable-next-line no-control-regex -- control characters are what it replaces
      .replace(/[\u0000-\u001f<>:"|?*]/g, '_')
      .trim();
    if (own && /\.[A-Za-z0-9]{1,8}$/.test(own)) return `${seq}-${own}`;
  }
  const w = toWallTime(ms, timeZone);
  const stamp = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}-${pad(w.hour)}-${pad(w.minute)}-${pad(w.second)}`;
  return `${seq}-${TYPE_WORDS[a.mediaType]}-${stamp}.${ext}`;
}

export interface TextMessageParts {
  /** The message's lines (each to be written with CRLF). */
  lines: string[];
  /** Files to write beside the text: an attachment (by index) or a generated vCard. */
  files: ({ name: string; attachment: AttachmentView } | { name: string; vcard: string })[];
}

export interface TextContext {
  timeZone: string;
  /** The name written for the owner's messages. */
  ownerName: string;
  /** Names the next attachment file (the counter runs per chat). */
  nextFileNumber(): number;
  /** Whether an attachment's file goes beside the text. */
  includes(a: AttachmentView): boolean;
}

function vcardOf(m: MessageView): string | null {
  const raw = m.extra?.vcard;
  if (typeof raw === 'string' && raw.trim()) return raw;
  const card = readContact(m.extra, m.text);
  if (!card) return null;
  const esc = (s: string) => s.replace(/([\\;,])/g, '\\$1').replace(/\n/g, '\\n');
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${esc(card.name)}`,
    ...card.phones.map(
      (p) => `TEL${p.label ? `;TYPE=${p.label.toUpperCase()}` : ''}:${esc(p.number)}`,
    ),
    ...card.emails.map((e) => `EMAIL:${esc(e)}`),
    'END:VCARD',
  ].join('\n');
}

/** One message as export lines (several when it carries more than one attachment). */
export function messageLines(m: MessageView, ctx: TextContext): TextMessageParts {
  const head = header(m.sentAt, ctx.timeZone);
  const files: TextMessageParts['files'] = [];
  if (m.kind === 'system') {
    const call = readCall(m.extra);
    const text = systemText(m.text?.trim() ? m.text : call ? callLabel(call) : '');
    return { lines: [`${head} ${text}`], files };
  }
  const who = m.sender === null ? ctx.ownerName : authorName(m.sender.name);
  const prefix = `${head} ${who}: `;
  const edited =
    m.editedAt !== null || m.extra?.edited === true ? ' <This message was edited>' : '';
  switch (m.kind) {
    case 'deleted':
      return {
        lines: [
          `${prefix}${m.sender === null ? 'You deleted this message' : 'This message was deleted'}`,
        ],
        files,
      };
    case 'location': {
      const place = readLocation(m.extra);
      if (place) {
        return {
          lines: [`${prefix}location: https://maps.google.com/?q=${place.lat},${place.lon}`],
          files,
        };
      }
      break;
    }
    case 'poll': {
      const poll = readPoll(m.extra, m.text);
      if (poll) {
        const one = (s: string) => s.replace(/[\r\n]+/g, ' ');
        const options = poll.options.map(
          (o) =>
            `OPTION: ${one(o.text)}${o.votes === null ? '' : ` (${o.votes} ${o.votes === 1 ? 'vote' : 'votes'})`}`,
        );
        return {
          lines: [`${prefix}POLL:\n${one(poll.question)}${options.map((o) => `\n${o}`).join('')}`],
          files,
        };
      }
      break;
    }
    case 'contact': {
      const vcard = vcardOf(m);
      if (vcard) {
        const card = readContact(m.extra, m.text);
        const base = (card?.name ?? 'Contact')
          // eslint-disable-next-line no-control-regex -- control characters are what it replaces
          .replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_')
          .trim()
          .slice(0, 60);
        const name = `${pad(ctx.nextFileNumber(), 8)}-${base || 'Contact'}.vcf`;
        files.push({ name, vcard });
        return { lines: [`${prefix}<attached: ${name}>`], files };
      }
      break;
    }
    default:
      break;
  }
  if (m.attachments.length > 0) {
    const lines = m.attachments.map((a, i) => {
      const name = attachmentFileName(a, ctx.nextFileNumber(), m.sentAt, ctx.timeZone);
      if (ctx.includes(a)) files.push({ name, attachment: a });
      const caption = i === 0 && m.text?.trim() ? `\n${body(m.text.trim())}` : '';
      return `${prefix}<attached: ${name}>${caption}${i === 0 ? edited : ''}`;
    });
    return { lines, files };
  }
  return { lines: [`${prefix}${body(m.text ?? '')}${edited}`], files };
}
