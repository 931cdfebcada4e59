import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ChatDetail, MessagePage, MessageView } from '../../../shared/chat-types';
import { api } from '../api';
import { useAppInfo } from '../app-info';
import { formatDateTime } from '../format';
import { MessageItem } from './MessageItem';

const PAGE = 80;
/** How close to an edge (px) before the next page loads. */
const EDGE = 600;

interface Props {
  chatId: number;
  /** A message to open the chat at and highlight (from search); otherwise the newest. */
  focusMessageId: number | null;
}

type Pending = { kind: 'index'; index: number; align: 'start' | 'center' | 'end' } | null;

/**
 * One chat's messages: virtualized with measured row heights, opened at the newest message or
 * around a chosen one, loading older and newer pages as the user scrolls in either direction.
 */
export function Conversation({ chatId, focusMessageId }: Props) {
  const info = useAppInfo();
  const [chat, setChat] = useState<ChatDetail | null>(null);
  const [messages, setMessages] = useState<MessageView[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [hasNewer, setHasNewer] = useState(false);
  const [highlightId, setHighlightId] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);
  const pending = useRef<Pending>(null);
  const scroller = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 64,
    overscan: 8,
    getItemKey: (index) => messages[index]?.id ?? index,
  });

  const show = useCallback((page: MessagePage, target: number | null) => {
    setMessages(page.messages);
    setHasOlder(page.hasOlder);
    setHasNewer(page.hasNewer);
    const index = target === null ? -1 : page.messages.findIndex((m) => m.id === target);
    pending.current =
      index >= 0
        ? { kind: 'index', index, align: 'center' }
        : { kind: 'index', index: page.messages.length - 1, align: 'end' };
    setHighlightId(index >= 0 ? target : null);
  }, []);

  const openAt = useCallback(
    async (target: number | null) => {
      busy.current = true;
      try {
        const page = await api.invoke(
          'messages.page',
          target === null ? { chatId, limit: PAGE } : { chatId, around: target, limit: PAGE },
        );
        show(page, target);
        setError(null);
      } catch (e) {
        setError((e as Error).message);
      } finally {
        busy.current = false;
      }
    },
    [chatId, show],
  );

  useEffect(() => {
    setChat(null);
    setMessages([]);
    void api.invoke('chats.get', { chatId }).then(setChat, (e: Error) => setError(e.message));
    void openAt(focusMessageId);
  }, [chatId, focusMessageId, openAt]);

  // Scroll once the rows a page load asked for are rendered.
  useLayoutEffect(() => {
    const want = pending.current;
    if (!want || messages.length === 0) return;
    pending.current = null;
    virtualizer.scrollToIndex(Math.max(0, Math.min(want.index, messages.length - 1)), {
      align: want.align,
    });
  }, [messages, virtualizer]);

  useEffect(() => {
    if (highlightId === null) return;
    const timer = setTimeout(() => setHighlightId(null), 4000);
    return () => clearTimeout(timer);
  }, [highlightId]);

  const loadOlder = useCallback(async () => {
    const first = messages[0];
    if (busy.current || !hasOlder || !first) return;
    busy.current = true;
    try {
      const page = await api.invoke('messages.page', {
        chatId,
        before: { sentAt: first.sentAt, id: first.id },
        limit: PAGE,
      });
      // Keep the message that was at the top where it was.
      pending.current = { kind: 'index', index: page.messages.length, align: 'start' };
      setMessages((current) => [...page.messages, ...current]);
      setHasOlder(page.hasOlder);
    } finally {
      busy.current = false;
    }
  }, [chatId, hasOlder, messages]);

  const loadNewer = useCallback(async () => {
    const last = messages[messages.length - 1];
    if (busy.current || !hasNewer || !last) return;
    busy.current = true;
    try {
      const page = await api.invoke('messages.page', {
        chatId,
        after: { sentAt: last.sentAt, id: last.id },
        limit: PAGE,
      });
      setMessages((current) => [...current, ...page.messages]);
      setHasNewer(page.hasNewer);
    } finally {
      busy.current = false;
    }
  }, [chatId, hasNewer, messages]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el || pending.current) return;
    if (el.scrollTop < EDGE) void loadOlder();
    if (el.scrollHeight - el.scrollTop - el.clientHeight < EDGE) void loadNewer();
  };

  const openReply = (messageId: number) => {
    const index = messages.findIndex((m) => m.id === messageId);
    if (index >= 0) {
      virtualizer.scrollToIndex(index, { align: 'center' });
      setHighlightId(messageId);
    } else {
      void openAt(messageId);
    }
  };

  if (error) return <p className="notice error">Could not open this chat: {error}</p>;

  return (
    <section
      className="conversation"
      aria-label={chat ? `Conversation: ${chat.title}` : 'Conversation'}
    >
      <header className="conversation-header">
        <h2>{chat?.title ?? '…'}</h2>
        {chat && (
          <p>
            {chat.type === 'group' ? `${chat.members.length + 1} members · ` : ''}
            {chat.messageCount.toLocaleString()} messages · {chat.sourceLabel}
            {chat.firstSentAt ? ` · since ${formatDateTime(chat.firstSentAt)}` : ''}
          </p>
        )}
      </header>
      <div
        className="scroller"
        ref={scroller}
        onScroll={onScroll}
        role="log"
        aria-label="Messages"
        tabIndex={0}
        data-testid="messages"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const message = messages[item.index]!;
            const mine = message.sender === null && message.kind !== 'system';
            return (
              <div
                key={item.key}
                data-index={item.index}
                data-message-id={message.id}
                ref={virtualizer.measureElement}
                className={`message-row${mine ? ' mine' : ''}`}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <MessageItem
                  message={message}
                  previous={messages[item.index - 1]}
                  chatType={chat?.type ?? 'direct'}
                  mediaBaseUrl={info?.mediaBaseUrl ?? ''}
                  highlighted={message.id === highlightId}
                  onOpenReply={openReply}
                />
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
