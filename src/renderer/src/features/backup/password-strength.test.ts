import { describe, expect, it } from 'vitest';
import { MIN_SCORE, passwordStrength } from './password-strength';

describe('password strength', () => {
  it('refuses common passwords with zxcvbn’s reason', async () => {
    const weak = await passwordStrength('password1');
    expect(weak.acceptable).toBe(false);
    expect(weak.score).toBeLessThan(MIN_SCORE);
    expect(weak.feedback.length).toBeGreaterThan(0);
    expect(weak.feedback.join(' ')).toMatch(/common|guess/i);
  });

  it('refuses words about the app itself', async () => {
    expect((await passwordStrength('chatkeepbackup')).acceptable).toBe(false);
  });

  it('accepts a long passphrase', async () => {
    const strong = await passwordStrength('violet tractor mango oblique 1987 quietly');
    expect(strong.acceptable).toBe(true);
    expect(strong.score).toBeGreaterThanOrEqual(MIN_SCORE);
    expect(strong.feedback).toEqual([]);
    expect(strong.label).toMatch(/strong/i);
  });
});
