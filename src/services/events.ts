import type { EventName, Events } from '../shared/ipc/contract';

export type EventListener = <E extends EventName>(event: E, payload: Events[E]) => void;

/** Events main pushes to renderers; the Electron wiring and the test bridge each subscribe once. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of this.listeners) listener(event, payload);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
