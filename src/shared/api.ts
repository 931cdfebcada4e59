import { ChatkeepError, type IpcReply } from './ipc/errors';
import {
  CHANNEL_NAMES,
  EVENT_NAMES,
  type ChannelName,
  type EventName,
  type Events,
  type ReplyOf,
  type RequestOf,
} from './ipc/contract';

/** The typed, throwing API the renderer code uses, built over `window.chatkeep`. */
export interface ChatkeepApi {
  invoke<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ReplyOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/**
 * `window.chatkeep`: the only door from the renderer to the rest of the app. The preload builds
 * it over Electron IPC and the e2e test bridge over loopback HTTP, both from the contract's
 * names, so the renderer cannot tell which one it talks to. Replies are plain data (errors too),
 * because contextBridge does not carry error classes across worlds.
 */
export interface Transport {
  invoke(channel: string, request: unknown): Promise<IpcReply<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
  /**
   * Electron only: a grant for a file the person dropped on the window. Only a real dropped
   * file has a path, so a page cannot use this to reach arbitrary paths.
   */
  grantDroppedFile?(file: File): Promise<{ grantId: string; name: string } | null>;
}

export function createApi(transport: Transport): ChatkeepApi {
  const knownChannels = new Set<string>(CHANNEL_NAMES);
  const knownEvents = new Set<string>(EVENT_NAMES);
  return Object.freeze({
    async invoke(channel, request) {
      if (!knownChannels.has(channel)) {
        throw new ChatkeepError({ code: 'UNKNOWN_CHANNEL', message: `Unknown channel ${channel}` });
      }
      const result = await transport.invoke(channel, request);
      if (!result.ok) throw new ChatkeepError(result.error);
      return result.value as never;
    },
    on(event, listener) {
      if (!knownEvents.has(event)) throw new Error(`Unknown event ${event}`);
      return transport.subscribe(event, listener as (payload: unknown) => void);
    },
  } satisfies ChatkeepApi);
}
