import { describe, expect, it } from 'vitest';
import { sharedAbortSignal } from './shared-abort';

describe('shared abort signal', () => {
  it('reads as aborted as soon as another thread sets the flag, and fires abort once', () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const controller = new AbortController();
    const signal = sharedAbortSignal(controller, flag);
    let fired = 0;
    signal.addEventListener('abort', () => fired++);
    expect(signal.aborted).toBe(false);
    Atomics.store(flag, 0, 1);
    // A synchronous loop sees it without the event loop turning.
    let spins = 0;
    while (!signal.aborted) spins++;
    expect(spins).toBe(0);
    expect(signal.aborted).toBe(true);
    expect(fired).toBe(1);
  });

  it('still aborts through its controller', () => {
    const controller = new AbortController();
    const signal = sharedAbortSignal(controller, new Int32Array(new SharedArrayBuffer(4)));
    controller.abort();
    expect(signal.aborted).toBe(true);
  });
});
