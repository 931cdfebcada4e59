import fs from 'node:fs';
import type { AttachmentView, MessageView, ReplyView } from '../../shared/chat-types.js';
import { breathe, type ExportContext, type WriterResult } from '../context.js';
import { asStorageError } from '../errors.js';
import { MediaCopier } from '../media.js';
import { slugOf } from '../names.js';
import type { FileSink } from '../output.js';
import { messagesBetween, searchableText, type MonthSlice, type PlannedChat } from '../read.js';
import { ARCHIVE_CSS } from './archive-css.js';
import { ARCHIVE_SCRIPT } from './archive-script.js';
import { daySeparator, renderMessage, runPlace, type MessageContext } from './message-html.js';
import {
  archiveBar,
  archiveIntro,
  chatCards,
  chatHeader,
  mediaNote,
  monthIndex,
  monthNav,
  pageEnd,
  pageStart,
  searchPanel,
  type ArchiveMode,
  type ChatCard,
  type MonthLink,
} from './pages.js';
import { markup, trusted, type SafeHtml } from './safe-html.js';
import { SearchIndexWriter } from './search-index.js';

/**
 * The HTML archive. In a folder (the default): `index.html` (the chats), `search.html`, a folder
 * per chat with its months as pages (`chats/12-family/2019-06.html`, so no page is huge) and
 * `media/` beside them. As a single file (`index.html` alone): every chat in one page, media
 * inside it as data: URLs, one chat shown at a time.
 */

const MAX_QUOTES_REMEMBERED = 20_000;

/**
 * Where quoted messages are. Most replies quote a recent message, so the messages just read are
 * remembered (a bounded number, oldest forgotten first); an older one is asked of the store.
 */
class QuoteLocator {
  private readonly known = new Map<number, { sentAt: number; inArchive: boolean } | null>();

  constructor(private readonly ctx: ExportContext) {}

  remember(messageId: number, where: { sentAt: number; inArchive: boolean } | null): void {
    this.known.delete(messageId);
    this.known.set(messageId, where);
    if (this.known.size > MAX_QUOTES_REMEMBERED) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }

  locate(chatId: number, messageId: number): { sentAt: number; inArchive: boolean } | null {
    if (this.known.has(messageId)) return this.known.get(messageId) ?? null;
    const { store, opts, filter } = this.ctx;
    let found: { sentAt: number; inArchive: boolean } | null = null;
    try {
      const page = store.getMessages(chatId, { around: messageId, limit: 1 });
      const view = page.messages.find((m) => m.id === messageId);
      if (view) {
        const inRange =
          (opts.from === null || view.sentAt >= opts.from) &&
          (opts.to === null || view.sentAt < opts.to);
        found = { sentAt: view.sentAt, inArchive: inRange && (!filter || filter.matches(view)) };
      }
    } catch {
      found = null;
    }
    this.remember(messageId, found);
    return found;
  }
}

const SAFE_MIME = /^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/i;

/**
 * Media inside a single file: while a message is rendered each included file becomes a marker
 * (NUL never survives escaping, so no text can forge one); writing then streams the file's bytes
 * as base64 in its place, so a long video never sits in memory as one string.
 */
class EmbeddedMedia {
  private readonly pending = new Map<number, { hash: string; mime: string }>();
  private next = 0;
  readonly hashes = new Set<string>();
  bytes = 0;

  constructor(private readonly copier: MediaCopier) {}

  url(a: AttachmentView & { hash: string }): SafeHtml {
    const n = this.next++;
    const mime = SAFE_MIME.test(a.mime) ? a.mime.toLowerCase() : 'application/octet-stream';
    this.pending.set(n, { hash: a.hash, mime });
    return trusted(`\u0000${n}\u0000`);
  }

  /** Write `text`, streaming each marked file in its place. */
  write(sink: FileSink, text: string): void {
    if (this.pending.size === 0) {
      sink.write(text);
      return;
    }
    const parts = text.split('\u0000');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      if (i % 2 === 0) {
        sink.write(part);
        continue;
      }
      const ref = this.pending.get(Number(part));
      if (!ref) continue;
      sink.write(`data:${ref.mime};base64,`);
      this.stream(sink, ref.hash);
    }
    this.pending.clear();
    this.next = 0;
  }

  private stream(sink: FileSink, hash: string): void {
    const file = this.copier.sourcePath(hash);
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (error) {
      throw asStorageError(error, file);
    }
    try {
      // A multiple of 3 bytes: the base64 of each chunk joins into the base64 of the whole.
      const buf = Buffer.allocUnsafe(3 * 65536);
      let total = 0;
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        total += n;
        sink.write(buf.subarray(0, n).toString('base64'));
      }
      if (!this.hashes.has(hash)) {
        this.hashes.add(hash);
        this.bytes += total;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
}

interface MonthWriter {
  /** Writes one month's messages; returns how many were written. */
  (slice: MonthSlice, sink: FileSink, page: string): Promise<number>;
}

/** The message loop shared by both modes: runs and day separators need each message's neighbours. */
function monthWriter(
  ctx: ExportContext,
  chat: PlannedChat,
  chatNo: number,
  mctx: MessageContext,
  index: SearchIndexWriter,
  quotes: QuoteLocator,
  write: (sink: FileSink, part: SafeHtml) => void,
): MonthWriter {
  return async (slice, sink, page) => {
    let prev: MessageView | undefined;
    let cur: MessageView | undefined;
    let lastDay: string | null = null;
    let written = 0;
    const emit = (next: MessageView | undefined) => {
      if (!cur) return;
      const day = ctx.clock.dayKey(cur.sentAt);
      if (day !== lastDay) {
        write(sink, daySeparator(cur.sentAt, ctx.clock));
        lastDay = day;
      }
      write(sink, renderMessage(cur, runPlace(prev, cur, next, ctx.clock), mctx));
      index.add(
        chatNo,
        page,
        cur.id,
        cur.sentAt,
        cur.kind === 'system' ? '' : (cur.sender?.name ?? 'You'),
        searchableText(cur),
      );
      written++;
      prev = cur;
    };
    for (const batch of messagesBetween(
      ctx.store,
      chat.detail.id,
      slice.start,
      slice.end,
      slice.count,
    )) {
      for (const m of batch) {
        const kept = !ctx.filter || ctx.filter.matches(m);
        quotes.remember(m.id, { sentAt: m.sentAt, inArchive: kept });
        if (!kept) continue;
        emit(m);
        cur = m;
      }
      ctx.progress.add(batch.length);
      await breathe(ctx);
    }
    emit(undefined);
    return written;
  };
}

const writeHtml = (sink: FileSink, part: SafeHtml): void => sink.write(part.value);

export async function exportHtml(ctx: ExportContext): Promise<WriterResult> {
  return ctx.opts.singleFile ? exportSingleFile(ctx) : exportFolder(ctx);
}

function chatDir(chat: PlannedChat): string {
  const slug = slugOf(chat.detail.title);
  return `chats/${chat.detail.id}${slug ? `-${slug}` : ''}`;
}

async function exportFolder(ctx: ExportContext): Promise<WriterResult> {
  const { out, opts, clock } = ctx;
  const mode: ArchiveMode = 'folder';
  const generator = opts.generator;
  out.writeFile('assets/archive.css', ARCHIVE_CSS);
  out.writeFile('assets/archive.js', ARCHIVE_SCRIPT);
  const index = new SearchIndexWriter(mode, out);
  const write = writeHtml;
  const cards: ChatCard[] = [];
  const quotes = new QuoteLocator(ctx);
  let total = 0;
  try {
    for (const [chatNo, chat] of ctx.plan.entries()) {
      const dir = chatDir(chat);
      const root = '../../';
      const title = chat.detail.title;
      const links: MonthLink[] = chat.months.map((m) => ({
        key: m.key,
        href: `${m.key}.html`,
        messages: m.count,
      }));
      const mctx: MessageContext = {
        chatType: chat.detail.type,
        clock,
        mediaUrl: (a) =>
          ctx.media.includes(a)
            ? markup`${root}${ctx.media.copy(out, a.hash, MediaCopier.relPath(a))}`
            : null,
        replyHref: (reply: ReplyView) => {
          const at = quotes.locate(chat.detail.id, reply.id);
          if (!at?.inArchive) return null;
          return `${clock.monthKey(at.sentAt)}.html#m${reply.id}`;
        },
      };
      let first: number | null = null;
      let last: number | null = null;
      let chatMessages = 0;
      const writeMonth = monthWriter(ctx, chat, chatNo, mctx, index, quotes, write);
      for (const [i, slice] of chat.months.entries()) {
        const link = links[i]!;
        const page = `${dir}/${link.href}`;
        const sink = out.open(page);
        try {
          const monthLabel = clock.formatMonth(slice.key);
          write(
            sink,
            pageStart({
              mode,
              title: `${monthLabel} · ${title} · Chatkeep archive`,
              root,
              kind: 'page-month',
              generator,
            }),
          );
          write(
            sink,
            archiveBar({
              root,
              home: `${root}index.html`,
              crumbs: [{ label: title, href: 'index.html' }, { label: monthLabel }],
            }),
          );
          const nav = monthNav(links[i - 1] ?? null, slice.key, links[i + 1] ?? null, clock);
          write(
            sink,
            // Left open: the messages follow, then the closing part below.
            markup`<main class="conversation">${chatHeader(chat.detail)}${nav}<div class="messages" role="log" aria-label="Messages">`,
          );
          const n = await writeMonth(slice, sink, page);
          if (n === 0) {
            write(
              sink,
              markup`<p class="empty-note">
                No message of this month matches “${opts.search ?? ''}”.
              </p>`,
            );
          }
          write(sink, markup`</div>${nav}</main>`);
          write(sink, pageEnd({ mode, root }));
          sink.close();
          link.messages = n;
          chatMessages += n;
          if (n > 0) {
            first ??= slice.start;
            last = slice.end - 1;
          }
        } catch (error) {
          sink.abandon();
          throw error;
        }
      }
      writeChatPage(ctx, chat, chatNo, dir, links, chatMessages);
      total += chatMessages;
      cards.push({
        detail: chat.detail,
        href: `${dir}/index.html`,
        messages: chatMessages,
        first: chatMessages > 0 ? Math.max(first ?? 0, chat.detail.firstSentAt ?? 0) : null,
        last: chatMessages > 0 ? Math.min(last ?? 0, chat.detail.lastSentAt ?? 0) : null,
      });
    }
    ctx.progress.phase = 'finishing';
    ctx.progress.emit();
    const summary = {
      generator,
      exportedAt: opts.now,
      timeZone: opts.timeZone,
      chats: cards.length,
      messages: total,
      from: opts.from,
      to: opts.to,
      search: opts.search,
      mediaNote: mediaNote(ctx.media.files, ctx.media.bytes, mode),
    };
    const home = out.open('index.html');
    write(
      home,
      pageStart({ mode, title: 'Chatkeep archive', root: '', kind: 'page-index', generator }),
    );
    write(home, archiveBar({ root: '', home: 'index.html', crumbs: [] }));
    write(
      home,
      markup`<main class="archive-main">
        ${archiveIntro(summary, clock)}${chatCards(cards, clock)}
      </main>`,
    );
    write(home, pageEnd({ mode, root: '' }));
    home.close();
    const search = out.open('search.html');
    write(
      search,
      pageStart({
        mode,
        title: 'Search · Chatkeep archive',
        root: '',
        kind: 'page-search',
        generator,
      }),
    );
    write(search, archiveBar({ root: '', home: 'index.html', crumbs: [{ label: 'Search' }] }));
    write(search, markup`<main>${searchPanel()}</main>`);
    write(search, pageEnd({ mode, root: '', scriptsBefore: ['assets/search/index.js'] }));
    search.close();
    index.finishFolder({
      chats: ctx.plan.map((c) => ({ t: c.detail.title })),
      timeZone: opts.timeZone,
      locale: opts.locale ?? null,
      messages: index.messages,
    });
  } catch (error) {
    index.abandon();
    throw error;
  }
  return { entry: 'index.html', chats: cards.length, messages: total, warnings: [] };
}

function writeChatPage(
  ctx: ExportContext,
  chat: PlannedChat,
  chatNo: number,
  dir: string,
  links: MonthLink[],
  messages: number,
): void {
  const { out, opts, clock } = ctx;
  const root = '../../';
  const shown = links.filter((l) => l.messages > 0);
  const sink = out.open(`${dir}/index.html`);
  const write = writeHtml;
  try {
    write(
      sink,
      pageStart({
        mode: 'folder',
        title: `${chat.detail.title} · Chatkeep archive`,
        root,
        kind: 'page-chat',
        generator: opts.generator,
      }),
    );
    write(
      sink,
      archiveBar({ root, home: `${root}index.html`, crumbs: [{ label: chat.detail.title }] }),
    );
    const empty =
      chat.months.length === 0
        ? 'This chat has no messages in the chosen dates.'
        : `No message matches “${opts.search ?? ''}”.`;
    write(
      sink,
      markup`<main>
        ${chatHeader(chat.detail)}
        <div class="archive-main">
          <p class="members">
            ${messages.toLocaleString('en')}
            ${messages === 1 ? 'message' : 'messages'}${opts.search ? markup` matching “${opts.search}”` : null}.
            Choose a month.
          </p>
          ${monthIndex(shown, clock, empty)}
        </div>
      </main>`,
    );
    write(sink, pageEnd({ mode: 'folder', root }));
    sink.close();
  } catch (error) {
    sink.abandon();
    throw error;
  }
}

async function exportSingleFile(ctx: ExportContext): Promise<WriterResult> {
  const { out, opts, clock } = ctx;
  const mode: ArchiveMode = 'single';
  const embedded = new EmbeddedMedia(ctx.media);
  const index = new SearchIndexWriter(mode, out);
  const sink = out.open('index.html');
  const write = (s: FileSink, part: SafeHtml) => embedded.write(s, part.value);
  const quotes = new QuoteLocator(ctx);
  let total = 0;
  try {
    write(
      sink,
      pageStart({
        mode,
        title: 'Chatkeep archive',
        root: '',
        kind: 'page-single',
        generator: opts.generator,
      }),
    );
    write(sink, archiveBar({ root: '', home: '#top', crumbs: [] }));
    const planned = ctx.plan.reduce((n, c) => n + c.messages, 0);
    const cards: ChatCard[] = ctx.plan.map((c, i) => ({
      detail: c.detail,
      href: `#chat-${i}`,
      messages: c.messages,
      first: c.months[0]?.start ?? null,
      last: c.months.length > 0 ? (c.months[c.months.length - 1]?.end ?? 1) - 1 : null,
    }));
    const summary = {
      generator: opts.generator,
      exportedAt: opts.now,
      timeZone: opts.timeZone,
      chats: ctx.plan.length,
      messages: planned,
      from: opts.from,
      to: opts.to,
      search: opts.search,
      mediaNote:
        opts.mediaTypes.size > 0
          ? 'Photos and other media are inside this file.'
          : 'No media files are included.',
    };
    write(
      sink,
      // <main> is left open: the chats' sections follow inside it.
      markup`<main><div class="archive-home-section archive-main" id="top">${archiveIntro(summary, clock)}${chatCards(cards, clock)}${searchPanel()}</div>`,
    );
    for (const [chatNo, chat] of ctx.plan.entries()) {
      const mctx: MessageContext = {
        chatType: chat.detail.type,
        clock,
        mediaUrl: (a) => (ctx.media.includes(a) ? embedded.url(a) : null),
        replyHref: (reply) =>
          quotes.locate(chat.detail.id, reply.id)?.inArchive ? `#m${reply.id}` : null,
      };
      const months: MonthLink[] = chat.months.map((m) => ({
        key: m.key,
        href: `#chat-${chatNo}-${m.key}`,
        messages: m.count,
      }));
      write(
        sink,
        // Left open: the chat's messages follow, then `</div></section>`.
        markup`<section class="chat-section" id="chat-${chatNo}">${chatHeader(chat.detail, 'h2')}<div class="archive-main">${monthIndex(months, clock, 'This chat has no messages in the chosen dates.')}</div><div class="messages" role="log" aria-label="Messages">`,
      );
      const writeMonth = monthWriter(ctx, chat, chatNo, mctx, index, quotes, write);
      for (const slice of chat.months) {
        write(
          sink,
          markup`<nav class="month-nav" id="chat-${chatNo}-${slice.key}">
            <span class="gap"></span><span class="here">${clock.formatMonth(slice.key)}</span
            ><a href="#chat-${chatNo}">↑ Months</a>
          </nav>`,
        );
        total += await writeMonth(slice, sink, '');
      }
      write(sink, markup`</div></section>`);
    }
    write(sink, markup`</main>`);
    ctx.progress.phase = 'finishing';
    ctx.progress.emit();
    index.finishSingle(
      {
        chats: ctx.plan.map((c) => ({ t: c.detail.title })),
        timeZone: opts.timeZone,
        locale: opts.locale ?? null,
        messages: index.messages,
      },
      sink,
    );
    write(sink, pageEnd({ mode, root: '' }));
    sink.close();
  } catch (error) {
    sink.abandon();
    index.abandon();
    throw error;
  }
  ctx.media.files = embedded.hashes.size;
  ctx.media.bytes = embedded.bytes;
  return { entry: 'index.html', chats: ctx.plan.length, messages: total, warnings: [] };
}
