import type { AttachmentView, MessageView } from '../../../../../shared/chat-types';
import { formatBytes, formatClock } from '../../../ui/format';
import { Icon } from '../../../ui/Icon';
import { useMessageActions } from './actions';
import { MEDIA_NAMES } from './labels';
import { VoicePlayer } from './VoicePlayer';

const MAX_W = 300;
const MAX_H = 340;
const TILE = 148;

/** The box a photo or video takes in its bubble: its own shape, scaled into the bubble. */
export function mediaBox(a: Pick<AttachmentView, 'width' | 'height'>): {
  width: number;
  height: number;
} {
  const w = a.width ?? 0;
  const h = a.height ?? 0;
  if (w <= 0 || h <= 0) return { width: 240, height: 180 };
  const scale = Math.min(MAX_W / w, MAX_H / h, 1);
  // Very thin images still get a tappable size.
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

function Missing({ attachment }: { attachment: AttachmentView }) {
  return (
    <div className="media-missing">
      <Icon name={attachment.mediaType === 'document' ? 'file' : 'media'} size={18} />
      <span>
        {MEDIA_NAMES[attachment.mediaType]} not included in the export
        {attachment.fileName ? ` (${fileNameOf(attachment)})` : ''}
      </span>
    </div>
  );
}

function VisualTile({
  message,
  attachment,
  index,
  single,
}: {
  message: MessageView;
  attachment: AttachmentView;
  index: number;
  single: boolean;
}) {
  const { mediaUrl, openMedia } = useMessageActions();
  const box = single ? mediaBox(attachment) : { width: TILE, height: TILE };
  const name = attachment.fileName ?? MEDIA_NAMES[attachment.mediaType];
  if (!attachment.hash) {
    return (
      <div className="media-tile media-tile-missing" style={box}>
        <Icon name="media" size={28} />
        <span>
          {MEDIA_NAMES[attachment.mediaType]} not included in the export{' '}
          {attachment.fileName && <span className="media-tile-name">{fileNameOf(attachment)}</span>}
        </span>
      </div>
    );
  }
  const src = mediaUrl(attachment.hash);
  const video = attachment.mediaType === 'video' || attachment.mime.startsWith('video/');
  return (
    <button
      type="button"
      className="media-tile"
      style={box}
      onClick={() => openMedia(message, index)}
      aria-label={`Open ${MEDIA_NAMES[attachment.mediaType].toLowerCase()} ${name}`}
    >
      {video ? (
        <>
          <video
            className="media-fill"
            src={`${src}#t=0.1`}
            preload="metadata"
            muted
            playsInline
            loop={attachment.mediaType === 'gif'}
            autoPlay={attachment.mediaType === 'gif'}
            aria-hidden="true"
            tabIndex={-1}
          />
          {attachment.mediaType === 'video' && (
            <span className="media-play" aria-hidden="true">
              <Icon name="play" size={22} />
            </span>
          )}
          {attachment.durationMs ? (
            <span className="media-badge">{formatClock(attachment.durationMs)}</span>
          ) : attachment.mediaType === 'gif' ? (
            <span className="media-badge">GIF</span>
          ) : null}
        </>
      ) : (
        <img
          className="media-fill"
          src={src}
          alt={name}
          width={box.width}
          height={box.height}
          loading="lazy"
          decoding="async"
          draggable={false}
        />
      )}
    </button>
  );
}

function DocumentChip({ attachment }: { attachment: AttachmentView }) {
  const { saveAttachment } = useMessageActions();
  const name = fileNameOf(attachment);
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(name)?.[1]?.toUpperCase() ?? 'FILE';
  return (
    <div className="doc">
      <span className="doc-icon" aria-hidden="true">
        <Icon name="file" size={26} />
        <span className="doc-ext">{ext}</span>
      </span>
      <span className="doc-text">
        <span className="doc-name" dir="auto" title={name}>
          {name}
        </span>
        <span className="doc-size">
          {formatBytes(attachment.size)} · {ext}
        </span>
      </span>
      {attachment.hash ? (
        <button
          type="button"
          className="icon-button doc-save"
          onClick={() => saveAttachment(attachment.id)}
          aria-label={`Save ${name}…`}
          title="Save as…"
        >
          <Icon name="save" />
        </button>
      ) : (
        <span className="doc-missing">Not included</span>
      )}
    </div>
  );
}

/** A message's attachments: photo and video grid, stickers, players, documents. */
export function MediaBody({ message }: { message: MessageView }) {
  const { mediaUrl } = useMessageActions();
  const visual = message.attachments.map((a, i) => ({ a, i })).filter(({ a }) => isVisual(a));
  const others = message.attachments.map((a, i) => ({ a, i })).filter(({ a }) => !isVisual(a));
  return (
    <>
      {visual.length > 0 && (
        <div className={`media-grid${visual.length > 1 ? ' album' : ''}`}>
          {visual.map(({ a, i }) => (
            <VisualTile
              key={a.id}
              message={message}
              attachment={a}
              index={i}
              single={visual.length === 1}
            />
          ))}
        </div>
      )}
      {others.map(({ a }) => {
        if (a.mediaType === 'sticker') {
          return a.hash ? (
            <img
              key={a.id}
              className="sticker"
              src={mediaUrl(a.hash)}
              alt="Sticker"
              width={160}
              height={160}
              loading="lazy"
              draggable={false}
            />
          ) : (
            <Missing key={a.id} attachment={a} />
          );
        }
        if (a.mediaType === 'voice' || a.mediaType === 'audio') {
          return a.hash ? (
            <VoicePlayer
              key={a.id}
              attachment={{ ...a, hash: a.hash }}
              label={a.mediaType === 'voice' ? 'voice message' : fileNameOf(a)}
            />
          ) : (
            <Missing key={a.id} attachment={a} />
          );
        }
        return <DocumentChip key={a.id} attachment={a} />;
      })}
    </>
  );
}
