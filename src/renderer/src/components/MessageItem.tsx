import type { AttachmentView, ChatKind, MessageView } from '../../../shared/chat-types';
import { dayKey, formatBytes, formatDay, formatTime } from '../format';

const MEDIA_NAMES: Record<AttachmentView['mediaType'], string> = {
  photo: 'Photo',
  video: 'Video',
  audio: 'Audio',
  voice: 'Voice message',
  document: 'Document',
  sticker: 'Sticker',
  gif: 'GIF',
};

function Attachment({
  attachment,
  mediaBaseUrl,
}: {
  attachment: AttachmentView;
  mediaBaseUrl: string;
}) {
  const name = attachment.fileName ?? MEDIA_NAMES[attachment.mediaType];
  if (!attachment.hash) {
    return (
      <div className="media-missing">
        {MEDIA_NAMES[attachment.mediaType]} not included in the export ({name})
      </div>
    );
  }
  const src = `${mediaBaseUrl}${attachment.hash}`;
  switch (attachment.mediaType) {
    case 'photo':
    case 'sticker':
    case 'gif':
      return (
        <img
          className="media-image"
          src={src}
          alt={attachment.fileName ?? MEDIA_NAMES[attachment.mediaType]}
          width={attachment.width ?? undefined}
          height={attachment.height ?? undefined}
          loading="lazy"
        />
      );
    case 'video':
      return (
        <video className="media-image" src={src} controls preload="metadata" aria-label={name} />
      );
    case 'audio':
    case 'voice':
      return <audio src={src} controls preload="none" aria-label={name} />;
    default:
      return (
        <a className="file-chip" href={src} download={attachment.fileName ?? undefined}>
          <span aria-hidden="true">📄</span>
          <span>{name}</span>
          <span className="chat-time">{formatBytes(attachment.size)}</span>
        </a>
      );
  }
}

interface Props {
  message: MessageView;
  previous: MessageView | undefined;
  chatType: ChatKind;
  mediaBaseUrl: string;
  highlighted: boolean;
  onOpenReply(messageId: number): void;
}

export function MessageItem({
  message,
  previous,
  chatType,
  mediaBaseUrl,
  highlighted,
  onOpenReply,
}: Props) {
  const newDay = !previous || dayKey(previous.sentAt) !== dayKey(message.sentAt);
  const mine = message.sender === null && message.kind !== 'system';
  return (
    <>
      {newDay && (
        <div className="date-separator" role="separator">
          {formatDay(message.sentAt)}
        </div>
      )}
      {message.kind === 'system' ? (
        <div className={`system${highlighted ? ' bubble highlight' : ''}`}>{message.text}</div>
      ) : (
        <div
          className={`bubble${highlighted ? ' highlight' : ''}`}
          aria-label={`${message.sender?.name ?? 'You'}, ${formatTime(message.sentAt)}`}
        >
          {chatType === 'group' && !mine && message.sender && (
            <div className="sender">{message.sender.name}</div>
          )}
          {message.replyTo && (
            <button
              type="button"
              className="quote"
              onClick={() => onOpenReply(message.replyTo!.id)}
              title="Show the message this replies to"
            >
              <strong>{message.replyTo.senderName ?? 'You'}</strong> {message.replyTo.excerpt}
            </button>
          )}
          {message.attachments.map((a) => (
            <Attachment key={a.id} attachment={a} mediaBaseUrl={mediaBaseUrl} />
          ))}
          {message.kind === 'deleted' ? (
            <em className="media-missing">This message was deleted</em>
          ) : (
            message.text
          )}
          <span className="meta">
            {message.editedAt ? 'edited · ' : ''}
            {formatTime(message.sentAt)}
          </span>
          {message.reactions.length > 0 && (
            <div className="reactions" aria-label="Reactions">
              {message.reactions.map((r) => (
                <span key={r.emoji} className="reaction" title={r.mine ? 'You reacted' : undefined}>
                  {r.emoji} {r.count > 1 ? r.count : ''}
                </span>
              ))}
            </div>
          )}
        </div>
      )}
    </>
  );
}
