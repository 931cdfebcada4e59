import { describe, expect, it } from 'vitest';
import { parseVCard, readCall, readContact, readLocation, readPoll } from './message-extra';

describe('readLocation', () => {
  it('reads the agreed shape and older spellings', () => {
    expect(readLocation({ lat: 38.71, lon: -9.14, name: 'Miradouro', address: 'Lisboa' })).toEqual({
      lat: 38.71,
      lon: -9.14,
      name: 'Miradouro',
      address: 'Lisboa',
      url: null,
    });
    expect(
      readLocation({ latitude: '1.5', longitude: '2.5', place_name: 'Spot', url: 'https://x' }),
    ).toMatchObject({ lat: 1.5, lon: 2.5, name: 'Spot', url: 'https://x' });
  });

  it('refuses what is not a place', () => {
    expect(readLocation(null)).toBeNull();
    expect(readLocation({ lat: 91, lon: 0 })).toBeNull();
    expect(readLocation({ lat: 'north', lon: 3 })).toBeNull();
    expect(readLocation({ name: 'Somewhere' })).toBeNull();
  });
});

describe('vCards', () => {
  it('reads name, numbers with labels, e-mail and organisation from a 3.0 card', () => {
    const card = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:Sousa;Ana;;;',
      'FN:Ana Sousa',
      'ORG:Casa\\, Lda;',
      'item1.TEL;type=CELL;waid=351900000001:+351 900 000 001',
      'item1.X-ABLabel:Mobile',
      'TEL;TYPE=HOME,VOICE:+351 210 000 000',
      'EMAIL;type=INTERNET:ana@example.com',
      'END:VCARD',
    ].join('\r\n');
    expect(parseVCard(card)).toEqual({
      name: 'Ana Sousa',
      phones: [
        { number: '+351 900 000 001', label: 'mobile' },
        { number: '+351 210 000 000', label: 'home' },
      ],
      emails: ['ana@example.com'],
      organization: 'Casa, Lda',
    });
  });

  it('unfolds long lines, decodes quoted-printable 2.1 cards and falls back to N', () => {
    const card =
      'BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=\n=C3=BCrgen\nTEL;CELL:+49 170\n 1234567\nEND:VCARD';
    expect(parseVCard(card)).toMatchObject({
      name: 'Jürgen Müller',
      phones: [{ number: '+49 1701234567', label: 'mobile' }],
    });
  });
});

describe('readContact', () => {
  it('reads WhatsApp vCards and Telegram contact objects', () => {
    expect(readContact({ vcard: 'BEGIN:VCARD\nFN:Bo\nTEL:+1 555\nEND:VCARD' })).toMatchObject({
      name: 'Bo',
      phones: [{ number: '+1 555', label: null }],
    });
    expect(
      readContact({ contact: { first_name: 'Chloé', last_name: 'Martin', phone_number: '+33 6' } }),
    ).toMatchObject({ name: 'Chloé Martin', phones: [{ number: '+33 6' }] });
  });

  it('names a card by the message text when the card has no name, and gives up on nothing', () => {
    expect(readContact({ vcard: 'BEGIN:VCARD\nTEL:+1\nEND:VCARD' }, 'Dad')?.name).toBe('Dad');
    expect(readContact(null, 'Just a name')).toMatchObject({ name: 'Just a name', phones: [] });
    expect(readContact(null, null)).toBeNull();
    expect(readContact({ vcard: 'garbage' }, '')).toBeNull();
  });
});

describe('readPoll', () => {
  it('reads the agreed shape with vote totals', () => {
    const poll = readPoll({
      poll: {
        question: 'When can we meet?',
        options: [
          { text: 'Thursday', votes: 2 },
          { text: 'Friday', votes: 1 },
        ],
        multiple: true,
      },
    });
    expect(poll).toEqual({
      question: 'When can we meet?',
      options: [
        { text: 'Thursday', votes: 2 },
        { text: 'Friday', votes: 1 },
      ],
      multiple: true,
      closed: false,
      totalVotes: 3,
    });
  });

  it('accepts plain-string options, Telegram voters and the older top-level shape', () => {
    expect(readPoll({ poll: { question: 'Q', options: ['a', 'b'] } })).toMatchObject({
      options: [
        { text: 'a', votes: null },
        { text: 'b', votes: null },
      ],
      totalVotes: null,
    });
    expect(
      readPoll({ poll: { question: 'Q', closed: true, options: [{ text: 'x', voters: 4 }] } }),
    ).toMatchObject({ closed: true, totalVotes: 4 });
    expect(readPoll({ question: 'Where?', options: [{ text: 'A', votes: 1 }] })).toMatchObject({
      question: 'Where?',
    });
    expect(readPoll({ poll: { options: ['a'] } }, 'From text')?.question).toBe('From text');
  });

  it('ignores extras that are not polls', () => {
    expect(readPoll({ lat: 1, lon: 2 })).toBeNull();
    expect(readPoll(null)).toBeNull();
    expect(readPoll({ poll: 'yes' })).toBeNull();
  });
});

describe('readCall', () => {
  it('reads the agreed call shape and Telegram phone_call service messages', () => {
    expect(readCall({ call: { video: true, durationS: 125, missed: false } })).toEqual({
      video: true,
      durationS: 125,
      missed: false,
    });
    expect(readCall({ action: 'phone_call', duration_seconds: 42 })).toEqual({
      video: false,
      durationS: 42,
      missed: false,
    });
    expect(readCall({ action: 'phone_call', discard_reason: 'missed' })).toMatchObject({
      missed: true,
      durationS: null,
    });
    expect(readCall({ action: 'pin_message' })).toBeNull();
  });
});
