import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStore } from '../../seed/index.js';
import { ChatStore } from '../../store/chat-store.js';
import { MESSAGE_KINDS } from '../../store/records.js';
import type { PackWriter } from '../engine/blob-store.js';
import { writeList } from '../engine/state.js';
import { splitLines } from '../engine/tree-list.js';
import { encodeMonthGroupHeader, splitMonthGroup } from './month-group.js';

/**
 * docs/backup-format.md describes the lines of a month group with a JSON Schema and the field
 * order Chatkeep writes, for readers that have only the spec. These are checked against the
 * lines a backup writes (the store's readMonthLines and the header encoder, which is what
 * engine/month-chunks.ts chunks and seals), for every kind of message the seed makes.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const spec = fs.readFileSync(path.join(root, 'docs/backup-format.md'), 'utf8');

type Schema = {
  $id: string;
  $defs: Record<string, { properties?: Record<string, unknown> }>;
};

function specSchema(): Schema {
  const at = spec.indexOf('#### JSON Schema of month-group lines');
  expect(at, 'the schema heading').toBeGreaterThan(0);
  const block = /```json\n([\s\S]*?)\n```/.exec(spec.slice(at));
  expect(block, 'a json block after the heading').not.toBeNull();
  return JSON.parse(block![1]!) as Schema;
}

/** "message: `key, sentAt, ...`" in the spec: the top-level field order it documents. */
function specOrder(record: 'header' | 'message'): string[] {
  const m = new RegExp(`^- ${record}: \`([^\`]+)\``, 'm').exec(spec);
  expect(m, `the ${record} field order`).not.toBeNull();
  // Top-level names only: drop what is inside {...} and [...].
  let flat = m![1]!.replace(/\s+/g, ' ');
  while (/[[{][^[\]{}]*[\]}]/.test(flat)) flat = flat.replace(/[[{][^[\]{}]*[\]}]/g, '');
  return flat.split(',').map((s) => s.trim());
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-mg-schema-'));
let lines: { headers: unknown[]; messages: unknown[] };

beforeAll(() => {
  // Seed 7 makes every kind of message, polls included (they need a group chat).
  generateStore({ out: dir, messages: 3000, chats: 12, mediaMb: 1, seed: 7 });
  const store = ChatStore.open(dir, { readonly: true });
  try {
    lines = store.readSnapshot((r) => {
      const headers: unknown[] = [];
      const messages: unknown[] = [];
      for (const g of r.monthGroups()) {
        const m = r.readMonthLines(g.chatId, g.month);
        const rows = [...m.rows];
        headers.push(JSON.parse(encodeMonthGroupHeader(m.head)));
        for (const [line] of rows) messages.push(JSON.parse(line));
      }
      return { headers, messages };
    });
  } finally {
    store.close();
  }
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('docs/backup-format.md: month-group lines', () => {
  it('every header and message line Chatkeep writes is valid under the spec’s JSON Schema', () => {
    const schema = specSchema();
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    ajv.addSchema(schema);
    const header = ajv.getSchema(`${schema.$id}#/$defs/header`)!;
    const message = ajv.getSchema(`${schema.$id}#/$defs/message`)!;
    expect(lines.headers.length).toBeGreaterThan(12);
    expect(lines.messages.length).toBeGreaterThanOrEqual(3000);
    for (const h of lines.headers) expect(header(h), JSON.stringify(header.errors)).toBe(true);
    for (const m of lines.messages) expect(message(m), JSON.stringify(message.errors)).toBe(true);

    // The lines checked hold every kind, attachments with and without a file, reactions,
    // replies, edits and extras: the schema was tried on all of it.
    const msgs = lines.messages as Array<Record<string, unknown>>;
    expect(new Set(msgs.map((m) => m.kind))).toEqual(new Set(MESSAGE_KINDS));
    const attachments = msgs.flatMap((m) => m.attachments as Array<{ hash: unknown }>);
    expect(attachments.some((a) => a.hash === null)).toBe(true);
    expect(attachments.some((a) => typeof a.hash === 'string')).toBe(true);
    expect(msgs.some((m) => (m.reactions as unknown[]).length > 0)).toBe(true);
    expect(msgs.some((m) => m.replyToKey !== null)).toBe(true);
    expect(msgs.some((m) => m.editedAt !== null)).toBe(true);
    expect(msgs.some((m) => m.senderKey === null)).toBe(true);
    expect(msgs.some((m) => m.extra !== null)).toBe(true);

    // And it has teeth: what the spec rules out is refused.
    const sample = msgs.find((m) => m.kind === 'text')!;
    for (const bad of [
      { ...sample, kind: 'sticker' },
      { ...sample, sentAt: String(sample.sentAt) },
      { ...sample, sentAt: 7258118400000 },
      { ...sample, key: '' },
      { ...sample, attachments: [{ mediaType: 'photo', mime: 'image/jpeg', size: 1, hash: 'AB' }] },
    ]) {
      expect(message(bad), JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
    expect(header({ ...(lines.headers[0] as object), v: 2 })).toBe(false);
  });

  it('names every field written, and the order the spec gives is the order written', () => {
    const schema = specSchema();
    const fields = (def: string) => Object.keys(schema.$defs[def]!.properties!);
    const check = (records: unknown[], def: string) => {
      for (const r of records) {
        for (const k of Object.keys(r as object)) expect(fields(def), `${def}.${k}`).toContain(k);
      }
    };
    const msgs = lines.messages as Array<Record<string, unknown>>;
    const heads = lines.headers as Array<Record<string, unknown>>;
    check(heads, 'header');
    check(
      heads.map((h) => h.source),
      'source',
    );
    check(
      heads.map((h) => h.chat),
      'chat',
    );
    check(
      heads.flatMap((h) => h.people as unknown[]),
      'person',
    );
    check(msgs, 'message');
    check(
      msgs.flatMap((m) => m.attachments as unknown[]),
      'attachment',
    );
    check(
      msgs.flatMap((m) => m.reactions as unknown[]),
      'reaction',
    );
    // Every field is written, null where there is no value, in the documented order.
    for (const m of msgs) expect(Object.keys(m)).toEqual(specOrder('message'));
    for (const h of heads) expect(Object.keys(h)).toEqual(specOrder('header'));
    for (const m of msgs) {
      for (const a of m.attachments as object[]) {
        expect(Object.keys(a)).toEqual(fields('attachment'));
      }
    }
  });
});

describe('docs/backup-format.md: where chunks end', () => {
  const key = Buffer.alloc(32, 7);
  const never = () => false;

  it('an empty list is {"d":0,"ids":[]}, with no tree blob', async () => {
    const writer = {
      add: () => {
        throw new Error('an empty list writes no blob');
      },
    } as unknown as PackWriter;
    expect(JSON.stringify(await writeList(writer, key, []))).toBe('{"d":0,"ids":[]}');
  });

  it('the line that reaches a limit is the last line of its chunk', () => {
    // Lines of 200000 characters: the third reaches 524288 (3 x 200001) and ends the chunk.
    const long = (c: string) => c.repeat(200_000);
    const lines = ['a', 'b', 'c', 'd'].map(long);
    const listChunks = splitLines(lines, key, Number.MAX_SAFE_INTEGER);
    expect(listChunks.map((c) => c.split('\n').length)).toEqual([3, 1]);
    expect(listChunks[0]!.length).toBeGreaterThan(524_288);

    const header = '{"v":1}';
    const rows = lines.map((l, i) => [l, `m${i}`] as const);
    const groupChunks = splitMonthGroup(header, rows, never);
    // The header counts: 8 + 3 x 200001 reaches the limit on the third message too.
    expect(groupChunks.map((c) => c.split('\n').length)).toEqual([4, 1]);

    // 1024 lines, the header among them, then the rest.
    const short = Array.from({ length: 1500 }, (_, i) => [`{"key":"m${i}"}`, `m${i}`] as const);
    const counted = splitMonthGroup(header, short, never);
    expect(counted.map((c) => c.split('\n').length)).toEqual([1024, 477]);
  });
});
