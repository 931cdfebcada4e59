import { z } from 'zod';
import type { ChatDetail, ChatSummary, MessagePage, SearchHit, StoreStats } from '../chat-types';

/**
 * The IPC contract: every channel the renderer may call, with the zod schema of its request and
 * the type of its reply, and every event main pushes. Main validates against these schemas, the
 * preload and the test bridge build `window.chatkeep` from the same names, so a channel exists
 * in exactly one place.
 */

/** A phantom marker that carries the reply type without a runtime value. */
const reply = <T>() => undefined as unknown as T;

const id = z.number().int().positive();
const cursor = z.object({ sentAt: z.number().int(), id }).strict();

export interface AppInfo {
  name: string;
  version: string;
  platform: 'darwin' | 'win32' | 'linux' | (string & {});
  /** "electron" in the real app, "bridge" when the renderer runs against the test bridge. */
  shell: 'electron' | 'bridge';
  /** Base URL under which media files are served, e.g. "chatkeep-media://media/". */
  mediaBaseUrl: string;
}

export const channels = {
  'app.getInfo': { request: z.object({}).strict(), reply: reply<AppInfo>() },
  'app.openExternal': {
    request: z.object({ url: z.string().max(2048) }).strict(),
    reply: reply<{ opened: boolean }>(),
  },
  'chats.list': {
    request: z
      .object({
        filter: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    reply: reply<{ chats: ChatSummary[]; total: number }>(),
  },
  'chats.get': {
    request: z.object({ chatId: id }).strict(),
    reply: reply<ChatDetail>(),
  },
  'messages.page': {
    request: z
      .object({
        chatId: id,
        before: cursor.optional(),
        after: cursor.optional(),
        around: id.optional(),
        limit: z.number().int().min(1).max(500).default(80),
      })
      .strict()
      .refine((r) => [r.before, r.after, r.around].filter((v) => v !== undefined).length <= 1, {
        message: 'Give at most one of before, after and around',
      }),
    reply: reply<MessagePage>(),
  },
  'search.query': {
    request: z
      .object({
        query: z.string().max(500),
        chatId: id.optional(),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    reply: reply<SearchHit[]>(),
  },
  'store.stats': { request: z.object({}).strict(), reply: reply<StoreStats>() },
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
/** What the renderer passes: the schema's input (defaults may be omitted). */
export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
/** What a handler receives: the schema's output (defaults filled in). */
export type ParsedRequestOf<C extends ChannelName> = z.output<Channels[C]['request']>;
export type ReplyOf<C extends ChannelName> = Channels[C]['reply'];

/** Events main pushes to the renderer, with the type of their payloads. */
export const SECTIONS = ['chats', 'backup', 'import', 'settings'] as const;
export type Section = (typeof SECTIONS)[number];

export interface Events {
  /** The app menu asked to show a section. */
  'app.navigate': { section: Section };
  /** Chats were added or changed (an import, a restore): lists should reload. */
  'store.changed': { chatIds: number[] };
  /** Progress of a long task (backup, restore, import, verify). */
  'task.progress': {
    taskId: string;
    kind: string;
    phase: string;
    itemsDone: number;
    itemsTotal: number;
    bytesDone: number;
    bytesTotal: number;
    etaMs: number | null;
  };
}
export type EventName = keyof Events;

export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];
export const EVENT_NAMES: readonly EventName[] = ['app.navigate', 'store.changed', 'task.progress'];
