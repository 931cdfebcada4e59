import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parseString } from 'whatsapp-chat-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectingStore } from '../fixtures/collecting-store.js';
import {
  renderExport,
  type ExportStyle,
  type FixtureMessage,
} from '../fixtures/whatsapp-export.js';
import { whatsappExportImporter as importer } from './importer.js';

/**
 * whatsapp-chat-parser (MIT) as an oracle: on exports both parsers understand, our importer must
 * agree with it on every message's time, author and text. (We differ on purpose where it is
 * weaker: lone LFs inside iOS messages, attachment and poll recognition, streaming.)
 */

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const STYLES: ExportStyle[] = [
  'ios-24h-dotted',
  'ios-us-12h',
  'android-us-12h',
  'android-gb-24h',
  'android-es-pm',
  'android-fi-klo',
];

const message = fc.record({
  at: fc
    .date({
      min: new Date(Date.UTC(2012, 0, 1)),
      max: new Date(Date.UTC(2030, 0, 1)),
      noInvalidDate: true,
    })
    .map((d): FixtureMessage['at'] => [
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      0,
    ]),
  author: fc.constantFrom('Ana', 'Ben Ng', 'Chris Ö'),
  text: fc
    .array(
      fc.constantFrom('hi', 'Zürich', 'ok!', "it's", '2:30', 'a,b', '😀', 'ça va?', '(yes)', 'x.y'),
      {
        minLength: 1,
        maxLength: 8,
      },
    )
    .map((w) => w.join(' ')),
});

let n = 0;
describe('differential: whatsapp-chat-parser', () => {
  it.each(STYLES)('%s: same times, authors and texts', async (style) => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 30 }), async (msgs) => {
        // A day above 12 somewhere, as in any real export longer than a few days.
        const all: FixtureMessage[] = [
          { at: [2020, 1, 25, 10, 0, 0], author: 'Ana', text: 'anchor' },
          ...msgs.map((m) => ({ ...m, author: m.author as string })),
        ];
        const text = renderExport(style, all);
        const theirs = parseString(text);
        const file = path.join(dir, `d${n++}.txt`);
        fs.writeFileSync(file, text);
        const store = new CollectingStore(path.join(dir, `s${n}`));
        await importer.import(file, store, { owner: 'Ana' });
        const ours = store.messages;
        expect(ours.length).toBe(theirs.length);
        ours.forEach((m, i) => {
          const t = theirs[i];
          expect(m.sentAt).toBe(t?.date.getTime());
          expect(m.senderKey).toBe(t?.author === 'Ana' ? null : `name:${t?.author}`);
          // It keeps the file's final line break on the last message; we do not.
          expect(m.text).toBe(t?.message.replace(/\n$/, ''));
        });
      }),
      { numRuns: 15 },
    );
  });
});
