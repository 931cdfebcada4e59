import { describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from './dispatch';

/** Handlers that record what they were given, so the tests see what validation passed on. */
function recordingHandlers() {
  const calls: { channel: string; request: unknown }[] = [];
  const handler =
    (channel: string, reply: unknown = null) =>
    async (request: unknown) => {
      calls.push({ channel, request });
      return reply;
    };
  const handlers = {
    'app.getInfo': handler('app.getInfo', { name: 'Chatkeep' }),
    'app.openExternal': handler('app.openExternal'),
    'chats.list': handler('chats.list', { chats: [], total: 0 }),
    'chats.get': async () => {
      throw Object.assign(new Error('This chat no longer exists.'), { code: 'NOT_FOUND' });
    },
    'messages.page': async () => {
      throw new Error('SQLITE_CORRUPT at /home/someone/secret/path');
    },
    'search.query': async () => {
      throw Object.assign(new Error("ENOENT: no such file, open '/home/x/y'"), { code: 'ENOENT' });
    },
    'store.stats': handler('store.stats'),
  } as unknown as Handlers;
  return { handlers, calls };
}

describe('dispatch', () => {
  it('passes a valid request, with defaults filled in, to its handler', async () => {
    const { handlers, calls } = recordingHandlers();
    const reply = await dispatch(handlers, 'chats.list', { filter: 'ann' });
    expect(reply).toEqual({ ok: true, value: { chats: [], total: 0 } });
    expect(calls).toEqual([
      { channel: 'chats.list', request: { filter: 'ann', limit: 100, offset: 0 } },
    ]);
  });

  it('refuses a malformed request with the failing fields, without calling the handler', async () => {
    const { handlers, calls } = recordingHandlers();
    const reply = await dispatch(handlers, 'chats.list', { limit: 'lots', offset: -1 });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('INVALID_REQUEST');
    expect(reply.error.issues?.map((i) => i.path).sort()).toEqual(['limit', 'offset']);
    expect(calls).toEqual([]);
  });

  it('refuses unknown fields, unknown channels and prototype keys', async () => {
    const { handlers, calls } = recordingHandlers();
    expect(await dispatch(handlers, 'chats.list', { limit: 5, admin: true })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    for (const channel of ['nope', '__proto__', 'constructor', 42, null]) {
      expect(await dispatch(handlers, channel, {})).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_CHANNEL' },
      });
    }
    expect(calls).toEqual([]);
  });

  it('refuses non-object payloads', async () => {
    const { handlers } = recordingHandlers();
    for (const payload of ['x', 1, [], true]) {
      expect(await dispatch(handlers, 'app.getInfo', payload)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REQUEST' },
      });
    }
  });

  it('passes a coded error through and hides everything else', async () => {
    const { handlers } = recordingHandlers();
    const logged: string[] = [];
    const log = (channel: string) => logged.push(channel);
    expect(await dispatch(handlers, 'chats.get', { chatId: 3 }, log)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'This chat no longer exists.' },
    });
    const crash = await dispatch(handlers, 'messages.page', { chatId: 3 }, log);
    expect(crash).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(crash)).not.toContain('/home');
    const system = await dispatch(handlers, 'search.query', { query: 'x' }, log);
    expect(system).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(system)).not.toContain('/home');
    expect(logged).toEqual(['messages.page', 'search.query']);
  });

  it('checks that at most one cursor is given', async () => {
    const { handlers } = recordingHandlers();
    const reply = await dispatch(handlers, 'messages.page', {
      chatId: 1,
      around: 5,
      before: { sentAt: 1, id: 2 },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });
});
