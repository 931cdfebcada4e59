import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ChatSummary } from '../../../../../shared/chat-types';
import { api } from '../../../api';
import { ChatRow } from './ChatRow';

const PAGE = 200;
const ROW_HEIGHT = 68;

interface Props {
  selectedId: number | null;
  onSelect(chatId: number): void;
  /** Bumped when the store changed, to reload. */
  version: number;
  onTotal(total: number): void;
  /** Choosing several chats (to export them): the chosen ids, or null when not choosing. */
  selection?: ReadonlySet<number> | null;
  /** Add or remove a chat from the selection (Ctrl/Cmd+click starts one). */
  onToggle?(chatId: number): void;
}

/**
 * The chat list, virtualised and loaded a page at a time as it scrolls, so 10,000 chats cost
 * what the visible rows cost. The open chat is scrolled into view whenever the list (re)loads.
 * One Tab stop: arrows move through the chats and open them, as in every messenger.
 */
export function ChatList({
  selectedId,
  onSelect,
  version,
  onTotal,
  selection = null,
  onToggle,
}: Props) {
  const [total, setTotal] = useState<number | null>(null);
  const [rows, setRows] = useState<Map<number, ChatSummary>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(new Set<number>());
  const scroller = useRef<HTMLDivElement>(null);
  const onTotalRef = useRef(onTotal);
  useEffect(() => {
    onTotalRef.current = onTotal;
  });

  const loadPage = useCallback(async (page: number, reset = false) => {
    if (loading.current.has(page) && !reset) return;
    loading.current.add(page);
    try {
      const result = await api.invoke('chats.list', { limit: PAGE, offset: page * PAGE });
      setTotal(result.total);
      onTotalRef.current(result.total);
      setRows((previous) => {
        const next = reset ? new Map<number, ChatSummary>() : new Map(previous);
        result.chats.forEach((chat, i) => next.set(page * PAGE + i, chat));
        return next;
      });
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      loading.current.delete(page);
    }
  }, []);

  useEffect(() => {
    loading.current.clear();
    void loadPage(0, true);
  }, [version, loadPage]);

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();

  useEffect(() => {
    const pages = new Set(
      items.filter((i) => !rows.has(i.index)).map((i) => Math.floor(i.index / PAGE)),
    );
    for (const page of pages) void loadPage(page);
  }, [items, rows, loadPage]);

  // Bring the open chat into view when the list appears (e.g. after a search is cleared).
  const scrolledFor = useRef<number | null>(null);
  useEffect(() => {
    if (selectedId === null || total === null || scrolledFor.current === selectedId) return;
    scrolledFor.current = selectedId;
    let live = true;
    void api.invoke('chats.indexOf', { chatId: selectedId }).then(({ index }) => {
      if (live && index !== null) virtualizer.scrollToIndex(index, { align: 'auto' });
    });
    return () => {
      live = false;
    };
  }, [selectedId, total, virtualizer]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const keys: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 8, PageUp: -8 };
    const count = total ?? 0;
    let target: number | null = null;
    const current = [...rows.entries()].find(([, chat]) => chat.id === selectedId)?.[0] ?? -1;
    if (event.key in keys)
      target = Math.max(0, Math.min(count - 1, current + (keys[event.key] ?? 0)));
    else if (event.key === 'Home') target = 0;
    else if (event.key === ' ' && selection && selectedId !== null) {
      event.preventDefault();
      onToggle?.(selectedId);
      return;
    } else if (event.key === 'End') target = count - 1;
    if (target === null) return;
    event.preventDefault();
    virtualizer.scrollToIndex(target);
    const chat = rows.get(target);
    if (chat) onSelect(chat.id);
  };

  if (error) return <p className="notice error">Could not load chats: {error}</p>;

  const selectedIndex = [...rows.entries()].find(([, chat]) => chat.id === selectedId)?.[0];
  return (
    <div
      className="scroller chat-list"
      ref={scroller}
      role="listbox"
      aria-label="Chats"
      aria-multiselectable={selection ? true : undefined}
      tabIndex={0}
      aria-activedescendant={
        selectedIndex !== undefined ? `chat-option-${selectedIndex}` : undefined
      }
      onKeyDown={onKeyDown}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const chat = rows.get(item.index);
          return (
            <div
              key={item.key}
              id={`chat-option-${item.index}`}
              role="option"
              aria-selected={
                chat !== undefined && (selection ? selection.has(chat.id) : chat.id === selectedId)
              }
              aria-posinset={item.index + 1}
              aria-setsize={total ?? 0}
              className={`chat-row${selection ? ' choosing' : ''}${chat && chat.id === selectedId ? ' open' : ''}`}
              style={{ transform: `translateY(${item.start}px)`, height: item.size }}
              onClick={(event) => {
                if (!chat) return;
                if (selection || event.ctrlKey || event.metaKey) onToggle?.(chat.id);
                else onSelect(chat.id);
              }}
            >
              {selection && chat && (
                <input
                  type="checkbox"
                  className="chat-row-check"
                  checked={selection.has(chat.id)}
                  readOnly
                  tabIndex={-1}
                  aria-hidden="true"
                />
              )}
              {chat ? <ChatRow chat={chat} /> : <span className="chat-row-loading" />}
            </div>
          );
        })}
      </div>
    </div>
  );
}
