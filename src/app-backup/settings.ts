import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { locationSchema, type BackendLocation } from '../backup/backend/location.js';
import type { MediaType } from '../store/records.js';
import { writeFileAtomic } from './atomic-file.js';
import {
  DEFAULT_SCHEDULE,
  FREQUENCIES,
  TIME_OF_DAY_PATTERN,
  type ScheduleSettings,
} from './schedule.js';
import { INITIAL_SCHEDULER_STATE, sanitizeState, type SchedulerState } from './scheduler.js';

/**
 * The app's backup settings, `<store>/backup-settings.json`: only things that are not secret
 * (where the backup goes, when, what, how long to keep it, how the last one went). Passwords
 * and keys live in the OS keychain (keychain.ts), never here; the schema is strict so nothing
 * else can slip into the file.
 *
 * Loading never fails: a missing file means defaults; a damaged file or section is replaced by
 * defaults section by section (so one bad value does not forget the backup folder), a copy of
 * an unreadable file is kept beside it, and every problem is reported for the UI to show.
 */

export const SETTINGS_FILE_NAME = 'backup-settings.json';
export const CORRUPT_COPY_NAME = 'backup-settings.corrupt.json';
export const SETTINGS_VERSION = 2;

/** Media the person can include or leave out, grouped as the settings page shows them. */
export const MEDIA_GROUPS = ['photo', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaGroup = (typeof MEDIA_GROUPS)[number];

const GROUP_TYPES: Record<MediaGroup, readonly MediaType[]> = {
  photo: ['photo'],
  video: ['video'],
  audio: ['audio', 'voice'],
  document: ['document'],
  sticker: ['sticker', 'gif'],
};

/**
 * Everything but videos by default, as WhatsApp does: videos are most of a chat's bytes
 * (often three quarters or more), and a first backup that overflows a free cloud quota
 * (iCloud 5 GB, Google 15 GB shared with mail) fails as a whole and protects nothing. Text,
 * photos and voice notes, the irreplaceable part, fit. The settings page shows the videos left
 * out and their size, so including them is one informed switch away.
 */
export const DEFAULT_MEDIA: Readonly<Record<MediaGroup, boolean>> = Object.freeze({
  photo: true,
  video: false,
  audio: true,
  document: true,
  sticker: true,
});

/** restic/borg-style "keep the newest of each day, week and month" counts. */
export interface Retention {
  daily: number;
  weekly: number;
  monthly: number;
}

export const DEFAULT_RETENTION: Readonly<Retention> = Object.freeze({
  daily: 7,
  weekly: 4,
  monthly: 12,
});

export interface BackupDestinationSetting {
  /**
   * Where the repository lives: a folder on this computer, or a WebDAV, SFTP, S3 or rclone
   * place. Never a secret (those are in the OS keychain).
   */
  location: BackendLocation;
  /** The repository's id: names its keychain entries. */
  repoId: string;
}

export interface BackupSettings {
  version: typeof SETTINGS_VERSION;
  /**
   * This installation, as recorded in a backup's index when it runs maintenance (prune), so
   * that computers sharing a backup folder agree on which of them prunes. Not secret.
   */
  clientId: string;
  /** null until the person has set up backups. */
  destination: BackupDestinationSetting | null;
  schedule: ScheduleSettings;
  media: Record<MediaGroup, boolean>;
  retention: Retention;
  /** The scheduler's memory: last success (time, size, duration), last error, retries. */
  runState: SchedulerState;
  /**
   * The "do you still remember your password?" reminder: when it is next due and how many
   * reminders were answered correctly (two weeks apart at first, then monthly). Never what was
   * typed, and a wrong answer changes nothing.
   */
  secretCheck: SecretCheckState;
  /** What the newest backup held, for the Backup page's sizes (services/backup-sizes.ts). */
  lastBackupSizes: LastBackupSizes;
}

export interface LastBackupSizes {
  /** Bytes of the media files the newest backup holds (null: no backup yet, or not known). */
  mediaBytes: number | null;
  /** Bytes the newest backup wrote to the folder. */
  addedBytes: number | null;
}

export const NO_BACKUP_SIZES: Readonly<LastBackupSizes> = Object.freeze({
  mediaBytes: null,
  addedBytes: null,
});

export interface SecretCheckState {
  /** null: not planned yet (backups off, or settings from before the reminder existed). */
  nextDueAt: number | null;
  passed: number;
}

export const INITIAL_SECRET_CHECK: Readonly<SecretCheckState> = Object.freeze({
  nextDueAt: null,
  passed: 0,
});

export function defaultBackupSettings(): BackupSettings {
  return {
    version: SETTINGS_VERSION,
    clientId: randomBytes(16).toString('hex'),
    destination: null,
    schedule: { ...DEFAULT_SCHEDULE },
    media: { ...DEFAULT_MEDIA },
    retention: { ...DEFAULT_RETENTION },
    runState: { ...INITIAL_SCHEDULER_STATE },
    secretCheck: { ...INITIAL_SECRET_CHECK },
    lastBackupSizes: { ...NO_BACKUP_SIZES },
  };
}

/** The record media types a backup includes under these settings. */
export function includedMediaTypes(media: Record<MediaGroup, boolean>): MediaType[] {
  return MEDIA_GROUPS.filter((g) => media[g]).flatMap((g) => GROUP_TYPES[g]);
}

const keepCount = z.number().int().min(0).max(10_000);
const time = z.number().finite().nullable();

const repoIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);

/**
 * Settings format 1 kept a folder path (`{path, repoId}`); it is read as a folder location.
 * Format 2 keeps a location.
 */
const destinationSchema = z
  .union([
    z.strictObject({ location: locationSchema, repoId: repoIdSchema }),
    z
      .strictObject({
        path: z
          .string()
          .min(1)
          .refine((p) => path.isAbsolute(p), 'must be an absolute path'),
        repoId: repoIdSchema,
      })
      .transform((v) => ({
        location: { kind: 'folder' as const, path: v.path },
        repoId: v.repoId,
      })),
  ])
  .nullable();

const scheduleSchema = z.strictObject({
  frequency: z.enum(FREQUENCIES),
  timeOfDay: z.string().regex(TIME_OF_DAY_PATTERN, 'must be HH:MM (24-hour)'),
  onlyOnAcPower: z.boolean(),
});

const mediaSchema = z.strictObject({
  photo: z.boolean(),
  video: z.boolean(),
  audio: z.boolean(),
  document: z.boolean(),
  sticker: z.boolean(),
});

const retentionSchema = z
  .strictObject({ daily: keepCount, weekly: keepCount, monthly: keepCount })
  .refine((r) => r.daily + r.weekly + r.monthly >= 1, 'must keep at least one backup');

const runStateSchema = z.strictObject({
  lastSuccessAt: time,
  lastSuccessDurationMs: time,
  lastSuccessSizeBytes: time,
  lastAttemptAt: time,
  consecutiveFailures: z.number().int().min(0),
  lastError: z
    .strictObject({ code: z.string().max(100), sentence: z.string().max(2000), at: z.number() })
    .nullable(),
  retryAt: time,
  lastNotifiedAt: time,
  lastNotifiedCode: z.string().max(100).nullable(),
});

const secretCheckSchema = z.strictObject({
  nextDueAt: time,
  passed: z.number().int().min(0).max(1_000_000),
});

const byteCount = z.number().int().min(0).nullable();
const lastBackupSizesSchema = z.strictObject({ mediaBytes: byteCount, addedBytes: byteCount });

const SECTIONS = {
  clientId: z.string().regex(/^[0-9a-f]{32}$/),
  destination: destinationSchema,
  schedule: scheduleSchema,
  media: mediaSchema,
  retention: retentionSchema,
  runState: runStateSchema,
  secretCheck: secretCheckSchema,
  lastBackupSizes: lastBackupSizesSchema,
} as const;
type Section = keyof typeof SECTIONS;

const settingsSchema = z.strictObject({
  version: z.literal(SETTINGS_VERSION),
  ...SECTIONS,
});

export type SettingsProblemCode =
  'SETTINGS_UNREADABLE' | 'SETTINGS_CORRUPT' | 'SETTINGS_SECTION_INVALID' | 'SETTINGS_TOO_NEW';

export interface SettingsProblem {
  code: SettingsProblemCode;
  /** A sentence for the settings page or the log. */
  message: string;
  section?: Section;
}

export interface LoadedSettings {
  settings: BackupSettings;
  problems: SettingsProblem[];
}

/** Settings handed to `save` that do not pass validation: a bug in the caller, nothing written. */
export class InvalidSettingsError extends Error {
  readonly code = 'INVALID_SETTINGS' as const;
  constructor(readonly issues: string) {
    super(`Backup settings not saved, they are invalid: ${issues}`);
    this.name = 'InvalidSettingsError';
  }
}

export function validateBackupSettings(value: unknown): BackupSettings {
  const parsed = settingsSchema.safeParse(value);
  if (!parsed.success) throw new InvalidSettingsError(z.prettifyError(parsed.error));
  return parsed.data as BackupSettings;
}

/** Reads whatever is usable from a parsed settings document, section by section. */
export function settingsFromJson(doc: unknown): LoadedSettings {
  const settings = defaultBackupSettings();
  const problems: SettingsProblem[] = [];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return {
      settings,
      problems: [
        {
          code: 'SETTINGS_CORRUPT',
          message: 'The backup settings file does not hold settings; defaults are used.',
        },
      ],
    };
  }
  const record = doc as Record<string, unknown>;
  if (typeof record.version === 'number' && record.version > SETTINGS_VERSION) {
    problems.push({
      code: 'SETTINGS_TOO_NEW',
      message: `The backup settings were saved by a newer Chatkeep (format ${record.version}); settings this version knows are kept, others are lost when they are changed here.`,
    });
  }
  const target = settings as unknown as Record<Section, unknown>;
  for (const name of Object.keys(SECTIONS) as Section[]) {
    if (!(name in record)) continue;
    const parsed = SECTIONS[name].safeParse(record[name]);
    if (parsed.success) {
      target[name] =
        name === 'runState' ? sanitizeState(parsed.data as SchedulerState) : parsed.data;
    } else {
      problems.push({
        code: 'SETTINGS_SECTION_INVALID',
        section: name,
        message: `The saved backup ${SECTION_LABELS[name]} were not valid and were reset to the defaults.`,
      });
    }
  }
  return { settings, problems };
}

const SECTION_LABELS: Record<Section, string> = {
  clientId: 'computer id',
  destination: 'folder settings',
  schedule: 'schedule settings',
  media: 'media choices',
  retention: 'retention settings',
  runState: 'history (last backup, last error)',
  secretCheck: 'password reminder dates',
  lastBackupSizes: 'sizes of the last backup',
};

export class BackupSettingsFile {
  readonly file: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(storeDir: string) {
    this.file = path.join(storeDir, SETTINGS_FILE_NAME);
  }

  async load(): Promise<LoadedSettings> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return { settings: defaultBackupSettings(), problems: [] };
      return {
        settings: defaultBackupSettings(),
        problems: [
          {
            code: 'SETTINGS_UNREADABLE',
            message: `The backup settings file could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); defaults are used.`,
          },
        ],
      };
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      // Keep the damaged file for a person to look at before the next save replaces it.
      await copyFile(this.file, path.join(path.dirname(this.file), CORRUPT_COPY_NAME)).catch(
        () => {},
      );
      return {
        settings: defaultBackupSettings(),
        problems: [
          {
            code: 'SETTINGS_CORRUPT',
            message: `The backup settings file was damaged and defaults are used; a copy was kept as ${CORRUPT_COPY_NAME}.`,
          },
        ],
      };
    }
    return settingsFromJson(doc);
  }

  /** Validates and writes atomically; saves are applied in call order. */
  save(settings: BackupSettings): Promise<void> {
    const valid = validateBackupSettings(settings);
    return this.enqueue(() => this.write(valid));
  }

  /** Reads, changes and writes as one step (saves and updates never interleave). */
  update(change: (current: BackupSettings) => BackupSettings): Promise<BackupSettings> {
    return this.enqueue(async () => {
      const { settings } = await this.load();
      const next = validateBackupSettings(change(settings));
      await this.write(next);
      return next;
    });
  }

  /** loadState/saveState for BackupScheduler, kept in the `runState` section. */
  schedulerPersistence(): {
    loadState: () => Promise<SchedulerState>;
    saveState: (state: SchedulerState) => Promise<void>;
  } {
    return {
      loadState: async () => (await this.load()).settings.runState,
      saveState: async (state) => {
        await this.update((s) => ({ ...s, runState: sanitizeState(state) }));
      },
    };
  }

  private async write(settings: BackupSettings): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify(settings, null, 2)}\n`);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }
}
