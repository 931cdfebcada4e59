/**
 * What a sync client does to file names in a backup folder, recognised from the names alone.
 * Our object names are lowercase letters and digits only, so anything a client adds (a space,
 * brackets, a dash and a computer name, a dot and a suffix) can be told apart from the name
 * itself. See reference/sync-clients.md; patterns are matched loosely on purpose, since
 * clients change their wording between versions.
 */

/** Our own temporary files (written, fsynced, renamed into place). */
export const TMP_PREFIX = '.tmp-';

const SEGMENT = /^[a-z0-9]+$/;
/** iCloud Drive (older macOS) replaces an evicted `name` by a hidden `.name.icloud` plist. */
const ICLOUD_PLACEHOLDER = /^\.(.+)\.icloud$/;
/**
 * A segment, then what a client appended: " (1)", " 2", " (X's conflicted copy …)",
 * "-DESKTOP-ABC", ".sync-conflict-…". Anything else (".ini", ".db") is not ours.
 */
const DECORATED =
  /^([a-z0-9]+)( \(\d+\)| \d+| \(.*\)(?: \(\d+\))?|-[A-Za-z0-9][A-Za-z0-9_-]*|\.sync-conflict-.*)$/;

export type EntryClass =
  | { kind: 'object'; base: string }
  | { kind: 'conflict'; base: string; label: string }
  | { kind: 'placeholder'; base: string; label: string }
  | { kind: 'temp' }
  | { kind: 'foreign' };

/** Which sync client a conflict copy's suffix looks like it came from. */
export function conflictLabel(suffix: string): string {
  if (/conflicted copy/i.test(suffix)) {
    return /^ \(conflicted copy \d{4}-\d{2}-\d{2} \d{6}\)/i.test(suffix)
      ? 'Nextcloud conflict copy'
      : 'Dropbox conflict copy';
  }
  if (/^\.sync-conflict-/i.test(suffix)) return 'Syncthing conflict copy';
  if (/^ \(\d+\)$/.test(suffix)) return 'Google Drive copy';
  if (/^ \d+$/.test(suffix)) return 'iCloud Drive copy';
  if (/^-[A-Za-z0-9]/.test(suffix)) return 'OneDrive conflict copy';
  return 'copy made by a sync app';
}

/** Classifies one directory entry's name (not a path). */
export function classifyName(fileName: string): EntryClass {
  if (fileName.startsWith(TMP_PREFIX)) return { kind: 'temp' };
  if (SEGMENT.test(fileName)) return { kind: 'object', base: fileName };
  const ph = ICLOUD_PLACEHOLDER.exec(fileName);
  if (ph) {
    const inner = ph[1]!;
    if (SEGMENT.test(inner)) return { kind: 'placeholder', base: inner, label: 'iCloud Drive' };
    // A conflict copy that was evicted in turn: still a copy, still not here.
    const dec = DECORATED.exec(inner);
    if (dec) return { kind: 'placeholder', base: dec[1]!, label: 'iCloud Drive' };
    return { kind: 'foreign' };
  }
  const dec = DECORATED.exec(fileName);
  if (dec) {
    const suffix = dec[2]!;
    // Our own temporaries never carry a base name before them; anything else with a suffix
    // is a copy some sync client made.
    return { kind: 'conflict', base: dec[1]!, label: conflictLabel(suffix) };
  }
  return { kind: 'foreign' };
}
