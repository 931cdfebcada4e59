import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../app-backup/atomic-file';
import {
  DEFAULT_PREFERENCES,
  type AppPreferences,
  type TextSize,
  type ThemePreference,
  type TimeFormat,
} from '../shared/settings-types';
import { PREFERENCES_FILE } from './data-folder';

const THEMES: readonly ThemePreference[] = ['system', 'light', 'dark'];
const SIZES: readonly TextSize[] = ['small', 'default', 'large', 'larger'];
const TIME_FORMATS: readonly TimeFormat[] = ['system', '12h', '24h'];

function pick<T>(allowed: readonly T[], value: unknown, fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/**
 * This computer's look-and-feel choices, in `app-preferences.json` beside the location file in
 * the default data folder (they belong to the computer, so a moved data folder leaves them).
 * A missing or damaged file, or an unknown value, reads as the default: a preference is never
 * worth refusing to start for.
 */
export class PreferencesFile {
  private readonly file: string;
  private cached: AppPreferences | null = null;

  constructor(home: string) {
    this.file = path.join(home, PREFERENCES_FILE);
  }

  async load(): Promise<AppPreferences> {
    if (this.cached) return this.cached;
    let doc: Partial<Record<keyof AppPreferences, unknown>> = {};
    try {
      doc = JSON.parse(await readFile(this.file, 'utf8')) as typeof doc;
    } catch {
      doc = {};
    }
    this.cached = {
      theme: pick(THEMES, doc.theme, DEFAULT_PREFERENCES.theme),
      textSize: pick(SIZES, doc.textSize, DEFAULT_PREFERENCES.textSize),
      timeFormat: pick(TIME_FORMATS, doc.timeFormat, DEFAULT_PREFERENCES.timeFormat),
      notifications:
        typeof doc.notifications === 'boolean'
          ? doc.notifications
          : DEFAULT_PREFERENCES.notifications,
    };
    return this.cached;
  }

  /** The last loaded value, for synchronous readers (whether to show a notification). */
  current(): AppPreferences {
    return this.cached ?? DEFAULT_PREFERENCES;
  }

  async update(changes: Partial<AppPreferences>): Promise<AppPreferences> {
    const next = { ...(await this.load()), ...changes };
    await writeFileAtomic(this.file, JSON.stringify(next, null, 2));
    this.cached = next;
    return next;
  }

  async remove(): Promise<void> {
    await rm(this.file, { force: true });
    this.cached = { ...DEFAULT_PREFERENCES };
  }
}

/**
 * Settings' "Show notifications": the shell's notify, asked only while the person wants them.
 * Backups decide when something is worth saying; this decides whether it is said.
 */
export function gatedNotify(
  notify: ((title: string, body: string) => void) | undefined,
  preferences: Pick<PreferencesFile, 'current'>,
): ((title: string, body: string) => void) | undefined {
  if (!notify) return undefined;
  return (title, body) => {
    if (preferences.current().notifications) notify(title, body);
  };
}
