import type { ChatKind, MessageView } from '../../../../../shared/chat-types';
import { readContact, readLocation, readPoll } from '../../../../../shared/message-extra';
import { Avatar } from '../../../ui/Avatar';
import { emojiOnlyCount } from '../../../ui/emoji';
import { formatDateTime, formatTime } from '../../../ui/format';
import { Icon } from '../../../ui/Icon';
import { tintOf } from '../../../ui/tint';
import { ContactCard } from './ContactCard';
import { LocationCard } from './LocationCard';
import { MediaBody } from './MediaBody';
import { PollCard } from './PollCard';
import { Reactions } from './Reactions';
import { MissingQuote, ReplyQuote } from './ReplyQuote';
import { LinkCard, RichText } from './RichText';
import { SystemLine } from './SystemLine';

export interface RunPlace {
  /** First of consecutive messages from one sender: the name shows here. */
  firstInRun: boolean;
  /** Last of the run: the avatar and the bubble's tail show here. */
  lastInRun: boolean;
}

interface Props {
  message: MessageView;
  chatType: ChatKind;
  run: RunPlace;
  highlighted?: boolean;
  /** Folded search words to mark in the text. */
  terms?: string[];
}

/** A location message's text is WhatsApp's "location: https://maps..." line: the card says it. */
function captionOf(message: MessageView): string | null {
  const text = message.text?.trim() || null;
  if (!text) return null;
  switch (message.kind) {
    case 'location':
      return /^location:\s*https?:\/\/\S+$/i.test(text) ? null : text;
    case 'contact':
    case 'poll':
      // The text is the contact's name or the poll's question, which the card shows.
      return null;
    case 'deleted':
      return null;
    default:
      return text;
  }
}

function Body({ message, terms }: { message: MessageView; terms: string[] }) {
  switch (message.kind) {
    case 'location': {
      const place = readLocation(message.extra);
      return place ? <LocationCard place={place} /> : null;
    }
    case 'contact': {
      const card = readContact(message.extra, message.text);
      return card ? <ContactCard contact={card} /> : null;
    }
    case 'poll': {
      const poll = readPoll(message.extra, message.text);
      return poll ? <PollCard poll={poll} /> : <RichText text={message.text ?? ''} terms={terms} />;
    }
    case 'deleted':
      return (
        <span className="deleted">
          <Icon name="ban" size={15} />
          This message was deleted
        </span>
      );
    default:
      return message.attachments.length > 0 ? <MediaBody message={message} /> : null;
  }
}

/**
 * One message as WhatsApp, Signal and Telegram Desktop draw it: a bubble sized to its content,
 * own messages on the right; in groups the sender's name (in their colour) on the first message
 * of a run and their avatar beside the last, where the bubble's tail is; time and "edited" in the
 * bubble's corner; stickers and a few emoji large, without a bubble.
 */
export function Message({ message, chatType, run, highlighted = false, terms = [] }: Props) {
  if (message.kind === 'system') return <SystemLine message={message} highlighted={highlighted} />;
  const mine = message.sender === null;
  const group = chatType === 'group';
  const senderName = message.sender?.name ?? 'You';
  // Colours go by name, so a quote (which knows only the name) matches its author's colour.
  const senderKey = message.sender?.name ?? 'me';
  const caption = captionOf(message);
  const emoji = message.kind === 'text' && !message.replyTo ? emojiOnlyCount(caption) : 0;
  const stickerOnly =
    message.attachments.length === 1 &&
    message.attachments[0]?.mediaType === 'sticker' &&
    message.attachments[0].hash !== null &&
    !caption &&
    !message.replyTo;
  const bare = emoji > 0 || stickerOnly;
  const visualOnly =
    !caption &&
    !message.replyTo &&
    message.attachments.length > 0 &&
    message.attachments.every(
      (a) =>
        a.hash && (a.mediaType === 'photo' || a.mediaType === 'video' || a.mediaType === 'gif'),
    );
  const showName = group && !mine && run.firstInRun;
  const time = formatTime(message.sentAt);
  const meta = `${message.editedAt ? 'edited ' : ''}${time}`;
  const classes = [
    'bubble',
    bare ? 'bare' : '',
    visualOnly ? 'visual-only' : '',
    run.lastInRun && !bare ? 'tail' : '',
    highlighted ? 'highlight' : '',
    message.kind === 'deleted' ? 'is-deleted' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      className={`msg ${mine ? 'out' : 'in'}${run.firstInRun ? ' run-first' : ''}${run.lastInRun ? ' run-last' : ''}`}
    >
      {group && !mine && (
        <div className="msg-avatar">
          {run.lastInRun && <Avatar name={senderName} colorKey={senderKey} size="sm" />}
        </div>
      )}
      <div className="msg-column">
        <div className={classes} data-kind={message.kind}>
          {showName ? (
            <div className={`sender tint-${tintOf(senderKey)}`} dir="auto">
              {senderName}
            </div>
          ) : (
            <span className="sr-only">{senderName}: </span>
          )}
          {message.replyTo ? (
            <ReplyQuote reply={message.replyTo} senderKey={message.replyTo.senderName ?? 'me'} />
          ) : message.replyToKey ? (
            <MissingQuote />
          ) : null}
          <Body message={message} terms={terms} />
          {caption && (
            <div className={`msg-text${emoji ? ` emoji-${emoji}` : ''}`} dir="auto">
              <span className="msg-body-text">
                <RichText text={caption} terms={terms} />
              </span>
              {!bare && (
                <span className="meta-spacer" aria-hidden="true">
                  {meta}
                </span>
              )}
            </div>
          )}
          {caption && message.kind === 'text' && !emoji && <LinkCard text={caption} />}
          <span
            className={`meta${visualOnly || bare ? ' meta-float' : ''}`}
            title={formatDateTime(message.sentAt)}
          >
            {message.editedAt && <span className="meta-edited">edited</span>}
            <time dateTime={new Date(message.sentAt).toISOString()}>{time}</time>
          </span>
        </div>
        <Reactions reactions={message.reactions} />
      </div>
    </div>
  );
}
