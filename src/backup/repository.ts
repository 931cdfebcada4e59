import type { Backend } from './backend/backend.js';
import { randomBytes } from './crypto/primitives.js';
import { KeyRegion } from './crypto/key-memory.js';
import { RepoKeys } from './crypto/repo-keys.js';
import {
  FolderInUseError,
  InvalidArgumentError,
  KeysChangedError,
  KeySlotNotFoundError,
  LastKeySlotError,
  type LockHolder,
  RepositoryExistsError,
  SnapshotNotFoundError,
  StorageError,
  toStorageError,
} from './errors.js';
import { CONFIG_OBJECT, type RepoConfig } from './format/config.js';
import {
  deriveSlotKey,
  encodeKeySlotV2,
  formatRecoveryKey,
  newSlotKdf,
  newSlotKeyPair,
  parseRecoveryKey,
  passwordBytes,
  slotInfo,
  wrappedSecretKey,
  wrapSlotSecretKey,
  type Argon2Params,
  type KeySlotHeader,
  type KeySlotInfo,
  type KeySlotKind,
} from './format/key-slot.js';
import { chatRefString, type GroupLine, type SnapshotDoc } from './format/snapshot.js';
import { adoptUnindexedPacks, indexUnindexedInMemory } from './engine/adopt.js';
import { waitForSync } from './engine/availability.js';
import { runBackup } from './engine/backup-run.js';
import { copyObjects, type CopyOptions, type CopyReport } from './engine/copy.js';
import { runCheck } from './engine/check.js';
import { selectForget } from './engine/forget.js';
import {
  deleteSlotFiles,
  healKeyFiles,
  listSlots,
  readSlotCandidates,
  openWithMasterKey,
  openWithSecret,
  peekConfigs,
  writeConfigFiles,
  writeSlotFiles,
} from './engine/keyring.js';
import { loadState, type ObjectProblem } from './engine/load.js';
import { isReadFailure } from './engine/object-read.js';
import { acquireLock, listLocks, removeLocks, type HeldLock } from './engine/locks.js';
import { MasterIndex } from './engine/master-index.js';
import { pruneDue, runPrune, type PruneOptions } from './engine/prune.js';
import { runReencrypt, type ReencryptOptions, type ReencryptReport } from './engine/reencrypt.js';
import { moveAside, runRepair, type RepairOptions } from './engine/repair.js';
import { runRestore } from './engine/restore-run.js';
import { checkRollback } from './engine/rollback.js';
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
  Progress,
  PruneReport,
  RepairReport,
  RepoStats,
  RestoreOptions,
  RestoreResult,
  RetentionPolicy,
  Secret,
  SnapshotMarker,
  SnapshotSummary,
} from './types.js';

export interface InitOptions {
  /**
   * TEST ONLY: cheaper Argon2id parameters so a test suite stays fast. Anything weaker than
   * MODERATE is refused unless `insecureTestKdf` is also set and the process runs with
   * CHATKEEP_INSECURE_TEST_KDF=1.
   */
  kdf?: Argon2Params;
  insecureTestKdf?: boolean;
}

/** What a password change or key removal did to the data key. */
export type KeyChangeResult = (
  { rotated: true; epoch: number } | { rotated: false; epoch: number; reason: string }
) & {
  /** The new password's slot (changePassword). */
  newSlot?: KeySlotInfo;
};

export interface OpenOptions {
  /** The newest snapshot this computer saw: a folder rolled back behind it is refused. */
  lastSeen?: SnapshotMarker | null;
}

/** Set in a network repository's local cache while a backup runs: see mayHaveUnindexedPacks. */
const BACKUP_RUNNING = 'backup-running';

/** Everything a new repository needs must be absent: these are the folders that say otherwise. */
const REPOSITORY_PARTS = ['keys/', 'copies/', 'data/', 'index/', 'snapshots/'] as const;

async function wrapStorage<T>(object: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toStorageError(err, object);
  }
}

export class Repository {
  /** Snapshot and index files skipped at the last load: damaged, not downloaded, arriving. */
  readonly problems: ObjectProblem[] = [];
  /** Things a person should know after opening (a damaged copy of a key file, a weak slot). */
  readonly warnings: string[] = [];
  /** Opened without a lock because the folder cannot be written (read-only share or disk). */
  readOnly = false;
  /**
   * Opened with a key slot older than the folder's newest (see keysBehind): it reads what its
   * keys open and changes nothing (KeysChangedError).
   */
  private readOnlyKeys = false;
  /**
   * The slot the secret opened and its slot key (Repository.open only): a key change can then
   * write that slot again in version 2 if it predates key epochs. Zeroed on close.
   */
  private openedSlot: { id: string; key: KeyRegion } | null = null;
  private state: RepoState;
  private closed = false;
  private kdfOverride: { params: Argon2Params; allowWeak: boolean } | null = null;
  /**
   * Locks of this repository object whose release failed (the server went offline): removed
   * before the next operation, or this process would wait out its own lock for 30 minutes.
   */
  private readonly unreleased = new Set<string>();

  private constructor(
    readonly backend: Backend,
    private readonly config: RepoConfig,
    private keys: RepoKeys,
  ) {
    this.state = {
      backend,
      keys,
      index: new MasterIndex(),
      snapshots: [],
      unreadableSnapshots: [],
      seqFloor: 0,
    };
  }

  get repoId(): string {
    return this.config.repoId;
  }

  // ---------- creation and opening ----------

  /**
   * Creates a repository in an empty place. A place that holds any part of a repository
   * (a config, key slots, data, index or snapshots, even as sync placeholders or conflict
   * copies) is refused: it is most likely a backup still syncing to this computer.
   */
  static async init(
    backend: Backend,
    secret: Secret,
    opts: InitOptions = {},
  ): Promise<{ repo: Repository; recoveryKey?: string }> {
    const location = backend.location ?? 'this location';
    if ((await wrapStorage(CONFIG_OBJECT, () => backend.stat(CONFIG_OBJECT))) !== null)
      throw new RepositoryExistsError(location);
    const found: string[] = [];
    for (const prefix of REPOSITORY_PARTS) {
      if ((await wrapStorage(prefix, () => backend.list(prefix))).length > 0) found.push(prefix);
    }
    if (found.length > 0) throw new FolderInUseError(location, found);

    const repoId = randomBytes(16);
    const master = randomBytes(32);
    const keys = new RepoKeys(master, repoId);
    master.fill(0);
    const config: RepoConfig = {
      repoId: repoId.toString('hex'),
      createdAt: Date.now(),
      keyCheck: keys.keyCheck(),
    };
    const repo = new Repository(backend, config, keys);
    if (opts.kdf) repo.kdfOverride = { params: opts.kdf, allowWeak: opts.insecureTestKdf === true };
    // Key slots first (each carries a copy of the config), then both copies of the config.
    let recoveryKey: string | undefined;
    if ('password' in secret) {
      await repo.writeSlot('password', passwordBytes(secret.password));
    } else {
      const raw = parseRecoveryKey(secret.recoveryKey);
      await repo.writeSlot('recovery', raw);
      recoveryKey = formatRecoveryKey(raw);
    }
    await wrapStorage(CONFIG_OBJECT, () => writeConfigFiles(backend, config));
    return recoveryKey ? { repo, recoveryKey } : { repo };
  }

  /**
   * The repository id a folder holds, read without any secret (the config is not secret), so
   * a caller can look up what it remembers about it (the rollback marker) before opening.
   * Null when there is no readable config (or key slot carrying one).
   */
  static async peekRepoId(backend: Backend): Promise<string | null> {
    const configs = await wrapStorage(CONFIG_OBJECT, () => peekConfigs(backend));
    const ids = new Set(configs.map((c) => c.config.repoId));
    return ids.size === 1 ? [...ids][0]! : null;
  }

  /**
   * What a folder shows without any secret: its repository id (null when it holds no readable
   * config) and the kinds of its key slots, so a restore can say "Backup found, opens with a
   * password or its 64-digit key" before asking for either. Slot headers are not secret.
   */
  static async inspectFolder(
    backend: Backend,
  ): Promise<{ repoId: string | null; slotKinds: KeySlotKind[] }> {
    const repoId = await Repository.peekRepoId(backend);
    const slots = await wrapStorage('keys/', () => listSlots(backend));
    const kinds = new Set(slots.map((slot) => slot.kind));
    return { repoId, slotKinds: (['password', 'recovery'] as const).filter((k) => kinds.has(k)) };
  }

  /**
   * Proves a password or recovery key opens this folder's key slots, and answers the
   * repository id it opened, without loading the index or keeping the master key (the
   * "do you still remember your password?" check). A wrong secret throws WrongSecretError.
   */
  static async checkSecret(backend: Backend, secret: Secret): Promise<{ repoId: string }> {
    const kind: KeySlotKind = 'password' in secret ? 'password' : 'recovery';
    const secretBytes =
      kind === 'password'
        ? passwordBytes((secret as { password: string }).password)
        : parseRecoveryKey((secret as { recoveryKey: string }).recoveryKey);
    try {
      const opened = await wrapStorage('keys/', () => openWithSecret(backend, kind, secretBytes));
      opened.master.fill(0);
      opened.slot.key.fill(0);
      return { repoId: opened.config.repoId };
    } finally {
      secretBytes.fill(0);
    }
  }

  static async open(backend: Backend, secret: Secret, opts: OpenOptions = {}): Promise<Repository> {
    const kind: KeySlotKind = 'password' in secret ? 'password' : 'recovery';
    const secretBytes =
      kind === 'password'
        ? passwordBytes((secret as { password: string }).password)
        : parseRecoveryKey((secret as { recoveryKey: string }).recoveryKey);
    const opened = await wrapStorage('keys/', () => openWithSecret(backend, kind, secretBytes));
    secretBytes.fill(0);
    const keys = new RepoKeys(opened.master, Buffer.from(opened.config.repoId, 'hex'));
    opened.master.fill(0);
    const repo = new Repository(backend, opened.config, keys);
    repo.openedSlot = { id: opened.slot.id, key: KeyRegion.copyOf(opened.slot.key) };
    opened.slot.key.fill(0);
    repo.warnings.push(...opened.warnings);
    // An old slot still opens what was written before the change, but nothing written with
    // its older key may change the folder (a repair would take newer files for damage).
    repo.readOnlyKeys = await repo.keysBehind();
    await repo.finishOpen(opts);
    return repo;
  }

  /**
   * Opens with the keyring this computer kept (the OS keychain): one or more keys of 32 bytes.
   * A keyring older than the one the folder's key slots hold (the password was changed on
   * another computer) is refused with KeysChangedError: writing with it would let the old
   * password read what is written next.
   */
  static async openWithMasterKey(
    backend: Backend,
    masterKey: Uint8Array,
    opts: OpenOptions = {},
  ): Promise<Repository> {
    if (masterKey.length === 0 || masterKey.length % 32 !== 0)
      throw new InvalidArgumentError('A master key is one or more keys of 32 bytes');
    const master = Buffer.from(masterKey);
    let opened: Awaited<ReturnType<typeof openWithMasterKey>>;
    let keys: RepoKeys;
    try {
      opened = await wrapStorage(CONFIG_OBJECT, () => openWithMasterKey(backend, master));
      keys = new RepoKeys(master, Buffer.from(opened.config.repoId, 'hex'));
    } finally {
      master.fill(0);
    }
    const { config, warnings } = opened;
    const repo = new Repository(backend, config, keys);
    repo.warnings.push(...warnings);
    if (await repo.keysBehind()) {
      keys.dispose();
      throw new KeysChangedError();
    }
    await repo.finishOpen(opts);
    return repo;
  }

  /**
   * Whether the folder's key slots hold a newer data key than this keyring: opened with a
   * copy of an old slot (a cloud's version history), or with a key kept from before a change.
   */
  private async keysBehind(): Promise<boolean> {
    const newest = Math.max(-1, ...(await this.listKeys()).map((s) => s.epoch ?? 0));
    return newest > this.keys.epoch;
  }

  private async finishOpen(opts: OpenOptions): Promise<void> {
    await this.reload();
    if (opts.lastSeen) await this.verifyNotRolledBack(opts.lastSeen);
  }

  /** Refuses a folder rolled back behind the newest snapshot this computer saw. */
  async verifyNotRolledBack(lastSeen: SnapshotMarker): Promise<void> {
    this.state.seqFloor = Math.max(this.state.seqFloor, lastSeen.seq);
    await checkRollback(this.state, lastSeen);
  }

  /** Brings index and snapshots up to date with the folder; problems are kept, never thrown. */
  private async reload(): Promise<void> {
    const problems = await wrapStorage('index/', () => loadState(this.state));
    this.problems.splice(0, this.problems.length, ...problems);
  }

  /**
   * The keyring (every epoch's data key; see crypto/repo-keys.ts), for the OS keychain. A copy
   * the caller zeroes; in an ArrayBuffer of its own (never Buffer's shared pool), so it can be
   * transferred.
   */
  exportMasterKey(): Uint8Array {
    this.assertOpen();
    return Uint8Array.from(this.keys.master);
  }

  // ---------- key slots ----------

  /** A new version 2 slot for `secret`, holding the keyring of `keys` (the current one). */
  private async writeSlot(
    kind: KeySlotKind,
    secret: Buffer,
    keys: RepoKeys = this.keys,
  ): Promise<KeySlotInfo> {
    const kdf = newSlotKdf(kind, this.kdfOverride?.params, this.kdfOverride?.allowWeak ?? false);
    const pair = newSlotKeyPair();
    const h = {
      kind,
      createdAt: Date.now(),
      kdf,
      config: this.config,
      epoch: keys.epoch,
      pk: pair.pk.toString('hex'),
    } satisfies KeySlotHeader;
    const slotKey = await deriveSlotKey(kdf, secret);
    const wrapped = wrapSlotSecretKey(slotKey, pair, keys.repoId);
    slotKey.fill(0);
    pair.sk.fill(0);
    const id = randomBytes(32).toString('hex');
    const bytes = encodeKeySlotV2(h, wrapped, keys.master, keys.slotTagKey, keys.repoId);
    await wrapStorage(`keys/${id}`, () => writeSlotFiles(this.backend, id, bytes));
    return slotInfo(id, h);
  }

  /**
   * A new key epoch: a new data key for everything written from now on, held by the slots that
   * stay (each re-written, as a new slot file, with the whole new keyring sealed to its public
   * key, so no other secret is needed) and by `newSlot`, but never by `dropped`. New slot files
   * are written before any old one is deleted: an interruption leaves extra slots, and the
   * older ones open only what was written before.
   *
   * Null (nothing changed) when a slot that stays was written before key epochs (version 1,
   * no public key): it cannot receive a new key without its own secret.
   */
  private async rotateKeys(
    dropped: string[],
    newSlot?: { kind: KeySlotKind; secret: Buffer },
  ): Promise<{ epoch: number; newSlot: KeySlotInfo | null } | null> {
    const candidates = await wrapStorage('keys/', () => readSlotCandidates(this.backend));
    const stay = new Map<string, (typeof candidates)[number]>();
    for (const c of candidates) {
      if (dropped.includes(c.id)) continue;
      const seen = stay.get(c.id);
      if (!seen || (!seen.slot.checksumOk && c.slot.checksumOk)) stay.set(c.id, c);
    }
    // A slot made before key epochs has no public key: it can receive the new keyring only
    // when this session opened it (its slot key is at hand) and it is written again.
    const opened = this.openedSlot;
    const legacy = [...stay.values()].filter((c) => wrappedSecretKey(c.slot) === null);
    if (legacy.some((c) => c.id !== opened?.id)) return null;
    const next = this.keys.withNewEpoch();
    let added: KeySlotInfo | null = null;
    try {
      for (const c of stay.values()) {
        let wrapped = wrappedSecretKey(c.slot);
        let pk = c.slot.header.pk;
        if (!wrapped || !pk) {
          // The version 1 slot this session opened: a key pair of its own, wrapped by its key.
          const pair = newSlotKeyPair();
          wrapped = wrapSlotSecretKey(opened!.key.bytes, pair, next.repoId);
          pk = pair.pk.toString('hex');
          pair.sk.fill(0);
        }
        const h = { ...c.slot.header, epoch: next.epoch, pk };
        const id = randomBytes(32).toString('hex');
        const bytes = encodeKeySlotV2(h, wrapped, next.master, next.slotTagKey, next.repoId);
        await wrapStorage(`keys/${id}`, () => writeSlotFiles(this.backend, id, bytes));
        if (opened && c.id === opened.id) opened.id = id;
      }
      if (newSlot) added = await this.writeSlot(newSlot.kind, newSlot.secret, next);
      for (const id of [...dropped, ...stay.keys()]) {
        await wrapStorage(`keys/${id}`, () => deleteSlotFiles(this.backend, id));
      }
    } catch (err) {
      next.dispose();
      throw err;
    }
    const old = this.keys;
    this.keys = next;
    this.state.keys = next;
    old.dispose();
    return { epoch: next.epoch, newSlot: added };
  }

  /** TEST ONLY: lets tests add slots with cheap Argon2 parameters. */
  setTestKdf(params: Argon2Params | null): void {
    this.kdfOverride = params ? { params, allowWeak: true } : null;
  }

  async listKeys(): Promise<KeySlotInfo[]> {
    return wrapStorage('keys/', () => listSlots(this.backend));
  }

  async addPassword(password: string): Promise<KeySlotInfo> {
    if (password.length === 0) throw new InvalidArgumentError('The password is empty');
    return this.exclusive(() => this.writeSlot('password', passwordBytes(password)));
  }

  /** A new recovery key slot; `recoveryKey` when the caller generated (and showed) it already. */
  async addRecoveryKey(recoveryKey?: string): Promise<{ slot: KeySlotInfo; recoveryKey: string }> {
    const raw = recoveryKey ? parseRecoveryKey(recoveryKey) : randomBytes(32);
    return this.exclusive(async () => {
      const slot = await this.writeSlot('recovery', raw);
      return { slot, recoveryKey: formatRecoveryKey(raw) };
    });
  }

  /**
   * Removes a key slot and, where every other slot can receive one, moves to a new data key
   * (see rotateKeys): a copy of the removed slot kept elsewhere (a cloud's version history)
   * then opens nothing written from now on. `rotated` is false in a backup whose other slots
   * were made before key epochs: the slot is removed, the data key stays.
   */
  async removeKey(slotId: string): Promise<KeyChangeResult> {
    return this.removeKeys([slotId]);
  }

  /**
   * Removes several slots with one key change (removing them one by one would rewrite the
   * others, and their ids, in between).
   */
  async removeKeys(slotIds: string[]): Promise<KeyChangeResult> {
    return this.exclusive(async () => {
      const slots = await this.listKeys();
      for (const id of slotIds)
        if (!slots.some((s) => s.id === id)) throw new KeySlotNotFoundError(id);
      if (slots.every((s) => slotIds.includes(s.id))) throw new LastKeySlotError();
      const rotated = await this.rotateKeys(slotIds);
      if (!rotated) for (const id of slotIds) await deleteSlotFiles(this.backend, id);
      return this.keyChangeResult(rotated !== null);
    });
  }

  /**
   * A new password for a password slot: a new data key for everything written from now on
   * (see removeKey), held by the new password's slot and the other slots; the old slot is
   * deleted after the new ones are written.
   */
  async changePassword(slotId: string, newPassword: string): Promise<KeyChangeResult> {
    if (newPassword.length === 0) throw new InvalidArgumentError('The password is empty');
    return this.exclusive(async () => {
      const slot = (await this.listKeys()).find((s) => s.id === slotId);
      if (!slot) throw new KeySlotNotFoundError(slotId);
      if (slot.kind !== 'password')
        throw new InvalidArgumentError('Only a password slot can change its password');
      const secret = passwordBytes(newPassword);
      try {
        const rotated = await this.rotateKeys([slotId], { kind: 'password', secret });
        let newSlot = rotated?.newSlot ?? null;
        if (!rotated) {
          newSlot = await this.writeSlot('password', secret);
          await deleteSlotFiles(this.backend, slotId);
        }
        return { ...this.keyChangeResult(rotated !== null), ...(newSlot ? { newSlot } : {}) };
      } finally {
        secret.fill(0);
      }
    });
  }

  private keyChangeResult(rotated: boolean): KeyChangeResult {
    return rotated
      ? { rotated: true, epoch: this.keys.epoch }
      : {
          rotated: false,
          epoch: this.keys.epoch,
          reason:
            'A key of this backup was made by an older Chatkeep and cannot receive a new data ' +
            'key without its own secret: make a new recovery key (and remove the old one) so that ' +
            'the next change moves the backup to a new key.',
        };
  }

  /** The key epoch everything is written with now (0 until the first password change). */
  get keyEpoch(): number {
    return this.keys.epoch;
  }

  // ---------- locks ----------

  private async withLock<T>(
    exclusive: boolean,
    fn: (lock: HeldLock | null) => Promise<T>,
  ): Promise<T> {
    this.assertOpen();
    for (const name of [...this.unreleased]) {
      await this.backend.delete(name, { durable: false }).then(
        () => this.unreleased.delete(name),
        () => undefined,
      );
    }
    let lock: HeldLock | null = null;
    try {
      lock = await wrapStorage('locks/', () => acquireLock(this.backend, this.keys, exclusive));
    } catch (err) {
      // A folder we may not write (a read-only share, a write-protected disk) can still be
      // read, checked and restored from: nobody is changing it unless a lock says so, and
      // acquireLock has already refused if one did.
      const readOnly =
        err instanceof StorageError &&
        (err.problem === 'permission-denied' || err.problem === 'read-only');
      if (exclusive || !readOnly) throw err;
      this.readOnly = true;
    }
    try {
      return await wrapStorage('repository', () => fn(lock));
    } finally {
      const held = lock;
      await held?.release().catch(() => {
        if (held) this.unreleased.add(held.object);
      });
    }
  }

  /**
   * Every change to the folder. A repository stays open between scheduled backups, and another
   * computer may change the password meanwhile: checked under the lock each time, since writing
   * with the older key would let the old password read what is written now.
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.readOnlyKeys) return Promise.reject(new KeysChangedError());
    return this.withLock(true, async () => {
      if (await this.keysBehind()) {
        this.readOnlyKeys = true;
        throw new KeysChangedError();
      }
      return fn();
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidArgumentError('The repository is closed');
  }

  /** Live locks held by other processes or computers (stale ones are removed on the way). */
  async locks(): Promise<LockHolder[]> {
    this.assertOpen();
    return wrapStorage('locks/', () => listLocks(this.backend, this.keys));
  }

  /**
   * Removes other processes' locks (all, or those named): for a backup that crashed on
   * another computer. The caller confirms with the person first.
   */
  async unlock(names?: string[]): Promise<LockHolder[]> {
    const holders = await this.locks();
    const chosen = names ? holders.filter((h) => names.includes(h.lock)) : holders;
    await wrapStorage('locks/', () =>
      removeLocks(
        this.backend,
        chosen.map((h) => h.lock),
      ),
    );
    return chosen;
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

  /**
   * A backup goes on whatever else is wrong with the folder: damaged or missing snapshot and
   * index files are skipped (their packs are indexed again from the packs themselves), and
   * whatever the new snapshot needs that is not soundly stored is written again.
   */
  async backupFrom(source: BackupSource, opts: BackupOptions): Promise<SnapshotSummary> {
    return this.exclusive(async () => {
      await this.reload();
      const local = this.backend.local;
      if (await this.mayHaveUnindexedPacks()) await adoptUnindexedPacks(this.state);
      await local?.setFlag(BACKUP_RUNNING, true);
      const snap = await runBackup(this.state, source, opts);
      await local?.setFlag(BACKUP_RUNNING, false);
      return this.summarize(snap);
    });
  }

  /**
   * Whether a backup should look for packs no index names (left by a backup that stopped, or
   * named by a damaged index file) to adopt them. Always in a folder, where listing is cheap.
   * A network repository lists `data/` (hundreds of requests) only when this computer's
   * backup did not finish last time, or an index file could not be read: otherwise there is
   * nothing of ours to adopt, and a pack another computer left is merely uploaded again.
   */
  private async mayHaveUnindexedPacks(): Promise<boolean> {
    const local = this.backend.local;
    if (!this.backend.remote || !local) return true;
    if (this.problems.some((p) => p.object.startsWith('index/'))) return true;
    return local.getFlag(BACKUP_RUNNING);
  }

  async snapshots(): Promise<SnapshotSummary[]> {
    const out: SnapshotSummary[] = [];
    for (const s of this.state.snapshots) out.push(await this.summarize(s));
    return out;
  }

  /**
   * The marker a computer keeps for rollback detection: its own newest snapshot when `host`
   * has one (no other computer's retention ever removes it, so its absence means the folder
   * went back), otherwise the newest snapshot there is.
   */
  latestMarker(host?: string): SnapshotMarker | null {
    const own = host ? this.state.snapshots.filter((x) => x.doc.host === host) : [];
    const list = own.length > 0 ? own : this.state.snapshots;
    const s = list[list.length - 1];
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
    const d = s.doc;
    let chats: { chatRef: string; chatId: string; ref: string[]; title: string }[] = [];
    let counts = new Map<string, number>();
    let listsReadable = true;
    try {
      const lists = await readSnapshotLists(this.state, d, { chats: true });
      chats = lists.chats.map((c) => ({
        chatRef: chatRefString(c.ref),
        chatId: c.chatId,
        ref: c.ref,
        title: c.title,
      }));
      counts = await this.messageCounts(d);
    } catch (err) {
      // The summary still says what the snapshot object itself knows.
      if (!isReadFailure(err)) throw err;
      listsReadable = false;
    }
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
          chatRef: c.chatRef,
          chatId: c.chatId,
          sourceKind: c.ref[0]!,
          accountKey: c.ref[1]!,
          chatKey: c.ref[2]!,
          title: c.title,
          messages: counts.get(c.chatRef) ?? 0,
        })),
      },
      messageCount: d.messageCount,
      mediaTypes: d.mediaTypes,
      media: d.media.included,
      mediaExcluded: d.media.excluded,
      mediaMissing: d.media.missing,
      sizeAdded: d.sizeAdded,
      parentHash: d.parent,
      listsReadable,
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

  /** Restores everything readable; what is not is listed in the result's `missing`. */
  async restoreInto(
    snapshot: string,
    target: RestoreTarget,
    opts: RestoreOptions = {},
  ): Promise<RestoreResult> {
    return this.withLock(false, async () => {
      // Under the lock, so no prune can have removed what the loaded index points to.
      await this.reload();
      await indexUnindexedInMemory(this.state);
      const snap = this.findSnapshot(snapshot);
      if (opts.waitForSyncMs) {
        await waitForSync(this.state, snap, {
          stallMs: opts.waitForSyncMs,
          ...(opts.mediaTypes ? { mediaTypes: opts.mediaTypes } : {}),
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      }
      return runRestore(this.state, snap, target, opts);
    });
  }

  /**
   * Copies this repository, object for object, to another place (an empty one, or an earlier
   * interrupted copy, which it completes), under a shared lock so no prune deletes packs while
   * they are copied. The copy is the same repository: same id, same passwords and keys.
   */
  async copyTo(target: Backend, opts: CopyOptions = {}): Promise<CopyReport> {
    return this.withLock(false, () => copyObjects(this.backend, target, opts));
  }

  async check(
    opts: { readData?: boolean; readDataPercent?: number; onProgress?: (p: Progress) => void } = {},
  ): Promise<CheckReport> {
    return this.withLock(false, async () => {
      await this.reload();
      await indexUnindexedInMemory(this.state);
      return runCheck(this.state, this.problems, opts);
    });
  }

  /** Forgets snapshots by a retention policy, applied to each computer's snapshots apart. */
  async forget(
    policy: RetentionPolicy,
    opts: { dryRun?: boolean } = {},
  ): Promise<{ kept: SnapshotSummary[]; removed: SnapshotSummary[] }> {
    return this.exclusive(async () => {
      await this.reload();
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

  async prune(opts: PruneOptions = {}): Promise<PruneReport> {
    return this.exclusive(async () => {
      await this.reload();
      const report = await runPrune(this.state, opts);
      await this.reload();
      return report;
    });
  }

  /**
   * "Re-encrypt everything" (see engine/reencrypt.ts): rewrites every pack, index file and
   * snapshot sealed with an older key with the newest one, so copies of old key slots (a
   * cloud's version history) open nothing. Resumable: running it again finishes the job. The
   * old files go in prune's stages (`graceMs`, 24 hours by default; 0 when no other computer
   * uses the folder), so `remaining` may say some wait for a later run.
   */
  async reencrypt(opts: ReencryptOptions = {}): Promise<ReencryptReport> {
    return this.exclusive(async () => {
      await this.reload();
      const report = await runReencrypt(this.state, opts);
      await this.reload();
      return report;
    });
  }

  /** Whether condemned packs are due to move on a stage (the app then runs a prune). */
  pruneDue(graceMs?: number, now?: number): boolean {
    return pruneDue(this.state, graceMs, now);
  }

  /**
   * Puts a damaged backup back in order (see engine/repair.ts): key and config copies,
   * conflict copies, the index rebuilt from the packs, damaged files moved into `damaged/`,
   * lost blobs made again from the chat store where it still has them.
   */
  async repair(opts: RepairOptions = {}): Promise<RepairReport> {
    return this.exclusive(async () => {
      await this.reload();
      const keyFilesRestored = await healKeyFiles(this.backend, this.config, (o) =>
        moveAside(this.backend, o),
      );
      const report = await runRepair(this.state, this.problems, opts);
      await this.reload();
      return { ...report, keyFilesRestored };
    });
  }

  async stats(): Promise<RepoStats> {
    let packBytes = 0;
    for (const p of this.state.index.packs.values()) packBytes += p.size;
    return {
      snapshots: this.state.snapshots.length,
      packs: this.state.index.packs.size,
      packBytes,
      blobs: this.state.index.blobCount,
      indexFiles: this.state.index.files.size,
      keySlots: (await this.listKeys()).length,
    };
  }

  /** Operations hold their locks only while they run; closing forgets the keys. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.openedSlot?.key.release();
    this.keys.dispose();
  }
}
