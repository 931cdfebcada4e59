import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MEDIA_TYPES, MESSAGE_KINDS, type ChatBundle } from '../../store/records.js';
import { joinChunks, splitLines } from '../engine/tree-list.js';
import {
  decodeMonthGroup,
  encodeMonthGroup,
  encodeMonthGroupLines,
  MESSAGE_LINES_AVG,
  MonthGroupFormatError,
} from './month-group.js';

const KEY = Buffer.alloc(32, 3);
const text = fc
  .string({ unit: 'grapheme', maxLength: 40 })
  .map((s) => s + (s.length % 3 === 0 ? '\n\u2028"\\' : ''));

const bundle: fc.Arbitrary<ChatBundle> = fc.record({
  source: fc.record({
    kind: fc.constantFrom('whatsapp', 'telegram'),
    accountKey: text,
    label: text,
  }),
  chat: fc.record({
    key: text,
    type: fc.constantFrom('direct' as const, 'group' as const),
    title: text,
    members: fc.array(text, { maxLength: 3 }),
  }),
  people: fc.array(
    fc.record({ key: text, displayName: text, handle: fc.option(text), phone: fc.option(text) }),
    { maxLength: 3 },
  ),
  messages: fc.array(
    fc.record({
      key: text,
      senderKey: fc.option(text),
      sentAt: fc.integer({ min: 0, max: 4_000_000_000_000 }),
      text: fc.option(text),
      kind: fc.constantFrom(...MESSAGE_KINDS),
      replyToKey: fc.option(text),
      editedAt: fc.option(fc.integer({ min: 0, max: 4_000_000_000_000 })),
      attachments: fc.array(
        fc.record({
          mediaType: fc.constantFrom(...MEDIA_TYPES),
          mime: text,
          size: fc.nat(),
          hash: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/)),
          fileName: fc.option(text),
        }),
        { maxLength: 2 },
      ),
      reactions: fc.array(
        fc.record({ senderKey: fc.option(text), emoji: text, at: fc.option(fc.nat()) }),
        { maxLength: 2 },
      ),
      extra: fc.option(fc.dictionary(text, fc.oneof(text, fc.integer(), fc.boolean()))),
    }),
    { maxLength: 200 },
  ),
});

describe('month group serialization', () => {
  it('round trips any bundle exactly, also through content-defined chunks', () => {
    fc.assert(
      fc.property(bundle, (b) => {
        expect(decodeMonthGroup(encodeMonthGroup(b))).toEqual(b);
        const chunks = splitLines(encodeMonthGroupLines(b), KEY, MESSAGE_LINES_AVG);
        const joined = Buffer.from(joinChunks(chunks.map((c) => Buffer.from(c))).join('\n'));
        expect(decodeMonthGroup(joined)).toEqual(b);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an unknown version and malformed lines', () => {
    expect(() =>
      decodeMonthGroup(Buffer.from('{"v":2,"source":{},"chat":{},"people":[]}')),
    ).toThrow(MonthGroupFormatError);
    const ok = encodeMonthGroup({
      source: { kind: 'seed', accountKey: 'a', label: 'A' },
      chat: { key: 'c', type: 'direct', title: 'C', members: [] },
      people: [],
      messages: [],
    });
    expect(() => decodeMonthGroup(Buffer.concat([ok, Buffer.from('\n{"key":1}')]))).toThrow(
      MonthGroupFormatError,
    );
  });
});
