/** What the Settings page shows and changes: plain data, shared by main and the renderer. */

export type ThemePreference = 'system' | 'light' | 'dark';
export type TextSize = 'small' | 'default' | 'large' | 'larger';
/** "system" follows the locale ("4:28 PM" in the US, "16:28" in Germany). */
export type TimeFormat = 'system' | '12h' | '24h';

/** This computer's choices for how Chatkeep looks and behaves (nothing secret, no chats). */
export interface AppPreferences {
  theme: ThemePreference;
  textSize: TextSize;
  timeFormat: TimeFormat;
  /** Desktop notifications (a backup that failed, a password reminder). */
  notifications: boolean;
}

export const DEFAULT_PREFERENCES: AppPreferences = {
  theme: 'system',
  textSize: 'default',
  timeFormat: 'system',
  notifications: true,
};

export interface SettingsView {
  preferences: AppPreferences;
  startAtLogin: boolean;
  /** False where the shell cannot start Chatkeep at login (the test bridge). */
  startAtLoginAvailable: boolean;
}

export interface DataFolderView {
  /** Shown to the person; the renderer never sends a path back. */
  path: string;
  bytes: number;
  files: number;
  /** True when the data folder was moved away from where Chatkeep keeps it by default. */
  moved: boolean;
}

/** One bundled library and its licence, from its package.json at build time. */
export interface LicenseEntry {
  name: string;
  version: string;
  license: string;
  homepage: string | null;
}
