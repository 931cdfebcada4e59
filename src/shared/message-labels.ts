/**
 * The words for messages that have none of their own ("📷 Photo", "Missed voice call"), shared
 * by the app's views and the exported archive so both say the same thing. Pure functions only:
 * the renderer and the Node cores both use it.
 */
import type { AttachmentView, MediaKind, MessageKindName } from './chat-types';
import { readCall, readContact, readLocation, readPoll } from './message-extra';

/** A play length as a player shows it: "0:07", "12:41", "1:02:03" (to the nearest second). */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The words for each kind of media, as the messengers say them. */
export const MEDIA_NAMES: Record<MediaKind, string> = {
  photo: 'Photo',
  video: 'Video',
  audio: 'Audio',
  voice: 'Voice message',
  document: 'Document',
  sticker: 'Sticker',
  gif: 'GIF',
};

const MEDIA_EMOJI: Record<MediaKind, string> = {
  photo: '📷',
  video: '🎬',
  audio: '🎵',
  voice: '🎤',
  document: '📄',
  sticker: '💟',
  gif: '🎞️',
};

/** "🎤 Voice message 0:12", "📄 report.pdf", "📷 Photo". */
export function attachmentLabel(
  a: Pick<AttachmentView, 'mediaType' | 'fileName' | 'durationMs'>,
): string {
  const name =
    a.mediaType === 'document' || a.mediaType === 'audio'
      ? (a.fileName?.split(/[\\/]/).pop() ?? MEDIA_NAMES[a.mediaType])
      : MEDIA_NAMES[a.mediaType];
  const timed = (a.mediaType === 'voice' || a.mediaType === 'video') && a.durationMs;
  return `${MEDIA_EMOJI[a.mediaType]} ${name}${timed ? ` ${formatClock(a.durationMs ?? 0)}` : ''}`;
}

interface Describable {
  kind: MessageKindName;
  text: string | null;
  attachment?: Pick<AttachmentView, 'mediaType' | 'fileName' | 'durationMs'> | null;
  mediaType?: MediaKind | null;
  extra?: Record<string, unknown> | null;
}

/**
 * One line saying what a message is, for the chat list, reply quotes and search results: its
 * text, or its kind in words ("📍 Lisbon", "👤 Ana Sousa", "📊 When can we meet?") so that a
 * message without text never reads as an empty line.
 */
export function describeMessage(m: Describable): string {
  const text = m.text?.replace(/\s+/g, ' ').trim() ?? '';
  switch (m.kind) {
    case 'deleted':
      return '🚫 This message was deleted';
    case 'location': {
      const place = readLocation(m.extra ?? null);
      return `📍 ${place?.name ?? (text && !/^location:/i.test(text) ? text : 'Location')}`;
    }
    case 'contact': {
      const card = readContact(m.extra ?? null, text || null);
      return `👤 ${card?.name || 'Contact'}`;
    }
    case 'poll': {
      const poll = readPoll(m.extra ?? null, text || null);
      return `📊 ${poll?.question || text || 'Poll'}`;
    }
    case 'system': {
      const call = readCall(m.extra ?? null);
      return call ? callLabel(call) : text;
    }
    default: {
      const attachment =
        m.attachment ??
        (m.mediaType ? { mediaType: m.mediaType, fileName: null, durationMs: null } : null);
      if (!attachment) return text;
      if (text) return `${MEDIA_EMOJI[attachment.mediaType]} ${text}`;
      return attachmentLabel(attachment);
    }
  }
}

/** "Missed voice call", "Video call · 2:05". */
export function callLabel(call: {
  video: boolean;
  durationS: number | null;
  missed: boolean;
}): string {
  const what = call.video ? 'video call' : 'voice call';
  if (call.missed) return `Missed ${what}`;
  const name = what.charAt(0).toUpperCase() + what.slice(1);
  return call.durationS ? `${name} · ${formatClock(call.durationS * 1000)}` : name;
}
