/**
 * Names of the folders and files an export writes: readable, the same on every file system
 * (nothing Windows, macOS or Linux refuse), and never able to climb out of the export's folder.
 */

/** "family-holiday-2019": ASCII letters and digits, for URLs inside an HTML archive. */
export function slugOf(title: string, max = 40): string {
  const slug = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return slug;
}

const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * A file or folder name from a title: characters file systems refuse become "_", no leading or
 * trailing dots and spaces, no reserved Windows names, at most `max` characters.
 */
export function safeFileName(title: string, max = 80): string {
  let name = title
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are what it replaces
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if ([...name].length > max)
    name = [...name]
      .slice(0, max)
      .join('')
      .replace(/[\s.]+$/, '');
  if (!name) name = 'chat';
  if (RESERVED.test(name)) name = `_${name}`;
  return name;
}
