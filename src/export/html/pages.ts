import { createHash } from 'node:crypto';
import type { ChatDetail } from '../../shared/chat-types.js';
import type { ArchiveClock } from '../time.js';
import { ARCHIVE_CSS } from './archive-css.js';
import { ARCHIVE_SCRIPT } from './archive-script.js';
import { avatar, formatBytes } from './message-html.js';
import { icon } from './icons.js';
import { markup, join, safeHref, trusted, type SafeHtml } from './safe-html.js';

/**
 * The pages of an archive around its messages: the head with its Content Security Policy, the bar
 * with the search box, the index of chats, a chat's list of months, the search page.
 */

export type ArchiveMode = 'folder' | 'single';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');
const CSS_HASH = sha256(ARCHIVE_CSS);
const SCRIPT_HASH = sha256(ARCHIVE_SCRIPT);

/**
 * Every page's policy: nothing from the network, no plug-ins, no forms sent anywhere, no inline
 * script or style but ours (by hash, in a single file). Pages in a folder load the stylesheet,
 * the script, the search index and media from the archive's own folder ('self'); a single file
 * carries its media as data: URLs.
 */
export function contentSecurityPolicy(mode: ArchiveMode): string {
  return mode === 'folder'
    ? "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; base-uri 'none'; form-action 'none'"
    : `default-src 'none'; script-src 'sha256-${SCRIPT_HASH}'; style-src 'sha256-${CSS_HASH}'; img-src data:; media-src data:; base-uri 'none'; form-action 'none'`;
}

export interface PageHead {
  mode: ArchiveMode;
  title: string;
  /** Relative path from this page to the archive's root ('' or '../../'). */
  root: string;
  /** Body classes ("page-month"...). */
  kind: string;
  generator: string;
  /** Scripts to load before the archive script (folder mode: the search index). */
  scriptsBefore?: string[];
}

/** From `<!doctype html>` to the opening of `<body>`. */
export function pageStart(p: PageHead): SafeHtml {
  const styles =
    p.mode === 'folder'
      ? markup`<link rel="stylesheet" href="${p.root}assets/archive.css">`
      : // Not through the template: the policy's hash is of exactly these characters.
        trusted(`<style>${ARCHIVE_CSS}</style>`);
  return markup`<!doctype html>
<html lang="en" class="${p.mode === 'single' ? 'single' : 'folder'}" data-root="${p.root}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(p.mode)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${p.generator}">
<title>${p.title}</title>
${styles}
</head>
<body class="${p.kind}">
`;
}

/** The end of a page: the search script (and what it needs first), then `</html>`. */
export function pageEnd(p: Pick<PageHead, 'mode' | 'root' | 'scriptsBefore'>): SafeHtml {
  const before = (p.scriptsBefore ?? []).map(
    (src) => markup`<script src="${p.root}${src}"></script>`,
  );
  const script =
    p.mode === 'folder'
      ? markup`<script src="${p.root}assets/archive.js"></script>`
      : trusted(`<script>${ARCHIVE_SCRIPT}</script>`);
  return markup`${before}${script}
</body>
</html>
`;
}

export interface Crumb {
  label: string;
  href?: string;
}

/** The bar at the top: home, where you are, and the search box. */
export function archiveBar(p: {
  root: string;
  home: string;
  crumbs: Crumb[];
  query?: string;
}): SafeHtml {
  const crumbs = p.crumbs.map((c) =>
    c.href
      ? markup`<span class="sep" aria-hidden="true">›</span
          ><a href="${safeHref(c.href)}" dir="auto">${c.label}</a>`
      : markup`<span class="sep" aria-hidden="true">›</span
          ><span aria-current="page" dir="auto">${c.label}</span>`,
  );
  return markup`<header class="archive-bar">
    <nav class="archive-crumbs" aria-label="Where you are">
      <a class="archive-brand" href="${safeHref(p.home)}"
        ><span class="archive-brand-mark" aria-hidden="true">${icon('chats', 16)}</span>Chatkeep
        archive</a
      >${crumbs}
    </nav>
    <form class="archive-search" role="search">
      <input
        type="search"
        name="q"
        aria-label="Search messages"
        placeholder="Search messages"
        value="${p.query ?? ''}"
      /><button type="submit">Search</button>
    </form>
  </header> `;
}

export interface ChatCard {
  detail: ChatDetail;
  href: string;
  messages: number;
  first: number | null;
  last: number | null;
}

function span(first: number | null, last: number | null, clock: ArchiveClock): string {
  if (first === null || last === null) return 'no messages';
  const a = clock.formatDate(first);
  const b = clock.formatDate(last);
  return a === b ? a : `${a} – ${b}`;
}

const count = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** Who is in a chat, in a line: "Ana, Ben and 3 others" (with you, in groups). */
export function membersLine(detail: ChatDetail): string {
  const names = detail.members.map((m) => m.name);
  if (detail.type === 'direct') {
    const m = detail.members[0];
    return [m?.phone, m?.handle].filter(Boolean).join(' · ') || 'Direct chat';
  }
  const shown = names.slice(0, 6).join(', ');
  const rest = names.length - 6;
  return `${count(names.length + 1, 'member')}: you, ${shown}${rest > 0 ? ` and ${count(rest, 'other')}` : ''}`;
}

export interface ArchiveSummary {
  generator: string;
  exportedAt: number;
  timeZone: string;
  chats: number;
  messages: number;
  from: number | null;
  to: number | null;
  search: string | null;
  mediaNote: string;
}

/** What the archive is, said once at the top of its index: when, from what, with which filters. */
export function archiveIntro(s: ArchiveSummary, clock: ArchiveClock): SafeHtml {
  const filters: string[] = [];
  if (s.from !== null || s.to !== null) {
    filters.push(
      `Only messages ${s.from !== null ? `from ${clock.formatFull(s.from)} ` : ''}${s.to !== null ? `before ${clock.formatFull(s.to)}` : ''}`.trim() +
        '.',
    );
  }
  if (s.search) filters.push(`Only messages matching “${s.search}”.`);
  return markup`<section class="archive-intro">
    <h1>Chatkeep archive</h1>
    <p>
      ${count(s.chats, 'chat')}, ${count(s.messages, 'message')}. Exported on
      ${clock.formatFull(s.exportedAt)} by ${s.generator}.
    </p>
    <p>Times are shown in the ${s.timeZone} time zone. ${s.mediaNote}</p>
    ${filters.map((f) => markup`<p><strong>${f}</strong></p>`)}
  </section>`;
}

export function chatCards(cards: ChatCard[], clock: ArchiveClock): SafeHtml {
  if (cards.length === 0)
    return markup`<p class="empty-note">No chats hold messages in what was chosen.</p>`;
  return markup`<ul class="chat-index">
    ${cards.map(
      (c) =>
        markup`<li>
          <a class="chat-card" href="${safeHref(c.href)}"
            >${avatar(c.detail.title, `chat:${c.detail.title}`, 'md')}<span class="chat-card-text"
              ><span class="chat-card-title" dir="auto">${c.detail.title}</span
              ><span class="chat-card-sub"
                >${count(c.messages, 'message')} · ${span(c.first, c.last, clock)}</span
              ><span class="chat-card-sub" dir="auto">${c.detail.sourceLabel}</span></span
            ></a
          >
        </li>`,
    )}
  </ul>`;
}

/** A chat's header, as the app's conversation header. */
export function chatHeader(detail: ChatDetail, level: 'h1' | 'h2' = 'h1'): SafeHtml {
  const title =
    level === 'h1'
      ? markup`<h1 dir="auto">${detail.title}</h1>`
      : markup`<h2 dir="auto">${detail.title}</h2>`;
  return markup`<header class="conversation-header">
    ${avatar(detail.title, `chat:${detail.title}`, 'lg')}
    <div class="conversation-titles">
      ${title}<span class="conversation-subtitle" dir="auto">${membersLine(detail)}</span
      ><span class="conversation-subtitle" dir="auto">${detail.sourceLabel}</span>
    </div>
  </header>`;
}

export interface MonthLink {
  key: string;
  href: string;
  messages: number;
}

/** A chat's months, by year, with how many messages each holds. */
export function monthIndex(months: MonthLink[], clock: ArchiveClock, emptyNote: string): SafeHtml {
  if (months.length === 0) return markup`<p class="empty-note">${emptyNote}</p>`;
  const years = new Map<string, MonthLink[]>();
  for (const m of months) {
    const y = m.key.slice(0, 4);
    years.set(y, [...(years.get(y) ?? []), m]);
  }
  return join(
    [...years].map(
      ([year, list]) =>
        markup`<section class="year">
          <h2>${year}</h2>
          <ul class="month-list">
            ${list.map(
              (m) =>
                markup`<li>
                  <a href="${safeHref(m.href)}"
                    ><span>${clock.formatMonth(m.key)}</span
                    ><span class="month-count">${count(m.messages, 'message')}</span></a
                  >
                </li>`,
            )}
          </ul>
        </section>`,
    ),
  );
}

/** "‹ May 2019 · June 2019 · July 2019 ›" above and below a month's messages. */
export function monthNav(
  prev: MonthLink | null,
  current: string,
  next: MonthLink | null,
  clock: ArchiveClock,
): SafeHtml {
  return markup`<nav class="month-nav" aria-label="Months">
    ${prev ? markup`<a href="${safeHref(prev.href)}" rel="prev">‹ ${clock.formatMonth(prev.key)}</a>` : markup`<span class="gap"></span>`}<span
      class="here"
      >${clock.formatMonth(current)}</span
    >${next ? markup`<a href="${safeHref(next.href)}" rel="next">${clock.formatMonth(next.key)} ›</a>` : markup`<span class="gap"></span>`}
  </nav>`;
}

/** The search form and its results (filled in by the archive script). */
export function searchPanel(): SafeHtml {
  return markup`<section class="search-panel" id="search-panel" aria-label="Search">
    <form class="search-form" role="search">
      <input type="search" aria-label="Search messages" placeholder="Search every message" /><select
        aria-label="Search in"
      >
        <option value="">All chats</option></select
      ><button class="button" type="submit">Search</button>
    </form>
    <p class="search-status" role="status">Type a word to search every message in this archive.</p>
    <noscript
      ><p class="noscript-note">
        Searching needs JavaScript, which this browser has turned off for this page. Every page can
        still be read.
      </p></noscript
    >
    <ol class="search-hits"></ol>
    <button class="button search-more" type="button" hidden>Show more</button>
  </section>`;
}

export function mediaNote(files: number, bytes: number, mode: ArchiveMode): string {
  if (files === 0) return 'No media files are included.';
  return mode === 'folder'
    ? `${count(files, 'media file')} (${formatBytes(bytes)}) are in the media folder beside these pages.`
    : `${count(files, 'media file')} (${formatBytes(bytes)}) are inside this file.`;
}
