/**
 * The test bridge's stand-in for the preload: `window.chatkeep` over loopback HTTP instead of
 * Electron IPC, with the same Transport shape. Loaded as a classic script before the app's
 * module script. Never part of the packaged app.
 */
import type { Transport } from '../../src/shared/api';
import type { IpcReply } from '../../src/shared/ipc/errors';

const params = new URLSearchParams(window.location.hash.slice(1));
const token = params.get('token') ?? '';
// Keep the token out of the app's view of its own URL.
window.history.replaceState(null, '', window.location.pathname);

const listeners = new Map<string, Set<(payload: unknown) => void>>();
const source = new EventSource(`/__bridge/events?token=${encodeURIComponent(token)}`);
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
      headers: { 'content-type': 'application/json', 'x-chatkeep-token': token },
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
