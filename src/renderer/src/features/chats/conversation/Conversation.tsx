import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ChatDetail, MessageCursor, MessageView } from '../../../../../shared/chat-types';
import { api } from '../../../api';
import { useAppInfo } from '../../../app-info';
import { Avatar } from '../../../ui/Avatar';
import { formatDayLabel, plural } from '../../../ui/format';
import { queryTerms } from '../../../ui/highlight';
import { Icon } from '../../../ui/Icon';
import { SourceBadge } from '../list/SourceBadge';
import { MessageActionsContext, type MessageActions } from '../messages/actions';
import { Message } from '../messages/Message';
import { ChatMenu } from './ChatMenu';
import { ChatSearchBar } from './ChatSearchBar';
import { DateJump } from './DateJump';
import { runPlace, startsDay } from './grouping';
import { useMessagePages } from './useMessagePages';

/**
 * Where the floating day label sits (chats.css .floating-date: 8 px from the top, about 24 px
 * tall), how tall a message's head is (its sender line) and the day separator above a day's
 * first message (.date-separator), in pixels.
 */
const FLOATING_DATE = { bottom: 34, headHeight: 26, separatorHeight: 44 };

/** How close to an edge (px) before the next page loads. */
const EDGE = 800;
/** How long a jumped-to message stays highlighted. */
const HIGHLIGHT_MS = 4000;

export type SidePanel = 'info' | 'media' | null;

interface Props {
  chatId: number;
  /** A message to open the chat at and highlight (from search or "Show in chat"). */
  focusMessageId: number | null;
  /** One pane at a time (narrow window): a back button returns to the list. */
  singlePane: boolean;
  onBack(): void;
  panel: SidePanel;
  onPanel(panel: SidePanel): void;
  /** Bumped by Ctrl+F: open the in-chat search. */
  searchRequest: number;
  onOpenMedia(message: MessageView, attachmentIndex: number): void;
  /** Say something (a save, an error) in the section's status line. */
  onNotice(text: string): void;
  /** "Export…" in the chat's menu. */
  onExport(title: string): void;
}

/**
 * One chat: a header (who, search in chat, jump to a date, media, info) over the messages,
 * virtualised with measured rows, opened at the newest message or around a chosen one and
 * loading older and newer pages as the person scrolls either way.
 */
export function Conversation({
  chatId,
  focusMessageId,
  singlePane,
  onBack,
  panel,
  onPanel,
  searchRequest,
  onOpenMedia,
  onNotice,
  onExport,
}: Props) {
  const info = useAppInfo();
  const [chat, setChat] = useState<ChatDetail | null>(null);
  const [chatError, setChatError] = useState<string | null>(null);
  const pages = useMessagePages(chatId);
  const { messages, hasNewer, open, loadOlder, loadNewer, scrollRequest } = pages;
  const [highlightId, setHighlightId] = useState<number | null>(null);
  const [searching, setSearching] = useState(false);
  const [terms, setTerms] = useState<string[]>([]);
  const [dateOpen, setDateOpen] = useState(false);
  const [awayFromEnd, setAwayFromEnd] = useState(false);
  // The floating day label shows while the person scrolls, as in Telegram.
  const [scrolling, setScrolling] = useState(false);
  const scrollIdle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const dateButton = useRef<HTMLButtonElement>(null);

  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 72,
    overscan: 6,
    getItemKey: (index) => messages[index]?.id ?? index,
  });

  useEffect(() => {
    let live = true;
    setChat(null);
    void api.invoke('chats.get', { chatId }).then(
      (detail) => live && setChat(detail),
      (e: Error) => live && setChatError(e.message),
    );
    void open(focusMessageId === null ? null : { messageId: focusMessageId }).then(
      (shown) => live && setHighlightId(shown),
    );
    return () => {
      live = false;
    };
  }, [chatId, focusMessageId, open]);

  // Ctrl+F from the section.
  useEffect(() => {
    if (searchRequest > 0) setSearching(true);
  }, [searchRequest]);

  // Scroll once the rows a load asked for are rendered.
  useLayoutEffect(() => {
    const want = scrollRequest.current;
    if (!want || messages.length === 0) return;
    scrollRequest.current = null;
    virtualizer.scrollToIndex(Math.max(0, Math.min(want.index, messages.length - 1)), {
      align: want.align,
    });
  }, [messages, virtualizer, scrollRequest]);

  useEffect(() => {
    if (highlightId === null) return;
    const timer = setTimeout(() => setHighlightId(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlightId]);

  /** Show a message: scroll to it when loaded, else open the page around it. */
  const jumpTo = useCallback(
    (messageId: number) => {
      const index = messages.findIndex((m) => m.id === messageId);
      if (index >= 0) {
        virtualizer.scrollToIndex(index, { align: 'center' });
        setHighlightId(messageId);
      } else {
        void open({ messageId }).then(setHighlightId);
      }
    },
    [messages, open, virtualizer],
  );

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const fromEnd = el.scrollHeight - el.scrollTop - el.clientHeight;
    setAwayFromEnd(hasNewer || fromEnd > el.clientHeight);
    if (scrollRequest.current) return;
    if (el.scrollTop < EDGE) void loadOlder();
    if (fromEnd < EDGE) void loadNewer();
  };

  const actions = useMemo<MessageActions>(
    () => ({
      mediaUrl: (hash) => `${info?.mediaBaseUrl ?? ''}${hash}`,
      openLink: (url) => {
        void api.invoke('app.openExternal', { url }).then(
          ({ opened, declined }) =>
            !opened && !declined && onNotice('That link cannot be opened: only web links can.'),
          () => onNotice('The link could not be opened.'),
        );
      },
      openMedia: onOpenMedia,
      openMessage: jumpTo,
      saveAttachment: (attachmentId) => {
        void api.invoke('media.saveAs', { attachmentId }).then(
          ({ saved }) => saved && onNotice('Saved.'),
          (e: Error) => onNotice(e.message),
        );
      },
    }),
    [info, onOpenMedia, jumpTo, onNotice],
  );

  const onMatch = useCallback(
    (match: MessageCursor | null, query: string) => {
      setTerms(queryTerms(query));
      if (match) jumpTo(match.id);
    },
    [jumpTo],
  );

  const pickDay = (dayStart: number) => {
    setDateOpen(false);
    dateButton.current?.focus();
    void open({ atTime: dayStart }).then(setHighlightId);
  };

  // Only the person's own scrolling shows the floating day, not the view's jumps.
  const userScrolled = () => {
    setScrolling(true);
    if (scrollIdle.current) clearTimeout(scrollIdle.current);
    scrollIdle.current = setTimeout(() => setScrolling(false), 1200);
  };

  const toNewest = () => {
    if (hasNewer) void open(null);
    else virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
  };

  const items = virtualizer.getVirtualItems();
  const scrollTop = scroller.current?.scrollTop ?? 0;
  const topItem = items.find((i) => i.end > scrollTop);
  const topMessage = topItem ? messages[topItem.index] : undefined;
  // The day's own separator is in sight at the top: the floating label would repeat it.
  const separatorInSight =
    topItem !== undefined &&
    topMessage !== undefined &&
    startsDay(messages[topItem.index - 1], topMessage) &&
    topItem.start >= scrollTop - 12;
  // A message's head (the sender's name, a poll's label) is under where the label floats: the
  // label would cover it, so it waits until that head has scrolled past.
  const headUnderLabel = items.some((i) => {
    const message = messages[i.index];
    const head =
      i.start +
      (message && startsDay(messages[i.index - 1], message) ? FLOATING_DATE.separatorHeight : 0);
    return head > scrollTop - FLOATING_DATE.headHeight && head < scrollTop + FLOATING_DATE.bottom;
  });
  const error = chatError ?? pages.error;
  const title = chat?.title ?? '';
  const subtitle = chat
    ? chat.type === 'group'
      ? `${plural(chat.members.length + 1, 'member')} · ${chat.members
          .slice(0, 4)
          .map((m) => m.name)
          .join(', ')}${chat.members.length > 4 ? '…' : ''}`
      : (chat.members[0]?.phone ?? chat.members[0]?.handle ?? plural(chat.messageCount, 'message'))
    : '';

  return (
    <section className="conversation" aria-label={chat ? `Conversation: ${title}` : 'Conversation'}>
      <header className="conversation-header">
        {singlePane && (
          <button type="button" className="icon-button" onClick={onBack} aria-label="Back to chats">
            <Icon name="back" />
          </button>
        )}
        <div className="conversation-who">
          {chat && <Avatar name={title} colorKey={`chat:${title}`} size="md" />}
          <div className="conversation-titles">
            <h2 dir="auto">{title || '…'}</h2>
            <span className="conversation-subtitle" dir="auto">
              {subtitle}
            </span>
          </div>
          {chat && <SourceBadge kind={chat.sourceKind} label={chat.sourceLabel} />}
        </div>
        <div className="conversation-actions">
          <button
            type="button"
            className="icon-button"
            onClick={() => setSearching(true)}
            aria-label="Search in this chat"
            title="Search in this chat (Ctrl+F)"
            aria-pressed={searching}
          >
            <Icon name="search" />
          </button>
          <span className="popover-anchor">
            <button
              ref={dateButton}
              type="button"
              className="icon-button"
              onClick={() => setDateOpen((v) => !v)}
              aria-label="Jump to a date"
              title="Jump to a date"
              aria-expanded={dateOpen}
              disabled={!chat?.firstSentAt}
            >
              <Icon name="calendar" />
            </button>
            {dateOpen && chat?.firstSentAt && chat.lastSentAt && (
              <DateJump
                chatId={chatId}
                first={chat.firstSentAt}
                last={chat.lastSentAt}
                initial={topMessage?.sentAt ?? chat.lastSentAt}
                onPick={pickDay}
                onClose={() => {
                  setDateOpen(false);
                  dateButton.current?.focus();
                }}
              />
            )}
          </span>
          <button
            type="button"
            className="icon-button"
            onClick={() => onPanel(panel === 'media' ? null : 'media')}
            aria-label="Media, links and docs"
            title="Media, links and docs"
            aria-expanded={panel === 'media'}
          >
            <Icon name="media" />
          </button>
          <button
            type="button"
            className="icon-button"
            onClick={() => onPanel(panel === 'info' ? null : 'info')}
            aria-label="Chat info"
            title="Chat info"
            aria-expanded={panel === 'info'}
          >
            <Icon name="info" />
          </button>
          <ChatMenu disabled={!chat} onExport={() => onExport(title)} />
        </div>
      </header>
      {searching && (
        <ChatSearchBar
          chatId={chatId}
          onMatch={onMatch}
          onClose={() => {
            setSearching(false);
            setTerms([]);
          }}
        />
      )}
      {error ? (
        <p className="notice error">Could not open this chat: {error}</p>
      ) : (
        <div className="messages-wrap">
          {topMessage && (
            <div
              className={`floating-date${scrolling && !separatorInSight && !headUnderLabel ? ' visible' : ''}`}
              aria-hidden="true"
            >
              {formatDayLabel(topMessage.sentAt)}
            </div>
          )}
          <div
            className="scroller messages"
            ref={scroller}
            onScroll={onScroll}
            onWheel={userScrolled}
            onTouchMove={userScrolled}
            onKeyDown={userScrolled}
            role="log"
            aria-live="off"
            aria-label="Messages"
            tabIndex={0}
            data-testid="messages"
            data-loaded={messages.length > 0 ? 'true' : undefined}
          >
            <MessageActionsContext.Provider value={actions}>
              <div className="messages-canvas" style={{ height: virtualizer.getTotalSize() }}>
                {items.map((item) => {
                  const message = messages[item.index]!;
                  const previous = messages[item.index - 1];
                  const next = messages[item.index + 1];
                  return (
                    <div
                      key={item.key}
                      data-index={item.index}
                      data-message-id={message.id}
                      ref={virtualizer.measureElement}
                      className="message-row"
                      style={{ transform: `translateY(${item.start}px)` }}
                    >
                      {startsDay(previous, message) && (
                        <div className="date-separator" role="separator">
                          <span>{formatDayLabel(message.sentAt)}</span>
                        </div>
                      )}
                      <Message
                        message={message}
                        chatType={chat?.type ?? 'direct'}
                        run={runPlace(previous, message, next)}
                        highlighted={message.id === highlightId}
                        terms={terms}
                      />
                    </div>
                  );
                })}
              </div>
            </MessageActionsContext.Provider>
          </div>
          {awayFromEnd && messages.length > 0 && (
            <button
              type="button"
              className="to-newest"
              onClick={toNewest}
              aria-label="Go to the newest message"
            >
              <Icon name="down" />
            </button>
          )}
        </div>
      )}
    </section>
  );
}
