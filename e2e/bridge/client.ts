/**
 * The test bridge's stand-in for the preload: `window.chatkeep` over loopback HTTP instead of
 * Electron IPC, with the same Transport shape. Loaded as a classic script before the app's
 * module script. Never part of the packaged app.
 */
import type { Transport } from '../../src/shared/api';
import type { IpcReply } from '../../src/shared/ipc/errors';

// The bridge's token travels in an HttpOnly cookie the browser sends with every same-origin
// request, EventSource included: nothing here (or in the app) can read it.
const listeners = new Map<string, Set<(payload: unknown) => void>>();
const source = new EventSource('/__bridge/events');
source.onmessage = (message) => {
  const { event, payload } = JSON.parse(message.data as string) as {
    event: string;
    payload: unknown;
  };
  for (const listener of listeners.get(event) ?? []) listener(payload);
};

const transport: Transport = {
  async invoke(channel, request) {
    const response = await fetch('/__bridge/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel, payload: request }),
    });
    return (await response.json()) as IpcReply<unknown>;
  },
  subscribe(event, listener) {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  },
};

Object.defineProperty(window, 'chatkeep', { value: Object.freeze(transport), writable: false });
