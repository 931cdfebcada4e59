import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { GalleryItem, GalleryTab } from '../../../../../shared/chat-types';
import { webDomain } from '../../../../../shared/links';
import { api } from '../../../api';
import { formatBytes, formatClock, formatDate } from '../../../ui/format';
import { Icon } from '../../../ui/Icon';
import { useMessageActions } from '../messages/actions';
import { MEDIA_NAMES } from '../messages/labels';
import { VoicePlayer } from '../messages/VoicePlayer';

const TABS: { id: GalleryTab; label: string }[] = [
  { id: 'visual', label: 'Photos & videos' },
  { id: 'documents', label: 'Documents' },
  { id: 'links', label: 'Links' },
  { id: 'audio', label: 'Voice' },
];
const COLUMNS = 3;
const PAGE = 60;
const EMPTY: Record<GalleryTab, string> = {
  visual: 'No photos or videos in this chat.',
  documents: 'No documents in this chat.',
  links: 'No links in this chat.',
  audio: 'No voice messages or audio in this chat.',
};

interface Props {
  chatId: number;
  onOpenItem(item: GalleryItem): void;
  onShowInChat(messageId: number): void;
}

/**
 * A chat's "Media, links and docs": photos and videos as a virtualised grid, documents, links and
 * voice as virtualised lists, each loaded a page at a time as it scrolls.
 */
export function MediaGallery({ chatId, onOpenItem, onShowInChat }: Props) {
  const [tab, setTab] = useState<GalleryTab>('visual');
  const tabs = useRef<HTMLDivElement>(null);

  const onTabKey = (event: KeyboardEvent) => {
    const at = TABS.findIndex((t) => t.id === tab);
    const delta = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!delta) return;
    event.preventDefault();
    const next = TABS[(at + delta + TABS.length) % TABS.length]!;
    setTab(next.id);
    tabs.current?.querySelector<HTMLButtonElement>(`#gallery-tab-${next.id}`)?.focus();
  };

  return (
    <div className="gallery">
      <div
        className="gallery-tabs"
        role="tablist"
        aria-label="Kinds of media"
        ref={tabs}
        onKeyDown={onTabKey}
      >
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`gallery-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls="gallery-panel"
            tabIndex={tab === t.id ? 0 : -1}
            className="gallery-tab"
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        id="gallery-panel"
        role="tabpanel"
        aria-labelledby={`gallery-tab-${tab}`}
        className="gallery-panel"
      >
        <GalleryList
          key={`${chatId}:${tab}`}
          chatId={chatId}
          tab={tab}
          onOpenItem={onOpenItem}
          onShowInChat={onShowInChat}
        />
      </div>
    </div>
  );
}

function GalleryList({ chatId, tab, onOpenItem, onShowInChat }: Props & { tab: GalleryTab }) {
  const [items, setItems] = useState<GalleryItem[]>([]);
  const [more, setMore] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const busy = useRef(false);
  const scroller = useRef<HTMLDivElement>(null);

  const loadMore = useCallback(async () => {
    if (busy.current || !more) return;
    busy.current = true;
    try {
      const last = items[items.length - 1];
      const page = await api.invoke('chats.media', {
        chatId,
        tab,
        limit: PAGE,
        ...(last ? { before: last.cursor } : {}),
      });
      setItems((current) => [...current, ...page.items]);
      setMore(page.more);
    } catch (e) {
      setError((e as Error).message);
      setMore(false);
    } finally {
      busy.current = false;
      setLoaded(true);
    }
  }, [chatId, tab, items, more]);

  useEffect(() => {
    if (!loaded) void loadMore();
  }, [loaded, loadMore]);

  const grid = tab === 'visual';
  const rowCount = grid ? Math.ceil(items.length / COLUMNS) : items.length;
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => (grid ? 118 : tab === 'audio' ? 96 : 72),
    overscan: 4,
  });
  const rows = virtualizer.getVirtualItems();
  const lastRow = rows[rows.length - 1]?.index ?? -1;
  useEffect(() => {
    if (lastRow >= rowCount - 3 && more && loaded) void loadMore();
  }, [lastRow, rowCount, more, loaded, loadMore]);

  if (error) return <p className="notice error">Could not load this: {error}</p>;
  if (loaded && items.length === 0) return <p className="notice">{EMPTY[tab]}</p>;

  return (
    <div className="scroller gallery-scroller" ref={scroller}>
      <ul className="gallery-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {rows.map((row) => (
          <li
            key={row.key}
            data-index={row.index}
            ref={virtualizer.measureElement}
            className={grid ? 'gallery-row grid' : 'gallery-row'}
            style={{ transform: `translateY(${row.start}px)` }}
          >
            {grid
              ? items
                  .slice(row.index * COLUMNS, row.index * COLUMNS + COLUMNS)
                  .map((item) => (
                    <Thumb
                      key={`${item.messageId}:${item.cursor.ordinal}`}
                      item={item}
                      onOpen={onOpenItem}
                    />
                  ))
              : items[row.index] && (
                  <Entry item={items[row.index]!} tab={tab} onShowInChat={onShowInChat} />
                )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Thumb({ item, onOpen }: { item: GalleryItem; onOpen(item: GalleryItem): void }) {
  const { mediaUrl } = useMessageActions();
  const a = item.attachment!;
  const name = MEDIA_NAMES[a.mediaType];
  const label = `${name} from ${item.sender?.name ?? 'you'}, ${formatDate(item.sentAt)}`;
  if (!a.hash) {
    return (
      <span className="gallery-thumb missing" title={`${label}: not included in the export`}>
        <Icon name="media" size={22} />
      </span>
    );
  }
  const video = a.mime.startsWith('video/');
  return (
    <button type="button" className="gallery-thumb" onClick={() => onOpen(item)} aria-label={label}>
      {video ? (
        <video
          src={`${mediaUrl(a.hash)}#t=0.1`}
          preload="metadata"
          muted
          tabIndex={-1}
          aria-hidden="true"
        />
      ) : (
        <img src={mediaUrl(a.hash)} alt="" loading="lazy" decoding="async" draggable={false} />
      )}
      {a.mediaType === 'video' && (
        <span className="media-badge">
          <Icon name="play" size={10} /> {a.durationMs ? formatClock(a.durationMs) : ''}
        </span>
      )}
    </button>
  );
}

function Entry({
  item,
  tab,
  onShowInChat,
}: {
  item: GalleryItem;
  tab: GalleryTab;
  onShowInChat(messageId: number): void;
}) {
  const { openLink, saveAttachment } = useMessageActions();
  const who = item.sender?.name ?? 'You';
  const when = formatDate(item.sentAt);
  if (tab === 'links' && item.link) {
    const domain = webDomain(item.link.url) ?? item.link.url;
    return (
      <div className="gallery-entry">
        <span className="gallery-entry-icon" aria-hidden="true">
          <Icon name="link" />
        </span>
        <span className="gallery-entry-text">
          <a
            className="gallery-entry-title"
            href={item.link.url}
            onClick={(event) => {
              event.preventDefault();
              openLink(item.link!.url);
            }}
          >
            {domain}
          </a>
          <span className="gallery-entry-sub" dir="ltr">
            {item.link.url.replace(/^https?:\/\/(www\.)?/, '')}
          </span>
          <span className="gallery-entry-meta">
            {who} · {when}
          </span>
        </span>
        <GoToButton onClick={() => onShowInChat(item.messageId)} />
      </div>
    );
  }
  const a = item.attachment;
  if (!a) return null;
  if (tab === 'audio') {
    return (
      <div className="gallery-entry audio">
        <span className="gallery-entry-meta">
          {who} · {when}
        </span>
        {a.hash ? (
          <VoicePlayer
            attachment={{ ...a, hash: a.hash }}
            label={a.mediaType === 'voice' ? 'voice message' : (a.fileName ?? 'audio')}
          />
        ) : (
          <span className="media-missing">Not included in the export</span>
        )}
      </div>
    );
  }
  const name = a.fileName?.split(/[\\/]/).pop() ?? MEDIA_NAMES[a.mediaType];
  return (
    <div className="gallery-entry">
      <span className="gallery-entry-icon" aria-hidden="true">
        <Icon name="file" />
      </span>
      <span className="gallery-entry-text">
        <span className="gallery-entry-title" dir="auto" title={name}>
          {name}
        </span>
        <span className="gallery-entry-meta">
          {formatBytes(a.size)} · {who} · {when}
        </span>
      </span>
      {a.hash && (
        <button
          type="button"
          className="icon-button"
          onClick={() => saveAttachment(a.id)}
          aria-label={`Save ${name}…`}
        >
          <Icon name="save" />
        </button>
      )}
      <GoToButton onClick={() => onShowInChat(item.messageId)} />
    </div>
  );
}

function GoToButton({ onClick }: { onClick(): void }) {
  return (
    <button
      type="button"
      className="icon-button"
      onClick={onClick}
      aria-label="Show in chat"
      title="Show in chat"
    >
      <Icon name="goTo" />
    </button>
  );
}
