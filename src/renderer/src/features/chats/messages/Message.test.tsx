// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { att, msg, renderMessage } from '../testing/render-message';

/** Every kind of message, drawn as the conversation draws it, and what clicking it asks for. */

afterEach(cleanup);

const bubbleOf = (container: HTMLElement) => container.querySelector('.bubble') as HTMLElement;

describe('text', () => {
  it('shows the text with its own direction, the time and the sender once per run', () => {
    const { container } = renderMessage(msg({ text: 'Hello there' }), {
      run: { firstInRun: true, lastInRun: false },
    });
    const text = screen.getByText('Hello there');
    expect(text.closest('.msg-text')?.getAttribute('dir')).toBe('auto');
    expect(container.querySelector('.sender')?.textContent).toBe('Ana Sousa');
    expect(container.querySelector('time')?.getAttribute('datetime')).toBe(
      '2025-06-14T16:28:00.000Z',
    );
    // Not the last of its run: no tail and no avatar.
    expect(bubbleOf(container).classList.contains('tail')).toBe(false);
    expect(container.querySelector('.msg-avatar .avatar')).toBeNull();
  });

  it('leaves the name out inside a run (for screen readers it stays) and puts the tail and avatar on the last', () => {
    const { container } = renderMessage(msg({ text: 'and more' }), {
      run: { firstInRun: false, lastInRun: true },
    });
    expect(container.querySelector('.sender')).toBeNull();
    expect(container.querySelector('.sr-only')?.textContent).toBe('Ana Sousa: ');
    expect(bubbleOf(container).classList.contains('tail')).toBe(true);
    expect(container.querySelector('.msg-avatar .avatar')?.textContent).toBe('AS');
  });

  it('shows own messages on the right without a name or avatar', () => {
    const { container } = renderMessage(msg({ sender: null, text: 'Mine' }));
    expect(container.querySelector('.msg')?.classList.contains('out')).toBe(true);
    expect(container.querySelector('.sender')).toBeNull();
    expect(container.querySelector('.msg-avatar')).toBeNull();
  });

  it('names nobody in a one-to-one chat', () => {
    const { container } = renderMessage(msg({ text: 'Hi' }), { chatType: 'direct' });
    expect(container.querySelector('.sender')).toBeNull();
    expect(container.querySelector('.msg-avatar')).toBeNull();
  });

  it('opens links through the conversation (never by navigating) and shows their domain', () => {
    const { calls } = renderMessage(
      msg({ text: 'Tickets: https://www.example.com/buy?x=1 thanks' }),
    );
    const link = screen.getByRole('link', { name: 'https://www.example.com/buy?x=1' });
    expect(link.getAttribute('href')).toBe('https://www.example.com/buy?x=1');
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    link.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    expect(calls).toEqual([['openLink', 'https://www.example.com/buy?x=1']]);
    expect(screen.getByText('example.com')).toBeTruthy();
  });

  it('marks search words, ignoring case and accents', () => {
    const { container } = renderMessage(msg({ text: 'Café at CAFE Central' }), {
      terms: ['cafe'],
    });
    expect([...container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual([
      'Café',
      'CAFE',
    ]);
  });

  it('draws a few emoji large and without a bubble', () => {
    const { container } = renderMessage(msg({ text: '🎉🥳' }));
    expect(bubbleOf(container).classList.contains('bare')).toBe(true);
    expect(container.querySelector('.msg-text')?.classList.contains('emoji-2')).toBe(true);
  });

  it('says when a message was edited, and shows reactions with whether they include yours', () => {
    renderMessage(
      msg({
        text: 'Fixed',
        editedAt: Date.UTC(2025, 5, 14, 16, 30),
        reactions: [
          { emoji: '👍', count: 2, mine: true },
          { emoji: '❤️', count: 1, mine: false },
        ],
      }),
    );
    expect(screen.getByText('edited')).toBeTruthy();
    const reactions = screen.getByRole('list', { name: 'Reactions' });
    expect(within(reactions).getByLabelText('👍 2 reactions, yours among them')).toBeTruthy();
    expect(within(reactions).getByLabelText('❤️ 1 reaction')).toBeTruthy();
  });

  it('gives right-to-left text its direction', () => {
    renderMessage(msg({ text: 'مرحبا! كيف حالك؟' }));
    expect(screen.getByText('مرحبا! كيف حالك؟').closest('[dir]')?.getAttribute('dir')).toBe('auto');
  });
});

describe('media', () => {
  it('shows a photo at its shape and opens the viewer on click', () => {
    const photo = att({ width: 1600, height: 1200 });
    const message = msg({ kind: 'media', attachments: [photo] });
    const { calls, container } = renderMessage(message);
    const img = screen.getByRole('img', { name: 'IMG_0001.jpg' });
    expect(img.getAttribute('src')).toBe(`media://${photo.hash}`);
    expect([img.getAttribute('width'), img.getAttribute('height')]).toEqual(['300', '225']);
    expect(bubbleOf(container).classList.contains('visual-only')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: /Open photo/ }));
    expect(calls).toEqual([['openMedia', message.id, 0]]);
  });

  it('lays an album out as a grid and opens the photo clicked', () => {
    const message = msg({
      kind: 'media',
      text: 'Views',
      attachments: [att({ fileName: 'a.jpg' }), att({ fileName: 'b.jpg' })],
    });
    const { calls, container } = renderMessage(message);
    expect(container.querySelector('.media-grid.album')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Open photo b.jpg' }));
    expect(calls).toEqual([['openMedia', message.id, 1]]);
    expect(screen.getByText('Views')).toBeTruthy();
  });

  it('says when a photo was not included in the export', () => {
    renderMessage(msg({ kind: 'media', attachments: [att({ hash: null })] }));
    expect(screen.getByText(/Photo not included in the export/).textContent).toBe(
      'Photo not included in the export IMG_0001.jpg',
    );
    expect(screen.queryByRole('button', { name: /Open photo/ })).toBeNull();
  });

  it('shows a video with its length and a play mark', () => {
    const { container } = renderMessage(
      msg({
        kind: 'media',
        attachments: [att({ mediaType: 'video', mime: 'video/mp4', durationMs: 83_000 })],
      }),
    );
    expect(container.querySelector('video')?.getAttribute('preload')).toBe('metadata');
    expect(screen.getByText('1:23')).toBeTruthy();
    expect(screen.getByRole('button', { name: /Open video/ })).toBeTruthy();
  });

  it('shows a sticker large and without a bubble', () => {
    const { container } = renderMessage(
      msg({ kind: 'media', attachments: [att({ mediaType: 'sticker', mime: 'image/webp' })] }),
    );
    expect(screen.getByRole('img', { name: 'Sticker' })).toBeTruthy();
    expect(bubbleOf(container).classList.contains('bare')).toBe(true);
  });

  it('shows a voice note with its length before it plays, and a speed control', () => {
    const { container } = renderMessage(
      msg({
        kind: 'media',
        attachments: [att({ mediaType: 'voice', mime: 'audio/ogg', durationMs: 12_340 })],
      }),
    );
    expect(screen.getByTestId('voice-duration').textContent).toBe('0:12');
    expect(container.querySelector('audio')?.getAttribute('preload')).toBe('none');
    expect(screen.getByRole('button', { name: 'Play voice message' })).toBeTruthy();
    const speed = screen.getByRole('button', { name: /Playback speed 1×/ });
    fireEvent.click(speed);
    expect(speed.textContent).toBe('1.5×');
    fireEvent.click(speed);
    expect(speed.textContent).toBe('2×');
    fireEvent.click(speed);
    expect(speed.textContent).toBe('1×');
    expect(
      screen.getByRole('slider', { name: 'Position in voice message' }).getAttribute('max'),
    ).toBe('12340');
  });

  it('offers "Save as…" for a document, with its name, size and type', () => {
    const doc = att({
      mediaType: 'document',
      mime: 'application/pdf',
      fileName: 'Porto itinerary.pdf',
      size: 2048,
    });
    const { calls } = renderMessage(msg({ kind: 'media', attachments: [doc] }));
    expect(screen.getByText('Porto itinerary.pdf')).toBeTruthy();
    expect(screen.getByText('2.0 KB · PDF')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save Porto itinerary.pdf…' }));
    expect(calls).toEqual([['saveAttachment', doc.id]]);
  });
});

describe('special kinds', () => {
  it('shows a location as a card with the place, coordinates and "Open in maps"', () => {
    const { calls } = renderMessage(
      msg({
        kind: 'location',
        text: 'location: https://maps.google.com/?q=41.14077,-8.61309',
        extra: { lat: 41.14077, lon: -8.61309, name: 'Cais da Ribeira', address: 'Porto' },
      }),
    );
    expect(screen.getByText('Cais da Ribeira')).toBeTruthy();
    expect(screen.getByText('Porto')).toBeTruthy();
    expect(screen.getByText('41.14077° N, 8.61309° W')).toBeTruthy();
    // The raw "location: …" line of a WhatsApp export is not shown again as text.
    expect(screen.queryByText(/maps\.google\.com/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Open in maps' }));
    expect(calls).toEqual([
      [
        'openLink',
        'https://www.openstreetmap.org/?mlat=41.140770&mlon=-8.613090#map=16/41.140770/-8.613090',
      ],
    ]);
  });

  it('opens a location at the maps link the source gave, when it is a web link', () => {
    const { calls } = renderMessage(
      msg({
        kind: 'location',
        extra: { lat: 1, lon: 2, url: 'https://maps.google.com/?q=1,2' },
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Open in maps' }));
    expect(calls).toEqual([['openLink', 'https://maps.google.com/?q=1,2']]);
  });

  it('shows a shared contact with its name and numbers from the vCard', () => {
    renderMessage(
      msg({
        kind: 'contact',
        text: 'Ricardo',
        extra: {
          vcard:
            'BEGIN:VCARD\nVERSION:3.0\nFN:Ricardo Costa\nORG:Ribeira Flats\nTEL;type=CELL:+351 912 345 678\nEND:VCARD',
        },
      }),
    );
    expect(screen.getByText('Ricardo Costa')).toBeTruthy();
    expect(screen.getByText('Ribeira Flats')).toBeTruthy();
    expect(screen.getByText('mobile')).toBeTruthy();
    expect(screen.getByText('+351 912 345 678')).toBeTruthy();
  });

  it('shows a poll with each option, its votes as a bar and the total', () => {
    renderMessage(
      msg({
        kind: 'poll',
        text: 'Which weekend?',
        extra: {
          poll: {
            question: 'Which weekend?',
            options: [
              { text: '14–16 June', votes: 3 },
              { text: '21–23 June', votes: 1 },
            ],
          },
        },
      }),
    );
    expect(screen.getByText('Which weekend?')).toBeTruthy();
    const bars = screen.getAllByRole('meter');
    expect(bars.map((b) => b.getAttribute('aria-valuenow'))).toEqual(['75', '25']);
    expect(screen.getByText('4 votes')).toBeTruthy();
    expect(screen.getByLabelText('3 votes').textContent).toBe('3');
  });

  it('shows a poll whose export had no counts, options written as plain strings', () => {
    renderMessage(
      msg({
        kind: 'poll',
        text: 'Pizza?',
        extra: { poll: { question: 'Pizza?', options: ['Yes', 'No'] } },
      }),
    );
    expect(screen.getByText('Yes')).toBeTruthy();
    expect(screen.queryAllByRole('meter')).toHaveLength(0);
    expect(screen.getByText('Vote counts not included in the export')).toBeTruthy();
  });

  it('shows events and calls as centred lines', () => {
    const { container } = renderMessage(
      msg({ kind: 'system', sender: null, text: 'Ana added Ben' }),
    );
    expect(container.querySelector('.system-line')?.textContent).toBe('Ana added Ben');
    cleanup();
    const missed = renderMessage(
      msg({
        kind: 'system',
        sender: null,
        text: 'Missed voice call',
        extra: { call: { video: false, durationS: null, missed: true } },
      }),
    );
    expect(missed.container.querySelector('.system-pill.missed')?.textContent).toMatch(
      /^Missed voice call · /,
    );
    cleanup();
    renderMessage(
      msg({
        kind: 'system',
        sender: null,
        text: null,
        extra: { action: 'phone_call', duration_seconds: 125 },
      }),
    );
    expect(screen.getByText(/^Voice call · 2:05 · /)).toBeTruthy();
  });

  it('says a deleted message was deleted', () => {
    const { container } = renderMessage(msg({ kind: 'deleted' }));
    expect(screen.getByText('This message was deleted')).toBeTruthy();
    expect(bubbleOf(container).classList.contains('is-deleted')).toBe(true);
  });
});

describe('replies', () => {
  it('quote a photo as "📷 Photo" with its thumbnail and jump to it on click', () => {
    const thumb = att();
    const { calls, container } = renderMessage(
      msg({
        text: 'Wow',
        replyTo: {
          id: 42,
          senderName: 'Ben Okafor',
          excerpt: '',
          kind: 'media',
          attachment: thumb,
          extra: null,
        },
      }),
    );
    const quote = screen.getByRole('button', { name: /Reply to Ben Okafor: 📷 Photo/ });
    expect(container.querySelector('.quote-thumb')?.getAttribute('src')).toBe(
      `media://${thumb.hash}`,
    );
    fireEvent.click(quote);
    expect(calls).toEqual([['openMessage', 42]]);
  });

  it('quote a voice note with its length, a poll by its question and your own message as You', () => {
    renderMessage(
      msg({
        text: 'Ha',
        replyTo: {
          id: 1,
          senderName: null,
          excerpt: '',
          kind: 'media',
          attachment: att({ mediaType: 'voice', mime: 'audio/ogg', durationMs: 12_000 }),
          extra: null,
        },
      }),
    );
    expect(screen.getByText('🎤 Voice message 0:12')).toBeTruthy();
    expect(screen.getByText('You')).toBeTruthy();
    cleanup();
    renderMessage(
      msg({
        text: 'Voted',
        replyTo: {
          id: 2,
          senderName: 'Dmitri',
          excerpt: 'Which weekend?',
          kind: 'poll',
          attachment: null,
          extra: { poll: { question: 'Which weekend?', options: [] } },
        },
      }),
    );
    expect(screen.getByText('📊 Which weekend?')).toBeTruthy();
  });

  it('say so when the quoted message is not in Chatkeep', () => {
    renderMessage(msg({ text: 'Re', replyToKey: 'gone' }));
    expect(screen.getByText('Replying to a message that is not in Chatkeep')).toBeTruthy();
  });
});
