import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type PointerEvent,
  type WheelEvent,
} from 'react';
import type { GalleryItem } from '../../../../../shared/chat-types';
import { api } from '../../../api';
import { formatDateTime } from '../../../ui/format';
import { Icon } from '../../../ui/Icon';
import { MEDIA_NAMES } from '../messages/labels';

const MIN_ZOOM = 1;
const MAX_ZOOM = 5;
const STEP = 1.5;
/** Neighbours fetched at a time each way. */
const NEAR = 24;

interface Props {
  chatId: number;
  /** The item first shown. */
  start: GalleryItem;
  mediaUrl(hash: string): string;
  onClose(): void;
  onShowInChat(messageId: number): void;
  onNotice(text: string): void;
}

/**
 * The media viewer: one photo or video of the chat at a time over the whole window, stepping to
 * older (←) and newer (→) ones across the chat, with zoom (buttons, + and −, the wheel, double
 * click; drag to look around), "Save as…" and "Show in chat". A modal <dialog>: focus stays in it,
 * Escape closes it and focus returns where it was.
 */
export function Lightbox({ chatId, start, mediaUrl, onClose, onShowInChat, onNotice }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  // Newest first, like the gallery.
  const [view, setView] = useState<{ items: GalleryItem[]; index: number }>({
    items: [start],
    index: 0,
  });
  const { items, index } = view;
  const [ends, setEnds] = useState({ newer: false, older: false });
  const [zoom, setZoom] = useState(1);
  const [pan, setPan] = useState({ x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number; px: number; py: number } | null>(null);
  const loading = useRef({ newer: false, older: false });
  const item = items[index] ?? start;

  useEffect(() => {
    const el = dialog.current;
    if (el && !el.open) el.showModal();
    return () => el?.close();
  }, []);

  const load = useCallback(
    async (direction: 'newer' | 'older', from: GalleryItem) => {
      if (loading.current[direction]) return;
      loading.current[direction] = true;
      try {
        const page = await api.invoke('chats.media', {
          chatId,
          tab: 'visual',
          limit: NEAR,
          ...(direction === 'newer' ? { after: from.cursor } : { before: from.cursor }),
        });
        setView((current) => {
          const known = new Set(current.items.map((i) => `${i.messageId}:${i.cursor.ordinal}`));
          const fresh = page.items.filter((i) => !known.has(`${i.messageId}:${i.cursor.ordinal}`));
          return direction === 'older'
            ? { items: [...current.items, ...fresh], index: current.index }
            : { items: [...fresh, ...current.items], index: current.index + fresh.length };
        });
        if (!page.more) setEnds((e) => ({ ...e, [direction]: true }));
      } catch {
        setEnds((e) => ({ ...e, [direction]: true }));
      } finally {
        loading.current[direction] = false;
      }
    },
    [chatId],
  );

  // Neighbours both ways at the start; more as the ends come near.
  useEffect(() => {
    void load('newer', start);
    void load('older', start);
  }, [load, start]);

  useEffect(() => {
    const first = items[0];
    const last = items[items.length - 1];
    if (index <= 2 && !ends.newer && first) void load('newer', first);
    if (index >= items.length - 3 && !ends.older && last) void load('older', last);
  }, [index, items, ends, load]);

  const resetZoom = () => {
    setZoom(1);
    setPan({ x: 0, y: 0 });
  };
  const canOlder = index < items.length - 1;
  const canNewer = index > 0;
  const step = (delta: number) => {
    const next = index + delta;
    if (next < 0 || next >= items.length) return;
    setView((v) => ({ ...v, index: next }));
    resetZoom();
  };
  const zoomBy = (factor: number) => {
    setZoom((z) => {
      const next = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, z * factor));
      if (next === 1) setPan({ x: 0, y: 0 });
      return next;
    });
  };

  const attachment = item.attachment;
  const kind = attachment ? MEDIA_NAMES[attachment.mediaType] : 'Media';
  const who = item.sender?.name ?? 'You';
  const when = formatDateTime(item.sentAt);
  const isVideo =
    attachment !== null &&
    (attachment.mediaType === 'video' ||
      (attachment.mediaType === 'gif' && attachment.mime.startsWith('video/')));

  const save = () => {
    if (!attachment) return;
    void api.invoke('media.saveAs', { attachmentId: attachment.id }).then(
      ({ saved }) => saved && onNotice('Saved.'),
      (e: Error) => onNotice(e.message),
    );
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.target instanceof HTMLVideoElement && event.key.startsWith('Arrow')) return;
    if (event.key === 'ArrowLeft') step(1);
    else if (event.key === 'ArrowRight') step(-1);
    else if (event.key === '+' || event.key === '=') zoomBy(STEP);
    else if (event.key === '-') zoomBy(1 / STEP);
    else if (event.key === '0') resetZoom();
    else return;
    event.preventDefault();
  };

  const onWheel = (event: WheelEvent) => {
    if (isVideo) return;
    zoomBy(event.deltaY < 0 ? 1.15 : 1 / 1.15);
  };
  const onPointerDown = (event: PointerEvent) => {
    if (zoom === 1) return;
    drag.current = { x: event.clientX, y: event.clientY, px: pan.x, py: pan.y };
    (event.target as Element).setPointerCapture?.(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    setPan({ x: d.px + event.clientX - d.x, y: d.py + event.clientY - d.y });
  };

  return (
    <dialog
      ref={dialog}
      className="lightbox"
      aria-label={`${kind} from ${who}, ${when}`}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onKeyDown={onKeyDown}
    >
      <div className="lightbox-bar">
        <div className="lightbox-who">
          <span className="lightbox-name" dir="auto">
            {who}
          </span>
          <span className="lightbox-when">{when}</span>
        </div>
        <div className="lightbox-tools">
          {!isVideo && (
            <>
              <button
                type="button"
                className="icon-button"
                onClick={() => zoomBy(1 / STEP)}
                aria-disabled={zoom <= MIN_ZOOM}
                aria-label="Zoom out"
              >
                <Icon name="zoomOut" />
              </button>
              <span className="lightbox-zoom" aria-live="polite">
                {Math.round(zoom * 100)}%
              </span>
              <button
                type="button"
                className="icon-button"
                onClick={() => zoomBy(STEP)}
                aria-disabled={zoom >= MAX_ZOOM}
                aria-label="Zoom in"
              >
                <Icon name="zoomIn" />
              </button>
            </>
          )}
          <button
            type="button"
            className="icon-button"
            onClick={save}
            disabled={!attachment?.hash}
            aria-label="Save as…"
            title="Save as…"
          >
            <Icon name="save" />
          </button>
          <button
            type="button"
            className="icon-button"
            onClick={() => onShowInChat(item.messageId)}
            aria-label="Show in chat"
            title="Show in chat"
          >
            <Icon name="goTo" />
          </button>
          <button
            type="button"
            className="icon-button"
            onClick={onClose}
            aria-label="Close"
            title="Close (Esc)"
            autoFocus
          >
            <Icon name="close" />
          </button>
        </div>
      </div>
      <div className="lightbox-stage" onWheel={onWheel}>
        <button
          type="button"
          className="lightbox-nav prev"
          onClick={() => step(1)}
          // aria-disabled, not disabled: a focused button that became disabled would drop focus
          // out of the viewer, and its arrow keys with it.
          aria-disabled={!canOlder}
          aria-label="Previous (older)"
        >
          <Icon name="left" size={28} />
        </button>
        {attachment?.hash ? (
          isVideo ? (
            <video
              key={attachment.id}
              className="lightbox-media"
              src={mediaUrl(attachment.hash)}
              controls
              autoPlay
              aria-label={`${kind} ${attachment.fileName ?? ''}`.trim()}
            />
          ) : (
            <img
              key={attachment.id}
              className={`lightbox-media${zoom > 1 ? ' zoomed' : ''}`}
              src={mediaUrl(attachment.hash)}
              alt={attachment.fileName ?? kind}
              draggable={false}
              style={{ transform: `translate(${pan.x}px, ${pan.y}px) scale(${zoom})` }}
              onDoubleClick={() => (zoom > 1 ? resetZoom() : setZoom(2))}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={() => (drag.current = null)}
            />
          )
        ) : (
          <p className="lightbox-missing">
            This {kind.toLowerCase()} was not included in the export.
          </p>
        )}
        <button
          type="button"
          className="lightbox-nav next"
          onClick={() => step(-1)}
          aria-disabled={!canNewer}
          aria-label="Next (newer)"
        >
          <Icon name="right" size={28} />
        </button>
      </div>
    </dialog>
  );
}
