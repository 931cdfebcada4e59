import { assertObjectName, type Backend } from './backend.js';

/** Pack uploads in flight at once by default: enough to fill a link whose latency dominates. */
export const DEFAULT_PARALLEL_UPLOADS = 4;

const PACK = /^data\//;

/**
 * Uploads packs in the background, up to `parallel` at once, while the engine builds the next
 * ones. A pack write resolves as soon as the upload has a place (the bytes are copied, so the
 * caller may reuse its buffer); every other operation first waits for the uploads in flight,
 * so an index file or snapshot is only ever written after every pack it names is stored (the
 * repository's write order, docs/backup-format.md section 12). An upload that fails (after the
 * inner backend's own retries) fails the next operation, once.
 */
export function withUploadQueue(inner: Backend, parallel = DEFAULT_PARALLEL_UPLOADS): Backend {
  const inflight = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;

  const takeFailure = (): void => {
    if (!failure) return;
    const { error } = failure;
    failure = null;
    throw error;
  };
  const flush = async (): Promise<void> => {
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
    takeFailure();
  };
  const after =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await flush();
      return fn(...args);
    };

  const wrapped: Backend = {
    ...inner,
    list: after((p: string) => inner.list(p)),
    read: after((n: string, r?: { offset: number; length: number }) => inner.read(n, r)),
    stat: after((n: string) => inner.stat(n)),
    delete: after((n: string, o?: Parameters<Backend['delete']>[1]) => inner.delete(n, o)),
    writeAtomic: async (name, data, opts) => {
      if (!PACK.test(name)) {
        await flush();
        return inner.writeAtomic(name, data, opts);
      }
      assertObjectName(name); // a bad name fails here, not in the background
      takeFailure();
      while (inflight.size >= parallel) await Promise.race(inflight);
      takeFailure();
      const own = Buffer.from(data);
      const upload: Promise<void> = inner
        .writeAtomic(name, own, opts)
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => inflight.delete(upload));
      inflight.add(upload);
    },
    flush,
    close: async () => {
      await Promise.allSettled([...inflight]);
      await inner.close?.();
    },
  };
  if (inner.move)
    wrapped.move = after((f: Parameters<NonNullable<Backend['move']>>[0], t: string) =>
      inner.move!(f, t),
    );
  if (inner.freeBytes) wrapped.freeBytes = after(() => inner.freeBytes!());
  return wrapped;
}
