import type { Backend } from './backend/backend.js';
import { randomBytes } from './crypto/primitives.js';
import { RepoKeys } from './crypto/repo-keys.js';
import {
  InvalidArgumentError,
  KeySlotNotFoundError,
  LastKeySlotError,
  RepositoryDamagedError,
  RepositoryExistsError,
  RepositoryNotFoundError,
  RollbackDetectedError,
  SnapshotNotFoundError,
  WrongSecretError,
  toStorageError,
} from './errors.js';
import { CONFIG_OBJECT, decodeConfig, encodeConfig, type RepoConfig } from './format/config.js';
import {
  deriveSlotKey,
  encodeKeySlot,
  formatRecoveryKey,
  keySlotObject,
  newSlotKdf,
  parseKeySlot,
  parseRecoveryKey,
  passwordBytes,
  slotInfo,
  unwrapMaster,
  type Argon2Params,
  type KeySlotHeader,
  type KeySlotInfo,
  type KeySlotKind,
  type ParsedKeySlot,
} from './format/key-slot.js';
import {
  chatRefString,
  decodeSnapshot,
  type GroupLine,
  type SnapshotDoc,
} from './format/snapshot.js';
import { adoptUnindexedPacks } from './engine/adopt.js';
import { runBackup } from './engine/backup-run.js';
import { readObject } from './engine/blob-store.js';
import { runCheck } from './engine/check.js';
import { selectForget } from './engine/forget.js';
import { acquireLock, type HeldLock } from './engine/locks.js';
import { decodeIndex, MasterIndex } from './engine/master-index.js';
import { runPrune } from './engine/prune.js';
import { runRestore } from './engine/restore-run.js';
import {
  readListLines,
  readSnapshotLists,
  resolveList,
  type LoadedSnapshot,
  type RepoState,
} from './engine/state.js';
import type { BackupSource, RestoreTarget } from './source.js';
import { openStoreSource, openStoreTarget } from './store-adapter.js';
import type {
  BackupOptions,
  CheckReport,
  PruneReport,
  RepoStats,
  RestoreOptions,
  RestoreResult,
  RetentionPolicy,
  Secret,
  SnapshotMarker,
  SnapshotSummary,
  Progress,
} from './types.js';

export interface InitOptions {
  /**
   * TEST ONLY: cheaper Argon2id parameters so a test suite stays fast. Anything weaker than
   * MODERATE is refused unless `insecureTestKdf` is also set.
   */
  kdf?: Argon2Params;
  insecureTestKdf?: boolean;
}

export interface OpenOptions {
  lastSeen?: SnapshotMarker | null;
  /** Open even if some snapshot or index objects are damaged (for check and salvage restores). */
  allowDamaged?: boolean;
}

async function readOptional(backend: Backend, name: string): Promise<Buffer | null> {
  try {
    return await backend.read(name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw toStorageError(err, name);
  }
}

async function wrapStorage<T>(object: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toStorageError(err, object);
  }
}

export class Repository {
  /** Damaged objects skipped when opened with allowDamaged. */
  readonly damaged: RepositoryDamagedError[] = [];
  private state: RepoState;
  private closed = false;
  /** Opened with allowDamaged: restores skip damaged snapshots instead of refusing. */
  private salvage = false;
  private kdfOverride: { params: Argon2Params; allowWeak: boolean } | null = null;

  private constructor(
    readonly backend: Backend,
    private readonly config: RepoConfig,
    private readonly keys: RepoKeys,
  ) {
    this.state = { backend, keys, index: new MasterIndex(), snapshots: [] };
  }

  get repoId(): string {
    return this.config.repoId;
  }

  // ---------- creation and opening ----------

  static async init(
    backend: Backend,
    secret: Secret,
    opts: InitOptions = {},
  ): Promise<{ repo: Repository; recoveryKey?: string }> {
    if (await readOptional(backend, CONFIG_OBJECT)) {
      throw new RepositoryExistsError(backend.location ?? 'this location');
    }
    // Key slots without a config are what an interrupted init leaves: they wrap a master key
    // nothing was ever encrypted with, bound to a repository id that was never written.
    for (const name of await wrapStorage('keys/', () => backend.list('keys/'))) {
      await wrapStorage(name, () => backend.delete(name));
    }
    const repoId = randomBytes(16);
    const master = randomBytes(32);
    const keys = new RepoKeys(master, repoId);
    const config: RepoConfig = {
      repoId: repoId.toString('hex'),
      createdAt: Date.now(),
      keyCheck: keys.keyCheck(),
    };
    const repo = new Repository(backend, config, keys);
    if (opts.kdf) repo.kdfOverride = { params: opts.kdf, allowWeak: opts.insecureTestKdf === true };
    // The key slot first: a folder holding a config is a repository, and it must be openable.
    let recoveryKey: string | undefined;
    if ('password' in secret) {
      await repo.writeSlot('password', passwordBytes(secret.password));
    } else {
      const raw = parseRecoveryKey(secret.recoveryKey);
      await repo.writeSlot('recovery', raw);
      recoveryKey = formatRecoveryKey(raw);
    }
    await wrapStorage(CONFIG_OBJECT, () =>
      backend.writeAtomic(CONFIG_OBJECT, encodeConfig(config)),
    );
    return recoveryKey ? { repo, recoveryKey } : { repo };
  }

  static async open(backend: Backend, secret: Secret, opts: OpenOptions = {}): Promise<Repository> {
    const config = await Repository.readConfig(backend);
    const repoId = Buffer.from(config.repoId, 'hex');
    const kind: KeySlotKind = 'password' in secret ? 'password' : 'recovery';
    const secretBytes =
      kind === 'password'
        ? passwordBytes((secret as { password: string }).password)
        : parseRecoveryKey((secret as { recoveryKey: string }).recoveryKey);
    const slots = await Repository.readSlots(backend);
    let damaged: RepositoryDamagedError | null = null;
    let master: Buffer | null = null;
    for (const s of slots) {
      if ('error' in s) {
        damaged ??= s.error;
        continue;
      }
      if (s.slot.header.kind !== kind) continue;
      const slotKey = await deriveSlotKey(s.slot.header.kdf, secretBytes);
      master = unwrapMaster(s.slot, slotKey, repoId);
      if (master) break;
    }
    if (!master) {
      // A slot we cannot parse may be the one this secret opens: say so rather than "wrong password".
      if (damaged) throw damaged;
      throw new WrongSecretError(kind);
    }
    return Repository.finishOpen(backend, config, master, opts, kind);
  }

  static async openWithMasterKey(
    backend: Backend,
    masterKey: Uint8Array,
    opts: OpenOptions = {},
  ): Promise<Repository> {
    if (masterKey.length !== 32) throw new InvalidArgumentError('A master key is 32 bytes');
    const config = await Repository.readConfig(backend);
    return Repository.finishOpen(backend, config, Buffer.from(masterKey), opts, 'master-key');
  }

  private static async readConfig(backend: Backend): Promise<RepoConfig> {
    const buf = await readOptional(backend, CONFIG_OBJECT);
    if (!buf) throw new RepositoryNotFoundError(backend.location ?? 'this location');
    return decodeConfig(buf);
  }

  private static async readSlots(
    backend: Backend,
  ): Promise<
    ({ id: string; slot: ParsedKeySlot } | { id: string; error: RepositoryDamagedError })[]
  > {
    const names = (await wrapStorage('keys/', () => backend.list('keys/'))).sort();
    const out: (
      { id: string; slot: ParsedKeySlot } | { id: string; error: RepositoryDamagedError }
    )[] = [];
    for (const name of names) {
      const id = name.slice('keys/'.length);
      try {
        out.push({ id, slot: parseKeySlot(await readObject(backend, name), name) });
      } catch (err) {
        if (err instanceof RepositoryDamagedError) out.push({ id, error: err });
        else throw err;
      }
    }
    return out;
  }

  private static async finishOpen(
    backend: Backend,
    config: RepoConfig,
    master: Buffer,
    opts: OpenOptions,
    secretKind: 'password' | 'recovery' | 'master-key',
  ): Promise<Repository> {
    const keys = new RepoKeys(master, Buffer.from(config.repoId, 'hex'));
    if (keys.keyCheck() !== config.keyCheck) {
      // A key slot opened, so the slot is sound: the config must have been altered.
      if (secretKind !== 'master-key') {
        throw new RepositoryDamagedError(CONFIG_OBJECT, 'key check does not match');
      }
      throw new WrongSecretError('master-key');
    }
    const repo = new Repository(backend, config, keys);
    repo.salvage = opts.allowDamaged === true;
    await repo.reload(repo.salvage);
    if (opts.lastSeen) repo.checkRollback(opts.lastSeen);
    return repo;
  }

  /** Re-reads index files and snapshots (another client may have written since open). */
  /**
   * Brings index and snapshots up to date with the folder. Index and snapshot objects are
   * immutable and content-named, so only names not seen before are read; the index is rebuilt
   * from scratch only when an index file disappeared (a prune elsewhere).
   */
  private async reload(allowDamaged: boolean): Promise<void> {
    const { backend, keys } = this;
    const damaged: RepositoryDamagedError[] = [];
    const tolerate = (err: unknown): void => {
      if (allowDamaged && err instanceof RepositoryDamagedError) damaged.push(err);
      else throw err;
    };
    const indexNames = (await wrapStorage('index/', () => backend.list('index/'))).sort();
    const listed = new Set(indexNames);
    let index = this.state.index;
    if ([...index.files.keys()].some((n) => !listed.has(n))) index = new MasterIndex();
    for (const name of indexNames) {
      if (index.files.has(name)) continue;
      try {
        const bytes = await readOptional(backend, name);
        if (bytes) index.add(name, decodeIndex(keys, bytes, name)); // gone: replaced by a prune
      } catch (err) {
        tolerate(err);
      }
    }
    const known = new Map(this.state.snapshots.map((s) => [s.name, s]));
    const snapshots: LoadedSnapshot[] = [];
    for (const name of await wrapStorage('snapshots/', () => backend.list('snapshots/'))) {
      const seen = known.get(name);
      if (seen) {
        snapshots.push(seen);
        continue;
      }
      try {
        const bytes = await readOptional(backend, name);
        if (!bytes) continue; // removed by a forget since the listing
        snapshots.push({
          name,
          hash: name.slice('snapshots/'.length),
          doc: decodeSnapshot(keys, bytes, name),
        });
      } catch (err) {
        tolerate(err);
      }
    }
    snapshots.sort((a, b) => a.doc.seq - b.doc.seq || a.doc.time - b.doc.time);
    this.state = { backend, keys, index, snapshots };
    this.damaged.splice(0, this.damaged.length, ...damaged);
  }

  private checkRollback(lastSeen: SnapshotMarker): void {
    const newest = this.state.snapshots[this.state.snapshots.length - 1];
    const newestSeq = newest?.doc.seq ?? 0;
    if (newestSeq < lastSeen.seq) {
      throw new RollbackDetectedError(
        `newest snapshot is #${newestSeq}, this computer last saw #${lastSeen.seq}`,
      );
    }
    const same = this.state.snapshots.find((s) => s.doc.seq === lastSeen.seq);
    if (same && same.hash !== lastSeen.hash) {
      throw new RollbackDetectedError(`snapshot #${lastSeen.seq} is not the one this computer saw`);
    }
  }

  exportMasterKey(): Uint8Array {
    this.assertOpen();
    return Buffer.from(this.keys.master);
  }

  // ---------- key slots ----------

  private async writeSlot(kind: KeySlotKind, secret: Buffer): Promise<KeySlotInfo> {
    const kdf = newSlotKdf(kind, this.kdfOverride?.params, this.kdfOverride?.allowWeak ?? false);
    const h: KeySlotHeader = { kind, createdAt: Date.now(), kdf };
    const slotKey = await deriveSlotKey(kdf, secret);
    const id = randomBytes(32).toString('hex');
    const name = keySlotObject(id);
    await wrapStorage(name, () =>
      this.backend.writeAtomic(name, encodeKeySlot(h, slotKey, this.keys.master, this.keys.repoId)),
    );
    return slotInfo(id, h);
  }

  /** TEST ONLY: lets tests add slots with cheap Argon2 parameters. */
  setTestKdf(params: Argon2Params | null): void {
    this.kdfOverride = params ? { params, allowWeak: true } : null;
  }

  async listKeys(): Promise<KeySlotInfo[]> {
    const out: KeySlotInfo[] = [];
    for (const s of await Repository.readSlots(this.backend)) {
      if ('slot' in s) out.push(slotInfo(s.id, s.slot.header));
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  async addPassword(password: string): Promise<KeySlotInfo> {
    if (password.length === 0) throw new InvalidArgumentError('The password is empty');
    return this.exclusive(() => this.writeSlot('password', passwordBytes(password)));
  }

  async addRecoveryKey(): Promise<{ slot: KeySlotInfo; recoveryKey: string }> {
    return this.exclusive(async () => {
      const raw = randomBytes(32);
      const slot = await this.writeSlot('recovery', raw);
      return { slot, recoveryKey: formatRecoveryKey(raw) };
    });
  }

  async removeKey(slotId: string): Promise<void> {
    await this.exclusive(async () => {
      const slots = await this.listKeys();
      if (!slots.some((s) => s.id === slotId)) throw new KeySlotNotFoundError(slotId);
      if (slots.length <= 1) throw new LastKeySlotError();
      const name = keySlotObject(slotId);
      await wrapStorage(name, () => this.backend.delete(name));
    });
  }

  /** Rewraps the master key under a new password: a new slot is written before the old one is deleted. */
  async changePassword(slotId: string, newPassword: string): Promise<void> {
    if (newPassword.length === 0) throw new InvalidArgumentError('The password is empty');
    await this.exclusive(async () => {
      const slot = (await this.listKeys()).find((s) => s.id === slotId);
      if (!slot) throw new KeySlotNotFoundError(slotId);
      if (slot.kind !== 'password')
        throw new InvalidArgumentError('Only a password slot can change its password');
      await this.writeSlot('password', passwordBytes(newPassword));
      const name = keySlotObject(slotId);
      await wrapStorage(name, () => this.backend.delete(name));
    });
  }

  // ---------- locks ----------

  private async withLock<T>(exclusive: boolean, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
    this.assertOpen();
    const lock = await wrapStorage('locks/', () => acquireLock(this.backend, this.keys, exclusive));
    try {
      return await wrapStorage('repository', () => fn(lock));
    } finally {
      await lock.release().catch(() => undefined);
    }
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.withLock(true, fn);
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidArgumentError('The repository is closed');
  }

  // ---------- content ----------

  async backup(storeDir: string, opts: BackupOptions): Promise<SnapshotSummary> {
    const source = openStoreSource(storeDir);
    try {
      return await this.backupFrom(source, opts);
    } finally {
      await source.close();
    }
  }

  async backupFrom(source: BackupSource, opts: BackupOptions): Promise<SnapshotSummary> {
    return this.exclusive(async () => {
      await this.reload(false);
      await adoptUnindexedPacks(this.state);
      const snap = await runBackup(this.state, source, opts);
      return this.summarize(snap);
    });
  }

  async snapshots(): Promise<SnapshotSummary[]> {
    const out: SnapshotSummary[] = [];
    for (const s of this.state.snapshots) out.push(await this.summarize(s));
    return out;
  }

  latestMarker(): SnapshotMarker | null {
    const s = this.state.snapshots[this.state.snapshots.length - 1];
    return s ? { seq: s.doc.seq, id: s.hash, hash: s.hash } : null;
  }

  private findSnapshot(sel: string): LoadedSnapshot {
    if (sel === 'latest') {
      const s = this.state.snapshots[this.state.snapshots.length - 1];
      if (!s) throw new SnapshotNotFoundError(sel);
      return s;
    }
    const lower = sel.toLowerCase();
    const matches = this.state.snapshots.filter(
      (s) => s.hash.startsWith(lower) && lower.length >= 4,
    );
    if (matches.length !== 1) throw new SnapshotNotFoundError(sel);
    return matches[0]!;
  }

  /** Messages per chat ref in one groups-list chunk; chunks are shared between snapshots. */
  private readonly chunkCounts = new Map<string, Map<string, number>>();

  private async messageCounts(doc: SnapshotDoc): Promise<Map<string, number>> {
    const total = new Map<string, number>();
    for (const id of (await resolveList(this.state, doc.lists.groups)).leaves) {
      let counts = this.chunkCounts.get(id);
      if (!counts) {
        counts = new Map();
        for (const line of await readListLines(this.state, { d: 0, ids: [id] })) {
          const g = JSON.parse(line) as GroupLine;
          const k = chatRefString(g.ref);
          counts.set(k, (counts.get(k) ?? 0) + g.n);
        }
        this.chunkCounts.set(id, counts);
      }
      for (const [k, n] of counts) total.set(k, (total.get(k) ?? 0) + n);
    }
    return total;
  }

  private async summarize(s: LoadedSnapshot): Promise<SnapshotSummary> {
    const { chats } = await readSnapshotLists(this.state, s.doc, { chats: true });
    const counts = await this.messageCounts(s.doc);
    const d = s.doc;
    return {
      id: s.hash,
      seq: d.seq,
      time: d.time,
      host: d.host,
      appVersion: d.appVersion,
      storeId: d.storeId,
      chats: {
        count: d.chatCount,
        list: chats.map((c) => ({
          chatRef: chatRefString(c.ref),
          chatId: c.chatId,
          sourceKind: c.ref[0],
          accountKey: c.ref[1],
          chatKey: c.ref[2],
          title: c.title,
          messages: counts.get(chatRefString(c.ref)) ?? 0,
        })),
      },
      messageCount: d.messageCount,
      mediaTypes: d.mediaTypes,
      media: d.media.included,
      mediaExcluded: d.media.excluded,
      mediaMissing: d.media.missing,
      sizeAdded: d.sizeAdded,
      parentHash: d.parent,
    };
  }

  async restore(
    snapshot: string,
    targetStoreDir: string,
    opts: RestoreOptions = {},
  ): Promise<RestoreResult> {
    const target = openStoreTarget(targetStoreDir);
    try {
      return await this.restoreInto(snapshot, target, opts);
    } finally {
      await target.close();
    }
  }

  async restoreInto(
    snapshot: string,
    target: RestoreTarget,
    opts: RestoreOptions = {},
  ): Promise<RestoreResult> {
    return this.withLock(false, async () => {
      // Under the lock, so no prune can have removed what the loaded index points to.
      await this.reload(this.salvage);
      return runRestore(this.state, this.findSnapshot(snapshot), target, opts);
    });
  }

  async check(
    opts: { readData?: boolean; readDataPercent?: number; onProgress?: (p: Progress) => void } = {},
  ): Promise<CheckReport> {
    return this.withLock(false, async () => {
      await this.reload(true);
      return runCheck(this.state, this.damaged, opts);
    });
  }

  async forget(
    policy: RetentionPolicy,
    opts: { dryRun?: boolean } = {},
  ): Promise<{ kept: SnapshotSummary[]; removed: SnapshotSummary[] }> {
    return this.exclusive(async () => {
      await this.reload(false);
      const { keep, remove } = selectForget(this.state.snapshots, policy);
      const kept = await Promise.all(keep.map((s) => this.summarize(s)));
      const removed = await Promise.all(remove.map((s) => this.summarize(s)));
      if (!opts.dryRun) {
        for (const s of remove) await this.backend.delete(s.name);
        this.state.snapshots = keep;
      }
      return { kept, removed };
    });
  }

  async prune(opts: { onProgress?: (p: Progress) => void } = {}): Promise<PruneReport> {
    return this.exclusive(async () => {
      await this.reload(false);
      const report = await runPrune(this.state, opts);
      await this.reload(false);
      return report;
    });
  }

  /**
   * Rebuilds the index from the packs themselves (their trailers list every blob): damaged
   * index files are removed and every pack no sound index file names is read, verified and
   * named by a new index file. Open with `allowDamaged` to reach this when an index is damaged.
   */
  async repairIndex(): Promise<{ removedIndexFiles: string[]; packsIndexed: number }> {
    return this.exclusive(async () => {
      await this.reload(true);
      const damagedIndex = this.damaged.map((e) => e.object).filter((o) => o.startsWith('index/'));
      const { adopted } = await adoptUnindexedPacks(this.state);
      for (const name of damagedIndex) await this.backend.delete(name);
      await this.reload(this.salvage);
      return { removedIndexFiles: damagedIndex, packsIndexed: adopted };
    });
  }

  async stats(): Promise<RepoStats> {
    let packBytes = 0;
    for (const p of this.state.index.packs.values()) packBytes += p.size;
    return {
      snapshots: this.state.snapshots.length,
      packs: this.state.index.packs.size,
      packBytes,
      blobs: this.state.index.blobs.size,
      indexFiles: this.state.index.files.size,
      keySlots: (await this.listKeys()).length,
    };
  }

  /** Operations hold their locks only while they run; closing forgets the keys. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const k of [
      this.keys.master,
      this.keys.blobKey,
      this.keys.idKey,
      this.keys.metaKey,
      this.keys.chunkerKey,
    ]) {
      k.fill(0);
    }
  }
}
