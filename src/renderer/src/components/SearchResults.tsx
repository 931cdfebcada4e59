import type { SearchHit } from '../../../shared/chat-types';
import { formatDateTime } from '../format';

/** The snippet with its matches marked, built as React nodes: never HTML from data. */
export function Highlighted({ text, ranges }: { text: string; ranges: SearchHit['ranges'] }) {
  const parts: React.ReactNode[] = [];
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

export function SearchResults({
  query,
  hits,
  onOpen,
}: {
  query: string;
  hits: SearchHit[] | null;
  onOpen(hit: SearchHit): void;
}) {
  if (hits === null) return <p className="notice">Searching…</p>;
  if (hits.length === 0) return <p className="notice">No messages contain “{query}”.</p>;
  return (
    <div className="scroller" role="list" aria-label="Search results">
      {hits.map((hit) => (
        <button
          key={hit.messageId}
          type="button"
          role="listitem"
          className="search-hit"
          onClick={() => onOpen(hit)}
        >
          <div className="search-hit-meta">
            <strong>{hit.chatTitle}</strong> · {hit.sender?.name ?? 'You'} ·{' '}
            {formatDateTime(hit.sentAt)}
          </div>
          <div>
            <Highlighted text={hit.snippet} ranges={hit.ranges} />
          </div>
        </button>
      ))}
    </div>
  );
}
