import type { ChatSummary } from '../../../../../shared/chat-types';
import { Avatar } from '../../../ui/Avatar';
import { formatListTime } from '../../../ui/format';
import { describeMessage } from '../messages/labels';
import { SourceBadge } from './SourceBadge';

/** "Ana: See you there", "You: 📷 Photo", or the text alone in a one-to-one chat. */
export function previewOf(chat: ChatSummary): string {
  const last = chat.lastMessage;
  if (!last) return 'No messages';
  const body = describeMessage({
    kind: last.kind,
    text: last.preview,
    mediaType: last.mediaType,
  });
  if (last.kind === 'system') return body;
  if (last.senderName === null) return `You: ${body}`;
  return chat.type === 'group' ? `${last.senderName.split(' ')[0]}: ${body}` : body;
}

/** One chat in the list: avatar, name, when, what was said last, and where it came from. */
export function ChatRow({ chat }: { chat: ChatSummary }) {
  const when = chat.lastMessage ? formatListTime(chat.lastMessage.sentAt) : '';
  return (
    <>
      <Avatar name={chat.title} colorKey={`chat:${chat.title}`} size="md" />
      <span className="chat-row-main">
        <span className="chat-row-top">
          <span className="chat-title" dir="auto">
            {chat.title}
          </span>
          <span className="chat-time">{when}</span>
        </span>
        <span className="chat-row-bottom">
          <span className="chat-preview" dir="auto">
            {previewOf(chat)}
          </span>
          <SourceBadge kind={chat.sourceKind} label={chat.sourceLabel} />
        </span>
      </span>
    </>
  );
}
