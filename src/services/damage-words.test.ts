import { describe, expect, it } from 'vitest';
import type { CheckProblem } from '../backup/types';
import { damageWords } from './damage-words';

const problem = (object: string, chats: string[], media: string[]): CheckProblem => ({
  kind: 'damaged-object',
  object,
  message: `${object} fails authentication`,
  affected: {
    snapshots: ['s1'],
    chats: chats.map((title) => ({ chatRef: title, title, months: ['2024-01'] })),
    media: media.map((hash) => ({ hash, mediaType: 'photo' })),
  },
});

describe('damageWords', () => {
  it('names the chats and counts the media a damaged backup loses, never the files', () => {
    const words = damageWords([
      problem('data/3f/3f2a9c1d4e5b6a7f', ['Trip to Lisbon'], ['a'.repeat(64), 'b'.repeat(64)]),
      problem('data/77/77aa0b1c2d3e4f50', ['Trip to Lisbon', 'Mum'], ['a'.repeat(64)]),
    ]);
    expect(words).toBe(
      '2 files of the backup are damaged or missing. They hold messages in “Trip to Lisbon”, “Mum” and 2 media files.',
    );
    expect(words).not.toMatch(/data\/|3f2a|aaaa/);
  });

  it('says when only the backup’s own records are hit, and shortens long chat lists', () => {
    expect(damageWords([{ kind: 'missing-object', object: 'index/ab', message: 'x' }])).toBe(
      "1 file of the backup is damaged or missing. It holds the backup's own records, not your messages.",
    );
    expect(damageWords([problem('data/1', ['A', 'B', 'C', 'D', 'E'], [])])).toMatch(
      /messages in “A”, “B”, “C” and 2 other chats\.$/,
    );
  });
});
