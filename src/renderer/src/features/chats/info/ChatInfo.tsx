import { useEffect, useState } from 'react';
import type { ChatDetail, ChatMediaSummary, MediaKind } from '../../../../../shared/chat-types';
import { api } from '../../../api';
import { Avatar } from '../../../ui/Avatar';
import { formatBytes, formatDateTime, formatCount, plural } from '../../../ui/format';
import { Icon } from '../../../ui/Icon';
import { describeSource, SourceBadge } from '../list/SourceBadge';

const MEDIA_ROWS: { kind: MediaKind; one: string; many: string }[] = [
  { kind: 'photo', one: 'photo', many: 'photos' },
  { kind: 'video', one: 'video', many: 'videos' },
  { kind: 'voice', one: 'voice message', many: 'voice messages' },
  { kind: 'audio', one: 'audio file', many: 'audio files' },
  { kind: 'document', one: 'document', many: 'documents' },
  { kind: 'gif', one: 'GIF', many: 'GIFs' },
  { kind: 'sticker', one: 'sticker', many: 'stickers' },
];

/**
 * Who is in the chat, where it came from (source and account), its first and last message, how
 * many messages and media it holds and how much space they take.
 */
export function ChatInfo({ chatId, onOpenGallery }: { chatId: number; onOpenGallery(): void }) {
  const [chat, setChat] = useState<ChatDetail | null>(null);
  const [media, setMedia] = useState<ChatMediaSummary | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void api.invoke('chats.get', { chatId }).then(
      (c) => live && setChat(c),
      (e: Error) => live && setError(e.message),
    );
    void api.invoke('chats.mediaSummary', { chatId }).then(
      (m) => live && setMedia(m),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [chatId]);

  if (error) return <p className="notice error">{error}</p>;
  if (!chat) return <p className="notice">Loading…</p>;
  const source = describeSource(chat.sourceKind, chat.sourceLabel);
  const mediaRows = media ? MEDIA_ROWS.filter((r) => media.media[r.kind].count > 0) : [];
  return (
    <div className="chat-info">
      <div className="chat-info-head">
        <Avatar name={chat.title} colorKey={`chat:${chat.title}`} size="xl" />
        <h3 dir="auto">{chat.title}</h3>
        <p className="chat-info-sub">
          {chat.type === 'group'
            ? `Group · ${plural(chat.members.length + 1, 'member')}`
            : 'Direct chat'}
        </p>
        <SourceBadge kind={chat.sourceKind} label={chat.sourceLabel} />
      </div>
      <dl className="facts chat-info-facts">
        <dt>Source</dt>
        <dd>
          {source.name}
          {source.account && source.account !== source.name ? ` · ${source.account}` : ''}
        </dd>
        <dt>Messages</dt>
        <dd>{formatCount(chat.messageCount)}</dd>
        {chat.firstSentAt && (
          <>
            <dt>First</dt>
            <dd>{formatDateTime(chat.firstSentAt)}</dd>
          </>
        )}
        {chat.lastSentAt && (
          <>
            <dt>Last</dt>
            <dd>{formatDateTime(chat.lastSentAt)}</dd>
          </>
        )}
        {media && (
          <>
            <dt>Media</dt>
            <dd>
              {mediaRows.length === 0
                ? 'None'
                : `${formatCount(mediaRows.reduce((n, r) => n + media.media[r.kind].count, 0))} files · ${formatBytes(media.bytes)}`}
            </dd>
          </>
        )}
      </dl>
      {mediaRows.length > 0 && (
        <ul className="chat-info-media">
          {mediaRows.map((r) => {
            const m = media!.media[r.kind];
            return (
              <li key={r.kind}>
                <span>{plural(m.count, r.one, r.many)}</span>
                <span className="chat-info-size">
                  {formatBytes(m.bytes)}
                  {m.included < m.count
                    ? ` · ${formatCount(m.count - m.included)} not included`
                    : ''}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      <button type="button" className="button chat-info-gallery" onClick={onOpenGallery}>
        <Icon name="media" size={18} />
        Media, links and docs
      </button>
      <h4 className="chat-info-members-title">{chat.type === 'group' ? 'Members' : 'Contact'}</h4>
      <ul className="chat-info-members">
        {chat.members.map((m) => (
          <li key={m.id}>
            <Avatar name={m.name} colorKey={m.name} size="sm" />
            <span className="member-text">
              <span className="member-name" dir="auto">
                {m.name}
              </span>
              {(m.phone ?? m.handle) && (
                <span className="member-sub" dir="ltr">
                  {[m.phone, m.handle].filter(Boolean).join(' · ')}
                </span>
              )}
            </span>
          </li>
        ))}
        {chat.type === 'group' && (
          <li>
            <Avatar name="You" colorKey="me" size="sm" />
            <span className="member-text">
              <span className="member-name">You</span>
            </span>
          </li>
        )}
      </ul>
    </div>
  );
}
