import type { ReactNode } from 'react';
import { findLinks } from '../../../../../shared/links';
import { findTerms, type Range } from '../../../ui/highlight';
import { useMessageActions } from './actions';

interface Props {
  text: string;
  /** Search terms to mark (folded words). */
  terms?: string[];
}

/** Marks inside [start, end) of the text, as nodes. */
function marked(
  text: string,
  start: number,
  end: number,
  marks: Range[],
  key: string,
): ReactNode[] {
  const out: ReactNode[] = [];
  let at = start;
  for (const [i, m] of marks.entries()) {
    if (m.end <= at || m.start >= end) continue;
    const s = Math.max(m.start, at);
    const e = Math.min(m.end, end);
    if (s > at) out.push(text.slice(at, s));
    out.push(<mark key={`${key}-${i}`}>{text.slice(s, e)}</mark>);
    at = e;
  }
  if (at < end) out.push(text.slice(at, end));
  return out;
}

/**
 * Message text as the messengers show it: links clickable (opened outside the app through the
 * validated external-link path, never by navigating this window) and search words marked. Built
 * as React nodes from plain text: never HTML from data.
 */
export function RichText({ text, terms = [] }: Props) {
  const { openLink } = useMessageActions();
  const links = findLinks(text);
  const marks = findTerms(text, terms);
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [i, link] of links.entries()) {
    if (link.start > at) parts.push(...marked(text, at, link.start, marks, `t${i}`));
    parts.push(
      <a
        key={`l${i}`}
        href={link.url}
        className="msg-link"
        title={link.url}
        onClick={(event) => {
          event.preventDefault();
          openLink(link.url);
        }}
      >
        {marked(text, link.start, link.end, marks, `l${i}`)}
      </a>,
    );
    at = link.end;
  }
  if (at < text.length) parts.push(...marked(text, at, text.length, marks, 'end'));
  return <>{parts}</>;
}

/** The first link's domain as a small card under the text: where the link goes, at a glance. */
export function LinkCard({ text }: { text: string }) {
  const { openLink } = useMessageActions();
  const link = findLinks(text)[0];
  if (!link) return null;
  return (
    <a
      className="link-card"
      href={link.url}
      onClick={(event) => {
        event.preventDefault();
        openLink(link.url);
      }}
    >
      <span className="link-card-domain">{link.domain}</span>
      <span className="link-card-url" dir="ltr">
        {link.url.replace(/^https?:\/\/(www\.)?/, '')}
      </span>
    </a>
  );
}
