import { useEffect, useRef, useState } from 'react';
import type { MessageCursor } from '../../../../../shared/chat-types';
import { api } from '../../../api';
import { formatCount } from '../../../ui/format';
import { Icon } from '../../../ui/Icon';

interface Props {
  chatId: number;
  /** Show this match (newest first, index 0 = newest). */
  onMatch(match: MessageCursor | null, query: string): void;
  onClose(): void;
}

/**
 * Search inside the open chat (Ctrl+F): every match, newest first, stepped through with the
 * arrows, Enter (older) and Shift+Enter (newer), with "3 of 41" said and shown.
 */
export function ChatSearchBar({ chatId, onMatch, onClose }: Props) {
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<MessageCursor[] | null>(null);
  const [capped, setCapped] = useState(false);
  const [index, setIndex] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const onMatchRef = useRef(onMatch);
  useEffect(() => {
    onMatchRef.current = onMatch;
  });

  useEffect(() => input.current?.focus(), []);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setMatches(null);
      onMatchRef.current(null, '');
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      void api.invoke('search.inChat', { query: q, chatId }).then(
        (result) => {
          if (!live) return;
          setMatches(result.matches);
          setCapped(result.capped);
          setIndex(0);
          onMatchRef.current(result.matches[0] ?? null, q);
        },
        () => live && setMatches([]),
      );
    }, 220);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, chatId]);

  const step = (delta: number) => {
    if (!matches || matches.length === 0) return;
    const next = Math.max(0, Math.min(matches.length - 1, index + delta));
    setIndex(next);
    onMatchRef.current(matches[next] ?? null, query.trim());
  };

  const total = matches ? `${formatCount(matches.length)}${capped ? '+' : ''}` : '';
  const status =
    matches === null
      ? ''
      : matches.length === 0
        ? 'No results'
        : `${formatCount(index + 1)} of ${total}`;
  return (
    <div className="chat-search" role="search" aria-label="Search in this chat">
      <Icon name="search" size={18} className="chat-search-icon" />
      <input
        ref={input}
        className="chat-search-input"
        type="search"
        placeholder="Search in this chat"
        aria-label="Search in this chat"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            step(e.shiftKey ? -1 : 1);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          }
        }}
      />
      <span className="chat-search-status" role="status" aria-live="polite">
        {status}
      </span>
      <button
        type="button"
        className="icon-button"
        onClick={() => step(1)}
        disabled={!matches || index >= matches.length - 1}
        aria-label="Older match"
        title="Older match (Enter)"
      >
        <Icon name="up" />
      </button>
      <button
        type="button"
        className="icon-button"
        onClick={() => step(-1)}
        disabled={!matches || index <= 0}
        aria-label="Newer match"
        title="Newer match (Shift+Enter)"
      >
        <Icon name="down" />
      </button>
      <button type="button" className="icon-button" onClick={onClose} aria-label="Close search">
        <Icon name="close" />
      </button>
    </div>
  );
}
