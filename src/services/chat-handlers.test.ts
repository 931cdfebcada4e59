import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatStore } from '../store/chat-store';
import { groupBundle, message, tempDir, wavBytes } from '../store/testing/fixtures';
import { dispatch } from './dispatch';
import {
  createHandlers,
  suggestedFileName,
  type HandlerContext,
  type PlatformAdapter,
} from './handlers';
import { openStoreApi, type OpenedStoreApi } from './store-api';

/**
 * The chat-reading channels against a real store in its worker, through dispatch (validation
 * included): what the conversation view, its search and its media viewer call.
 */

let dir: string;
let cleanup: () => void;
let store: OpenedStoreApi;
let saved: { name: string; source: string }[];
let opened: string[];
let call: (channel: string, payload: unknown) => Promise<unknown>;
let chatId: number;
let attachmentIds: { withBytes: number; without: number };

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  const writer = ChatStore.open(dir);
  const voice = writer.media.putBytes(wavBytes(2_500));
  const result = writer.ingest([
    groupBundle([
      message('a', { text: 'dinner at https://example.com/menu tonight?' }),
      message('v', {
        sentAt: 1_705_320_000_001,
        kind: 'media',
        text: null,
        attachments: [
          {
            mediaType: 'voice',
            mime: 'audio/wav',
            size: voice.size,
            hash: voice.hash,
            fileName: 'chats/PTT-2024.wav',
          },
          { mediaType: 'photo', mime: 'image/jpeg', size: 9, hash: null, fileName: null },
        ],
      }),
    ]),
  ]);
  chatId = result.chatIds[0] ?? -1;
  const page = writer.getMessages(chatId, { limit: 10 });
  const atts = page.messages[1]?.attachments ?? [];
  attachmentIds = { withBytes: atts[0]?.id ?? -1, without: atts[1]?.id ?? -1 };
  writer.close();

  store = await openStoreApi(dir);
  saved = [];
  opened = [];
  const platform: PlatformAdapter = {
    openExternal: async (url) => void opened.push(url),
    pickPath: async () => null,
    saveText: async () => true,
    saveFile: async (name, source) => {
      saved.push({ name, source });
      return true;
    },
  };
  const handlers = createHandlers({
    info: { name: 'Chatkeep', version: '0', platform: 'linux', shell: 'bridge', mediaBaseUrl: '/' },
    store,
    platform,
    // The reading channels need no imports, backups, grants or tasks.
  } as unknown as HandlerContext);
  call = async (channel, payload) => {
    const reply = await dispatch(handlers, channel, payload);
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error);
    return reply.value;
  };
});

afterEach(async () => {
  await store.close();
  cleanup();
});

describe('chat reading channels', () => {
  it('saves an attachment through the save dialog with its own file name', async () => {
    expect(await call('media.saveAs', { attachmentId: attachmentIds.withBytes })).toEqual({
      saved: true,
    });
    expect(saved).toEqual([
      { name: 'PTT-2024.wav', source: store.mediaPath((await storeHash()) ?? '') },
    ]);
  });

  it('says plainly when there is nothing to save', async () => {
    await expect(
      call('media.saveAs', { attachmentId: attachmentIds.without }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/not included/) });
    await expect(call('media.saveAs', { attachmentId: 987654 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(saved).toEqual([]);
  });

  it('pages search, counts and finds matches in one chat', async () => {
    expect(await call('search.count', { query: 'dinner' })).toEqual({ count: 1, capped: false });
    const page = (await call('search.query', { query: 'dinner' })) as { hits: unknown[] };
    expect(page).toMatchObject({ hits: [{ chatType: 'group' }], next: null });
    expect(await call('search.inChat', { query: 'dinner', chatId })).toMatchObject({
      matches: [{ id: expect.any(Number) }],
    });
  });

  it('opens only web links from messages, validated in main', async () => {
    expect(await call('app.openExternal', { url: 'https://example.com/menu' })).toEqual({
      opened: true,
    });
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'https://u:p@example.com/']) {
      expect(await call('app.openExternal', { url })).toEqual({ opened: false });
    }
    expect(opened).toEqual(['https://example.com/menu']);
  });

  it('validates the new requests strictly', async () => {
    await expect(call('messages.page', { chatId, around: 1, atTime: 5 })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(call('chats.activity', { chatId, bounds: [5, 3] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(call('search.query', { query: 'x', before: -1 })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(call('chats.media', { chatId, tab: 'secrets' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });

  it('serves the gallery with durations, the info counts and the calendar', async () => {
    const audio = (await call('chats.media', { chatId, tab: 'audio' })) as {
      items: { attachment: { durationMs: number } }[];
    };
    expect(audio.items[0]?.attachment.durationMs).toBe(2_500);
    expect(await call('chats.media', { chatId, tab: 'links' })).toMatchObject({
      items: [{ link: { url: 'https://example.com/menu' } }],
    });
    expect(await call('chats.mediaSummary', { chatId })).toMatchObject({
      media: { voice: { count: 1, included: 1 }, photo: { count: 1, included: 0 } },
    });
    expect(await call('chats.activity', { chatId, bounds: [0, 1_705_320_000_001, 2e12] })).toEqual({
      counts: [1, 1],
    });
    expect(await call('chats.indexOf', { chatId })).toEqual({ index: 0 });
  });
});

describe('suggestedFileName', () => {
  it('keeps only a safe last path part, or names the kind with an extension', () => {
    expect(suggestedFileName({ fileName: '../../x/a:b.jpg', mediaType: 'photo', mime: '' })).toBe(
      'a_b.jpg',
    );
    expect(suggestedFileName({ fileName: null, mediaType: 'voice', mime: 'audio/ogg' })).toBe(
      'voice.ogg',
    );
    expect(suggestedFileName({ fileName: '  ', mediaType: 'document', mime: 'x/y' })).toBe(
      'document',
    );
  });
});

async function storeHash(): Promise<string | null> {
  return (await store.getAttachment(attachmentIds.withBytes))?.hash ?? null;
}
