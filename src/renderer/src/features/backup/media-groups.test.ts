import { describe, expect, it } from 'vitest';
import { barPercent, toggleGroup } from './media-groups';

describe('media groups', () => {
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
