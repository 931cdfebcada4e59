import { parentPort } from 'node:worker_threads';
import type { Backend } from '../backend/backend.js';
import { openBackend } from '../backend/open.js';
import { createFolderBackend } from '../backend/folder.js';
import { Repository } from '../index.js';
import { probeStorage } from '../backend/probe.js';
import { openStoreSource } from '../store-adapter.js';
import { InvalidArgumentError } from '../errors.js';
import { serializeError, type ClientMessage, type WorkerMessage } from './protocol.js';
import type { RepoTarget } from './repo-target.js';
import type { ProgressLike } from './types.js';

/**
 * The backup engine's thread: hashing, compression, encryption and file I/O run here so the
 * Electron main process stays responsive. It holds at most one open Repository. Secrets
 * arrive only inside call messages and are never logged or echoed back.
 */

if (!parentPort) throw new Error('backup.worker.ts must run as a worker thread');
const port = parentPort;

let repo: Repository | null = null;
/** The open repository's storage (connections, an rclone process), closed with it. */
let storage: Backend | null = null;
const running = new Map<number, AbortController>();

/** Progress is throttled so a fast phase cannot flood the caller's event loop. */
const PROGRESS_INTERVAL_MS = 100;

type Handler = (args: unknown[], extras: CallExtras) => Promise<unknown>;
interface CallExtras {
  onProgress?: (p: ProgressLike) => void;
  signal?: AbortSignal;
}

function current(): Repository {
  if (!repo) throw new InvalidArgumentError('No repository is open in the backup worker');
  return repo;
}

async function replace(next: Repository, nextStorage: Backend): Promise<void> {
  const previous = repo;
  const previousStorage = storage;
  repo = next;
  storage = nextStorage;
  if (previous) await previous.close();
  await previousStorage?.close?.().catch(() => undefined);
}

function openTarget(target: RepoTarget): Promise<Backend> {
  return openBackend(
    target.location,
    target.credentials ?? {},
    target.cacheDir ? { cacheDir: target.cacheDir } : {},
  );
}

/** Runs `fn` on storage opened for this one call (a folder path or a target), then closes it. */
async function withTemporaryStorage<T>(
  where: string | RepoTarget,
  fn: (b: Backend) => Promise<T>,
): Promise<T> {
  const backend = typeof where === 'string' ? createFolderBackend(where) : await openTarget(where);
  try {
    return await fn(backend);
  } finally {
    await backend.close?.().catch(() => undefined);
  }
}

/** Runs `fn` on freshly opened storage, closing it again if `fn` fails. */
async function withStorage<T>(target: RepoTarget, fn: (b: Backend) => Promise<T>): Promise<T> {
  const backend = await openTarget(target);
  try {
    return await fn(backend);
  } catch (err) {
    await backend.close?.().catch(() => undefined);
    throw err;
  }
}

function withExtras<T extends object>(opts: T | undefined, extras: CallExtras): T {
  return { ...(opts ?? ({} as T)), ...extras };
}

const handlers: Record<string, Handler> = {
  async init([target, secret, opts]) {
    return withStorage(target as RepoTarget, async (backend) => {
      const { repo: created, recoveryKey } = await Repository.init(
        backend,
        secret as Parameters<typeof Repository.init>[1],
        opts as Parameters<typeof Repository.init>[2],
      );
      await replace(created, backend);
      return { repoId: created.repoId, recoveryKey: recoveryKey ?? null };
    });
  },
  async open([target, secret, opts]) {
    return withStorage(target as RepoTarget, async (backend) => {
      const opened = await Repository.open(
        backend,
        secret as Parameters<typeof Repository.open>[1],
        opts as Parameters<typeof Repository.open>[2],
      );
      await replace(opened, backend);
      return openedFacts(opened);
    });
  },
  async openWithMasterKey([target, masterKey, opts]) {
    // The message's copy of the key: the repository keeps its own.
    const key = masterKey as Uint8Array;
    try {
      return await withStorage(target as RepoTarget, async (backend) => {
        const opened = await Repository.openWithMasterKey(
          backend,
          key,
          opts as Parameters<typeof Repository.openWithMasterKey>[2],
        );
        await replace(opened, backend);
        return openedFacts(opened);
      });
    } finally {
      key.fill(0);
    }
  },
  /** The repository id a location holds, read without any secret (for the keychain marker). */
  async peekRepoId([target]) {
    const backend = await openTarget(target as RepoTarget);
    try {
      return await Repository.peekRepoId(backend);
    } finally {
      await backend.close?.().catch(() => undefined);
    }
  },
  /**
   * Repository id and key slot kinds, read without any secret (the restore's folder check). Takes
   * a folder path or a RepoTarget (a network location with its credentials).
   */
  async inspectFolder([where]) {
    return withTemporaryStorage(where as string | RepoTarget, (b) => Repository.inspectFolder(b));
  },
  /** Does this secret open the location's key slots? Nothing is kept open. */
  async checkSecret([where, secret]) {
    return withTemporaryStorage(where as string | RepoTarget, (b) =>
      Repository.checkSecret(b, secret as Parameters<typeof Repository.checkSecret>[1]),
    );
  },
  /**
   * "Test connection": writes, reads back and deletes a small object at the location, with a
   * short retry budget so an unreachable server is reported in seconds, not minutes. Answers
   * with the free space where the storage says.
   */
  async testConnection([target]) {
    const t = target as RepoTarget;
    const backend = await openBackend(t.location, t.credentials ?? {}, {
      retry: { budgetMs: 8_000, baseMs: 250, maxDelayMs: 2_000 },
      requestTimeoutMs: 15_000,
    });
    try {
      return await probeStorage(backend);
    } finally {
      await backend.close?.().catch(() => undefined);
    }
  },
  async verifyNotRolledBack([marker]) {
    return current().verifyNotRolledBack(
      marker as Parameters<Repository['verifyNotRolledBack']>[0],
    );
  },
  async exportMasterKey() {
    return current().exportMasterKey();
  },
  async latestMarker([host]) {
    return current().latestMarker(host as string | undefined);
  },
  async problems() {
    const r = current();
    return { problems: r.problems, warnings: r.warnings, readOnly: r.readOnly };
  },
  async listKeys() {
    return current().listKeys();
  },
  async addPassword([password]) {
    return current().addPassword(password as string);
  },
  async addRecoveryKey([recoveryKey]) {
    return current().addRecoveryKey(recoveryKey as string | undefined);
  },
  async removeKey([slotId]) {
    return current().removeKey(slotId as string);
  },
  async removeKeys([slotIds]) {
    return current().removeKeys(slotIds as string[]);
  },
  async changePassword([slotId, password]) {
    return current().changePassword(slotId as string, password as string);
  },
  async backup([storeDir, opts], extras) {
    type Opts = Parameters<Repository['backup']>[1];
    return current().backup(storeDir as string, withExtras(opts as Opts, extras));
  },
  async snapshots() {
    return current().snapshots();
  },
  async restore([snapshot, target, opts], extras) {
    type Opts = NonNullable<Parameters<Repository['restore']>[2]>;
    return current().restore(
      snapshot as string,
      target as string,
      withExtras(opts as Opts, extras),
    );
  },
  async check([opts], extras) {
    type Opts = NonNullable<Parameters<Repository['check']>[0]>;
    return current().check(withExtras(opts as Opts, { onProgress: extras.onProgress }));
  },
  async forget([policy, opts]) {
    return current().forget(
      policy as Parameters<Repository['forget']>[0],
      opts as Parameters<Repository['forget']>[1],
    );
  },
  async prune([opts], extras) {
    type Opts = NonNullable<Parameters<Repository['prune']>[0]>;
    return current().prune(withExtras(opts as Opts, { onProgress: extras.onProgress }));
  },
  async reencrypt([opts], extras) {
    type Opts = NonNullable<Parameters<Repository['reencrypt']>[0]>;
    return current().reencrypt(withExtras(opts as Opts, { onProgress: extras.onProgress }));
  },
  async pruneDue([graceMs]) {
    return current().pruneDue(graceMs as number | undefined);
  },
  async repair([storeDir], extras) {
    const source = storeDir ? openStoreSource(storeDir as string) : null;
    try {
      return await current().repair({ source, ...extras });
    } finally {
      await source?.close();
    }
  },
  async locks() {
    return current().locks();
  },
  async unlock([names]) {
    return current().unlock(names as string[] | undefined);
  },
  async stats() {
    return current().stats();
  },
  async close() {
    const previous = repo;
    const previousStorage = storage;
    repo = null;
    storage = null;
    if (previous) await previous.close();
    await previousStorage?.close?.().catch(() => undefined);
    return null;
  },
};

function openedFacts(r: Repository) {
  return {
    repoId: r.repoId,
    latestMarker: r.latestMarker(),
    warnings: r.warnings,
    problems: r.problems,
  };
}

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

function throttledProgress(id: number): (p: ProgressLike) => void {
  let lastAt = 0;
  let lastPhase = '';
  return (p) => {
    const now = Date.now();
    const finished = p.itemsTotal > 0 && p.itemsDone >= p.itemsTotal;
    if (p.phase === lastPhase && !finished && now - lastAt < PROGRESS_INTERVAL_MS) return;
    lastAt = now;
    lastPhase = p.phase;
    post({
      type: 'progress',
      id,
      progress: {
        phase: p.phase,
        itemsDone: p.itemsDone,
        itemsTotal: p.itemsTotal,
        bytesDone: p.bytesDone,
        bytesTotal: p.bytesTotal,
        etaMs: p.etaMs,
      },
    });
  };
}

// Calls run one at a time, in arrival order: a Repository is not designed for concurrent
// operations, and its lock would refuse most of them anyway. `cancel` is handled at once.
let queue: Promise<void> = Promise.resolve();

port.on('message', (message: ClientMessage) => {
  if (message.type === 'cancel') {
    running.get(message.id)?.abort();
    return;
  }
  const controller = message.cancellable ? new AbortController() : null;
  if (controller) running.set(message.id, controller);
  queue = queue.then(async () => {
    try {
      const handler = handlers[message.method];
      if (!handler)
        throw new InvalidArgumentError(`Unknown backup worker method "${message.method}"`);
      const extras: CallExtras = {};
      if (message.progress) extras.onProgress = throttledProgress(message.id);
      if (controller) extras.signal = controller.signal;
      const value = await handler(message.args, extras);
      if (message.method === 'exportMasterKey' && value instanceof Uint8Array) {
        // Moved to the caller, not cloned: no copy of the key stays behind in this thread.
        port.postMessage({ type: 'result', id: message.id, value } satisfies WorkerMessage, [
          value.buffer as ArrayBuffer,
        ]);
      } else post({ type: 'result', id: message.id, value });
    } catch (error) {
      post({ type: 'error', id: message.id, error: serializeError(error) });
    } finally {
      running.delete(message.id);
    }
  });
});
