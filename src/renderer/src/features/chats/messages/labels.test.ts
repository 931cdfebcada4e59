import { describe, expect, it } from 'vitest';
import { attachmentLabel, callLabel, describeMessage } from './labels';

describe('describeMessage', () => {
  it('never leaves a message without text as an empty line', () => {
    expect(
      describeMessage({ kind: 'location', text: null, extra: { lat: 1, lon: 2, name: 'Ribeira' } }),
    ).toBe('📍 Ribeira');
    expect(
      describeMessage({ kind: 'location', text: 'location: https://maps.google.com/?q=1,2' }),
    ).toBe('📍 Location');
    expect(describeMessage({ kind: 'contact', text: 'Ricardo Costa' })).toBe('👤 Ricardo Costa');
    expect(
      describeMessage({
        kind: 'contact',
        text: '',
        extra: { vcard: 'BEGIN:VCARD\nFN:Bo\nEND:VCARD' },
      }),
    ).toBe('👤 Bo');
    expect(describeMessage({ kind: 'poll', text: 'Where?' })).toBe('📊 Where?');
    expect(describeMessage({ kind: 'deleted', text: null })).toBe('🚫 This message was deleted');
    expect(describeMessage({ kind: 'media', text: '', mediaType: 'voice' })).toBe(
      '🎤 Voice message',
    );
    expect(describeMessage({ kind: 'media', text: 'Look!', mediaType: 'photo' })).toBe('📷 Look!');
    expect(describeMessage({ kind: 'text', text: '  two\nlines ' })).toBe('two lines');
    expect(
      describeMessage({
        kind: 'system',
        text: 'x',
        extra: { call: { video: true, durationS: 65, missed: false } },
      }),
    ).toBe('Video call · 1:05');
  });

  it('names documents and audio by file, voice and video by length', () => {
    expect(
      attachmentLabel({ mediaType: 'document', fileName: 'a/b/Plan.pdf', durationMs: null }),
    ).toBe('📄 Plan.pdf');
    expect(attachmentLabel({ mediaType: 'voice', fileName: null, durationMs: 7_400 })).toBe(
      '🎤 Voice message 0:07',
    );
    expect(attachmentLabel({ mediaType: 'video', fileName: 'v.mp4', durationMs: null })).toBe(
      '🎬 Video',
    );
  });

  it('says calls as the messengers do', () => {
    expect(callLabel({ video: false, durationS: null, missed: true })).toBe('Missed voice call');
    expect(callLabel({ video: true, durationS: null, missed: true })).toBe('Missed video call');
    expect(callLabel({ video: false, durationS: 3725, missed: false })).toBe(
      'Voice call · 1:02:05',
    );
  });
});
