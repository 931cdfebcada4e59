import { useEffect, useState } from 'react';
import type { SearchHit } from '../../../shared/chat-types';
import type { Section } from '../../../shared/ipc/contract';
import { api } from '../api';
import { ChatList } from '../components/ChatList';
import { Conversation } from '../components/Conversation';
import { SearchResults } from '../components/SearchResults';

interface Props {
  onNavigate(section: Section): void;
  /** Open this chat first (after an import or a restore). */
  initialChatId?: number | null;
}

export function ChatsSection({ onNavigate, initialChatId = null }: Props) {
  const [version, setVersion] = useState(0);
  const [total, setTotal] = useState<number | null>(null);
  const [filter, setFilter] = useState('');
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [open, setOpen] = useState<{ chatId: number; focus: number | null } | null>(
    initialChatId ? { chatId: initialChatId, focus: null } : null,
  );

  useEffect(() => api.on('store.changed', () => setVersion((v) => v + 1)), []);

  // Search as the user types, a beat after they pause.
  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setHits(null);
      return;
    }
    setHits(null);
    let live = true;
    const timer = setTimeout(() => {
      void api.invoke('search.query', { query: q, limit: 100 }).then(
        (result) => live && setHits(result),
        () => live && setHits([]),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, version]);

  if (total === 0 && !filter) {
    return (
      <>
        <div className="empty-state">
          <h1>No chats yet</h1>
          <p>
            Bring your history here from your phone, or restore it from a Chatkeep backup you made
            on another computer.
          </p>
          <div className="empty-actions">
            <button type="button" className="button primary" onClick={() => onNavigate('import')}>
              Import a phone backup
            </button>
            <button type="button" className="button" onClick={() => onNavigate('backup')}>
              Restore from a Chatkeep backup
            </button>
          </div>
        </div>
        {/* Keeps watching for the first chats to arrive. */}
        <div hidden>
          <ChatList
            filter=""
            selectedId={null}
            onSelect={() => {}}
            version={version}
            onTotal={setTotal}
          />
        </div>
      </>
    );
  }

  const searching = query.trim().length > 0;
  return (
    <div className="chats">
      <div className="chat-list-pane">
        <div className="pane-toolbar">
          <label className="sr-only" htmlFor="search-messages">
            Search messages
          </label>
          <input
            id="search-messages"
            className="text-input"
            type="search"
            placeholder="Search messages"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          {!searching && (
            <>
              <label className="sr-only" htmlFor="filter-chats">
                Filter chats by name
              </label>
              <input
                id="filter-chats"
                className="text-input"
                type="search"
                placeholder="Filter chats"
                value={filter}
                onChange={(e) => setFilter(e.target.value)}
              />
            </>
          )}
        </div>
        {searching ? (
          <SearchResults
            query={query.trim()}
            hits={hits}
            onOpen={(hit) => setOpen({ chatId: hit.chatId, focus: hit.messageId })}
          />
        ) : (
          <ChatList
            filter={filter}
            selectedId={open?.chatId ?? null}
            onSelect={(chatId) => setOpen({ chatId, focus: null })}
            version={version}
            onTotal={setTotal}
          />
        )}
      </div>
      {open ? (
        <Conversation
          key={`${open.chatId}:${open.focus ?? ''}`}
          chatId={open.chatId}
          focusMessageId={open.focus}
        />
      ) : (
        <div className="empty-state">
          <p>Choose a chat to read it.</p>
        </div>
      )}
    </div>
  );
}
