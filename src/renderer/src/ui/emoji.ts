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
