import { describe, expect, it } from 'vitest';
import { barPercent, estimatedTotal, groupSizes, toggleGroup } from './media-groups';

const SIZES = { photo: 100, video: 1000, audio: 10, voice: 5, document: 50, sticker: 2, gif: 3 };

describe('media groups', () => {
  it('sums the kinds of each group', () => {
    expect(groupSizes(SIZES)).toEqual({
      photos: 100,
      videos: 1000,
      audio: 15,
      documents: 50,
      stickers: 5,
    });
    expect(groupSizes({}).videos).toBe(0);
  });

  it('estimates messages plus the chosen groups only', () => {
    expect(estimatedTotal(SIZES, 7, [])).toBe(7);
    expect(estimatedTotal(SIZES, 7, ['photos', 'audio'])).toBe(122);
  });

  it('keeps groups in a stable order when toggled', () => {
    expect(toggleGroup(['videos', 'photos'], 'audio', true)).toEqual(['photos', 'videos', 'audio']);
    expect(toggleGroup(['photos', 'videos'], 'videos', false)).toEqual(['photos']);
  });

  it('draws bars in proportion, visible when non-zero', () => {
    expect(barPercent(0, 100)).toBe(0);
    expect(barPercent(100, 100)).toBe(100);
    expect(barPercent(1, 10_000)).toBe(2);
    expect(barPercent(5, 0)).toBe(0);
  });
});
