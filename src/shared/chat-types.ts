/**
 * What the chat store hands to the UI: plain, JSON-serializable data that crosses IPC.
 *
 * Types only. The renderer imports this file, so it must not import node modules or store code;
 * the literal unions below repeat those of `src/store/records.ts` and the store checks at compile
 * time that both stay equal.
 */

export type ChatKind = 'direct' | 'group';
export type MessageKindName =
  'text' | 'media' | 'system' | 'location' | 'contact' | 'poll' | 'deleted';
export type MediaKind = 'photo' | 'video' | 'audio' | 'voice' | 'document' | 'sticker' | 'gif';

/** A person as shown in a chat. `null` in place of a PersonRef means the owner ("me"). */
export interface PersonRef {
  id: number;
  name: string;
}

export interface LastMessagePreview {
  id: number;
  sentAt: number;
  /** Null when the owner sent it or for system messages. */
  senderName: string | null;
  kind: MessageKindName;
  /** First line(s) of the text, at most ~120 characters; empty for media without caption. */
  preview: string;
  /** Media type of the first attachment, so the list can show an icon. */
  mediaType: MediaKind | null;
}

export interface ChatSummary {
  id: number;
  title: string;
  type: ChatKind;
  sourceKind: string;
  sourceLabel: string;
  messageCount: number;
  lastMessage: LastMessagePreview | null;
}

export interface ChatMember {
  id: number;
  name: string;
  handle: string | null;
  phone: string | null;
}

export interface ChatDetail {
  id: number;
  title: string;
  type: ChatKind;
  sourceKind: string;
  sourceLabel: string;
  members: ChatMember[];
  messageCount: number;
  firstSentAt: number | null;
  lastSentAt: number | null;
}

export interface ReactionView {
  emoji: string;
  count: number;
  /** True when the owner is among the reactors. */
  mine: boolean;
}

export interface AttachmentView {
  id: number;
  mediaType: MediaKind;
  mime: string;
  size: number;
  /** Lowercase hex SHA-256 of the bytes in the media store; null when the bytes are not included. */
  hash: string | null;
  fileName: string | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
}

export interface ReplyView {
  id: number;
  /** Null when the owner wrote the quoted message. */
  senderName: string | null;
  /** The start of the quoted message's text (at most ~120 characters). */
  excerpt: string;
  /** What the quoted message is, so the quote can say "📷 Photo" or "📍 Location". */
  kind: MessageKindName;
  /** The quoted message's first attachment (for its label, duration and thumbnail). */
  attachment: AttachmentView | null;
  /** The quoted message's kind-specific extras (read with src/shared/message-extra.ts). */
  extra: Record<string, unknown> | null;
}

export interface MessageView {
  id: number;
  chatId: number;
  /** Null for the owner ("me") and for system messages. */
  sender: PersonRef | null;
  sentAt: number;
  text: string | null;
  kind: MessageKindName;
  /** Null when this is not a reply, or when the quoted message is not in the store. */
  replyTo: ReplyView | null;
  /** Source-side key of the quoted message when it is not in the store. */
  replyToKey: string | null;
  editedAt: number | null;
  reactions: ReactionView[];
  attachments: AttachmentView[];
  extra: Record<string, unknown> | null;
}

/** A position in a chat's timeline; messages are ordered by (sentAt, id). */
export interface MessageCursor {
  sentAt: number;
  id: number;
}

export interface MessagePage {
  /** Oldest to newest. */
  messages: MessageView[];
  hasOlder: boolean;
  hasNewer: boolean;
  /**
   * The message the page was asked to show (`around`, or the first message on or after `atTime`);
   * absent for plain pages.
   */
  anchorId?: number | null;
}

/** A half-open range [start, end) of UTF-16 code units in `SearchHit.snippet`. */
export interface MarkedRange {
  start: number;
  end: number;
}

export interface SearchHit {
  messageId: number;
  chatId: number;
  chatTitle: string;
  chatType: ChatKind;
  sender: PersonRef | null;
  sentAt: number;
  kind: MessageKindName;
  /** Plain text (never HTML): a window of the message around the first match. */
  snippet: string;
  /** Where the query matched inside `snippet`. */
  ranges: MarkedRange[];
  /** This hit's place in the newest-first order: pass it as `before` for the next page. */
  position: number;
}

/** One page of search hits, newest first. */
export interface SearchPage {
  hits: SearchHit[];
  /** Pass as `before` for the next (older) page; null when there is none. */
  next: number | null;
  /**
   * Present while the search index of a restore is still being built (newest messages
   * first): older matches may be missing until `done` reaches `total`.
   */
  indexing?: { done: number; total: number };
}

/** How many messages match a query; counting stops at a cap so a common word stays cheap. */
export interface SearchCount {
  count: number;
  /** True when there are more than `count` matches. */
  capped: boolean;
}

/** Every match of a query within one chat (newest first, up to a cap), for "3 of 41". */
export interface ChatMatches {
  matches: MessageCursor[];
  capped: boolean;
}

/** The tabs of a chat's "Media, links and docs" panel. */
export type GalleryTab = 'visual' | 'documents' | 'links' | 'audio';

/** Where a gallery page ends: a message, and the attachment ordinal or link number in it. */
export interface GalleryCursor {
  sentAt: number;
  id: number;
  ordinal: number;
}

export interface GalleryItem {
  messageId: number;
  sentAt: number;
  /** Null for the owner. */
  sender: PersonRef | null;
  /** The attachment (media tabs). */
  attachment: AttachmentView | null;
  /** The link (links tab), with the message text around it. */
  link: { url: string; text: string } | null;
  /** Pass as `before`/`after` to continue from this item. */
  cursor: GalleryCursor;
}

export interface GalleryPage {
  /** Newest first, also for `after` pages. */
  items: GalleryItem[];
  /** True when more items lie beyond this page in the direction asked for. */
  more: boolean;
}

export interface MediaCount {
  count: number;
  bytes: number;
  /** How many have their bytes in the store. */
  included: number;
}

/** What the chat info panel shows beyond ChatDetail. */
export interface ChatMediaSummary {
  media: Record<MediaKind, MediaCount>;
  /** Declared bytes of all the chat's attachments. */
  bytes: number;
}

/** One attachment, for saving it elsewhere. */
export interface AttachmentRef extends AttachmentView {
  messageId: number;
  chatId: number;
}

export interface MediaTypeStats {
  /** Attachments of this type, whether or not their bytes are included. */
  attachments: number;
  /** Declared bytes of all those attachments. */
  bytes: number;
  /** Attachments whose bytes are in the media store (hash present). */
  included: number;
  includedBytes: number;
  /** Attachments known only by their metadata (hash null). */
  notIncluded: number;
}

export interface StoreStats {
  chats: number;
  messages: number;
  people: number;
  media: Record<MediaKind, MediaTypeStats>;
  /**
   * Each media file once (by content hash), under the one type a backup files it as: the sizes
   * a backup holds, per type. See store/distinct-media.ts.
   */
  mediaByContent: Record<MediaKind, { files: number; bytes: number }>;
  /** Distinct media files referenced (each stored once per content hash). */
  distinctMediaFiles: number;
  distinctMediaBytes: number;
  /** Size of the database file plus its write-ahead log. */
  dbBytes: number;
}
