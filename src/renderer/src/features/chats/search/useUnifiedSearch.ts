import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatSummary, SearchCount, SearchHit } from '../../../../../shared/chat-types';
import { api } from '../../../api';

export const CHAT_RESULTS = 5;
const HITS_PAGE = 50;
const INDEXING_RETRY_MS = 2000;

export interface UnifiedSearch {
  /** Null while the first answer is on its way. */
  chats: ChatSummary[] | null;
  chatTotal: number;
  hits: SearchHit[] | null;
  count: SearchCount | null;
  /** More hits exist past those loaded. */
  hasMore: boolean;
  /** The search index is still being built (after a restore): messages indexed so far. */
  indexing: { done: number; total: number } | null;
  loadingMore: boolean;
  error: string | null;
  loadMore(): void;
  showAllChats(): void;
}

/**
 * One box finds chats by name and messages by text: the first chats, the newest 50 hits and the
 * total count, asked for together a beat after typing stops; "Show more" pages on.
 */
export function useUnifiedSearch(query: string, version: number): UnifiedSearch {
  const [chats, setChats] = useState<ChatSummary[] | null>(null);
  const [chatTotal, setChatTotal] = useState(0);
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [indexing, setIndexing] = useState<{ done: number; total: number } | null>(null);
  const [count, setCount] = useState<SearchCount | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // While the search index is still being built (after a restore), the first page is asked
  // for again every few seconds, so results fill in without typing again.
  const [refresh, setRefresh] = useState(0);
  const asked = useRef({ query: '', version: -1 });

  useEffect(() => {
    const q = query.trim();
    const again = asked.current.query === query && asked.current.version === version;
    asked.current = { query, version };
    if (!again) {
      setChats(null);
      setHits(null);
      setCount(null);
      setNext(null);
      setError(null);
      setIndexing(null);
    }
    if (!q) return;
    let live = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const timer = setTimeout(() => {
      void api.invoke('chats.list', { filter: q, limit: CHAT_RESULTS }).then(
        (r) => {
          if (!live) return;
          setChats(r.chats);
          setChatTotal(r.total);
        },
        () => live && setChats([]),
      );
      void api.invoke('search.query', { query: q, limit: HITS_PAGE }).then(
        (page) => {
          if (!live) return;
          setHits(page.hits);
          setNext(page.next);
          setIndexing(page.indexing ?? null);
          if (page.indexing) retry = setTimeout(() => setRefresh((n) => n + 1), INDEXING_RETRY_MS);
        },
        (e: Error) => {
          if (!live) return;
          setHits([]);
          setError(e.message);
        },
      );
      void api.invoke('search.count', { query: q }).then(
        (c) => live && setCount(c),
        () => {},
      );
    }, 180);
    return () => {
      live = false;
      clearTimeout(timer);
      clearTimeout(retry);
    };
  }, [query, version, refresh]);

  const loadMore = useCallback(() => {
    const q = query.trim();
    if (next === null || loadingMore || !q) return;
    setLoadingMore(true);
    void api
      .invoke('search.query', { query: q, limit: HITS_PAGE, before: next })
      .then(
        (page) => {
          setHits((current) => [...(current ?? []), ...page.hits]);
          setNext(page.next);
        },
        (e: Error) => setError(e.message),
      )
      .finally(() => setLoadingMore(false));
  }, [query, next, loadingMore]);

  const showAllChats = useCallback(() => {
    const q = query.trim();
    if (!q) return;
    void api.invoke('chats.list', { filter: q, limit: 500 }).then((r) => {
      setChats(r.chats);
      setChatTotal(r.total);
    });
  }, [query]);

  return {
    chats,
    chatTotal,
    hits,
    count,
    hasMore: next !== null,
    indexing,
    loadingMore,
    error,
    loadMore,
    showAllChats,
  };
}
