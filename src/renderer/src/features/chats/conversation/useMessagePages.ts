import { useCallback, useRef, useState } from 'react';
import type { MessagePage, MessageView } from '../../../../../shared/chat-types';
import { api } from '../../../api';

export const PAGE = 80;

/** Where the view should scroll once the rows a load asked for are rendered. */
export type ScrollRequest = { index: number; align: 'start' | 'center' | 'end' } | null;

/**
 * A chat's loaded window of messages: opened at the newest message, around one message or at a
 * date, growing older and newer a page at a time. One load at a time; each load says where the
 * view should scroll (kept in `scrollRequest` until the view takes it).
 */
export function useMessagePages(chatId: number) {
  const [messages, setMessages] = useState<MessageView[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [hasNewer, setHasNewer] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);
  const scrollRequest = useRef<ScrollRequest>(null);
  // The newest load wins: a jump started while another page loads replaces it.
  const generation = useRef(0);

  const show = useCallback((page: MessagePage, target: number | null): number | null => {
    setMessages(page.messages);
    setHasOlder(page.hasOlder);
    setHasNewer(page.hasNewer);
    const index = target === null ? -1 : page.messages.findIndex((m) => m.id === target);
    scrollRequest.current =
      index >= 0 ? { index, align: 'center' } : { index: page.messages.length - 1, align: 'end' };
    return index >= 0 ? target : null;
  }, []);

  /** Open at a message (null: the newest) or at a time; resolves to the message shown, if any. */
  const open = useCallback(
    async (target: { messageId: number } | { atTime: number } | null): Promise<number | null> => {
      const mine = ++generation.current;
      busy.current = true;
      try {
        const request =
          target === null
            ? { chatId, limit: PAGE }
            : 'messageId' in target
              ? { chatId, around: target.messageId, limit: PAGE }
              : { chatId, atTime: target.atTime, limit: PAGE };
        const page = await api.invoke('messages.page', request);
        if (mine !== generation.current) return null;
        setError(null);
        const anchor =
          target === null
            ? null
            : 'messageId' in target
              ? target.messageId
              : (page.anchorId ?? null);
        return show(page, anchor);
      } catch (e) {
        if (mine === generation.current) setError((e as Error).message);
        return null;
      } finally {
        if (mine === generation.current) busy.current = false;
      }
    },
    [chatId, show],
  );

  const loadOlder = useCallback(async () => {
    const first = messages[0];
    if (busy.current || !hasOlder || !first) return;
    const mine = generation.current;
    busy.current = true;
    try {
      const page = await api.invoke('messages.page', {
        chatId,
        before: { sentAt: first.sentAt, id: first.id },
        limit: PAGE,
      });
      if (mine !== generation.current) return;
      // Keep the message that was at the top where it was.
      scrollRequest.current = { index: page.messages.length, align: 'start' };
      setMessages((current) => [...page.messages, ...current]);
      setHasOlder(page.hasOlder);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      if (mine === generation.current) busy.current = false;
    }
  }, [chatId, hasOlder, messages]);

  const loadNewer = useCallback(async () => {
    const last = messages[messages.length - 1];
    if (busy.current || !hasNewer || !last) return;
    const mine = generation.current;
    busy.current = true;
    try {
      const page = await api.invoke('messages.page', {
        chatId,
        after: { sentAt: last.sentAt, id: last.id },
        limit: PAGE,
      });
      if (mine !== generation.current) return;
      setMessages((current) => [...current, ...page.messages]);
      setHasNewer(page.hasNewer);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      if (mine === generation.current) busy.current = false;
    }
  }, [chatId, hasNewer, messages]);

  return { messages, hasOlder, hasNewer, error, open, loadOlder, loadNewer, scrollRequest };
}
