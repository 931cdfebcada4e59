import { render } from '@testing-library/react';
import type { AttachmentView, MessageView } from '../../../../../shared/chat-types';
import { MessageActionsContext, type MessageActions } from '../messages/actions';
import { Message, type RunPlace } from '../messages/Message';

/** What the message asked of the conversation around it, in order. */
export type Call = [keyof MessageActions, ...unknown[]];

/**
 * Render one message inside a conversation that records what the message asks of it (open a
 * link, show media, save a file), so a test sees exactly what a click asked for.
 */
export function renderMessage(
  message: MessageView,
  opts: {
    chatType?: 'direct' | 'group';
    run?: RunPlace;
    terms?: string[];
    highlighted?: boolean;
  } = {},
) {
  const calls: Call[] = [];
  const actions: MessageActions = {
    mediaUrl: (hash) => `media://${hash}`,
    openLink: (url) => void calls.push(['openLink', url]),
    openMedia: (m, i) => void calls.push(['openMedia', m.id, i]),
    openMessage: (id) => void calls.push(['openMessage', id]),
    saveAttachment: (id) => void calls.push(['saveAttachment', id]),
  };
  const result = render(
    <MessageActionsContext.Provider value={actions}>
      <Message
        message={message}
        chatType={opts.chatType ?? 'group'}
        run={opts.run ?? { firstInRun: true, lastInRun: true }}
        terms={opts.terms}
        highlighted={opts.highlighted}
      />
    </MessageActionsContext.Provider>,
  );
  return { ...result, calls };
}

const T = Date.UTC(2025, 5, 14, 16, 28);
let nextId = 1;

export function msg(over: Partial<MessageView> = {}): MessageView {
  return {
    id: nextId++,
    chatId: 1,
    sender: { id: 7, name: 'Ana Sousa' },
    sentAt: T,
    text: null,
    kind: 'text',
    replyTo: null,
    replyToKey: null,
    editedAt: null,
    reactions: [],
    attachments: [],
    extra: null,
    ...over,
  };
}

export function att(over: Partial<AttachmentView> = {}): AttachmentView {
  return {
    id: nextId++,
    mediaType: 'photo',
    mime: 'image/jpeg',
    size: 123_456,
    hash: 'a'.repeat(64),
    fileName: 'IMG_0001.jpg',
    width: 1600,
    height: 1200,
    durationMs: null,
    ...over,
  };
}
