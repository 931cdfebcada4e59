import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore } from './chat-store.js';
import {
  IngestCancelledError,
  InvalidRecordError,
  StoreClosedError,
  StoreTooNewError,
  StoreWorkerCrashedError,
} from './errors.js';
import { LATEST_VERSION } from './schema.js';
import { StoreClient } from './store-client.js';
import { days, groupBundle, message, opusBytes, tempDir } from './testing/fixtures.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('StoreClient', () => {
  it('runs ingest and the reads in the worker', async () => {
    const client = await StoreClient.open(dir);
    try {
      expect(client.storeId).toMatch(/^[0-9a-f-]{36}$/);
      const progress: number[] = [];
      const result = await client.ingest([groupBundle(days(2500))], {
        onProgress: (p) => progress.push(p.messages),
      });
      expect(result).toMatchObject({ chats: 1, messagesAdded: 2500 });
      expect(progress).toContain(2000);
      expect(progress.at(-1)).toBe(2500);
      const chatId = result.chatIds[0] ?? -1;
      expect(await client.countChats()).toBe(1);
      expect((await client.listChats())[0]?.messageCount).toBe(2500);
      expect((await client.getChat(chatId))?.members).toHaveLength(2);
      const page = await client.getMessages(chatId, { limit: 20 });
      expect(page.messages).toHaveLength(20);
      expect((await client.search('m2499'))[0]?.messageId).toBe(page.messages.at(-1)?.id);
      expect((await client.stats()).messages).toBe(2500);
    } finally {
      await client.close();
    }
    // The worker closed its connection: the store opens again in this thread.
    const store = ChatStore.open(dir);
    expect(store.countChats()).toBe(1);
    store.close();
  });

  it('serves what the conversation view reads, durations included', async () => {
    // Media bytes go in beside the database, as an importer puts them.
    const writer = ChatStore.open(dir);
    const voice = writer.media.putBytes(opusBytes(4_200));
    writer.close();
    const client = await StoreClient.open(dir);
    try {
      const messages = days(120);
      messages.push(
        message('voice', {
          sentAt: (messages.at(-1)?.sentAt ?? 0) + 1,
          kind: 'media',
          text: null,
          attachments: [
            {
              mediaType: 'voice',
              mime: 'audio/ogg',
              size: voice.size,
              hash: voice.hash,
              fileName: null,
            },
          ],
        }),
      );
      const { chatIds } = await client.ingest([groupBundle(messages)]);
      const chatId = chatIds[0] ?? -1;
      const page = await client.getMessages(chatId, { limit: 10 });
      expect(page.messages.at(-1)?.attachments[0]?.durationMs).toBe(4_200);
      const first = await client.searchPage('message', { limit: 50 });
      const second = await client.searchPage('message', { limit: 50, before: first.next ?? 0 });
      expect(second.hits[0]?.sentAt).toBeLessThan(first.hits.at(-1)?.sentAt ?? 0);
      expect(await client.countMatches('message', chatId)).toEqual({ count: 120, capped: false });
      expect((await client.chatMatches('m7', chatId)).matches).toHaveLength(1);
      const audio = await client.galleryPage(chatId, 'audio', { limit: 5 });
      expect(audio.items[0]?.attachment?.durationMs).toBe(4_200);
      expect((await client.chatMediaSummary(chatId)).media.voice.count).toBe(1);
      expect(await client.chatIndex(chatId)).toBe(0);
      const attachmentId = audio.items[0]?.attachment?.id ?? -1;
      expect((await client.getAttachment(attachmentId))?.hash).toBe(voice.hash);
    } finally {
      await client.close();
    }
  });

  it('re-creates typed errors on the caller side', async () => {
    const client = await StoreClient.open(dir);
    try {
      const bad = groupBundle(days(1));
      (bad.messages[0] as { senderKey: string }).senderKey = 'stranger';
      const error = await client.ingest([bad]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidRecordError);
      expect(error).toMatchObject({
        code: 'INVALID_RECORD',
        path: 'bundle[0].messages[0].senderKey',
      });
      await expect(client.getMessages(1, { limit: 5, around: 12345 })).rejects.toMatchObject({
        code: 'MESSAGE_NOT_FOUND',
        name: 'MessageNotFoundError',
      });
    } finally {
      await client.close();
    }
    await expect(client.listChats()).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('lets another connection write while the worker ingests (the second writer waits)', async () => {
    const client = await StoreClient.open(dir);
    const store = ChatStore.open(dir);
    try {
      const big = Array.from({ length: 10 }, (_, i) =>
        groupBundle(days(2000, `c${i}-`), { key: `chat${i}` }),
      );
      const pending = client.ingest(big);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const mine = store.ingest([groupBundle(days(3), { key: 'mine' })]);
      expect(mine.messagesAdded).toBe(3);
      expect((await pending).messagesAdded).toBe(20_000);
      expect(store.stats().messages).toBe(20_003);
    } finally {
      store.close();
      await client.close();
    }
  });

  it('rejects pending calls with StoreWorkerCrashedError when the worker dies', async () => {
    const client = await StoreClient.open(dir);
    const pending = client.ingest([groupBundle(days(20_000))]);
    await (client as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await expect(pending).rejects.toBeInstanceOf(StoreWorkerCrashedError);
    await expect(client.listChats()).rejects.toBeInstanceOf(StoreClosedError);
    await client.close();
    // Nothing half-written: the ingest was one transaction.
    const store = ChatStore.open(dir);
    expect(store.stats().messages).toBe(0);
    store.close();
  });

  it('fails to open a too-new store with StoreTooNewError', async () => {
    ChatStore.open(dir).close();
    const db = new Database(path.join(dir, 'chatkeep.db'));
    db.pragma(`user_version = ${LATEST_VERSION + 5}`);
    db.close();
    const error = await StoreClient.open(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreTooNewError);
    expect(error).toMatchObject({ foundVersion: LATEST_VERSION + 5 });
  });

  it('cancels an ingest through an AbortSignal and writes nothing', async () => {
    const client = await StoreClient.open(dir);
    try {
      const controller = new AbortController();
      const bundles = Array.from({ length: 40 }, (_, i) =>
        groupBundle(days(1000, `c${i}-`), { key: `chat${i}` }),
      );
      const pending = client.ingest(bundles, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.messages >= 3000) controller.abort();
        },
      });
      await expect(pending).rejects.toBeInstanceOf(IngestCancelledError);
      expect(await client.countChats()).toBe(0);
      const aborted = new AbortController();
      aborted.abort();
      await expect(client.ingest(bundles, { signal: aborted.signal })).rejects.toBeInstanceOf(
        IngestCancelledError,
      );
    } finally {
      await client.close();
    }
  });
});
