/**
 * How people and chats look wherever they are drawn (the app, the exported archive): the colour
 * slot of a name, the letters of an avatar, and whether a message is only a few emoji (shown
 * large, without a bubble). Pure functions only: the renderer and the Node cores both use them.
 */

/** How many colours avatars and sender names cycle through (`.tint-0` ... in the stylesheets). */
export const TINTS = 8;

/**
 * A stable colour slot for a person or chat: the same key always gets the same colour, and
 * neighbouring keys spread over the palette (FNV-1a over the key's characters).
 */
export function tintOf(key: string | number): number {
  const text = String(key);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % TINTS;
}

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

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const EMOJI = /^(\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Component})+$/u;
const DIGITS = /^[0-9#*]$/;

/**
 * How many emoji a message is made of when it is nothing but emoji (and at most `max` of them),
 * else 0. Such messages show large and without a bubble, as messengers show them.
 */
export function emojiOnlyCount(text: string | null, max = 3): number {
  const trimmed = text?.replace(/\s+/g, '') ?? '';
  if (!trimmed || trimmed.length > 64) return 0;
  let n = 0;
  for (const { segment } of segmenter.segment(trimmed)) {
    // Bare digits and # are "emoji components" too; on their own they are text.
    if (DIGITS.test(segment) || !EMOJI.test(segment)) return 0;
    if (++n > max) return 0;
  }
  return n;
}
