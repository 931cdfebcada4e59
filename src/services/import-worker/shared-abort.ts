/**
 * An AbortSignal that also reads a flag shared with the parent thread. Importers check
 * `signal.aborted` inside synchronous loops (reading a file, the store's ingest transaction),
 * where a 'cancel' message would wait for the loop to end; the shared flag is seen at once.
 * The first read that finds it set aborts the controller, so listeners still hear 'abort'.
 */
export function sharedAbortSignal(controller: AbortController, flag: Int32Array): AbortSignal {
  const signal = controller.signal;
  const native = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get;
  Object.defineProperty(signal, 'aborted', {
    configurable: true,
    get(): boolean {
      const already = native ? Boolean(native.call(signal)) : false;
      if (!already && Atomics.load(flag, 0) === 1) controller.abort();
      return already || Atomics.load(flag, 0) === 1;
    },
  });
  return signal;
}
