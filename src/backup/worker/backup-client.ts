import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../node/spawn-worker.js';
import type {
  BackupOptions,
  CheckReport,
  KeyChangeResult,
  KeySlotInfo,
  LockHolder,
  ObjectProblemView,
  PruneOptions,
  PruneReport,
  ReencryptOptions,
  ReencryptReport,
  RepairReport,
  RepoStats,
  RestoreOptions,
  RestoreResult,
  RetentionPolicy,
  Secret,
  SnapshotMarker,
  SnapshotSummary,
} from '../index.js';
import { BackupCancelledError } from '../errors.js';
import {
  BackupClientClosedError,
  deserializeError,
  WorkerCrashedError,
  type ClientMessage,
  type WorkerMessage,
} from './protocol.js';
import type { RepoTarget } from './repo-target.js';
import type { ProbeResult } from '../backend/probe.js';
import type { ProgressLike } from './types.js';

export { BackupClientClosedError, WorkerCrashedError } from './protocol.js';
export { folderTarget, type RepoTarget } from './repo-target.js';

/** Per-call options that stay on the caller's side: progress callback and cancellation. */
export interface CallControls {
  onProgress?: (p: ProgressLike) => void;
  signal?: AbortSignal;
}

type InitOpts = { kdf?: { opsLimit: number; memLimit: number }; insecureTestKdf?: boolean };
type OpenOpts = { lastSeen?: SnapshotMarker | null };

/** What opening told: the repository, its newest snapshot, and what was skipped or noted. */
export interface OpenedRepository {
  repoId: string;
  latestMarker: SnapshotMarker | null;
  warnings: string[];
  problems: ObjectProblemView[];
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  onProgress?: (p: ProgressLike) => void;
  detach?: () => void;
}

/**
 * The backup engine, run in a worker thread. Methods mirror Repository's; each returns a
 * promise, streams progress to `onProgress`, and rejects with the same error classes (same
 * `code`) the engine throws. One repository is open at a time.
 */
export class BackupClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: Error | null = null;

  private constructor(worker: Worker) {
    this.worker = worker;
    worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    worker.on('error', (e) => this.fail(new WorkerCrashedError(e.message, { cause: e })));
    worker.on('exit', (code) => this.fail(new WorkerCrashedError(`exit code ${code}`)));
  }

  /** Starts the worker; `bundleDir` is where a bundle keeps `backup.worker.js`, if bundled. */
  static start(
    opts: { bundleDir?: string; resourceLimits?: Worker['resourceLimits'] } = {},
  ): BackupClient {
    return new BackupClient(
      spawnWorker('backup', { bundleDir: opts.bundleDir, resourceLimits: opts.resourceLimits }),
    );
  }

  init(
    target: RepoTarget,
    secret: Secret,
    opts?: InitOpts,
  ): Promise<{ repoId: string; recoveryKey: string | null }> {
    return this.call('init', [target, secret, opts]);
  }

  open(target: RepoTarget, secret: Secret, opts?: OpenOpts): Promise<OpenedRepository> {
    return this.call('open', [target, secret, opts]);
  }

  /** The repository id at a location, read without a secret; null when there is none. */
  peekRepoId(target: RepoTarget): Promise<string | null> {
    return this.call('peekRepoId', [target]);
  }

  /** The repository id and key slot kinds a folder (or a network target) shows without a secret. */
  inspectFolder(
    where: string | RepoTarget,
  ): Promise<{ repoId: string | null; slotKinds: KeySlotInfo['kind'][] }> {
    return this.call('inspectFolder', [where]);
  }

  /** Whether `secret` opens the location's key slots (rejects with WRONG_SECRET if not). */
  checkSecret(where: string | RepoTarget, secret: Secret): Promise<{ repoId: string }> {
    return this.call('checkSecret', [where, secret]);
  }

  /** Writes, reads back and deletes a test object at the target; nothing else is touched. */
  testConnection(target: RepoTarget): Promise<ProbeResult> {
    return this.call('testConnection', [target]);
  }

  verifyNotRolledBack(marker: SnapshotMarker): Promise<void> {
    return this.call('verifyNotRolledBack', [marker]);
  }

  /** For the OS keychain path: the key is copied into the message, the caller's copy is untouched. */
  openWithMasterKey(
    target: RepoTarget,
    masterKey: Uint8Array,
    opts?: OpenOpts,
  ): Promise<OpenedRepository> {
    return this.call('openWithMasterKey', [target, Uint8Array.from(masterKey), opts]);
  }

  exportMasterKey(): Promise<Uint8Array> {
    return this.call('exportMasterKey', []);
  }

  /** This computer's own newest snapshot (by host), or the newest there is. */
  latestMarker(host?: string): Promise<SnapshotMarker | null> {
    return this.call('latestMarker', [host]);
  }

  /** Files skipped at the last load (damaged, not downloaded, arriving) and notes from opening. */
  problems(): Promise<{ problems: ObjectProblemView[]; warnings: string[]; readOnly: boolean }> {
    return this.call('problems', []);
  }

  listKeys(): Promise<KeySlotInfo[]> {
    return this.call('listKeys', []);
  }

  addPassword(password: string): Promise<KeySlotInfo> {
    return this.call('addPassword', [password]);
  }

  /** A new recovery key slot; pass the key when it was generated (and shown) beforehand. */
  addRecoveryKey(recoveryKey?: string): Promise<{ slot: KeySlotInfo; recoveryKey: string }> {
    return this.call('addRecoveryKey', [recoveryKey]);
  }

  removeKey(slotId: string): Promise<KeyChangeResult> {
    return this.call('removeKey', [slotId]);
  }

  /** Several slots, with one key change. */
  removeKeys(slotIds: string[]): Promise<KeyChangeResult> {
    return this.call('removeKeys', [slotIds]);
  }

  changePassword(slotId: string, newPassword: string): Promise<KeyChangeResult> {
    return this.call('changePassword', [slotId, newPassword]);
  }

  backup(
    storeDir: string,
    opts: Omit<BackupOptions, 'onProgress' | 'signal'> & CallControls,
  ): Promise<SnapshotSummary> {
    const { onProgress, signal, ...rest } = opts;
    return this.call('backup', [storeDir, rest], { onProgress, signal });
  }

  snapshots(): Promise<SnapshotSummary[]> {
    return this.call('snapshots', []);
  }

  restore(
    snapshot: string,
    targetStoreDir: string,
    opts: Omit<RestoreOptions, 'onProgress' | 'signal'> & CallControls = {},
  ): Promise<RestoreResult> {
    const { onProgress, signal, ...rest } = opts;
    return this.call('restore', [snapshot, targetStoreDir, rest], { onProgress, signal });
  }

  check(
    opts: {
      readData?: boolean;
      readDataPercent?: number;
      onProgress?: (p: ProgressLike) => void;
    } = {},
  ): Promise<CheckReport> {
    const { onProgress, ...rest } = opts;
    return this.call('check', [rest], { onProgress });
  }

  forget(
    policy: RetentionPolicy,
    opts?: { dryRun?: boolean },
  ): Promise<{ kept: SnapshotSummary[]; removed: SnapshotSummary[] }> {
    return this.call('forget', [policy, opts]);
  }

  prune(
    opts: Omit<PruneOptions, 'onProgress'> & { onProgress?: (p: ProgressLike) => void } = {},
  ): Promise<PruneReport> {
    const { onProgress, ...rest } = opts;
    return this.call('prune', [rest], { onProgress });
  }

  /** "Re-encrypt everything" with the newest key (see Repository.reencrypt). */
  reencrypt(
    opts: Omit<ReencryptOptions, 'onProgress'> & { onProgress?: (p: ProgressLike) => void } = {},
  ): Promise<ReencryptReport> {
    const { onProgress, ...rest } = opts;
    return this.call('reencrypt', [rest], { onProgress });
  }

  pruneDue(graceMs?: number): Promise<boolean> {
    return this.call('pruneDue', [graceMs]);
  }

  /** Repairs the open repository; `storeDir` lets it upload lost data again from the chat store. */
  repair(storeDir: string | null, controls: CallControls = {}): Promise<RepairReport> {
    return this.call('repair', [storeDir], controls);
  }

  locks(): Promise<LockHolder[]> {
    return this.call('locks', []);
  }

  unlock(names?: string[]): Promise<LockHolder[]> {
    return this.call('unlock', [names]);
  }

  stats(): Promise<RepoStats> {
    return this.call('stats', []);
  }

  /** Closes the open repository (releasing its lock); the worker stays up for the next one. */
  closeRepository(): Promise<void> {
    return this.call('close', []);
  }

  /** Closes the repository, then ends the worker. Safe to call twice. */
  async close(): Promise<void> {
    if (this.dead) return;
    try {
      await this.closeRepository();
    } finally {
      this.dead = new BackupClientClosedError();
      await this.worker.terminate();
    }
  }

  private call<T>(method: string, args: unknown[], controls: CallControls = {}): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    if (controls.signal?.aborted) return Promise.reject(new BackupCancelledError());
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: controls.onProgress,
      };
      const { signal } = controls;
      if (signal) {
        const onAbort = () => this.post({ type: 'cancel', id });
        signal.addEventListener('abort', onAbort, { once: true });
        pending.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.pending.set(id, pending);
      this.post({
        type: 'call',
        id,
        method,
        args,
        progress: Boolean(controls.onProgress),
        cancellable: Boolean(signal),
      });
    });
  }

  private post(message: ClientMessage): void {
    this.worker.postMessage(message);
  }

  private onMessage(m: WorkerMessage): void {
    const pending = this.pending.get(m.id);
    if (!pending) return;
    if (m.type === 'progress') {
      try {
        pending.onProgress?.(m.progress);
      } catch {
        // A throwing progress callback must not break the call it reports on.
      }
      return;
    }
    this.pending.delete(m.id);
    pending.detach?.();
    if (m.type === 'result') pending.resolve(m.value);
    else pending.reject(deserializeError(m.error));
  }

  private fail(error: Error): void {
    if (this.dead) return;
    this.dead = error;
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.detach?.();
      pending.reject(error);
    }
  }
}
