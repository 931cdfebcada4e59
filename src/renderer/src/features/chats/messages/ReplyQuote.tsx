import type { ReplyView } from '../../../../../shared/chat-types';
import { tintOf } from '../../../ui/tint';
import { useMessageActions } from './actions';
import { attachmentLabel, describeMessage } from './labels';

/**
 * The quoted message above a reply: who wrote it and what it was, a photo's thumbnail or a
 * voice note's length included ("🎤 Voice message 0:12"). Clicking it shows the quoted message.
 */
export function ReplyQuote({ reply, senderKey }: { reply: ReplyView; senderKey: string | number }) {
  const { openMessage, mediaUrl } = useMessageActions();
  const who = reply.senderName ?? 'You';
  const a = reply.attachment;
  const thumb =
    a?.hash &&
    (a.mediaType === 'photo' ||
      a.mediaType === 'sticker' ||
      (a.mediaType === 'gif' && a.mime.startsWith('image/')))
      ? mediaUrl(a.hash)
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
  return (
    <button
      type="button"
      className={`quote tint-${tintOf(senderKey)}`}
      onClick={() => openMessage(reply.id)}
      aria-label={`Reply to ${who}: ${what}. Show the message`}
    >
      <span className="quote-text">
        <span className="quote-who">{who}</span>
        <span className="quote-what" dir="auto">
          {what || '…'}
        </span>
      </span>
      {thumb && (
        <img className="quote-thumb" src={thumb} alt="" width={40} height={40} loading="lazy" />
      )}
    </button>
  );
}

/** A reply whose quoted message is not in Chatkeep (not in this export). */
export function MissingQuote() {
  return (
    <div className="quote quote-missing">
      <span className="quote-text">
        <span className="quote-what">Replying to a message that is not in Chatkeep</span>
      </span>
    </div>
  );
}
