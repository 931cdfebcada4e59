// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatSummary, SearchHit } from '../../../../../shared/chat-types';
import { groupHits, SearchResults } from './SearchResults';
import type { UnifiedSearch } from './useUnifiedSearch';

afterEach(cleanup);

const hit = (
  messageId: number,
  chatId: number,
  chatTitle: string,
  over: Partial<SearchHit> = {},
): SearchHit => ({
  messageId,
  chatId,
  chatTitle,
  chatType: 'group',
  sender: { id: 1, name: 'Ben Okafor' },
  sentAt: Date.now() - messageId * 1000,
  kind: 'text',
  snippet: `Dinner number ${messageId}`,
  ranges: [{ start: 0, end: 6 }],
  position: 1000 - messageId,
  ...over,
});

const chat: ChatSummary = {
  id: 9,
  title: 'Dinner club',
  type: 'group',
  sourceKind: 'whatsapp',
  sourceLabel: 'WhatsApp (phone backup)',
  messageCount: 10,
  lastMessage: null,
};

function search(over: Partial<UnifiedSearch> = {}): UnifiedSearch & { calls: string[] } {
  const calls: string[] = [];
  return {
    chats: [chat],
    chatTotal: 1,
    hits: [
      hit(1, 9, 'Dinner club'),
      hit(2, 5, 'Mum', { chatType: 'direct', sender: { id: 3, name: 'Mum' } }),
      hit(3, 9, 'Dinner club', { sender: null }),
    ],
    count: { count: 740, capped: false },
    hasMore: true,
    indexing: null,
    loadingMore: false,
    error: null,
    loadMore: () => void calls.push('loadMore'),
    showAllChats: () => void calls.push('showAllChats'),
    calls,
    ...over,
  };
}

describe('search results', () => {
  it('group hits by chat in the order of their newest hit, appending without moving groups', () => {
    const groups = groupHits([hit(1, 9, 'A'), hit(2, 5, 'B'), hit(3, 9, 'A')]);
    expect(groups.map((g) => [g.title, g.hits.map((h) => h.messageId)])).toEqual([
      ['A', [1, 3]],
      ['B', [2]],
    ]);
  });

  it('show chats, then messages with their count, grouped by chat, names only where needed', () => {
    render(
      <SearchResults query="dinner" search={search()} onOpenChat={() => {}} onOpenHit={() => {}} />,
    );
    expect(screen.getByTestId('search-count').textContent).toBe('740 messages');
    const groups = screen.getAllByRole('group');
    expect(groups.map((g) => g.getAttribute('aria-label') ?? g.textContent?.slice(0, 5))).toEqual([
      'Chats',
      'In Dinner club',
      'In Mum',
    ]);
    const club = within(screen.getByRole('group', { name: 'In Dinner club' }));
    expect(club.getAllByRole('option')).toHaveLength(2);
    expect(club.getByText('You')).toBeTruthy();
    // A one-to-one chat's hits do not repeat the person's name.
    expect(
      within(screen.getByRole('group', { name: 'In Mum' })).queryByText('Mum', {
        selector: '.search-hit-who',
      }),
    ).toBeNull();
    expect(screen.getAllByText('Dinner')[0]?.tagName).toBe('MARK');
  });

  it('are one Tab stop: arrows move, Enter opens, Home and End jump', () => {
    const opened: string[] = [];
    render(
      <SearchResults
        query="dinner"
        search={search()}
        onOpenChat={(id) => opened.push(`chat ${id}`)}
        onOpenHit={(h) => opened.push(`hit ${h.messageId}`)}
      />,
    );
    const list = screen.getByRole('listbox', { name: 'Search results' });
    expect(list.getAttribute('tabindex')).toBe('0');
    expect(screen.getAllByRole('option').every((o) => o.getAttribute('tabindex') === null)).toBe(
      true,
    );
    expect(list.getAttribute('aria-activedescendant')).toBe('sr-chat-9');
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(list.getAttribute('aria-activedescendant')).toBe('sr-hit-3');
    fireEvent.keyDown(list, { key: 'Enter' });
    fireEvent.keyDown(list, { key: 'End' });
    expect(list.getAttribute('aria-activedescendant')).toBe('sr-hit-2');
    fireEvent.keyDown(list, { key: 'Home' });
    fireEvent.keyDown(list, { key: 'Enter' });
    expect(opened).toEqual(['hit 3', 'chat 9']);
  });

  it('page on with "Show more" and say when nothing matches', () => {
    const s = search();
    render(<SearchResults query="dinner" search={s} onOpenChat={() => {}} onOpenHit={() => {}} />);
    fireEvent.click(screen.getByRole('button', { name: 'Show more' }));
    expect(s.calls).toEqual(['loadMore']);
    cleanup();
    render(
      <SearchResults
        query="zzz"
        search={search({ chats: [], hits: [], count: { count: 0, capped: false }, hasMore: false })}
        onOpenChat={() => {}}
        onOpenHit={() => {}}
      />,
    );
    expect(screen.getByText('No chats or messages match “zzz”.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
  });

  it('say while the search index is still being built, with and without results', () => {
    render(
      <SearchResults
        query="dinner"
        search={search({ indexing: { done: 250_000, total: 1_000_000 } })}
        onOpenChat={() => {}}
        onOpenHit={() => {}}
      />,
    );
    expect(screen.getByTestId('search-indexing').textContent).toMatch(
      /Still indexing messages for search \(25%\)/,
    );
    cleanup();
    render(
      <SearchResults
        query="zzz"
        search={search({ chats: [], hits: [], indexing: { done: 1, total: 3 } })}
        onOpenChat={() => {}}
        onOpenHit={() => {}}
      />,
    );
    expect(screen.getByTestId('search-indexing').textContent).toContain('33%');
    cleanup();
    render(
      <SearchResults query="dinner" search={search()} onOpenChat={() => {}} onOpenHit={() => {}} />,
    );
    expect(screen.queryByTestId('search-indexing')).toBeNull();
  });

  it('say "10,000+" when the count stopped at its cap', () => {
    render(
      <SearchResults
        query="the"
        search={search({ count: { count: 10_000, capped: true } })}
        onOpenChat={() => {}}
        onOpenHit={() => {}}
      />,
    );
    expect(screen.getByTestId('search-count').textContent).toBe(
      `${(10000).toLocaleString()}+ messages`,
    );
  });
});
