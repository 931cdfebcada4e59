import { tintOf } from './tint';

/** The letters of a name an avatar shows: "Ana Sousa" → "AS", "王美" → "王", "+44 7700" → "#". */
export function initialsOf(name: string): string {
  const words = name
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const letter = (w: string | undefined) => (w ? ([...w][0] ?? '') : '');
  if (words.length === 0) return '#';
  const first = letter(words[0]);
  if (/\p{N}/u.test(first)) return '#';
  // Scripts without capitals or spaces (CJK) read best as one character.
  if (
    words.length === 1 ||
    /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(first)
  ) {
    return first.toLocaleUpperCase();
  }
  return (first + letter(words[words.length - 1])).toLocaleUpperCase();
}

interface Props {
  name: string;
  /** What picks the colour; the name unless a stabler key (a person or chat id) is known. */
  colorKey?: string | number;
  size?: 'xs' | 'sm' | 'md' | 'lg' | 'xl';
}

/**
 * A round avatar with initials on a colour that stays the same for the same person or chat.
 * Sources give no pictures yet; decorative, since a name always stands beside it.
 */
export function Avatar({ name, colorKey, size = 'md' }: Props) {
  return (
    <span className={`avatar avatar-${size} tint-${tintOf(colorKey ?? name)}`} aria-hidden="true">
      {initialsOf(name)}
    </span>
  );
}
