import type {
  AttachmentView,
  ChatKind,
  MessageView,
  ReactionView,
  ReplyView,
} from '../../shared/chat-types.js';
import { findLinks, type FoundLink } from '../../shared/links.js';
import { emojiOnlyCount, initialsOf, tintOf } from '../../shared/look.js';
import {
  MEDIA_NAMES,
  attachmentLabel,
  callLabel,
  describeMessage,
  formatClock,
} from '../../shared/message-labels.js';
import {
  readCall,
  readContact,
  readLocation,
  readPoll,
  type ContactInfo,
  type LocationInfo,
  type PollInfo,
} from '../../shared/message-extra.js';
import type { ArchiveClock } from '../time.js';
import { icon } from './icons.js';
import { markup, join, safeHref, type SafeHtml } from './safe-html.js';

/**
 * One message as the app's conversation view draws it (src/renderer/src/features/chats/messages):
 * the same bubbles and runs, sender names and avatars in groups, reply quotes, reactions, media,
 * cards for locations, contacts and polls, and the time and "edited" in the corner. Written as
 * static HTML with no script: every page reads without JavaScript.
 */

export interface MessageContext {
  chatType: ChatKind;
  clock: ArchiveClock;
  /** The URL of an attachment's file in the archive, or null when it is not included. */
  mediaUrl(a: AttachmentView): SafeHtml | null;
  /** Where the quoted message is in the archive, or null when the archive does not hold it. */
  replyHref(reply: ReplyView): string | null;
}

export interface RunPlace {
  firstInRun: boolean;
  lastInRun: boolean;
}

/** Messages from one sender this close together read as one run (as in the app). */
export const RUN_GAP_MS = 5 * 60_000;

function inOneRun(a: MessageView, b: MessageView, clock: ArchiveClock): boolean {
  if (a.kind === 'system' || b.kind === 'system') return false;
  if ((a.sender?.id ?? null) !== (b.sender?.id ?? null)) return false;
  if (clock.dayKey(a.sentAt) !== clock.dayKey(b.sentAt)) return false;
  return Math.abs(b.sentAt - a.sentAt) <= RUN_GAP_MS;
}

export function runPlace(
  previous: MessageView | undefined,
  message: MessageView,
  next: MessageView | undefined,
  clock: ArchiveClock,
): RunPlace {
  return {
    firstInRun: !previous || !inOneRun(previous, message, clock),
    lastInRun: !next || !inOneRun(message, next, clock),
  };
}

/** "date-separator" above the first message of each day. */
export function daySeparator(ms: number, clock: ArchiveClock): SafeHtml {
  return markup`<div class="date-separator" role="separator">
    <span>${clock.formatDay(ms)}</span>
  </div>`;
}

function avatar(name: string, colorKey: string, size: 'sm' | 'md' | 'lg'): SafeHtml {
  return markup`<span class="avatar avatar-${size} tint-${tintOf(colorKey)}" aria-hidden="true"
    >${initialsOf(name)}</span
  >`;
}
export { avatar };

/** Text with its web links as links (opened in a new tab, telling the site nothing). */
function richText(text: string, links: FoundLink[]): SafeHtml {
  const parts: SafeHtml[] = [];
  let at = 0;
  for (const link of links) {
    if (link.start > at) parts.push(markup`${text.slice(at, link.start)}`);
    parts.push(
      markup`<a
        class="msg-link"
        href="${safeHref(link.url)}"
        target="_blank"
        rel="noopener noreferrer"
        >${link.text}</a
      >`,
    );
    at = link.end;
  }
  if (at < text.length) parts.push(markup`${text.slice(at)}`);
  return join(parts);
}

function linkCard(links: FoundLink[]): SafeHtml | null {
  const link = links[0];
  if (!link) return null;
  return markup`<a
    class="link-card"
    href="${safeHref(link.url)}"
    target="_blank"
    rel="noopener noreferrer"
    ><span class="link-card-domain">${link.domain}</span
    ><span class="link-card-url" dir="ltr">${link.url.replace(/^https?:\/\/(www\.)?/, '')}</span></a
  >`;
}

/** A location message's text is WhatsApp's "location: https://maps..." line: the card says it. */
function captionOf(m: MessageView): string | null {
  const text = m.text?.trim() || null;
  if (!text) return null;
  switch (m.kind) {
    case 'location':
      return /^location:\s*https?:\/\/\S+$/i.test(text) ? null : text;
    case 'contact':
    case 'poll':
    case 'deleted':
      return null;
    default:
      return text;
  }
}

/** Where "Open in maps" goes: the source's own web link, else OpenStreetMap (as the app does). */
export function mapsUrl(place: LocationInfo): string {
  if (place.url && safeHref(place.url) !== '#' && /^https?:/i.test(place.url)) return place.url;
  const lat = place.lat.toFixed(6);
  const lon = place.lon.toFixed(6);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
}

function formatCoordinates(lat: number, lon: number): string {
  const f = (v: number) => Math.abs(v).toFixed(5);
  return `${f(lat)}° ${lat >= 0 ? 'N' : 'S'}, ${f(lon)}° ${lon >= 0 ? 'E' : 'W'}`;
}

function locationCard(place: LocationInfo): SafeHtml {
  return markup`<div class="location">
    <div class="location-map" aria-hidden="true">
      <span class="location-pin">${icon('pin', 30)}</span>
    </div>
    <div class="location-text">
      <div class="location-name" dir="auto">${place.name ?? 'Location'}</div>
      ${place.address ? markup`<div class="location-address" dir="auto">${place.address}</div>` : null}
      <div class="location-coords" dir="ltr">${formatCoordinates(place.lat, place.lon)}</div>
    </div>
    <a
      class="card-action"
      href="${safeHref(mapsUrl(place))}"
      target="_blank"
      rel="noopener noreferrer"
      >${icon('external', 16)}Open in maps</a
    >
  </div>`;
}

function contactCard(c: ContactInfo): SafeHtml {
  const lines = [
    ...c.phones.map(
      (p) =>
        markup`<div class="contact-line">
          <dt>${p.label ?? 'phone'}</dt>
          <dd dir="ltr">${p.number}</dd>
        </div>`,
    ),
    ...c.emails.map(
      (e) =>
        markup`<div class="contact-line">
          <dt>e-mail</dt>
          <dd dir="ltr">${e}</dd>
        </div>`,
    ),
  ];
  return markup`<div class="contact">
    <div class="contact-head">
      ${avatar(c.name, c.name, 'md')}
      <div class="contact-who">
        <div class="contact-name" dir="auto">${c.name}</div>
        ${c.organization ? markup`<div class="contact-org" dir="auto">${c.organization}</div>` : null}
      </div>
    </div>
    ${lines.length > 0 ? markup`<dl class="contact-lines">${lines}</dl>` : null}
  </div>`;
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

function pollCard(poll: PollInfo): SafeHtml {
  const total = poll.totalVotes;
  const most = Math.max(0, ...poll.options.map((o) => o.votes ?? 0));
  const kind = poll.closed ? 'Final results' : poll.multiple ? 'Poll · choose one or more' : 'Poll';
  const options = poll.options.map((o) => {
    const share = total && o.votes !== null ? o.votes / total : 0;
    const leading = o.votes !== null && o.votes === most && most > 0;
    const percent = Math.round(share * 100);
    return markup`<li class="poll-option${leading ? ' leading' : ''}">
      <div class="poll-option-row">
        <span class="poll-option-text" dir="auto">${o.text}</span
        >${o.votes !== null ? markup`<span class="poll-votes" aria-label="${plural(o.votes, 'vote')}">${o.votes}</span>` : null}
      </div>
      ${total !== null ? markup`<div class="poll-bar" role="meter" aria-label="${o.text}: ${percent}% of votes" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${percent}"><span class="pct-${percent}"></span></div>` : null}
    </li>`;
  });
  return markup`<div class="poll">
    <div class="poll-kind">${icon('poll', 14)}${kind}</div>
    <div class="poll-question" dir="auto">${poll.question}</div>
    <ul class="poll-options">
      ${options}
    </ul>
    <div class="poll-total">
      ${total === null ? 'Vote counts not included in the export' : plural(total, 'vote')}
    </div>
  </div>`;
}

const MAX_W = 300;
const MAX_H = 340;
const TILE = 148;

/** The box a photo or video takes in its bubble (as the app's mediaBox). */
function mediaBox(a: Pick<AttachmentView, 'width' | 'height'>): { width: number; height: number } {
  const w = a.width ?? 0;
  const h = a.height ?? 0;
  if (w <= 0 || h <= 0) return { width: 240, height: 180 };
  const scale = Math.min(MAX_W / w, MAX_H / h, 1);
  return {
    width: Math.max(120, Math.round(w * scale)),
    height: Math.max(80, Math.round(h * scale)),
  };
}

const isVisual = (a: AttachmentView) =>
  a.mediaType === 'photo' || a.mediaType === 'video' || a.mediaType === 'gif';

function fileNameOf(a: AttachmentView): string {
  return a.fileName?.split(/[\\/]/).pop() ?? MEDIA_NAMES[a.mediaType];
}

function notIncluded(a: AttachmentView): string {
  return `${MEDIA_NAMES[a.mediaType]} not included in the export`;
}

function visualTile(a: AttachmentView, url: SafeHtml | null, single: boolean): SafeHtml {
  const box = single ? mediaBox(a) : { width: TILE, height: TILE };
  if (!url) {
    return markup`<div class="media-tile media-tile-missing box-${single ? 'single' : 'tile'}">
      ${icon('media', 28)}<span
        >${notIncluded(a)}
        ${a.fileName ? markup`<span class="media-tile-name">${fileNameOf(a)}</span>` : null}</span
      >
    </div>`;
  }
  const video = a.mediaType === 'video' || a.mime.startsWith('video/');
  if (video) {
    const gif = a.mediaType === 'gif';
    return markup`<div class="media-tile media-video">
      <video
        class="media-fill"
        src="${url}"
        width="${box.width}"
        height="${box.height}"
        ${gif ? markup`autoplay loop muted playsinline` : markup`controls preload="metadata"`}
        aria-label="${MEDIA_NAMES[a.mediaType]} ${fileNameOf(a)}"
      ></video
      >${a.durationMs && !gif ? markup`<span class="media-badge">${formatClock(a.durationMs)}</span>` : gif ? markup`<span class="media-badge">GIF</span>` : null}
    </div>`;
  }
  return markup`<a class="media-tile" href="${url}" target="_blank" rel="noopener"
    ><img
      class="media-fill"
      src="${url}"
      alt="${fileNameOf(a)}"
      width="${box.width}"
      height="${box.height}"
      loading="lazy"
      decoding="async"
  /></a>`;
}

function documentChip(a: AttachmentView, url: SafeHtml | null): SafeHtml {
  const name = fileNameOf(a);
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1]?.toUpperCase() ?? 'FILE';
  const size = formatBytes(a.size);
  return markup`<div class="doc">
    <span class="doc-icon" aria-hidden="true"
      >${icon('file', 26)}<span class="doc-ext">${ext}</span></span
    ><span class="doc-text"
      ><span class="doc-name" dir="auto" title="${name}">${name}</span
      ><span class="doc-size">${size} · ${ext}</span></span
    >${url ? markup`<a class="doc-open" href="${url}" download="${name}" target="_blank" rel="noopener">Open</a>` : markup`<span class="doc-missing">Not included</span>`}
  </div>`;
}

function audioPlayer(a: AttachmentView, url: SafeHtml | null): SafeHtml {
  const label = a.mediaType === 'voice' ? 'Voice message' : fileNameOf(a);
  if (!url) {
    return markup`<div class="media-missing">
      ${icon('mic', 18)}<span>${notIncluded(a)}${a.fileName ? ` (${fileNameOf(a)})` : ''}</span>
    </div>`;
  }
  return markup`<div class="voice">
    <span class="voice-icon" aria-hidden="true"
      >${icon(a.mediaType === 'voice' ? 'mic' : 'play', 20)}</span
    ><span class="voice-track"
      ><span class="voice-label" dir="auto">${label}</span
      ><audio controls preload="none" src="${url}" aria-label="${label}"></audio></span
    >${a.durationMs ? markup`<span class="voice-time">${formatClock(a.durationMs)}</span>` : null}
  </div>`;
}

function mediaBody(m: MessageView, ctx: MessageContext): SafeHtml {
  const visual = m.attachments.filter(isVisual);
  const others = m.attachments.filter((a) => !isVisual(a));
  const parts: SafeHtml[] = [];
  if (visual.length > 0) {
    const single = visual.length === 1;
    parts.push(
      markup`<div class="media-grid${single ? '' : ' album'}">
        ${visual.map((a) => visualTile(a, ctx.mediaUrl(a), single))}
      </div>`,
    );
  }
  for (const a of others) {
    const url = ctx.mediaUrl(a);
    if (a.mediaType === 'sticker') {
      parts.push(
        url
          ? markup`<img
              class="sticker"
              src="${url}"
              alt="Sticker"
              width="160"
              height="160"
              loading="lazy"
            />`
          : markup`<div class="media-missing">
              ${icon('media', 18)}<span>${notIncluded(a)}</span>
            </div>`,
      );
    } else if (a.mediaType === 'voice' || a.mediaType === 'audio') {
      parts.push(audioPlayer(a, url));
    } else {
      parts.push(documentChip(a, url));
    }
  }
  return join(parts);
}

function body(m: MessageView, ctx: MessageContext): SafeHtml | null {
  switch (m.kind) {
    case 'location': {
      const place = readLocation(m.extra);
      return place ? locationCard(place) : null;
    }
    case 'contact': {
      const card = readContact(m.extra, m.text);
      return card ? contactCard(card) : null;
    }
    case 'poll': {
      const poll = readPoll(m.extra, m.text);
      return poll ? pollCard(poll) : markup`<div class="msg-text" dir="auto">${m.text ?? ''}</div>`;
    }
    case 'deleted':
      return markup`<span class="deleted">${icon('ban', 15)}This message was deleted</span>`;
    default:
      return m.attachments.length > 0 ? mediaBody(m, ctx) : null;
  }
}

function replyQuote(reply: ReplyView, ctx: MessageContext): SafeHtml {
  const who = reply.senderName ?? 'You';
  const a = reply.attachment;
  const url = a ? ctx.mediaUrl(a) : null;
  const thumb =
    a &&
    url &&
    (a.mediaType === 'photo' ||
      a.mediaType === 'sticker' ||
      (a.mediaType === 'gif' && a.mime.startsWith('image/')))
      ? url
      : null;
  const what =
    reply.kind === 'media' && a
      ? reply.excerpt
        ? describeMessage({ kind: 'media', text: reply.excerpt, attachment: a })
        : attachmentLabel(a)
      : describeMessage({
          kind: reply.kind,
          text: reply.excerpt,
          attachment: a,
          extra: reply.extra,
        });
  const inner = markup`<span class="quote-text"
      ><span class="quote-who">${who}</span
      ><span class="quote-what" dir="auto">${what || '…'}</span></span
    >${thumb ? markup`<img class="quote-thumb" src="${thumb}" alt="" width="40" height="40" loading="lazy" />` : null}`;
  const href = ctx.replyHref(reply);
  const tint = tintOf(reply.senderName ?? 'me');
  return href
    ? markup`<a class="quote tint-${tint}" href="${safeHref(href)}" title="Show the message"
        >${inner}</a
      >`
    : markup`<div class="quote tint-${tint} quote-static">${inner}</div>`;
}

function reactions(list: ReactionView[]): SafeHtml | null {
  if (list.length === 0) return null;
  return markup`<ul class="reactions" aria-label="Reactions">
    ${list.map(
      (r) =>
        markup`<li
          class="reaction${r.mine ? ' mine' : ''}"
          title="${plural(r.count, 'reaction')}${r.mine ? ', yours among them' : ''}"
        >
          <span>${r.emoji}</span>${r.count > 1 ? markup`<span>${r.count}</span>` : null}
        </li>`,
    )}
  </ul>`;
}

function timeTag(ms: number, clock: ArchiveClock): SafeHtml {
  return markup`<time datetime="${new Date(ms).toISOString()}" title="${clock.formatFull(ms)}"
    >${clock.formatTime(ms)}</time
  >`;
}

function systemLine(m: MessageView, ctx: MessageContext): SafeHtml {
  const call = readCall(m.extra);
  const label = call ? callLabel(call) : (m.text ?? '');
  return markup`<div class="system-line" id="m${m.id}">
    <span class="system-pill${call?.missed ? ' missed' : ''}" dir="auto"
      >${call ? icon(call.video ? 'video' : 'phone', 15) : null}<span>${label}</span
      ><span class="system-time">${timeTag(m.sentAt, ctx.clock)}</span></span
    >
  </div>`;
}

/** One message, with `id="m<message id>"` so search results and quotes can point at it. */
export function renderMessage(m: MessageView, run: RunPlace, ctx: MessageContext): SafeHtml {
  if (m.kind === 'system') return systemLine(m, ctx);
  const mine = m.sender === null;
  const group = ctx.chatType === 'group';
  const senderName = m.sender?.name ?? 'You';
  const senderKey = m.sender?.name ?? 'me';
  const caption = captionOf(m);
  // Links are looked for once: the text and the card under it both need them.
  const links = caption ? findLinks(caption) : [];
  const emoji = m.kind === 'text' && !m.replyTo ? emojiOnlyCount(caption) : 0;
  const first = m.attachments[0];
  const stickerOnly =
    m.attachments.length === 1 &&
    first?.mediaType === 'sticker' &&
    ctx.mediaUrl(first) !== null &&
    !caption &&
    !m.replyTo;
  const bare = emoji > 0 || stickerOnly;
  const visualOnly =
    !caption &&
    !m.replyTo &&
    m.attachments.length > 0 &&
    m.attachments.every((a) => isVisual(a) && ctx.mediaUrl(a) !== null);
  const showName = group && !mine && run.firstInRun;
  const classes = [
    'bubble',
    bare ? 'bare' : '',
    visualOnly ? 'visual-only' : '',
    run.lastInRun && !bare ? 'tail' : '',
    m.kind === 'deleted' ? 'is-deleted' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const edited = m.editedAt !== null || m.extra?.edited === true;
  const metaText = `${edited ? 'edited ' : ''}${ctx.clock.formatTime(m.sentAt)}`;
  const quote = m.replyTo
    ? replyQuote(m.replyTo, ctx)
    : m.replyToKey
      ? markup`<div class="quote quote-missing">
          <span class="quote-text"
            ><span class="quote-what">Replying to a message that is not in Chatkeep</span></span
          >
        </div>`
      : null;
  return markup`<div
    class="msg ${mine ? 'out' : 'in'}${run.firstInRun ? ' run-first' : ''}${run.lastInRun ? ' run-last' : ''}"
    id="m${m.id}"
  >
    ${group && !mine ? markup`<div class="msg-avatar">${run.lastInRun ? avatar(senderName, senderKey, 'sm') : null}</div>` : null}
    <div class="msg-column">
      <div class="${classes}" data-kind="${m.kind}">
        ${showName ? markup`<div class="sender tint-${tintOf(senderKey)}" dir="auto">${senderName}</div>` : markup`<span class="sr-only">${senderName}: </span>`}${quote}${body(m, ctx)}${caption ? markup`<div class="msg-text${emoji ? ` emoji-${emoji}` : ''}" dir="auto"><span class="msg-body-text">${richText(caption, links)}</span>${bare ? null : markup`<span class="meta-spacer" aria-hidden="true">${metaText}</span>`}</div>` : null}${caption && m.kind === 'text' && !emoji ? linkCard(links) : null}<span
          class="meta${visualOnly || bare ? ' meta-float' : ''}"
          >${edited ? markup`<span class="meta-edited">edited</span>` : null}${timeTag(m.sentAt, ctx.clock)}</span
        >
      </div>
      ${reactions(m.reactions)}
    </div>
  </div>`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
