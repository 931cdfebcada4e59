import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ChatSummary } from '../../../shared/chat-types';
import { api } from '../api';
import { formatListTime } from '../format';

const PAGE = 200;
const ROW_HEIGHT = 58;

interface Props {
  filter: string;
  selectedId: number | null;
  onSelect(chatId: number): void;
  /** Bumped when the store changed, to reload. */
  version: number;
  onTotal(total: number): void;
}

/**
 * The chat list, virtualized and loaded a page at a time as it scrolls, so 10,000 chats cost
 * what the visible rows cost.
 */
export function ChatList({ filter, selectedId, onSelect, version, onTotal }: Props) {
  const [total, setTotal] = useState(0);
  const [rows, setRows] = useState<Map<number, ChatSummary>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(new Set<number>());
  const scroller = useRef<HTMLDivElement>(null);

  const loadPage = async (page: number, reset = false) => {
    if (loading.current.has(page) && !reset) return;
    loading.current.add(page);
    try {
      const result = await api.invoke('chats.list', { filter, limit: PAGE, offset: page * PAGE });
      setTotal(result.total);
      onTotal(result.total);
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
  };

  useEffect(() => {
    loading.current.clear();
    void loadPage(0, true);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload on filter or store change only
  }, [filter, version]);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();

  useEffect(() => {
    const pages = new Set(
      items.filter((i) => !rows.has(i.index)).map((i) => Math.floor(i.index / PAGE)),
    );
    for (const page of pages) void loadPage(page);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- loadPage is stable enough per render
  }, [items, rows]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const ids = [...rows.entries()].sort((a, b) => a[0] - b[0]);
    const current = ids.findIndex(([, chat]) => chat.id === selectedId);
    const next =
      ids[Math.max(0, Math.min(ids.length - 1, current + (event.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      onSelect(next[1].id);
      virtualizer.scrollToIndex(next[0]);
    }
  };

  if (error) return <p className="notice error">Could not load chats: {error}</p>;
  if (total === 0 && filter) return <p className="notice">No chats match “{filter}”.</p>;

  return (
    <div
      className="scroller"
      ref={scroller}
      role="listbox"
      aria-label="Chats"
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const chat = rows.get(item.index);
          return (
            <button
              key={item.key}
              type="button"
              role="option"
              tabIndex={-1}
              className="chat-row"
              aria-selected={chat !== undefined && chat.id === selectedId}
              style={{ top: item.start, height: item.size }}
              onClick={() => chat && onSelect(chat.id)}
            >
              {chat ? (
                <>
                  <span className="chat-title">{chat.title}</span>
                  <span className="chat-time">
                    {chat.lastMessage ? formatListTime(chat.lastMessage.sentAt) : ''}
                  </span>
                  <span className="chat-preview">{previewOf(chat)}</span>
                </>
              ) : (
                <span className="chat-preview">…</span>
              )}
            </button>
          );
        })}
      </div>
    </div>
  );
}

const MEDIA_LABEL: Record<string, string> = {
  photo: '📷 Photo',
  video: '🎬 Video',
  audio: '🎵 Audio',
  voice: '🎤 Voice message',
  document: '📄 Document',
  sticker: 'Sticker',
  gif: 'GIF',
};

function previewOf(chat: ChatSummary): string {
  const last = chat.lastMessage;
  if (!last) return 'No messages';
  const body = last.preview || (last.mediaType ? MEDIA_LABEL[last.mediaType] : '') || '';
  if (last.kind === 'system') return body;
  const who = last.senderName ?? 'You';
  return chat.type === 'group' || who === 'You' ? `${who}: ${body}` : body;
}
