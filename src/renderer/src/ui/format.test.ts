import { describe, expect, it } from 'vitest';
import { daysAgo, formatClock, formatDayLabel, formatListTime, formatTime, plural } from './format';
import { emojiOnlyCount } from './emoji';
import { findTerms, queryTerms } from './highlight';
import { initialsOf } from './Avatar';
import { TINTS, tintOf } from './tint';

const now = new Date(2025, 5, 14, 15, 0).getTime(); // a Saturday

describe('dates', () => {
  it('says time today, "Yesterday", the weekday within a week, the date otherwise', () => {
    const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'long' });
    const short = new Intl.DateTimeFormat(undefined, { dateStyle: 'short' });
    expect(formatListTime(new Date(2025, 5, 14, 9, 5).getTime(), now)).toBe(
      formatTime(new Date(2025, 5, 14, 9, 5).getTime()),
    );
    expect(formatListTime(new Date(2025, 5, 13, 23, 0).getTime(), now)).toMatch(/^Yesterday$/i);
    const wed = new Date(2025, 5, 11, 12).getTime();
    expect(formatListTime(wed, now)).toBe(weekday.format(wed));
    const old = new Date(2025, 4, 1, 12).getTime();
    expect(formatListTime(old, now)).toBe(short.format(old));
    expect(formatDayLabel(new Date(2025, 5, 14, 1).getTime(), now)).toMatch(/^Today$/i);
  });

  it('counts calendar days, not 24-hour spans', () => {
    expect(
      daysAgo(new Date(2025, 5, 13, 23, 59).getTime(), new Date(2025, 5, 14, 0, 1).getTime()),
    ).toBe(1);
    expect(daysAgo(new Date(2025, 2, 29, 12).getTime(), new Date(2025, 2, 31, 12).getTime())).toBe(
      2,
    );
  });

  it('writes times without a leading zero the locale would not show', () => {
    const t = new Date(2025, 5, 14, 4, 28).getTime();
    const expected = new Intl.DateTimeFormat(undefined, {
      hour: 'numeric',
      minute: '2-digit',
    }).format(t);
    expect(formatTime(t)).toBe(expected);
    expect(formatTime(t)).not.toMatch(/^04/);
  });

  it('writes lengths as players do', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(11_997)).toBe('0:12');
    expect(formatClock(754_000)).toBe('12:34');
    expect(formatClock(3_725_000)).toBe('1:02:05');
    expect(plural(1, 'vote')).toBe('1 vote');
    expect(plural(2480, 'message')).toBe(`${(2480).toLocaleString()} messages`);
  });
});

describe('emoji-only messages', () => {
  it('counts up to three emoji, joined sequences and flags as one each', () => {
    expect(emojiOnlyCount('🎉')).toBe(1);
    expect(emojiOnlyCount('🎉 🥳')).toBe(2);
    expect(emojiOnlyCount('👨‍👩‍👧‍👦🇵🇹👍🏽')).toBe(3);
    expect(emojiOnlyCount('🎉🎉🎉🎉')).toBe(0);
    expect(emojiOnlyCount('ok 👍')).toBe(0);
    expect(emojiOnlyCount('123')).toBe(0);
    expect(emojiOnlyCount(null)).toBe(0);
  });
});

describe('highlighting', () => {
  it('marks words starting with a term, ignoring case and accents', () => {
    const terms = queryTerms('Cafe  NOR');
    expect(terms).toEqual(['cafe', 'nor']);
    const text = 'Café Norte, nor here, encore';
    expect(findTerms(text, terms).map((r) => text.slice(r.start, r.end))).toEqual([
      'Café',
      'Norte',
      'nor',
    ]);
    expect(findTerms(text, [])).toEqual([]);
  });
});

describe('avatars', () => {
  it('shows initials in any script', () => {
    expect(initialsOf('Ana Sousa')).toBe('AS');
    expect(initialsOf('chloé martin dupont')).toBe('CD');
    expect(initialsOf('王美')).toBe('王');
    expect(initialsOf('سارة حداد')).toBe('سح');
    expect(initialsOf('+44 7700 900002')).toBe('#');
    expect(initialsOf('🎉')).toBe('#');
  });

  it('keeps a colour per name, spread over the palette', () => {
    expect(tintOf('Ana Sousa')).toBe(tintOf('Ana Sousa'));
    const used = new Set(
      ['Ana', 'Ben', 'Chloé', 'Dmitri', 'Eve', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jo'].map(tintOf),
    );
    expect(used.size).toBeGreaterThanOrEqual(5);
    expect([...used].every((t) => t >= 0 && t < TINTS)).toBe(true);
  });
});
