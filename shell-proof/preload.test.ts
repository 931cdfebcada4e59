import fs from 'node:fs';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Transport } from '../src/shared/api';
import { IPC_EVENT, IPC_GRANT_DROP, IPC_INVOKE } from '../src/shared/ipc/channels';
import { assertBuilt, built } from './built';
import { rendererStandIn } from './stand-in/electron-renderer';

/**
 * The built preload (out/preload/index.cjs), run as Electron runs a sandboxed preload: a
 * CommonJS function given a `require` that knows only the modules a sandboxed preload may load,
 * a cut-down `process`, Buffer-less and Node-less otherwise, in a fresh JavaScript context.
 * It must expose exactly the documented API (src/shared/api.ts's Transport) and nothing else.
 */

/** What `require` offers a sandboxed preload (Electron's docs, "Process Sandboxing"). */
const SANDBOX_MODULES = ['electron', 'events', 'timers', 'url'];

function loadPreload(paths?: Map<unknown, string>) {
  const renderer = rendererStandIn(paths);
  const required: string[] = [];
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return renderer.module;
    if (SANDBOX_MODULES.includes(name)) return {};
    throw new Error(`Cannot find module '${name}' (not available in a sandboxed preload)`);
  };
  const sandboxProcess = Object.freeze({
    platform: process.platform,
    type: 'renderer',
    sandboxed: true,
    contextIsolated: true,
    versions: Object.freeze({ electron: '45.5.0' }),
  });
  // A context with only JavaScript's own globals: no Node, no fetch, no window.chatkeep yet.
  const context = vm.createContext({});
  const wrapper = vm.runInContext(
    `(function (exports, require, module, process, global) {\n${fs.readFileSync(built.preload, 'utf8')}\n})`,
    context,
    { filename: built.preload },
  ) as (...args: unknown[]) => void;
  const module = { exports: {} };
  wrapper(module.exports, sandboxRequire, module, sandboxProcess, context);
  return { renderer, required, context };
}

beforeAll(() => assertBuilt());

describe('the built preload in a sandboxed context', () => {
  it('loads with only what a sandboxed preload has, and asks for electron alone', () => {
    const { required, context } = loadPreload();
    expect(required).toEqual(['electron']);
    // It leaves nothing of its own behind in the page's world.
    expect(Object.keys(context)).toEqual([]);
  });

  it('exposes exactly window.chatkeep = { invoke, subscribe, grantDroppedFile }', () => {
    const { renderer } = loadPreload();
    expect(renderer.exposed.map((e) => e.key)).toEqual(['chatkeep']);
    const api = renderer.exposed[0]!.api as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['grantDroppedFile', 'invoke', 'subscribe']);
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    // Nothing of Electron's crosses: no ipcRenderer, no webUtils, no event objects.
    expect(Object.values(api)).not.toContain(renderer.module.ipcRenderer);
  });

  it('invoke sends (channel, request) on the one invoke channel; the typed API works over it', async () => {
    const { renderer } = loadPreload();
    const transport = renderer.exposed[0]!.api as Transport;
    renderer.replies.push({ ok: true, value: { chats: [], total: 0 } });
    const api = createApi(transport);
    expect(await api.invoke('chats.list', { limit: 5 })).toEqual({ chats: [], total: 0 });
    expect(renderer.invoked).toEqual([{ channel: IPC_INVOKE, args: ['chats.list', { limit: 5 }] }]);
    renderer.replies.push({ ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'No.' } });
    await expect(api.invoke('store.stats', {})).rejects.toMatchObject({ code: 'FORBIDDEN_SENDER' });
  });

  it('subscribe hands the listener the payload only, for its event only, until unsubscribed', () => {
    const { renderer } = loadPreload();
    const transport = renderer.exposed[0]!.api as Transport;
    const got: unknown[][] = [];
    const off = transport.subscribe('store.changed', (...args) => got.push(args));
    renderer.emit(IPC_EVENT, 'task.progress', { taskId: 'x' });
    renderer.emit(IPC_EVENT, 'store.changed', { chatIds: [1] });
    expect(got).toEqual([[{ chatIds: [1] }]]);
    off();
    expect(renderer.listenerCount(IPC_EVENT)).toBe(0);
    renderer.emit(IPC_EVENT, 'store.changed', { chatIds: [2] });
    expect(got).toHaveLength(1);
  });

  it("grantDroppedFile finds a dropped file's path with webUtils and sends only that to main", async () => {
    const dropped = { name: 'WhatsApp Chat.zip' };
    const made = { name: 'made-up.zip' };
    const { renderer } = loadPreload(new Map([[dropped, '/home/me/WhatsApp Chat.zip']]));
    const transport = renderer.exposed[0]!.api as Required<Transport>;
    renderer.replies.push({ grantId: 'g1234567', name: 'WhatsApp Chat.zip' });
    expect(await transport.grantDroppedFile(dropped as unknown as File)).toEqual({
      grantId: 'g1234567',
      name: 'WhatsApp Chat.zip',
    });
    // A File the page made itself has no path: nothing is sent.
    expect(await transport.grantDroppedFile(made as unknown as File)).toBeNull();
    expect(renderer.invoked).toEqual([
      { channel: IPC_GRANT_DROP, args: ['/home/me/WhatsApp Chat.zip'] },
    ]);
  });
});
