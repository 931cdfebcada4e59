/**
 * Portable chat records: the one shape in which chats enter and leave the store.
 *
 * Importers produce these, the store ingests them (idempotently), the backup engine serializes
 * them into its per-chat-per-month blobs and restore feeds them back through the same ingest.
 * One path in means de-duplication and validation are written and tested once.
 *
 * Keys (`key` fields) are stable identifiers chosen by the producer: the source-side id where the
 * source has one (WhatsApp key_id, Telegram message id), otherwise a content key derived from the
 * message's own fields so that re-importing the same export yields the same key.
 * Keys are unique within their scope: a person key within its source, a chat key within its
 * source, a message key within its chat.
 */

export const MESSAGE_KINDS = [
  'text',
  'media',
  'system',
  'location',
  'contact',
  'poll',
  'deleted',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const MEDIA_TYPES = [
  'photo',
  'video',
  'audio',
  'voice',
  'document',
  'sticker',
  'gif',
] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export const CHAT_TYPES = ['direct', 'group'] as const;
export type ChatType = (typeof CHAT_TYPES)[number];

/** Where chats came from. `kind` + `accountKey` identify a source across imports. */
export interface SourceRecord {
  kind: 'whatsapp' | 'telegram' | 'chatkeep' | 'seed' | (string & {});
  /** Stable per account/device/export family, e.g. the owner's jid, or "export". */
  accountKey: string;
  label: string;
}

export interface PersonRecord {
  /** Unique within the source. */
  key: string;
  displayName: string;
  handle?: string | null;
  phone?: string | null;
}

export interface ChatRecord {
  /** Unique within the source. */
  key: string;
  type: ChatType;
  title: string;
  /** Person keys of the members other than the owner ("me"). */
  members: string[];
}

export interface AttachmentRecord {
  mediaType: MediaType;
  mime: string;
  /** Byte size of the media file; the declared size when the bytes are not included. */
  size: number;
  /** Lowercase hex SHA-256 of the bytes in the media store, or null when not included. */
  hash: string | null;
  fileName: string | null;
  width?: number | null;
  height?: number | null;
  durationMs?: number | null;
}

export interface ReactionRecord {
  /** Person key, or null for the owner ("me"). */
  senderKey: string | null;
  emoji: string;
  at?: number | null;
}

export interface MessageRecord {
  /** Unique within the chat. */
  key: string;
  /** Person key, or null when the owner ("me") sent it. System messages: null and kind 'system'. */
  senderKey: string | null;
  /** UTC milliseconds. */
  sentAt: number;
  text: string | null;
  kind: MessageKind;
  /** Key of the message this one replies to, within the same chat. */
  replyToKey?: string | null;
  editedAt?: number | null;
  attachments: AttachmentRecord[];
  reactions: ReactionRecord[];
  /**
   * Kind-specific extras, kept as JSON. The shapes producers write (and the app reads with the
   * tolerant `src/shared/message-extra.ts`, which also accepts the older shapes noted there):
   * - `location`: `{ lat: number, lon: number, name?: string, address?: string, url?: string }`
   * - `contact`: `{ vcard: string }` (the app reads the name and numbers from the vCard)
   * - `poll`: `{ poll: { question: string, options: Array<{ text: string, votes: number | null }>,
   *   multiple?: boolean, closed?: boolean } }`
   * - `system` (events and calls): the text says what happened; a call may add
   *   `{ call: { video: boolean, durationS: number | null, missed: boolean } }`
   * Producers may add fields of their own (e.g. `forwardedFrom`); readers ignore what they do not
   * know.
   */
  extra?: Record<string, unknown> | null;
}

/** One chat's worth of records: what an importer yields and what ingest consumes. */
export interface ChatBundle {
  source: SourceRecord;
  chat: ChatRecord;
  people: PersonRecord[];
  messages: MessageRecord[];
}
