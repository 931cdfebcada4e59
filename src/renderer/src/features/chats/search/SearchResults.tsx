import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { SearchHit } from '../../../../../shared/chat-types';
import { Avatar } from '../../../ui/Avatar';
import { formatCount, formatListTime } from '../../../ui/format';
import { ChatRow } from '../list/ChatRow';
import { describeMessage } from '../messages/labels';
import { CHAT_RESULTS, type UnifiedSearch } from './useUnifiedSearch';

/** The snippet with its matches marked, built as React nodes: never HTML from data. */
export function Highlighted({ text, ranges }: { text: string; ranges: SearchHit['ranges'] }) {
  const parts: ReactNode[] = [];
  let at = 0;
  ranges
    .slice()
    .sort((a, b) => a.start - b.start)
    .forEach((range, i) => {
      if (range.start < at) return;
      if (range.start > at) parts.push(text.slice(at, range.start));
      parts.push(<mark key={i}>{text.slice(range.start, range.end)}</mark>);
      at = range.end;
    });
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

interface HitGroup {
  chatId: number;
  title: string;
  type: SearchHit['chatType'];
  hits: SearchHit[];
}

/**
 * Hits grouped by chat, chats in the order of their newest hit. Pages arrive newest first, so a
 * further page only appends: groups already shown never move.
 */
export function groupHits(hits: SearchHit[]): HitGroup[] {
  const groups = new Map<number, HitGroup>();
  for (const hit of hits) {
    let group = groups.get(hit.chatId);
    if (!group) {
      group = { chatId: hit.chatId, title: hit.chatTitle, type: hit.chatType, hits: [] };
      groups.set(hit.chatId, group);
    }
    group.hits.push(hit);
  }
  return [...groups.values()];
}

type Option = { id: string; open(): void };

interface Props {
  query: string;
  search: UnifiedSearch;
  onOpenChat(chatId: number): void;
  onOpenHit(hit: SearchHit): void;
}

/**
 * Results of the one search box: chats whose name matches, then messages with their total count,
 * grouped by chat, with "Show more" past each page. The results are one Tab stop: arrow keys move
 * through them (aria-activedescendant), Enter opens.
 */
export function SearchResults({ query, search, onOpenChat, onOpenHit }: Props) {
  const { chats, chatTotal, hits, count } = search;
  const [active, setActive] = useState(0);
  const list = useRef<HTMLDivElement>(null);
  const groups = useMemo(() => groupHits(hits ?? []), [hits]);

  const options = useMemo<Option[]>(() => {
    const out: Option[] = [];
    for (const chat of chats ?? [])
      out.push({ id: `sr-chat-${chat.id}`, open: () => onOpenChat(chat.id) });
    for (const group of groups) {
      for (const hit of group.hits)
        out.push({ id: `sr-hit-${hit.messageId}`, open: () => onOpenHit(hit) });
    }
    return out;
  }, [chats, groups, onOpenChat, onOpenHit]);

  // A new query starts at the top.
  useEffect(() => setActive(0), [query]);

  const activeId = options[Math.min(active, options.length - 1)]?.id;
  useEffect(() => {
    if (!activeId) return;
    list.current?.querySelector(`#${activeId}`)?.scrollIntoView({ block: 'nearest' });
  }, [activeId]);

  const onKeyDown = (event: KeyboardEvent) => {
    const last = options.length - 1;
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 8, PageUp: -8 };
    if (event.key in moves)
      setActive((a) => Math.max(0, Math.min(last, a + (moves[event.key] ?? 0))));
    else if (event.key === 'Home') setActive(0);
    else if (event.key === 'End') setActive(last);
    else if (event.key === 'Enter' || event.key === ' ') options[active]?.open();
    else return;
    event.preventDefault();
  };

  const loading = chats === null && hits === null;
  if (loading)
    return (
      <p className="notice" role="status">
        Searching…
      </p>
    );
  const indexingNote = search.indexing && (
    <p className="notice search-indexing" role="status" data-testid="search-indexing">
      Still indexing messages for search (
      {Math.floor((100 * search.indexing.done) / Math.max(1, search.indexing.total))}%): older
      messages may be missing from the results for a little while.
    </p>
  );
  const nothing = (chats?.length ?? 0) === 0 && (hits?.length ?? 0) === 0;
  if (nothing && hits !== null && chats !== null) {
    return (
      <>
        {indexingNote}
        <p className="notice" role="status">
          No chats or messages match “{query}”.
        </p>
      </>
    );
  }
  const countText = count
    ? `${formatCount(count.count)}${count.capped ? '+' : ''} ${count.count === 1 && !count.capped ? 'message' : 'messages'}`
    : hits
      ? `${formatCount(hits.length)}${search.hasMore ? '+' : ''} messages`
      : '';

  const optionProps = (id: string, open: () => void) => ({
    id,
    role: 'option' as const,
    'aria-selected': id === activeId,
    className: `search-option${id === activeId ? ' active' : ''}`,
    onClick: () => {
      setActive(options.findIndex((o) => o.id === id));
      open();
    },
  });

  return (
    <div className="search-results scroller">
      {indexingNote}
      <p className="sr-only" role="status">
        {`${chatTotal} chats and ${countText} found`}
      </p>
      <div
        ref={list}
        className="search-listbox"
        role="listbox"
        aria-label="Search results"
        tabIndex={0}
        aria-activedescendant={activeId}
        onKeyDown={onKeyDown}
      >
        {chats && chats.length > 0 && (
          <div role="group" aria-labelledby="sr-chats-heading" className="search-section">
            <div className="search-heading" id="sr-chats-heading" role="presentation">
              <span>Chats</span>
              <span className="search-count">{formatCount(chatTotal)}</span>
            </div>
            {chats.map((chat) => (
              <div key={chat.id} {...optionProps(`sr-chat-${chat.id}`, () => onOpenChat(chat.id))}>
                <span className="chat-row-inline">
                  <ChatRow chat={chat} />
                </span>
              </div>
            ))}
          </div>
        )}
        {hits && hits.length > 0 && (
          <div className="search-heading" id="sr-messages-heading" role="presentation">
            <span>Messages</span>
            <span className="search-count" data-testid="search-count">
              {countText}
            </span>
          </div>
        )}
        {groups.map((group) => (
          <div
            key={group.chatId}
            role="group"
            aria-label={`In ${group.title}`}
            className="search-group"
          >
            <div className="search-group-head" role="presentation">
              <Avatar name={group.title} colorKey={`chat:${group.title}`} size="xs" />
              <span className="search-group-title" dir="auto">
                {group.title}
              </span>
            </div>
            {group.hits.map((hit) => (
              <div
                key={hit.messageId}
                {...optionProps(`sr-hit-${hit.messageId}`, () => onOpenHit(hit))}
              >
                <span className="search-hit">
                  <span className="search-hit-top">
                    <span className="search-hit-who" dir="auto">
                      {hit.sender === null ? 'You' : group.type === 'group' ? hit.sender.name : ''}
                    </span>
                    <span className="search-hit-time">{formatListTime(hit.sentAt)}</span>
                  </span>
                  <span className="search-hit-text" dir="auto">
                    {hit.snippet ? (
                      <Highlighted text={hit.snippet} ranges={hit.ranges} />
                    ) : (
                      describeMessage({ kind: hit.kind, text: null })
                    )}
                  </span>
                </span>
              </div>
            ))}
          </div>
        ))}
      </div>
      {chats && chatTotal > chats.length && chats.length === CHAT_RESULTS && (
        <button type="button" className="link-button" onClick={search.showAllChats}>
          Show all {formatCount(chatTotal)} chats
        </button>
      )}
      {search.hasMore && (
        <button
          type="button"
          className="button show-more"
          onClick={search.loadMore}
          disabled={search.loadingMore}
        >
          {search.loadingMore ? 'Loading…' : 'Show more'}
        </button>
      )}
      {search.error && <p className="notice error">{search.error}</p>}
    </div>
  );
}
