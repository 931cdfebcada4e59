import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatStore } from './chat-store.js';
import { Ingester } from './ingest.js';
import { openDatabase } from './open-db.js';
import type { ChatBundle, MessageRecord } from './records.js';
import { T0, tempDir } from './testing/fixtures.js';

const people = ['ana', 'boris', 'chen'];

const messageArb = fc.record({
  senderKey: fc.constantFrom<string | null>(null, ...people),
  sentAt: fc.integer({ min: T0 - 400 * 86_400_000, max: T0 + 400 * 86_400_000 }),
  text: fc.option(fc.string({ unit: 'grapheme', maxLength: 30 }), { nil: null }),
  reactions: fc.uniqueArray(
    fc.record({
      senderKey: fc.constantFrom<string | null>(null, ...people),
      emoji: fc.constantFrom('👍', '❤️', '😂'),
    }),
    { maxLength: 3, selector: (r) => `${r.senderKey}|${r.emoji}` },
  ),
  withAttachment: fc.boolean(),
});

/** Chats with unique message keys: any split and order of ingests must give the same store. */
const bundlesArb = fc
  .array(fc.array(messageArb, { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 3 })
  .map((chats): ChatBundle[] =>
    chats.map((msgs, c) => ({
      source: { kind: 'seed', accountKey: 'prop', label: 'Property' },
      chat: { key: `c${c}`, type: 'group', title: `Chat ${c}`, members: people },
      people: people.map((key) => ({ key, displayName: key.toUpperCase() })),
      messages: msgs.map((m, i): MessageRecord => ({
        key: `k${i}`,
        senderKey: m.senderKey,
        sentAt: m.sentAt,
        text: m.text,
        kind: m.withAttachment ? 'media' : 'text',
        attachments: m.withAttachment
          ? [
              {
                mediaType: 'photo',
                mime: 'image/png',
                size: 10 + i,
                hash: null,
                fileName: `p${i}.png`,
              },
            ]
          : [],
        reactions: m.reactions.map((r) => ({ ...r, at: null })),
      })),
    })),
  );

/** Split each bundle's messages in two and shuffle the pieces with the given seed. */
function splitAndShuffle(bundles: ChatBundle[], seed: number): ChatBundle[][] {
  const pieces: ChatBundle[] = [];
  for (const b of bundles) {
    const cut = seed % (b.messages.length + 1);
    pieces.push(
      { ...b, messages: b.messages.slice(cut) },
      { ...b, messages: b.messages.slice(0, cut) },
    );
  }
  let x = seed;
  for (let i = pieces.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [pieces[i], pieces[j]] = [pieces[j] as ChatBundle, pieces[i] as ChatBundle];
  }
  return pieces.map((p) => [p]);
}

function dump(store: ChatStore): unknown {
  return store.readSnapshot((r) =>
    r
      .monthGroups()
      .map((g) => {
        const b = r.readMonthBundle(g.chatId, g.month);
        return {
          chat: b.chat.key,
          month: g.month,
          count: g.messageCount,
          messages: b.messages
            .map((m) => ({
              ...m,
              reactions: [...m.reactions].sort((p, q) =>
                `${p.senderKey}${p.emoji}`.localeCompare(`${q.senderKey}${q.emoji}`),
              ),
            }))
            .sort((p, q) => p.sentAt - q.sentAt || p.key.localeCompare(q.key)),
        };
      })
      .sort((p, q) => `${p.chat}/${p.month}`.localeCompare(`${q.chat}/${q.month}`)),
  );
}

describe('ingest properties', () => {
  it('same bundles in any split and order, small or large path, give the same store; a second ingest changes nothing', () => {
    fc.assert(
      fc.property(bundlesArb, fc.nat(10_000), (bundles, seed) => {
        const a = tempDir();
        const b = tempDir();
        const one = ChatStore.open(a.dir);
        // The pieces go through the large-import path (insert triggers taken out) on every call,
        // written in windows of three messages (as a big import is, in windows of 50,000).
        const raw = openDatabase(b.dir);
        const bulk = new Ingester(raw, 0, 3);
        for (const call of splitAndShuffle(bundles, seed)) bulk.run(call);
        raw.close();
        const pieces = ChatStore.open(b.dir);
        try {
          one.ingest(bundles);
          const expected = dump(one);
          expect(dump(pieces)).toEqual(expected);
          const revs = one.readSnapshot((r) => r.rev());
          const again = one.ingest(structuredClone(bundles));
          expect(again.messagesAdded + again.messagesUpdated).toBe(0);
          expect(one.readSnapshot((r) => r.rev())).toBe(revs);
          expect(dump(one)).toEqual(expected);
          const total = bundles.reduce((n, x) => n + x.messages.length, 0);
          expect(one.stats().messages).toBe(total);
          expect(one.listChats().reduce((n, c) => n + c.messageCount, 0)).toBe(total);
        } finally {
          one.close();
          pieces.close();
          a.cleanup();
          b.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });
});
