import type { SecretCheckState } from './settings.js';

/**
 * When to ask "do you still remember your backup password?", as WhatsApp does: two weeks
 * apart at first, while forgetting is likeliest, then monthly. Only the next date and how many
 * reminders were answered correctly are kept; what was typed never is, and a wrong answer
 * changes nothing (the reminder stays due, so the person can try again or look for the key).
 */

const DAY_MS = 24 * 60 * 60 * 1000;
export const EARLY_INTERVAL_MS = 14 * DAY_MS;
export const LATER_INTERVAL_MS = 30 * DAY_MS;
/** Correct answers after which the reminder becomes monthly. */
export const EARLY_CHECKS = 2;

export function intervalFor(passed: number): number {
  return passed < EARLY_CHECKS ? EARLY_INTERVAL_MS : LATER_INTERVAL_MS;
}

/** Backups were just turned on (or adopted after a restore): the first reminder in two weeks. */
export function firstPlan(now: number): SecretCheckState {
  return { nextDueAt: now + EARLY_INTERVAL_MS, passed: 0 };
}

/** Settings from before the reminder existed: plan it from now rather than asking at once. */
export function ensurePlanned(state: SecretCheckState, now: number): SecretCheckState {
  return state.nextDueAt === null
    ? { ...state, nextDueAt: now + intervalFor(state.passed) }
    : state;
}

export function isDue(state: SecretCheckState, now: number): boolean {
  return state.nextDueAt !== null && now >= state.nextDueAt;
}

/** The right password or key was typed (whether the reminder was due or "Verify now"). */
export function afterCorrect(state: SecretCheckState, now: number): SecretCheckState {
  const passed = state.passed + 1;
  return { passed, nextDueAt: now + intervalFor(passed) };
}

/** "Not now": asked again after the same interval, without counting as remembered. */
export function afterSkip(state: SecretCheckState, now: number): SecretCheckState {
  return { ...state, nextDueAt: now + intervalFor(state.passed) };
}
