import type { MediaType, MessageKind } from '../../store/records.js';

/** What a WhatsApp export message body turns out to be, before attachments are resolved. */
export interface Classified {
  kind: MessageKind;
  text: string | null;
  /** A file named in the text: included in the export when its bytes are found. */
  attachment: { fileName: string | null; omitted: boolean; hint: MediaType | null } | null;
  extra: Record<string, unknown> | null;
}

const LRM = /^[\u200e\u200f]+/;
// iOS: `<attached: 00000001-PHOTO-2019-06-20-16-00-15.jpg>`; the word is translated per locale.
const IOS_ATTACHED = /^<([^<>:\n]{1,40}):\s?([^<>\n]+?\.[A-Za-z0-9]{1,8})>[ \t]*(?:\n([\s\S]*))?$/;
// Android: `IMG-20260925-WA0001.jpg (file attached)`, optional caption on the following lines.
const ANDROID_ATTACHED =
  /^([^\s<>:"/\\|?*\n][^<>:"/\\|?*\n]{0,200}?\.[A-Za-z0-9]{1,8})[ \u200e]\(([^()\n]{1,40})\)[ \t]*(?:\n([\s\S]*))?$/;
const ATTACHED_WORDS =
  /attached|angehängt|adjunto|joint|anexado|allegato|bijgevoegd|załączony|прикреплен|eklendi|vedhæftet|bifogad|vedlagt|liitetty|csatolva|přiložen|επισυνάφθηκε|terlampir|đính kèm|첨부|添付|附件/i;
const WA_MEDIA_NAME = /^(IMG|VID|AUD|PTT|STK|DOC)-\d{8}-WA\d+/i;
// Exported "without media": Android `<Media omitted>` and its translations.
const OMITTED_WORDS =
  /omitted|omis|weggelassen|omitido|omitida|oculto|oculta|omessi|weggelaten|pominięt|не включен|dahil edilmedi|utelatt|utelämnad|udeladt|jätetty|vynechán|kihagyva|omise/i;
const ANGLE_ONLY = /^<([^<>\n]{2,60})>$/;
// iOS without media: `image omitted`, `‎document.pdf • 3 pages document omitted`.
const IOS_OMITTED = /(?:^|\s)(image|video|audio|sticker|GIF|document|Contact card) omitted$/i;
const DELETED =
  /^(This message was deleted|You deleted this message|Diese Nachricht wurde gelöscht|Du hast diese Nachricht gelöscht|Se eliminó este mensaje|Eliminaste este mensaje|Ce message a été supprimé|Vous avez supprimé ce message|Questo messaggio è stato eliminato|Hai eliminato questo messaggio|Esta mensagem foi apagada|Você apagou esta mensagem|Dit bericht is verwijderd|Je hebt dit bericht verwijderd)\.?$/;
const EDITED = /\s*<This message was edited>$/;
const LOCATION =
  /^location: (https?:\/\/maps\.google\.com\/\?q=(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?))\s*$/i;
const POLL = /^POLL:\n([^\n]*)((?:\nOPTION: [^\n]*)*)\s*$/;
const POLL_OPTION = /^OPTION: (.*?)(?: \((\d+) votes?\))?$/;

const IOS_HINT: Record<string, MediaType> = {
  image: 'photo',
  video: 'video',
  audio: 'audio',
  sticker: 'sticker',
  gif: 'gif',
  document: 'document',
  'contact card': 'document',
};

function hintFromName(name: string): MediaType | null {
  const u = name.toUpperCase();
  if (/-PHOTO-|^IMG-/.test(u)) return 'photo';
  if (/-VIDEO-|^VID-/.test(u)) return 'video';
  if (/-AUDIO-|^AUD-/.test(u)) return 'audio';
  if (/^PTT-/.test(u)) return 'voice';
  if (/-STICKER-|^STK-/.test(u)) return 'sticker';
  if (/-GIF-/.test(u)) return 'gif';
  return null;
}

/**
 * WhatsApp's notice that a chat is end-to-end encrypted. Exports write it as a system line, but
 * some (iOS) put the chat's or the other person's name before it, as if someone had typed it.
 * Known openings in the languages we have seen, followed by the encryption words.
 */
const NOTICE_OPENING =
  /^(?:Messages|Nachrichten|Los mensajes|Les messages|As mensagens|I messaggi|Berichten)\b/;
const NOTICE_WORDS =
  /end-to-end[ -]encrypt|end-to-end encryption|Ende-zu-Ende-verschlüsselt|de extremo a extremo|de bout en bout|de ponta a ponta|crittografat[ie] end-to-end|end-to-end versleuteld/i;

export function isEncryptionNotice(body: string): boolean {
  const text = body.replace(LRM, '');
  return text.length < 400 && NOTICE_OPENING.test(text) && NOTICE_WORDS.test(text);
}

export function classify(author: string | null, raw: string): Classified {
  if (author === null)
    return { kind: 'system', text: raw.replace(LRM, ''), attachment: null, extra: null };
  let body = raw;
  let extra: Record<string, unknown> | null = null;
  if (EDITED.test(body)) {
    body = body.replace(EDITED, '');
    extra = { edited: true };
  }
  const lead = body.replace(LRM, '');

  // Cheap first-character and suffix checks keep the regexes off ordinary text.
  const angled = lead.startsWith('<');
  const ios = angled ? IOS_ATTACHED.exec(lead) : null;
  if (ios?.[2]) {
    const fileName = ios[2].trim();
    const caption = ios[3]?.trim() || null;
    return {
      kind: 'media',
      text: caption,
      attachment: { fileName, omitted: false, hint: hintFromName(fileName) },
      extra,
    };
  }
  const android = /[ \u200e]\(/.test(lead) ? ANDROID_ATTACHED.exec(lead) : null;
  // "report.pdf (page 3)" typed by a person is not an attachment: the words in parentheses must
  // be WhatsApp's ("file attached" and its translations) or the name WhatsApp's own.
  if (android?.[1] && (ATTACHED_WORDS.test(android[2] ?? '') || WA_MEDIA_NAME.test(android[1]))) {
    const fileName = android[1].trim();
    const caption = android[3]?.trim() || null;
    return {
      kind: 'media',
      text: caption,
      attachment: { fileName, omitted: false, hint: hintFromName(fileName) },
      extra,
    };
  }
  const angle = angled ? ANGLE_ONLY.exec(lead) : null;
  if (angle?.[1] && OMITTED_WORDS.test(angle[1])) {
    return {
      kind: 'media',
      text: null,
      attachment: { fileName: null, omitted: true, hint: null },
      extra,
    };
  }
  const iosOmitted = / omitted$/i.test(lead) ? IOS_OMITTED.exec(lead) : null;
  if (iosOmitted?.[1]) {
    const hint = IOS_HINT[iosOmitted[1].toLowerCase()] ?? null;
    return {
      kind: 'media',
      text: null,
      attachment: { fileName: null, omitted: true, hint },
      extra,
    };
  }
  if (DELETED.test(lead)) return { kind: 'deleted', text: null, attachment: null, extra };
  const loc = /^location: /i.test(lead) ? LOCATION.exec(lead) : null;
  if (loc) {
    return {
      kind: 'location',
      text: lead,
      attachment: null,
      extra: { ...extra, lat: Number(loc[2]), lon: Number(loc[3]), url: loc[1] },
    };
  }
  const poll = lead.startsWith('POLL:') ? POLL.exec(lead) : null;
  if (poll) {
    const options = (poll[2] ?? '')
      .split('\n')
      .filter((l) => l.startsWith('OPTION: '))
      .map((l) => {
        const o = POLL_OPTION.exec(l);
        return { text: o?.[1] ?? l.slice(8), votes: o?.[2] ? Number(o[2]) : null };
      });
    const question = poll[1] ?? '';
    return {
      kind: 'poll',
      text: question,
      attachment: null,
      extra: { ...extra, poll: { question, options } },
    };
  }
  return { kind: 'text', text: body, attachment: null, extra };
}

/** The part of a message that identifies it across exports with and without media. */
export function keyText(c: Classified): string {
  if (c.attachment) return `\u0001media\u0001${c.text ?? ''}`;
  return `${c.kind}\u0001${c.text ?? ''}`.trimEnd();
}
