/**
 * The recovery key as people see it: 64 hexadecimal digits shown as 16 groups of four, as
 * WhatsApp shows its 64-digit key. The backup engine ignores spaces and dashes and case, so what
 * a person types is normalized here only to check it before sending it to main.
 */

export const KEY_GROUPS = 16;
export const GROUP_LENGTH = 4;

/** Thrown when a string is not a recovery key; `code` is stable for callers that branch on it. */
export class RecoveryKeyFormatError extends Error {
  readonly code = 'RECOVERY_KEY_FORMAT' as const;
  constructor(readonly found: number) {
    super(
      found === KEY_GROUPS * GROUP_LENGTH
        ? 'A recovery key uses only the digits 0-9 and the letters a-f.'
        : `A recovery key has 64 digits and letters (16 groups of four); this has ${found}.`,
    );
    this.name = 'RecoveryKeyFormatError';
  }
}

/** Strip what people add when they copy or type a key: spaces, dashes, line breaks, case. */
export function keyCharacters(text: string): string {
  return text.replace(/[\s-]/g, '').toLowerCase();
}

/** The key's 16 groups of four; throws RecoveryKeyFormatError when it is not a key. */
export function keyGroups(text: string): string[] {
  const chars = keyCharacters(text);
  if (chars.length !== KEY_GROUPS * GROUP_LENGTH) throw new RecoveryKeyFormatError(chars.length);
  if (!/^[0-9a-f]+$/.test(chars)) throw new RecoveryKeyFormatError(chars.length);
  return chars.match(/.{4}/g) ?? [];
}

/** The canonical form sent to main: groups joined by dashes, as the engine formats keys. */
export function normalizeRecoveryKey(text: string): string {
  return keyGroups(text).join('-');
}

/** Whether `text` is a complete key; for enabling buttons without throwing. */
export function isRecoveryKey(text: string): boolean {
  try {
    keyGroups(text);
    return true;
  } catch {
    return false;
  }
}

/** A group (1-based, as shown to people) to ask back: proof the key was written down. */
export function pickGroupToConfirm(random: () => number = Math.random): number {
  return 1 + Math.min(KEY_GROUPS - 1, Math.floor(random() * KEY_GROUPS));
}

/** Whether `typed` matches group `groupNumber` (1-based) of `key`, ignoring case and spaces. */
export function confirmsGroup(key: string, groupNumber: number, typed: string): boolean {
  const group = keyGroups(key)[groupNumber - 1];
  return group !== undefined && keyCharacters(typed) === group;
}

/** The text of the "Save as a text file" file: the key and what it is for, nothing else. */
export function recoveryKeyFileText(key: string, createdAt: Date): string {
  const groups = keyGroups(key);
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += 4) lines.push(groups.slice(i, i + 4).join(' '));
  return [
    'Chatkeep recovery key',
    '',
    ...lines,
    '',
    `Created ${createdAt.toISOString().slice(0, 10)}.`,
    'This key opens your end-to-end encrypted Chatkeep backup. Keep it somewhere safe, away',
    'from the backup itself. Anyone with this key and your backup folder can read your chats.',
    'If you lose it (and your password), nobody can open the backup, including Chatkeep.',
    '',
  ].join('\n');
}
