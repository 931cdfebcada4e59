import { randomBytes } from 'node:crypto';
import { KeyRegion } from '../backup/crypto/key-memory.js';

/**
 * The operating system's keychain (macOS Keychain, Windows Credential Manager, the Secret
 * Service on Linux: GNOME Keyring, KWallet, KeePassXC), through keytar.
 *
 * Names are stable, because entries outlive app versions:
 * - service `app.chatkeep.backup`;
 * - account `repo:<repoId>:master-key`: the repository's master key, base64, so scheduled
 *   backups run without asking for the password;
 * - account `repo:<repoId>:last-snapshot`: the newest snapshot marker this computer has seen
 *   (JSON), so a backup folder replaced by an older copy is detected (rollback).
 *
 * When no keychain is reachable, nothing is written anywhere instead: there is no file fallback.
 * Callers then ask for the password when a backup runs (see RepoKeyStore's session cache).
 * Secrets never appear in errors or logs: errors carry our own sentences and the native
 * message with the secret redacted, never the secret itself.
 */

export const KEYCHAIN_SERVICE = 'app.chatkeep.backup';

const REPO_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export type KeychainErrorCode =
  | 'KEYCHAIN_UNAVAILABLE'
  | 'KEYCHAIN_LOCKED'
  | 'KEYCHAIN_FAILED'
  | 'KEYCHAIN_INVALID_ACCOUNT'
  | 'KEYCHAIN_ENTRY_CORRUPT';

export abstract class KeychainError extends Error {
  abstract readonly code: KeychainErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** No keychain can be reached; `reason` is a sentence for the person using the app. */
export class KeychainUnavailableError extends KeychainError {
  readonly code = 'KEYCHAIN_UNAVAILABLE' as const;
  constructor(
    readonly reason: string,
    /** The native error, redacted: for logs and bug reports. */
    readonly detail: string,
  ) {
    super(reason);
  }
}

/** The keychain exists but is locked (or the unlock prompt was dismissed). */
export class KeychainLockedError extends KeychainError {
  readonly code = 'KEYCHAIN_LOCKED' as const;
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {
    super(reason);
  }
}

/** The keychain answered with an error we do not recognise. */
export class KeychainOperationError extends KeychainError {
  readonly code = 'KEYCHAIN_FAILED' as const;
  constructor(
    readonly operation: 'get' | 'set' | 'delete' | 'list',
    readonly detail: string,
  ) {
    super(
      `The system keychain could not ${operation === 'list' ? 'list' : operation} an entry: ${detail}`,
    );
  }
}

export class InvalidKeychainAccountError extends KeychainError {
  readonly code = 'KEYCHAIN_INVALID_ACCOUNT' as const;
}

/** An entry exists but does not hold what Chatkeep wrote there. */
export class KeychainEntryCorruptError extends KeychainError {
  readonly code = 'KEYCHAIN_ENTRY_CORRUPT' as const;
  constructor(readonly account: string) {
    super(
      `The keychain entry "${account}" does not hold a valid value; enter your backup password again`,
    );
  }
}

export type VaultAvailability =
  | { ok: true }
  | { ok: false; code: 'KEYCHAIN_UNAVAILABLE' | 'KEYCHAIN_LOCKED'; reason: string; detail: string };

export interface SecretVault {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** True when an entry was deleted. */
  delete(account: string): Promise<boolean>;
  /** The accounts stored under this vault's service (names only). */
  accounts(): Promise<string[]>;
  /**
   * Whether the keychain can be used now (a probe entry is written, read and deleted). An
   * implementation may reuse a recent answer unless `fresh` is asked for.
   */
  available(options?: { fresh?: boolean }): Promise<VaultAvailability>;
}

export function masterKeyAccount(repoId: string): string {
  return `repo:${checkRepoId(repoId)}:master-key`;
}

export function lastSnapshotAccount(repoId: string): string {
  return `repo:${checkRepoId(repoId)}:last-snapshot`;
}

/** Every account of one repository starts with this. */
export function repoAccountPrefix(repoId: string): string {
  return `repo:${checkRepoId(repoId)}:`;
}

function checkRepoId(repoId: string): string {
  if (!REPO_ID_PATTERN.test(repoId)) {
    throw new InvalidKeychainAccountError(
      `A repository id must be 1-128 letters, digits, "-" or "_"; got ${JSON.stringify(repoId.slice(0, 40))}`,
    );
  }
  return repoId;
}

const FALLBACK =
  'Backups will still run, but Chatkeep will ask for your backup password each time.';

export const REASONS = {
  noService: `Chatkeep can't reach your system's keychain (no Secret Service is running). ${FALLBACK}`,
  notLoaded: `Chatkeep's keychain component could not be loaded on this computer. ${FALLBACK}`,
  noAnswer: `Your system's keychain did not answer. ${FALLBACK}`,
  locked:
    "Your system's keychain is locked, so Chatkeep can't use it right now. Unlock it to let scheduled backups run without asking; until then Chatkeep will ask for your backup password each time.",
  probeFailed: `Your system's keychain did not keep a test entry. ${FALLBACK}`,
} as const;

/** The part of keytar we use; injectable so the error mapping is testable on any machine. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

const NO_SERVICE = [
  /autolaunch D-Bus/i,
  /Could not connect/i,
  /org\.freedesktop\.secrets was not provided/i,
  /ServiceUnknown/i,
  /Failed to (open connection|connect) to bus/i,
  /Cannot spawn a message bus/i,
  /No such (file or directory|interface)/i,
  /Connection refused/i,
];
const LOCKED = [
  /locked collection/i,
  /is locked/i,
  /User interaction is not allowed/i,
  /-25308/,
  /dismissed/i,
  /prompt.*cancel/i,
  /User canceled/i,
];

/** Replaces every occurrence of the secrets in a native message (belt and braces). */
export function redact(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const s of secrets) {
    if (s && s.length >= 1) out = out.split(s).join('[redacted]');
  }
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

export function classifyKeychainError(
  err: unknown,
  operation: 'get' | 'set' | 'delete' | 'list',
  secrets: readonly (string | undefined)[] = [],
): KeychainError {
  if (err instanceof KeychainError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const detail = redact(raw, secrets);
  if (NO_SERVICE.some((re) => re.test(raw)))
    return new KeychainUnavailableError(REASONS.noService, detail);
  if (LOCKED.some((re) => re.test(raw))) return new KeychainLockedError(REASONS.locked, detail);
  return new KeychainOperationError(operation, detail);
}

export interface KeytarVaultOptions {
  service?: string;
  /** Loads keytar; the default imports the installed native module. */
  loadKeytar?: () => Promise<KeytarLike>;
  /** A keychain call that takes longer counts as "keychain did not answer". */
  timeoutMs?: number;
  /**
   * How long an availability answer is reused. The status page asks often, and each probe
   * writes an entry: on a locked keychain that could raise an unlock prompt every time.
   */
  availabilityCacheMs?: number;
  /** Clock for the cache (tests). */
  now?: () => number;
}

async function importKeytar(): Promise<KeytarLike> {
  const mod = (await import('keytar')) as unknown as KeytarLike & { default?: KeytarLike };
  return mod.default ?? mod;
}

type Operation = 'get' | 'set' | 'delete' | 'list';

export class KeytarVault implements SecretVault {
  readonly service: string;
  private keytar: Promise<KeytarLike> | null = null;
  private readonly timeoutMs: number;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private known: { availability: VaultAvailability; at: number } | null = null;
  private probing: Promise<VaultAvailability> | null = null;

  constructor(private readonly options: KeytarVaultOptions = {}) {
    this.service = options.service ?? KEYCHAIN_SERVICE;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.cacheMs = options.availabilityCacheMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  get(account: string): Promise<string | null> {
    return this.op('get', [], (k) => k.getPassword(this.service, account));
  }

  async set(account: string, secret: string): Promise<void> {
    await this.op('set', [secret], (k) => k.setPassword(this.service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return this.op('delete', [], (k) => k.deletePassword(this.service, account));
  }

  async accounts(): Promise<string[]> {
    const found = await this.op('list', [], (k) => k.findCredentials(this.service));
    // Only names leave this function: the passwords that came with them are dropped here.
    return found.map((c) => c.account).sort();
  }

  /**
   * Whether the keychain works: writes, reads back and deletes a probe entry. The answer is
   * reused for `availabilityCacheMs` (and refreshed by every real operation's outcome) unless
   * `fresh` is asked for; concurrent callers share one probe.
   */
  available(options: { fresh?: boolean } = {}): Promise<VaultAvailability> {
    if (!options.fresh && this.known && this.now() - this.known.at < this.cacheMs) {
      return Promise.resolve(this.known.availability);
    }
    this.probing ??= this.probe().finally(() => {
      this.probing = null;
    });
    return this.probing;
  }

  private async probe(): Promise<VaultAvailability> {
    const probeAccount = `probe:${randomBytes(8).toString('hex')}`;
    const probeValue = randomBytes(8).toString('hex');
    try {
      await this.op('set', [], (k) => k.setPassword(this.service, probeAccount, probeValue));
      const back = await this.op('get', [], (k) => k.getPassword(this.service, probeAccount));
      await this.op('delete', [], (k) => k.deletePassword(this.service, probeAccount));
      if (back !== probeValue) {
        return this.remember({
          ok: false,
          code: 'KEYCHAIN_UNAVAILABLE',
          reason: REASONS.probeFailed,
          detail: 'probe mismatch',
        });
      }
      return this.remember({ ok: true });
    } catch (err) {
      if (err instanceof KeychainLockedError || err instanceof KeychainUnavailableError) {
        return this.remember({ ok: false, code: err.code, reason: err.reason, detail: err.detail });
      }
      const detail = err instanceof KeychainError ? err.message : String(err);
      return this.remember({
        ok: false,
        code: 'KEYCHAIN_UNAVAILABLE',
        reason: REASONS.probeFailed,
        detail,
      });
    }
  }

  private remember(availability: VaultAvailability): VaultAvailability {
    this.known = { availability, at: this.now() };
    return availability;
  }

  /** Runs one keychain call: loaded, timed out, errors typed, outcome remembered. */
  private async op<T>(
    operation: Operation,
    secrets: readonly string[],
    fn: (k: KeytarLike) => Promise<T>,
  ): Promise<T> {
    try {
      const k = await this.load();
      const result = await this.call(operation, secrets, () => fn(k));
      this.remember({ ok: true });
      return result;
    } catch (err) {
      if (err instanceof KeychainUnavailableError || err instanceof KeychainLockedError) {
        this.remember({ ok: false, code: err.code, reason: err.reason, detail: err.detail });
      }
      throw err;
    }
  }

  private load(): Promise<KeytarLike> {
    this.keytar ??= (this.options.loadKeytar ?? importKeytar)().catch((err: unknown) => {
      this.keytar = null;
      throw new KeychainUnavailableError(REASONS.notLoaded, redact(String(err), []));
    });
    return this.keytar;
  }

  private async call<T>(
    operation: Operation,
    secrets: readonly string[],
    fn: () => Promise<T>,
  ): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KeychainUnavailableError(REASONS.noAnswer, `no answer within ${this.timeoutMs} ms`),
          ),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([fn(), timeout]);
    } catch (err) {
      throw classifyKeychainError(err, operation, secrets);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Secrets held in this process's memory for the app's run only, used when the keychain is not
 * available (or the person chose not to save the password): a scheduled backup then runs
 * without asking again until Chatkeep quits. Nothing here is ever written to disk.
 *
 * JavaScript strings cannot be wiped, so none is kept: each secret is held as UTF-8 bytes in a
 * KeyRegion (locked out of swap, zeroed when deleted or cleared), and `get` makes the string
 * afresh for the one call that needs it. Buffers given out are copies the caller should
 * `fill(0)` after use.
 */
export class SessionSecretCache {
  /** null stands for an empty secret: nothing to protect. */
  private readonly entries = new Map<string, KeyRegion | null>();

  get(account: string): string | null {
    if (!this.entries.has(account)) return null;
    return this.entries.get(account)?.bytes.toString('utf8') ?? '';
  }

  set(account: string, secret: string): void {
    const bytes = Buffer.from(secret, 'utf8');
    const region = bytes.length > 0 ? KeyRegion.copyOf(bytes) : null;
    bytes.fill(0);
    this.delete(account);
    this.entries.set(account, region);
  }

  delete(account: string): boolean {
    if (!this.entries.has(account)) return false;
    this.entries.get(account)?.release();
    return this.entries.delete(account);
  }

  deleteWithPrefix(prefix: string): number {
    let n = 0;
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(prefix)) {
        this.delete(key);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    for (const key of [...this.entries.keys()]) this.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

export interface SnapshotMarker {
  seq: number;
  id: string;
  hash: string;
}

export type SecretLocation = 'keychain' | 'session';

/**
 * The repository secrets the app keeps per repository, on top of a SecretVault: the keychain
 * when it works, otherwise this run's memory (never a file). Errors other than "no keychain"
 * (e.g. an unexpected keychain failure) are thrown, so a problem is not mistaken for absence.
 */
export class RepoKeyStore {
  constructor(
    private readonly vault: SecretVault,
    private readonly session: SessionSecretCache | null = new SessionSecretCache(),
  ) {}

  /** Saves the master key; says where it went ('session' when the keychain cannot be used). */
  async saveMasterKey(repoId: string, masterKey: Uint8Array): Promise<SecretLocation | 'nowhere'> {
    const account = masterKeyAccount(repoId);
    // keytar takes strings: the base64 lives for this call (and in the session cache only as
    // locked bytes, see SessionSecretCache).
    const copy = Buffer.from(masterKey);
    const encoded = copy.toString('base64');
    copy.fill(0);
    return this.save(account, encoded);
  }

  /** The master key (a copy the caller should zero after use), or null: ask for the password. */
  async loadMasterKey(repoId: string): Promise<Buffer | null> {
    const account = masterKeyAccount(repoId);
    const encoded = await this.load(account);
    if (encoded === null) return null;
    const key = Buffer.from(encoded, 'base64');
    if (key.length === 0 || key.toString('base64') !== encoded)
      throw new KeychainEntryCorruptError(account);
    return key;
  }

  /**
   * Records the newest snapshot this computer has seen. The marker only moves forward: an
   * older one (from a slower, overlapping task) is ignored and 'kept' returned, unless
   * `allowOlder` says the person accepted an older backup as the new truth.
   */
  async saveLastSnapshot(
    repoId: string,
    marker: SnapshotMarker,
    options: { allowOlder?: boolean } = {},
  ): Promise<SecretLocation | 'nowhere' | 'kept'> {
    if (!options.allowOlder) {
      const current = await this.loadLastSnapshot(repoId).catch((err: unknown) => {
        if (err instanceof KeychainEntryCorruptError) return null;
        throw err;
      });
      if (current && current.seq > marker.seq) return 'kept';
    }
    const clean = { seq: marker.seq, id: marker.id, hash: marker.hash };
    return this.save(lastSnapshotAccount(repoId), JSON.stringify(clean));
  }

  async loadLastSnapshot(repoId: string): Promise<SnapshotMarker | null> {
    const account = lastSnapshotAccount(repoId);
    const text = await this.load(account);
    if (text === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new KeychainEntryCorruptError(account);
    }
    const m = parsed as Partial<SnapshotMarker> | null;
    if (
      !m ||
      typeof m.seq !== 'number' ||
      !Number.isSafeInteger(m.seq) ||
      typeof m.id !== 'string' ||
      typeof m.hash !== 'string'
    ) {
      throw new KeychainEntryCorruptError(account);
    }
    return { seq: m.seq, id: m.id, hash: m.hash };
  }

  /**
   * Removes the kept master key only (the rollback marker stays): after the backup moved to a
   * newer key on another computer, the old one must not be used again.
   */
  async forgetMasterKey(repoId: string): Promise<void> {
    const account = masterKeyAccount(repoId);
    this.session?.delete(account);
    try {
      await this.vault.delete(account);
    } catch (err) {
      if (!isUnavailable(err)) throw err;
    }
  }

  /**
   * "Forget this computer": removes every entry of the repository from the keychain and from
   * memory. Returns how many keychain entries were deleted.
   */
  async forgetRepository(repoId: string): Promise<number> {
    const prefix = repoAccountPrefix(repoId);
    this.session?.deleteWithPrefix(prefix);
    let accounts: string[];
    try {
      accounts = await this.vault.accounts();
    } catch (err) {
      if (isUnavailable(err)) return 0;
      throw err;
    }
    let deleted = 0;
    for (const account of accounts.filter((a) => a.startsWith(prefix))) {
      if (await this.vault.delete(account)) deleted++;
    }
    return deleted;
  }

  private async save(account: string, value: string): Promise<SecretLocation | 'nowhere'> {
    try {
      await this.vault.set(account, value);
      // A stale copy in memory must not shadow what the keychain now holds.
      this.session?.delete(account);
      return 'keychain';
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      if (!this.session) return 'nowhere';
      this.session.set(account, value);
      return 'session';
    }
  }

  private async load(account: string): Promise<string | null> {
    try {
      const value = await this.vault.get(account);
      if (value !== null) return value;
    } catch (err) {
      if (!isUnavailable(err)) throw err;
    }
    return this.session?.get(account) ?? null;
  }
}

function isUnavailable(err: unknown): boolean {
  return err instanceof KeychainUnavailableError || err instanceof KeychainLockedError;
}
