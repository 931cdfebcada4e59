// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatSummary } from '../../../../../shared/chat-types';
import { ChatRow, previewOf } from './ChatRow';
import { describeSource } from './SourceBadge';

afterEach(cleanup);

const chat = (over: Partial<ChatSummary> = {}): ChatSummary => ({
  id: 1,
  title: 'Ana Sousa',
  type: 'direct',
  sourceKind: 'telegram',
  sourceLabel: 'Telegram: Alex',
  messageCount: 3,
  lastMessage: {
    id: 9,
    sentAt: Date.now(),
    senderName: null,
    kind: 'text',
    preview: 'Thanks!',
    mediaType: null,
  },
  ...over,
});

describe('chat list rows', () => {
  it('show initials, the name, the preview and where the chat came from', () => {
    render(<ChatRow chat={chat()} />);
    expect(screen.getByText('AS')).toBeTruthy();
    expect(screen.getByText('Ana Sousa')).toBeTruthy();
    expect(screen.getByText('You: Thanks!')).toBeTruthy();
    expect(screen.getByLabelText('From Telegram: Alex').textContent).toBe('Telegram');
  });

  it('tell two chats of the same name apart by their source', () => {
    render(
      <>
        <ChatRow chat={chat()} />
        <ChatRow
          chat={chat({ id: 2, sourceKind: 'whatsapp', sourceLabel: 'WhatsApp (phone backup)' })}
        />
      </>,
    );
    expect(screen.getAllByText('Ana Sousa')).toHaveLength(2);
    expect(screen.getByText('Telegram')).toBeTruthy();
    expect(screen.getByText('WhatsApp')).toBeTruthy();
  });

  it('preview special kinds in words, with the sender in groups', () => {
    const last = {
      id: 1,
      sentAt: 0,
      kind: 'contact' as const,
      preview: 'Ricardo',
      mediaType: null,
    };
    expect(
      previewOf(chat({ type: 'group', lastMessage: { ...last, senderName: 'Ben Okafor' } })),
    ).toBe('Ben: 👤 Ricardo');
    expect(
      previewOf(
        chat({
          lastMessage: {
            ...last,
            kind: 'media',
            preview: '',
            mediaType: 'voice',
            senderName: 'Ana',
          },
        }),
      ),
    ).toBe('🎤 Voice message');
    expect(previewOf(chat({ lastMessage: null }))).toBe('No messages');
  });

  it('name sources and accounts', () => {
    expect(describeSource('whatsapp', 'WhatsApp (phone backup)')).toEqual({
      name: 'WhatsApp',
      account: 'phone backup',
    });
    expect(describeSource('telegram', 'Telegram: Alex')).toEqual({
      name: 'Telegram',
      account: 'Alex',
    });
    expect(describeSource('whatsapp', 'WhatsApp on iPhone').name).toBe('iPhone');
    expect(describeSource('seed', 'Generated sample data').name).toBe('Sample');
  });
});
