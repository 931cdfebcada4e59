import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freeSpace } from '../app-backup/destinations';
import { PasswordNeededError } from '../app-backup/failure-advice';
import { DestinationSecretStore } from '../app-backup/destination-secrets';
import { RepoKeyStore, type SecretVault } from '../app-backup/keychain';
import {
  BackupScheduler,
  INITIAL_SCHEDULER_STATE,
  type SchedulerClock,
} from '../app-backup/scheduler';
import {
  afterCorrect,
  afterSkip,
  ensurePlanned,
  firstPlan,
  isDue,
} from '../app-backup/secret-check';
import {
  defaultBackupSettings,
  includedMediaTypes,
  NO_BACKUP_SIZES,
  type BackupSettings,
  type BackupSettingsFile,
  type MediaGroup as StoredMediaGroup,
} from '../app-backup/settings';
import {
  describeLocation,
  formatLocation,
  isSameLocation,
  type BackendLocation,
} from '../backup/backend/location';
import type { BackendCredentials } from '../backup/backend/open';
import { formatRecoveryKey } from '../backup/format/key-slot';
import type { ObjectProblemView, Secret, SnapshotSummary } from '../backup/types';
import { BackupClient, folderTarget, type RepoTarget } from '../backup/worker/backup-client';
import {
  MEDIA_GROUPS,
  type BackupSettingsView,
  type BackupStatusView,
  type ConnectionTestView,
  type MediaGroup,
  type RestoreFolderView,
  type RestoreSessionView,
  type SnapshotView,
} from '../shared/backup-types';
import type { StoreStats } from '../shared/chat-types';
import type { EventBus } from './events';
import type { FileGrants } from './grants';
import {
  ConnectionProblemError,
  credentialsFor,
  describeProblem,
  networkTarget,
  TestedConnections,
  type TestConnectionRequest,
} from './network-destinations';
import { assertStrongPassword } from './password-policy';
import {
  backupSizes,
  folderBytes,
  groupSizes,
  mediaBytesOf,
  snapshotChanges,
} from './backup-sizes';
import { damageWords } from './damage-words';
import { guardedChanges, secretRequired } from './secret-guard';
import type { TaskContext, TaskRunner } from './tasks';

/** What only the shell can do for backups (Electron's tray, notifications, power, login items). */
export interface BackupPlatform {
  notify?(title: string, body: string): void;
  isOnBattery?(): boolean;
  /** Login items are the OS's own record; the app does not keep a copy. */
  getStartAtLogin?(): boolean;
  setStartAtLogin?(enabled: boolean): void;
  /**
   * Main's own question to the person (a native dialog the renderer cannot answer): back up to
   * this folder, which Chatkeep found rather than the person chose? Without it, such a folder
   * is refused.
   */
  confirmDestination?(folder: string): Promise<boolean>;
  /** Puts text on the system clipboard (a recovery key the person asked to copy). */
  copyText?(text: string): Promise<void> | void;
}

export interface DetectedFolder {
  kind: 'icloud' | 'google-drive' | 'onedrive' | 'dropbox';
  label: string;
  path: string;
  freeBytes: number | null;
}

export interface BackupServiceOptions {
  storeDir: string;
  appVersion: string;
  grants: FileGrants;
  tasks: TaskRunner;
  bus: EventBus;
  vault: SecretVault;
  /** Non-secret settings and history, in the store's folder. */
  settingsFile: BackupSettingsFile;
  platform?: BackupPlatform;
  storeStats(): Promise<StoreStats>;
  detectFolders(): Promise<DetectedFolder[]>;
  validateFolder(folder: string): Promise<unknown>;
  /** Argon2id cost for new password slots; the engine's default (MODERATE) unless a test lowers it. */
  kdf?: { opsLimit: number; memLimit: number };
  /** Run the scheduler's timers (the app: yes; most tests: no). */
  schedule?: boolean;
  /** The wall clock for the password reminder; tests inject one to make it come due. */
  now?: () => number;
  /** The scheduler's clock and timers (the system's unless a test drives the schedule). */
  schedulerClock?: SchedulerClock;
}

/** A lock from another computer not renewed for this long can be taken over by the person. */
export const LOCK_TAKEOVER_GRACE_MS = 10 * 60_000;

/** How long a recovery key Chatkeep showed may still be copied by main on request. */
const SHOWN_KEY_LIFETIME_MS = 30 * 60_000;

/** The 64 hex digits of a recovery key, whatever spaces, dashes or case it was written with. */
const keyDigits = (key: string) => key.replace(/[\s-]/g, '').toLowerCase();

export class BackupNotConfiguredError extends Error {
  readonly code = 'BACKUP_OFF';
  constructor() {
    super('Backups are not turned on.');
  }
}

class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The page's media groups and the settings file's are the same five, named apart. */
const GROUP_NAMES: Record<MediaGroup, StoredMediaGroup> = {
  photos: 'photo',
  videos: 'video',
  audio: 'audio',
  documents: 'document',
  stickers: 'sticker',
};

export function mediaTypesOf(groups: readonly MediaGroup[]) {
  return groups.flatMap((group) => MEDIA_GROUPS[group].kinds);
}

/** Snapshots as the page shows them, oldest first, each with what it changed. */
function snapshotViews(list: readonly SnapshotSummary[]): SnapshotView[] {
  const changes = snapshotChanges(list);
  return list.map((s, i) => ({
    id: s.id,
    time: s.time,
    chats: s.chats.count,
    messages: s.messageCount,
    media: s.media,
    mediaGroups: groupSizes(s.media),
    sizeAdded: s.sizeAdded,
    host: s.host,
    change: changes[i] ?? null,
  }));
}

/**
 * Backups as the app runs them: set-up, the keychain, the schedule, "Back up now", history,
 * verify, password and key changes, and restore. Plain Node: the engine runs in its worker
 * (BackupClient); Electron's tray, notifications and power events come in through `platform`.
 */
/**
 * Every byte in the backup's folder when it is a folder on this computer; null for a network
 * place, whose size comes from the index instead (walking a server would cost a listing).
 */
async function bytesInFolder(target: Pick<RepoTarget, 'location'>): Promise<number | null> {
  return target.location.kind === 'folder' ? folderBytes(target.location.path) : null;
}

export class BackupService {
  private settings: BackupSettings = defaultBackupSettings();
  private readonly keys: RepoKeyStore;
  /** Network destinations' passwords and keys, in the keychain next to the master key. */
  private readonly destinationSecrets: DestinationSecretStore;
  /** Network locations that passed "Test connection", waiting for set-up or a restore. */
  private readonly connections = new TestedConnections();
  private client: BackupClient | null = null;
  private openRepoId: string | null = null;
  private scheduler: BackupScheduler | null = null;
  /** Set by runNow while it waits for the scheduler to start the task it asked for. */
  private taskStarted: ((taskId: string) => void) | null = null;
  private readonly restoreSessions = new Map<
    string,
    {
      client: BackupClient;
      target: RepoTarget;
      repoId: string;
      lastUsed: number;
      /** The snapshot last restored from this session, for "keep backing up" afterwards. */
      restored: string | null;
    }
  >();
  /** What opens the backup (its key slot kinds), read in the background; null until known. */
  private protection: BackupStatusView['protection'] = null;
  private pendingRecoveryKeys = new Set<string>();
  /** Keys shown to the person in this run, which main copies to the clipboard when asked. */
  private readonly shownKeys = new Map<string, number>();
  /** Files of the backup the last run skipped (damaged, not downloaded, still arriving). */
  private folderProblems: ObjectProblemView[] = [];

  constructor(private readonly o: BackupServiceOptions) {
    this.keys = new RepoKeyStore(o.vault);
    this.destinationSecrets = new DestinationSecretStore(o.vault);
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  async start(): Promise<void> {
    // A damaged settings file falls back to defaults (the file keeps a copy); nothing secret is lost.
    this.settings = (await this.o.settingsFile.load()).settings;
    this.scheduler = new BackupScheduler({
      settings: this.settings.schedule,
      runBackup: () => this.runScheduled(),
      power: { isOnBattery: () => this.o.platform?.isOnBattery?.() ?? false },
      loadState: () => this.settings.runState,
      ...(this.o.schedulerClock ? { clock: this.o.schedulerClock } : {}),
      saveState: (runState) => this.save({ ...this.settings, runState }),
      onEvent: (event) => {
        if (event.type === 'notify') this.o.platform?.notify?.(event.title, event.body);
        if (event.type === 'status') void this.emitChanged();
      },
    });
    if (this.o.schedule !== false && this.repoId) await this.scheduler.start();
    if (this.repoId) {
      // Backups set up before the reminder existed: the first one comes a fortnight from now.
      const planned = ensurePlanned(this.settings.secretCheck, this.now());
      if (planned !== this.settings.secretCheck)
        await this.save({ ...this.settings, secretCheck: planned });
      void this.refreshProtection();
    }
  }

  /**
   * Reads which secrets open the backup (its key slots, not secret) for the status card. In the
   * background: the engine's worker runs one call at a time, and status must not wait for a
   * backup to finish.
   */
  private async refreshProtection(): Promise<void> {
    try {
      const target = await this.destinationTarget();
      if (!target) {
        this.protection = null;
        return;
      }
      const client = await this.repoClient();
      const { slotKinds } = await client.inspectFolder(target);
      this.protection = {
        password: slotKinds.includes('password'),
        recoveryKey: slotKinds.includes('recovery'),
      };
      await this.emitChanged();
    } catch {
      // Unknown for now (the folder is unreachable): the card leaves the line out.
    }
  }

  private get repoId(): string | null {
    return this.settings.destination?.repoId ?? null;
  }

  private async save(next: BackupSettings): Promise<void> {
    this.settings = next;
    await this.o.settingsFile.save(next);
  }

  private view(): BackupSettingsView {
    const s = this.settings;
    return {
      ...s.schedule,
      mediaGroups: (Object.keys(GROUP_NAMES) as MediaGroup[]).filter(
        (g) => s.media[GROUP_NAMES[g]],
      ),
      retention: {
        keepDaily: s.retention.daily,
        keepWeekly: s.retention.weekly,
        keepMonthly: s.retention.monthly,
      },
      startAtLogin: this.o.platform?.getStartAtLogin?.() ?? false,
    };
  }

  private applyView(changes: Partial<BackupSettingsView>): BackupSettings {
    const s = this.settings;
    const media = { ...s.media };
    if (changes.mediaGroups) {
      for (const [group, stored] of Object.entries(GROUP_NAMES) as [MediaGroup, StoredMediaGroup][])
        media[stored] = changes.mediaGroups.includes(group);
    }
    return {
      ...s,
      schedule: {
        frequency: changes.frequency ?? s.schedule.frequency,
        timeOfDay: changes.timeOfDay ?? s.schedule.timeOfDay,
        onlyOnAcPower: changes.onlyOnAcPower ?? s.schedule.onlyOnAcPower,
      },
      media,
      retention: changes.retention
        ? {
            daily: changes.retention.keepDaily,
            weekly: changes.retention.keepWeekly,
            monthly: changes.retention.keepMonthly,
          }
        : s.retention,
    };
  }

  async close(): Promise<void> {
    await this.scheduler?.stop();
    await this.o.tasks.idle();
    for (const session of this.restoreSessions.values()) await session.client.close();
    this.restoreSessions.clear();
    await this.client?.close();
    this.client = null;
  }

  isConfigured(): boolean {
    return this.repoId !== null;
  }

  /** One line for the tray menu. */
  trayStatus(): string {
    if (!this.repoId) return 'Backups are off';
    if (this.o.tasks.isRunning('backup')) return 'Backing up…';
    const last = this.settings.runState.lastSuccessAt;
    return last ? `Last backup: ${new Date(last).toLocaleString()}` : 'No backup yet';
  }

  /** The computer woke up or its power changed: the scheduler decides what that means. */
  onResume(): void {
    this.scheduler?.notifyResume();
  }

  onPowerChange(): void {
    this.scheduler?.notifyPowerChange();
  }

  // ---- status ----

  async status(): Promise<BackupStatusView> {
    const availability = await this.o.vault.available();
    const stats = await this.o.storeStats();
    const sched = this.scheduler?.status();
    const lastError = sched?.lastError ?? null;
    const locked = this.repoId !== null && !(await this.hasKey());
    const run = this.settings.runState;
    const dest = this.settings.destination;
    const lockHolder =
      lastError?.code === 'REPO_LOCKED' && !locked ? await this.otherComputersLock() : null;
    return {
      configured: this.repoId !== null,
      destination: dest
        ? { path: formatLocation(dest.location), label: labelOf(dest.location) }
        : null,
      repoId: this.repoId,
      lastSuccess:
        run.lastSuccessAt !== null
          ? {
              time: run.lastSuccessAt,
              durationMs: run.lastSuccessDurationMs,
            }
          : null,
      nextRunAt:
        this.repoId && this.settings.schedule.frequency !== 'manual'
          ? (sched?.nextRunAt ?? null)
          : null,
      runningTaskId: this.o.tasks.isRunning('backup'),
      problem: locked
        ? {
            code: 'PASSWORD_NEEDED',
            message: 'Enter your backup password (or recovery key) so Chatkeep can back up.',
            action: 'enter-password',
          }
        : lockHolder
          ? {
              code: 'REPO_LOCKED',
              message:
                `Another computer (${lockHolder.host}) has been backing up here since ` +
                `${new Date(lockHolder.time).toLocaleString()}. If it is switched off or its ` +
                'backup stopped, take over.',
              action: 'take-over',
            }
          : lastError
            ? {
                code: lastError.code,
                message: lastError.sentence,
                action:
                  lastError.code === 'WRONG_SECRET' || lastError.code === 'PASSWORD_NEEDED'
                    ? 'enter-password'
                    : lastError.code === 'REPO_NOT_FOUND'
                      ? 'choose-folder'
                      : lastError.code === 'REPO_DAMAGED'
                        ? 'repair'
                        : 'retry',
              }
            : this.damagedFilesProblem(),
      keychain: availability.ok
        ? { available: true, reason: null }
        : { available: false, reason: availability.reason },
      locked,
      settings: this.view(),
      sizes: backupSizes({
        storeMedia: stats.mediaByContent,
        dbBytes: stats.dbBytes,
        backupBytes: this.repoId && run.lastSuccessAt !== null ? run.lastSuccessSizeBytes : null,
        last: this.settings.lastBackupSizes,
        groups: this.view().mediaGroups,
      }),
      protection: this.repoId ? this.protection : null,
      secretCheck: {
        due: this.repoId !== null && isDue(this.settings.secretCheck, this.now()),
        nextDueAt: this.repoId ? this.settings.secretCheck.nextDueAt : null,
      },
    };
  }

  /** Backups go on past damaged files; the page still says so, with Repair. */
  private damagedFilesProblem(): BackupStatusView['problem'] {
    const damaged = this.folderProblems.filter((p) => p.state === 'damaged');
    if (damaged.length === 0) return null;
    return {
      code: 'REPO_DAMAGED',
      message:
        `${damaged.length} file${damaged.length === 1 ? '' : 's'} of your backup ` +
        `${damaged.length === 1 ? 'is' : 'are'} damaged. New backups are complete; Repair puts ` +
        'back what can be saved of the older ones.',
      action: 'repair',
    };
  }

  /** Another computer's lock, once it has gone unrenewed for the grace period. */
  private async otherComputersLock(): Promise<{ host: string; time: number } | null> {
    try {
      const client = await this.openRepository();
      const other = (await client.locks()).filter(
        (h) => h.host !== os.hostname() && Date.now() - h.time > LOCK_TAKEOVER_GRACE_MS,
      );
      return other[0] ?? null;
    } catch {
      return null;
    }
  }

  private async emitChanged(): Promise<void> {
    try {
      this.o.bus.emit('backup.changed', await this.status());
    } catch {
      // Status is best-effort for an event; the page asks again when it needs to.
    }
  }

  // ---- set-up ----

  /**
   * Synced folders found on this computer, offered for one purpose. The person has not chosen
   * them yet, so a backup set up in one asks them first in a dialog of main's own (setup).
   */
  async destinations(purpose: 'backup-folder' | 'restore-folder') {
    const detected = await this.o.detectFolders();
    const grantPurpose = purpose === 'backup-folder' ? 'backup-destination' : 'restore-source';
    return detected.map(({ kind, label, path: folder, freeBytes }) => ({
      kind,
      label,
      path: folder,
      freeBytes,
      grantId: this.o.grants.grant(folder, grantPurpose, 'detected').grantId,
    }));
  }

  /**
   * "Test connection" for a network destination: a throwaway worker writes, reads back and
   * deletes a test object there. Problems are an answer in plain words, not an error; a pass
   * keeps the location and its credentials in memory for set-up or a restore, under an id.
   */
  async testConnection(request: TestConnectionRequest): Promise<ConnectionTestView> {
    let prepared: Awaited<ReturnType<typeof credentialsFor>>;
    try {
      prepared = await credentialsFor(request, this.o.grants, this.destinationSecrets);
    } catch (error) {
      if (error instanceof ConnectionProblemError)
        return { ok: false, problem: 'invalid', message: error.message };
      throw error;
    }
    const { location, credentials } = prepared;
    const client = BackupClient.start();
    try {
      const probe = await client.testConnection({ location, credentials });
      if (request.purpose === 'backup-destination' && probe.hasRepository) {
        return {
          ok: false,
          problem: 'invalid',
          message:
            'There is already a Chatkeep backup there. Choose an empty folder, or restore from it instead.',
        };
      }
      const connectionId = this.connections.add({
        location,
        credentials,
        purpose: request.purpose,
      });
      return {
        ok: true,
        connectionId,
        label: describeLocation(location),
        freeBytes: probe.freeBytes,
        hasBackup: probe.hasRepository,
      };
    } catch (error) {
      return describeProblem(error, location);
    } finally {
      await client.close();
    }
  }

  /** Free space where a picked backup folder lives (the grant is for that purpose only). */
  async freeSpace(folderGrantId: string): Promise<{ freeBytes: number | null }> {
    const dir = this.o.grants.resolve(folderGrantId, 'backup-destination');
    return { freeBytes: await freeSpace(dir) };
  }

  generateRecoveryKey(): { recoveryKey: string } {
    const recoveryKey = formatRecoveryKey(randomBytes(32));
    this.pendingRecoveryKeys.add(recoveryKey);
    this.rememberShownKey(recoveryKey);
    return { recoveryKey };
  }

  private rememberShownKey(recoveryKey: string): void {
    const now = Date.now();
    for (const [key, expiresAt] of this.shownKeys) if (expiresAt <= now) this.shownKeys.delete(key);
    this.shownKeys.set(keyDigits(recoveryKey), now + SHOWN_KEY_LIFETIME_MS);
  }

  /**
   * Copies a recovery key to the clipboard from main, so the renderer needs no clipboard
   * permission (every permission is denied to it). Only a key Chatkeep itself showed in the
   * last half hour: a renderer cannot use this to put anything else on the clipboard.
   */
  async copyRecoveryKey(recoveryKey: string): Promise<{ copied: true }> {
    const digits = keyDigits(recoveryKey);
    const expiresAt = this.shownKeys.get(digits);
    if (expiresAt === undefined || expiresAt <= Date.now()) {
      throw new CodedError(
        'NOT_FOUND',
        'Chatkeep can copy only the recovery key it has just shown. Write the key down or save it as a text file.',
      );
    }
    if (!this.o.platform?.copyText) {
      throw new CodedError(
        'UNAVAILABLE',
        'Copying is not available here: write the key down or save it as a text file.',
      );
    }
    await this.o.platform.copyText(digits.match(/.{4}/g)!.join(' '));
    return { copied: true };
  }

  /**
   * Proves the person knows the backup's password or recovery key before something that would
   * make the backup keep less, move or stop: a throwaway backup worker opens the configured
   * repository with it (never the worker a running backup uses). A missing secret is refused
   * with SECRET_REQUIRED, a wrong one with the engine's WRONG_SECRET; nothing is changed.
   */
  private async verifySecret(
    secret: Secret | undefined,
    why: Parameters<typeof secretRequired>[0],
  ): Promise<void> {
    if (!secret) throw secretRequired(why);
    const target = await this.destinationTarget();
    const repoId = this.repoId;
    if (!target || !repoId) throw new BackupNotConfiguredError();
    const client = BackupClient.start();
    try {
      const opened = await client.open(target, secret);
      if (opened.repoId !== repoId) {
        throw new CodedError(
          'REPO_NOT_FOUND',
          'The backup folder now holds a different backup than the one Chatkeep made here.',
        );
      }
    } finally {
      await client.close();
    }
  }

  /**
   * Creates the backup. With a password, a recovery key (generated by generateRecoveryKey and
   * shown to the person) is added as a second way in by default: with only one secret, one
   * forgotten password or one damaged key file loses everything.
   */
  async setup(request: {
    /** A folder (a grant)… */
    destinationGrantId?: string | undefined;
    /** …or a network location that passed testConnection. */
    connectionId?: string | undefined;
    secret: Secret;
    recoveryKey?: string | undefined;
    settings?: Partial<BackupSettingsView> | undefined;
    /** The current backup's password or key, when backups are on: setting up again moves them. */
    current?: Secret | undefined;
  }): Promise<{ taskId: string }> {
    const network = request.connectionId
      ? this.connections.use(request.connectionId, 'backup-destination')
      : null;
    const grant = network
      ? null
      : this.o.grants.use(request.destinationGrantId ?? '', 'backup-destination');
    const location: BackendLocation = network
      ? network.location
      : { kind: 'folder', path: grant!.path };
    const credentials: BackendCredentials = network?.credentials ?? {};
    const previousLocation = this.settings.destination?.location ?? null;
    const previousRepoId = this.repoId;
    if (previousRepoId) await this.verifySecret(request.current, 'move-backup');
    if ('password' in request.secret) await assertStrongPassword(request.secret.password);
    if (grant) {
      const dir = grant.path;
      if (grant.origin === 'detected' && !(await this.o.platform?.confirmDestination?.(dir))) {
        throw new CodedError(
          'CANCELLED',
          'Backups were not turned on: the folder was not confirmed.',
        );
      }
      await this.o.validateFolder(dir);
    }
    const keys = [
      ...('recoveryKey' in request.secret ? [request.secret.recoveryKey] : []),
      ...(request.recoveryKey ? [request.recoveryKey] : []),
    ];
    if (keys.some((k) => !this.pendingRecoveryKeys.has(k))) {
      // A key must come from generateRecoveryKey: never a low-entropy one a person made up.
      throw new CodedError('INVALID_REQUEST', 'Use the recovery key Chatkeep generated for you.');
    }
    this.pendingRecoveryKeys.clear();
    const client = await this.repoClient();
    const { repoId } = await client.init(
      networkTarget(location, credentials, this.cacheDir()),
      request.secret,
      this.o.kdf ? { kdf: this.o.kdf, insecureTestKdf: true } : undefined,
    );
    if (request.recoveryKey && 'password' in request.secret) {
      await client.addRecoveryKey(request.recoveryKey);
    }
    this.openRepoId = repoId;
    await this.rememberMasterKey(client, repoId);
    // The password, key and pinned host key go to the keychain; the settings hold the location.
    if (network) await this.destinationSecrets.save(location, credentials);
    if (previousRepoId && previousRepoId !== repoId) {
      // The backup moved: this computer no longer needs the old one's key.
      await this.keys.forgetRepository(previousRepoId).catch(() => undefined);
    }
    if (previousLocation && !isSameLocation(previousLocation, location))
      await this.destinationSecrets.forget(previousLocation).catch(() => undefined);
    const fresh = defaultBackupSettings();
    this.settings = {
      ...fresh,
      clientId: this.settings.clientId,
      schedule: this.settings.schedule,
      media: this.settings.media,
      retention: this.settings.retention,
    };
    await this.save({
      ...this.applyView(request.settings ?? {}),
      destination: { location, repoId },
      secretCheck: firstPlan(this.now()),
    });
    void this.refreshProtection();
    this.o.platform?.setStartAtLogin?.(request.settings?.startAtLogin ?? true);
    this.scheduler?.updateSettings(this.settings.schedule);
    if (this.o.schedule !== false) await this.scheduler?.start();
    return this.runNow();
  }

  // ---- running backups ----

  /**
   * Starts a backup now (or answers with the one already running). A run that has just ended
   * may still be writing down its outcome in the scheduler: that is awaited first, so the task
   * returned is always the new one.
   */
  async runNow(): Promise<{ taskId: string }> {
    if (!this.repoId) throw new BackupNotConfiguredError();
    const running = this.o.tasks.isRunning('backup');
    if (running) return { taskId: running };
    await this.scheduler!.settled();
    const started = new Promise<string>((resolve) => (this.taskStarted = resolve));
    void this.scheduler!.backupNow();
    return { taskId: await started };
  }

  /** Every backup, scheduled or asked for, runs as a task so the page shows its progress. */
  private runScheduled(): Promise<{ sizeBytes: number }> {
    return new Promise((resolve, reject) => {
      let size = 0;
      const taskId = this.o.tasks.start(
        'backup',
        async (ctx) => {
          const { summary, totalSize } = await this.performBackup(ctx);
          size = totalSize;
          return {
            // The size is on the status card ("New in this backup"), from the one definition
            // of sizes; the sentence says what happened.
            summary:
              `Backed up ${plural(summary.chats.count, 'chat', 'chats')} and ${plural(summary.messageCount, 'message', 'messages')}` +
              (summary.sizeAdded === 0 ? ': nothing had changed since the last backup.' : '.'),
          };
        },
        (finished) => {
          if (finished.outcome === 'done') resolve({ sizeBytes: size });
          else
            reject(
              finished.error
                ? new CodedError(finished.error.code, finished.error.message)
                : new CodedError('CANCELLED', 'The backup was cancelled.'),
            );
          void this.emitChanged();
        },
      );
      this.taskStarted?.(taskId);
      this.taskStarted = null;
    });
  }

  private async performBackup(
    ctx: TaskContext,
  ): Promise<{ summary: SnapshotSummary; totalSize: number }> {
    const client = await this.openRepository();
    const summary = await client
      .backup(this.o.storeDir, {
        mediaTypes: includedMediaTypes(this.settings.media),
        host: os.hostname(),
        appVersion: this.o.appVersion,
        signal: ctx.signal,
        onProgress: (p) => ctx.progress(p),
      })
      .catch((err: unknown) => this.keysChanged(err));
    const marker = await client.latestMarker(os.hostname());
    if (marker) await this.keys.saveLastSnapshot(this.repoId!, marker);
    const { daily, weekly, monthly } = this.settings.retention;
    // keepLast 1: whatever the policy, the backup just made is never forgotten.
    const forgotten = await client.forget({
      keepDaily: daily,
      keepWeekly: weekly,
      keepMonthly: monthly,
      keepLast: 1,
    });
    // Prune frees space in stages (see the engine's prune.ts): run it when snapshots were
    // forgotten or a stage is due. One computer maintains a shared folder; on the others this
    // is refused and that is fine.
    if (forgotten.removed.length > 0 || (await client.pruneDue())) {
      try {
        await client.prune({ client: { clientId: this.settings.clientId, host: os.hostname() } });
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'NOT_MAINTENANCE_OWNER') throw err;
      }
    }
    this.folderProblems = (await client.problems()).problems;
    const stats = await client.stats();
    await this.save({
      ...this.settings,
      lastBackupSizes: { mediaBytes: mediaBytesOf(summary.media), addedBytes: summary.sizeAdded },
    });
    const location = this.settings.destination?.location;
    const inFolder = location ? await bytesInFolder({ location }) : null;
    return { summary, totalSize: inFolder ?? stats.packBytes };
  }

  /**
   * Repair (the Backup page's button when files of the backup are damaged): rebuilds the
   * index, moves damaged files aside, uploads again what the chat store still has.
   */
  repair(): { taskId: string } {
    if (!this.repoId) throw new BackupNotConfiguredError();
    const taskId = this.o.tasks.start('repair', async (ctx) => {
      const client = await this.openRepository();
      const report = await client.repair(this.o.storeDir, {
        signal: ctx.signal,
        onProgress: (p) => ctx.progress(p),
      });
      this.folderProblems = (await client.problems()).problems;
      void this.emitChanged();
      const lost = report.remaining?.problems.length ?? 0;
      const fixed =
        report.movedAside.length +
        report.blobsRebuilt +
        report.conflictCopiesAdopted.length +
        (report.keyFilesRestored?.length ?? 0);
      if (lost > 0) {
        const chats = report.remaining!.problems.flatMap((p) => p.affected?.chats ?? []);
        const media = report.remaining!.problems.flatMap((p) => p.affected?.media ?? []);
        throw new CodedError(
          'REPO_DAMAGED',
          `Repair saved what it could, but part of your older backups cannot be restored` +
            (chats.length ? ` (${plural(chats.length, 'chat', 'chats')}` : ' (') +
            (media.length
              ? `${chats.length ? ', ' : ''}${plural(media.length, 'media file', 'media files')})`
              : ')') +
            '. New backups are complete again.',
        );
      }
      return {
        summary:
          fixed === 0
            ? 'Your backup needed no repair.'
            : 'Your backup is repaired: everything in it can be restored again.',
      };
    });
    return { taskId };
  }

  /**
   * "Take over" a backup another computer left locked (it crashed, or was switched off in
   * the middle of a backup): removes the other computers' locks and backs up soon.
   */
  async takeOverLock(): Promise<BackupStatusView> {
    const client = await this.openRepository();
    const holders = (await client.locks()).filter((h) => h.host !== os.hostname());
    await client.unlock(holders.map((h) => h.lock));
    this.scheduler?.retrySoon();
    await this.emitChanged();
    return this.status();
  }

  private async hasKey(): Promise<boolean> {
    if (this.openRepoId && this.openRepoId === this.repoId) return true;
    try {
      return (await this.keys.loadMasterKey(this.repoId!)) !== null;
    } catch {
      return false;
    }
  }

  private async repoClient(): Promise<BackupClient> {
    this.client ??= BackupClient.start();
    return this.client;
  }

  /** This computer's verified cache of network backups' index and snapshot files. */
  private cacheDir(): string {
    return path.join(this.o.storeDir, 'backup-cache');
  }

  /**
   * Where the worker opens the configured backup: a folder, or a network location with the
   * credentials the keychain holds for it and its verified cache beside the store.
   */
  private async destinationTarget(): Promise<RepoTarget | null> {
    const location = this.settings.destination?.location;
    if (!location) return null;
    const credentials = await this.destinationSecrets.load(location);
    return networkTarget(location, credentials, this.cacheDir());
  }

  /** The repository, opened with the key this computer keeps, checked against rollback. */
  private async openRepository(): Promise<BackupClient> {
    const repoId = this.repoId;
    if (!repoId) throw new BackupNotConfiguredError();
    const client = await this.repoClient();
    if (this.openRepoId === repoId) return client;
    const target = await this.destinationTarget();
    if (!target) throw new BackupNotConfiguredError();
    const masterKey = await this.keys.loadMasterKey(repoId);
    if (!masterKey) throw new PasswordNeededError();
    try {
      const lastSeen = await this.keys.loadLastSnapshot(repoId);
      await client.openWithMasterKey(target, masterKey, { lastSeen });
      this.openRepoId = repoId;
    } catch (err) {
      // The password was changed (or a key removed) on another computer: the key kept here is
      // older than the backup's, and writing with it would let the old password read the new
      // backups. The person types the current password once; it is kept again then.
      if ((err as { code?: string }).code === 'KEYS_CHANGED') {
        await this.keys.forgetMasterKey(repoId).catch(() => undefined);
        throw new PasswordNeededError(
          'The backup password was changed on another computer: enter the current password',
        );
      }
      throw err;
    } finally {
      masterKey.fill(0);
    }
    return client;
  }

  /** Keeps the open repository's master key in the keychain; no copy outlives the call. */
  private async rememberMasterKey(client: BackupClient, repoId: string): Promise<void> {
    const key = await client.exportMasterKey();
    try {
      await this.keys.saveMasterKey(repoId, key);
    } finally {
      key.fill(0);
    }
  }

  /**
   * The repository stayed open here while another computer changed the password (or removed a
   * key): the engine refused to write with the older key. The kept key is dropped and the
   * person asked for the current password; other errors pass through.
   */
  private async keysChanged(err: unknown): Promise<never> {
    if ((err as { code?: string }).code !== 'KEYS_CHANGED' || !this.repoId) throw err;
    this.openRepoId = null;
    await this.keys.forgetMasterKey(this.repoId).catch(() => undefined);
    throw new PasswordNeededError(
      'The backup password was changed on another computer: enter the current password',
    );
  }

  /** After a key change: the keychain's copy of the keyring, where one is kept, is replaced. */
  private async refreshKeptKey(client: BackupClient): Promise<void> {
    const repoId = this.repoId;
    if (!repoId || (await this.keys.loadMasterKey(repoId).catch(() => null)) === null) return;
    await this.rememberMasterKey(client, repoId);
  }

  /** Opens the repository with what the person typed, proving they know it. */
  private async openWithSecret(secret: Secret): Promise<BackupClient> {
    const repoId = this.repoId;
    const target = await this.destinationTarget();
    if (!repoId || !target) throw new BackupNotConfiguredError();
    const client = await this.repoClient();
    const lastSeen = await this.keys.loadLastSnapshot(repoId).catch(() => null);
    await client.open(target, secret, { lastSeen });
    this.openRepoId = repoId;
    return client;
  }

  async unlock(secret: Secret, remember: boolean): Promise<BackupStatusView> {
    const client = await this.openWithSecret(secret);
    if (remember) await this.rememberMasterKey(client, this.repoId!);
    // A backup that waited for the password runs within a minute instead of at the next slot.
    this.scheduler?.retrySoon();
    await this.emitChanged();
    return this.status();
  }

  /**
   * Saves settings. Keeping fewer backups or turning the schedule to manual needs the backup's
   * password or key in `current` (see secret-guard.ts); without it nothing is saved.
   */
  async updateSettings(
    changes: Partial<BackupSettingsView>,
    current?: Secret,
  ): Promise<BackupSettingsView> {
    const guarded = guardedChanges(this.view(), changes);
    if (guarded[0] && this.repoId) await this.verifySecret(current, guarded[0]);
    await this.save(this.applyView(changes));
    if (changes.startAtLogin !== undefined)
      this.o.platform?.setStartAtLogin?.(changes.startAtLogin);
    this.scheduler?.updateSettings(this.settings.schedule);
    void this.emitChanged();
    return this.view();
  }

  async snapshots(): Promise<SnapshotView[]> {
    if (!this.repoId) return [];
    const client = await this.openRepository();
    return snapshotViews(await client.snapshots());
  }

  verify(readDataPercent: number): { taskId: string } {
    const taskId = this.o.tasks.start('verify', async (ctx) => {
      const client = await this.openRepository();
      const report = await client.check({
        readData: readDataPercent >= 100,
        readDataPercent: readDataPercent > 0 && readDataPercent < 100 ? readDataPercent : undefined,
        onProgress: (p) => ctx.progress(p),
      });
      if (!report.ok) throw new CodedError('REPO_DAMAGED', damageWords(report.problems));
      return {
        summary: `Your backup is healthy: ${plural(report.snapshots, 'backup', 'backups')} checked, ${report.packsRead.toLocaleString('en')} of ${plural(report.packs, 'data file', 'data files')} read back and verified.`,
      };
    });
    return { taskId };
  }

  // ---- secrets ----

  async changePassword(
    current: Secret,
    newPassword: string,
  ): Promise<{ changed: true; newKey: boolean }> {
    await assertStrongPassword(newPassword);
    const client = await this.openWithSecret(current);
    const slots = await client.listKeys();
    const passwordSlot = slots.find((slot) => slot.kind === 'password');
    const result = passwordSlot
      ? await client.changePassword(passwordSlot.id, newPassword)
      : (await client.addPassword(newPassword), null);
    // A change moves the backup to a new data key: the key kept here must follow it.
    await this.refreshKeptKey(client);
    void this.refreshProtection();
    return { changed: true, newKey: result?.rotated ?? false };
  }

  /**
   * "Re-encrypt everything": after a password change, copies of the old key file that the
   * cloud keeps still open the backups made before it; this writes them again with the newest
   * key. The old files go in prune's stages (24 hours apart: another computer may be using
   * them), so the regular prune after later backups finishes what this run leaves.
   */
  async reencrypt(current: Secret): Promise<{ taskId: string }> {
    if (!this.repoId) throw new BackupNotConfiguredError();
    const client = await this.openWithSecret(current);
    const taskId = this.o.tasks.start('reencrypt', async (ctx) => {
      const report = await client.reencrypt({
        client: { clientId: this.settings.clientId, host: os.hostname() },
        onProgress: (p) => ctx.progress(p),
      });
      const marker = await client.latestMarker(os.hostname());
      if (marker) await this.keys.saveLastSnapshot(this.repoId!, marker).catch(() => undefined);
      const left =
        report.remaining.packs + report.remaining.indexFiles + report.remaining.snapshots;
      return {
        summary:
          left === 0
            ? 'Your whole backup now uses the newest key: old passwords and recovery keys open nothing in it.'
            : 'Your backup is written again with the newest key. The old files are removed over the next two days, as later backups run.',
      };
    });
    return { taskId };
  }

  async regenerateRecoveryKey(current: Secret): Promise<{ recoveryKey: string; newKey: boolean }> {
    const client = await this.openWithSecret(current);
    const old = (await client.listKeys()).filter((slot) => slot.kind === 'recovery');
    const { recoveryKey } = await client.addRecoveryKey();
    // All at once: removing one rewrites the others (a new key), under new ids.
    const newKey =
      old.length > 0 ? (await client.removeKeys(old.map((slot) => slot.id))).rotated : false;
    await this.refreshKeptKey(client);
    this.rememberShownKey(recoveryKey);
    void this.refreshProtection();
    return { recoveryKey, newKey };
  }

  async turnOff(current: Secret | undefined): Promise<{ turnedOff: true; backupFolder: string }> {
    if (!this.repoId) throw new BackupNotConfiguredError();
    await this.verifySecret(current, 'turn-off');
    const dest = this.settings.destination?.location;
    const folder = dest ? formatLocation(dest) : '';
    await this.forgetComputer();
    if (dest) await this.destinationSecrets.forget(dest).catch(() => undefined);
    await this.scheduler?.stop();
    await this.save({
      ...defaultBackupSettings(),
      schedule: this.settings.schedule,
      media: this.settings.media,
      retention: this.settings.retention,
    });
    this.protection = null;
    void this.emitChanged();
    return { turnedOff: true, backupFolder: folder };
  }

  // ---- do you still remember your password? ----

  /**
   * Checks a password or key the person typed against the backup's key slots, in a worker of
   * its own (nothing is kept open, nothing is stored). Right: the next reminder is planned.
   * Wrong: the answer says so and nothing changes.
   */
  async checkSecret(secret: Secret): Promise<{ correct: boolean }> {
    const repoId = this.repoId;
    const target = await this.destinationTarget();
    if (!repoId || !target) throw new BackupNotConfiguredError();
    const client = BackupClient.start();
    let correct: boolean;
    try {
      correct = (await client.checkSecret(target, secret)).repoId === repoId;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'WRONG_SECRET') throw error;
      correct = false;
    } finally {
      await client.close();
    }
    if (correct) {
      await this.save({
        ...this.settings,
        secretCheck: afterCorrect(this.settings.secretCheck, this.now()),
      });
      void this.emitChanged();
    }
    return { correct };
  }

  /** "Not now": the reminder goes away until its next date. */
  async skipSecretCheck(): Promise<BackupStatusView> {
    if (!this.repoId) throw new BackupNotConfiguredError();
    await this.save({
      ...this.settings,
      secretCheck: afterSkip(this.settings.secretCheck, this.now()),
    });
    void this.emitChanged();
    return this.status();
  }

  async forgetComputer(): Promise<{ forgotten: true }> {
    if (this.repoId) await this.keys.forgetRepository(this.repoId);
    await this.client?.closeRepository().catch(() => {});
    this.openRepoId = null;
    void this.emitChanged();
    return { forgotten: true };
  }

  // ---- restore ----

  /**
   * The folder check that comes before any password: is there a Chatkeep backup here, and what
   * opens it? Read from what a backup keeps unencrypted (its config and key slot headers).
   */
  async inspectRestoreFolder(source: RestoreSource): Promise<RestoreFolderView> {
    if (source.connectionId) return this.inspectRestoreNetwork(source.connectionId);
    const dir = this.o.grants.resolve(source.folderGrantId ?? '', 'restore-source');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return {
        found: false,
        reason: 'missing',
        message:
          'This folder cannot be opened: it may have been moved, renamed or disconnected. Choose it again.',
      };
    }
    const visible = names.filter((n) => !n.startsWith('.'));
    if (visible.length === 0) {
      return {
        found: false,
        reason: 'empty',
        message:
          'This folder is empty, so it has no Chatkeep backup. Choose the folder you picked when you turned on backups on your other computer.',
      };
    }
    const client = BackupClient.start();
    try {
      const { repoId, slotKinds } = await client.inspectFolder(dir);
      if (repoId && slotKinds.length > 0) {
        return {
          found: true,
          opensWith: {
            password: slotKinds.includes('password'),
            recoveryKey: slotKinds.includes('recovery'),
          },
        };
      }
      const looksLikeBackup = ['keys', 'data', 'index', 'snapshots', 'config'].some((n) =>
        visible.includes(n),
      );
      return looksLikeBackup
        ? {
            found: false,
            reason: 'incomplete',
            message:
              'This folder holds part of a Chatkeep backup, but the files that unlock it are missing or not on this computer yet. If your sync app is still downloading, wait for it to finish and try again.',
          }
        : {
            found: false,
            reason: 'not-a-backup',
            message:
              'This folder has no Chatkeep backup. Choose the folder you picked when you turned on backups on your other computer.',
          };
    } catch {
      return {
        found: false,
        reason: 'incomplete',
        message:
          'This folder holds part of a Chatkeep backup, but the files that unlock it could not be read. If your sync app is still downloading, wait for it to finish and try again.',
      };
    } finally {
      await client.close();
    }
  }

  /**
   * The same check for a network location that passed "Test connection": no listing of a
   * folder here, only what the backup keeps unencrypted (its config and key slot headers).
   */
  private async inspectRestoreNetwork(connectionId: string): Promise<RestoreFolderView> {
    const { location, credentials } = this.connections.use(connectionId, 'restore-source');
    const client = BackupClient.start();
    try {
      const { repoId, slotKinds } = await client.inspectFolder({ location, credentials });
      if (repoId && slotKinds.length > 0) {
        return {
          found: true,
          opensWith: {
            password: slotKinds.includes('password'),
            recoveryKey: slotKinds.includes('recovery'),
          },
        };
      }
      return {
        found: false,
        reason: repoId ? 'incomplete' : 'not-a-backup',
        message: repoId
          ? `${describeLocation(location)} holds part of a Chatkeep backup, but the files that unlock it are missing.`
          : `There is no Chatkeep backup at ${describeLocation(location)}. Check the address and folder you used when you turned on backups on your other computer.`,
      };
    } catch (error) {
      return { found: false, reason: 'missing', message: describeProblem(error, location).message };
    } finally {
      await client.close();
    }
  }

  /** Where a restore reads from: a folder grant, or a tested network connection. */
  private restoreTarget(source: RestoreSource): RepoTarget {
    if (source.connectionId) {
      const { location, credentials } = this.connections.use(source.connectionId, 'restore-source');
      return networkTarget(location, credentials, this.cacheDir());
    }
    return folderTarget(this.o.grants.resolve(source.folderGrantId ?? '', 'restore-source'));
  }

  /**
   * "Keep backing up to this folder": after a restore, this computer takes over the backup it
   * restored from, with the same password or key and no new set-up. The secret is asked again
   * (checked against the key slots) because this stores the backup's key in this computer's
   * keychain. The next backup is incremental: the engine keeps every blob it already has.
   */
  async adoptRestored(sessionId: string, secret: Secret): Promise<BackupStatusView> {
    const session = this.restoreSessions.get(sessionId);
    if (!session)
      throw new CodedError('NOT_FOUND', 'Open the backup again to keep backing up to it.');
    if (this.repoId && this.repoId !== session.repoId) {
      throw new CodedError(
        'BACKUP_ON',
        'This computer already backs up to another folder. Turn that backup off first to back up here instead.',
      );
    }
    session.lastUsed = Date.now();
    const { client } = session;
    const proved = await client.checkSecret(session.target, secret);
    if (proved.repoId !== session.repoId) {
      throw new CodedError('WRONG_SECRET', 'That password or key does not open this backup.');
    }
    const masterKey = await client.exportMasterKey();
    try {
      await this.keys.saveMasterKey(session.repoId, masterKey);
    } finally {
      masterKey.fill(0);
    }
    const marker = await client.latestMarker();
    if (marker) await this.keys.saveLastSnapshot(session.repoId, marker).catch(() => undefined);
    const snapshots = await client.snapshots();
    const restored =
      snapshots.find((s) => s.id === session.restored) ?? snapshots[snapshots.length - 1];
    const packBytes = (await bytesInFolder(session.target)) ?? (await client.stats()).packBytes;
    // Media the backup held stay in it: a group it included is kept on, so later backups do
    // not silently drop what was restored (this computer's defaults add to that, never remove).
    const media = { ...this.settings.media };
    for (const [group, stored] of Object.entries(GROUP_NAMES) as [MediaGroup, StoredMediaGroup][]) {
      if (MEDIA_GROUPS[group].kinds.some((kind) => (restored?.media[kind]?.count ?? 0) > 0))
        media[stored] = true;
    }
    await this.client?.closeRepository().catch(() => {});
    this.openRepoId = null;
    const { location, credentials } = session.target;
    if (location.kind !== 'folder') await this.destinationSecrets.save(location, credentials ?? {});
    await this.save({
      ...this.settings,
      destination: { location, repoId: session.repoId },
      media,
      // The newest backup is the one restored from: the schedule counts from it.
      runState: {
        ...INITIAL_SCHEDULER_STATE,
        lastSuccessAt: restored?.time ?? null,
        lastSuccessSizeBytes: restored ? packBytes : null,
        // Not made by this computer: how long it took is not known, and the page says nothing.
        lastSuccessDurationMs: null,
      },
      lastBackupSizes: restored
        ? { mediaBytes: mediaBytesOf(restored.media), addedBytes: null }
        : { ...NO_BACKUP_SIZES },
      secretCheck: firstPlan(this.now()),
    });
    this.o.platform?.setStartAtLogin?.(true);
    this.scheduler?.updateSettings(this.settings.schedule);
    if (this.o.schedule !== false) {
      await this.scheduler?.stop();
      await this.scheduler?.start();
    }
    void this.refreshProtection();
    await this.emitChanged();
    return this.status();
  }

  /**
   * Opens a backup to restore from. The newest snapshot this computer saw in it (kept in the
   * keychain) guards against a folder rolled back to an older copy; when this computer has no
   * such record (a new computer, or a keychain it cannot read), the wizard says so plainly.
   */
  async openRestore(source: RestoreSource, secret: Secret): Promise<RestoreSessionView> {
    const target = this.restoreTarget(source);
    const client = BackupClient.start();
    try {
      const repoId = await client.peekRepoId(target);
      let lastSeen = null;
      let warning: string | null = null;
      if (repoId) {
        try {
          lastSeen = await this.keys.loadLastSnapshot(repoId);
        } catch {
          warning =
            "Chatkeep could not read your system's keychain, so it cannot check that this folder " +
            'holds your newest backup rather than an older copy. Check the dates below.';
        }
      }
      const opened = await client.open(target, secret, { lastSeen });
      if (!lastSeen && !warning) {
        warning =
          'This computer has not opened this backup before, so it cannot tell whether the folder ' +
          'holds your newest backup or an older copy of it. Check the date of the newest backup below.';
      }
      const marker = await client.latestMarker();
      if (repoId && marker) await this.keys.saveLastSnapshot(repoId, marker).catch(() => undefined);
      const skipped = opened.problems.length;
      if (skipped > 0) {
        const note = `${skipped} file${skipped === 1 ? '' : 's'} of this backup could not be read (damaged, or not synced to this computer yet); everything else can be restored.`;
        warning = warning ? `${warning} ${note}` : note;
      }
      const snapshots = await client.snapshots();
      const backupBytes = (await bytesInFolder(target)) ?? (await client.stats()).packBytes;
      await this.closeIdleRestoreSessions();
      const sessionId = randomBytes(12).toString('base64url');
      this.restoreSessions.set(sessionId, {
        client,
        target,
        repoId: opened.repoId,
        lastUsed: Date.now(),
        restored: null,
      });
      const views = snapshotViews(snapshots);
      return {
        sessionId,
        warning,
        backupBytes,
        snapshots: snapshots
          .map((s, i) => ({
            ...views[i]!,
            chatList: s.chats.list.map((c) => ({
              chatRef: c.chatRef,
              title: c.title,
              messages: c.messages,
            })),
          }))
          .reverse(),
      };
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  startRestore(request: {
    sessionId: string;
    snapshotId: string;
    chatRefs?: string[];
    mediaGroups: MediaGroup[];
  }): { taskId: string } {
    const session = this.restoreSessions.get(request.sessionId);
    if (!session) throw new CodedError('NOT_FOUND', 'Open the backup again to restore from it.');
    session.lastUsed = Date.now();
    const taskId = this.o.tasks.start('restore', async (ctx) => {
      try {
        const result = await session.client.restore(request.snapshotId, this.o.storeDir, {
          chatKeys: request.chatRefs,
          mediaTypes: mediaTypesOf(request.mediaGroups),
          // The chats are readable once the rows commit; the store worker builds the search
          // index after that while search says it is indexing.
          searchIndex: 'background',
          signal: ctx.signal,
          onProgress: (p) => ctx.progress(p),
        });
        session.restored = request.snapshotId;
        this.o.bus.emit('store.changed', { chatIds: [] });
        const count = (n: number, one: string, many: string) =>
          `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
        const summary = `Restored ${count(result.chats, 'chat', 'chats')}, ${count(result.messages, 'message', 'messages')} and ${count(result.mediaFiles, 'media file', 'media files')}.`;
        if (result.complete) return { summary };
        const m = result.missing;
        const notHere = m.problems.every((p) => p.state !== 'damaged');
        return {
          summary,
          notRestored: {
            reason: notHere ? 'not-here' : 'damaged',
            chats: m.chats.map((c) => ({ title: c.title, months: c.months, messages: c.messages })),
            mediaFiles: m.media.length,
            mediaBytes: m.media.reduce((a, x) => a + x.bytes, 0),
            listParts: m.listParts,
          },
        };
      } finally {
        // The session stays open for further restores from the same backup (a chat at a time
        // after damage) without asking for the password again; idle ones close.
        session.lastUsed = Date.now();
      }
    });
    return { taskId };
  }

  /** Opened backups unused for ten minutes are closed, releasing their keys and locks. */
  private async closeIdleRestoreSessions(): Promise<void> {
    const cutoff = Date.now() - 10 * 60_000;
    for (const [id, session] of this.restoreSessions) {
      if (session.lastUsed < cutoff && !this.o.tasks.isRunning('restore')) {
        this.restoreSessions.delete(id);
        await session.client.close();
      }
    }
  }
}

/** A restore reads from a folder the person chose, or a network location that passed its test. */
export interface RestoreSource {
  folderGrantId?: string | undefined;
  connectionId?: string | undefined;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

function labelOf(location: BackendLocation): string {
  if (location.kind !== 'folder') return describeLocation(location);
  const dir = location.path;
  const known: [RegExp, string][] = [
    [/Mobile Documents|iCloudDrive/i, 'iCloud Drive'],
    [/Google ?Drive|My Drive/i, 'Google Drive'],
    [/OneDrive/i, 'OneDrive'],
    [/Dropbox/i, 'Dropbox'],
  ];
  const match = known.find(([pattern]) => pattern.test(dir));
  return match ? `${match[1]} — ${path.basename(dir)}` : dir;
}
