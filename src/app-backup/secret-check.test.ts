import { describe, expect, it } from 'vitest';
import {
  afterCorrect,
  afterSkip,
  EARLY_INTERVAL_MS,
  ensurePlanned,
  firstPlan,
  isDue,
  LATER_INTERVAL_MS,
} from './secret-check';

const T0 = Date.UTC(2026, 0, 1);

describe('the remember-your-password reminder', () => {
  it('is due two weeks after set-up, not before', () => {
    const plan = firstPlan(T0);
    expect(isDue(plan, T0 + EARLY_INTERVAL_MS - 1)).toBe(false);
    expect(isDue(plan, T0 + EARLY_INTERVAL_MS)).toBe(true);
  });

  it('comes every two weeks for the first two correct answers, then monthly', () => {
    let state = firstPlan(T0);
    let now = T0 + EARLY_INTERVAL_MS;
    state = afterCorrect(state, now);
    expect(state.nextDueAt).toBe(now + EARLY_INTERVAL_MS);
    now = state.nextDueAt!;
    state = afterCorrect(state, now);
    expect(state.passed).toBe(2);
    expect(state.nextDueAt).toBe(now + LATER_INTERVAL_MS);
  });

  it('a skip postpones by the same interval without counting as remembered', () => {
    const state = afterSkip(firstPlan(T0), T0 + EARLY_INTERVAL_MS);
    expect(state.passed).toBe(0);
    expect(state.nextDueAt).toBe(T0 + 2 * EARLY_INTERVAL_MS);
  });

  it('is never due while unplanned, and old settings are planned from now', () => {
    const unplanned = { nextDueAt: null, passed: 0 };
    expect(isDue(unplanned, T0)).toBe(false);
    expect(ensurePlanned(unplanned, T0).nextDueAt).toBe(T0 + EARLY_INTERVAL_MS);
    const planned = firstPlan(T0 - 1);
    expect(ensurePlanned(planned, T0)).toBe(planned);
  });
});
