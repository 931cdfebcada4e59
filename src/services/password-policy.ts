import { passwordStrength } from '../shared/password-strength';

export class WeakPasswordError extends Error {
  readonly code = 'WEAK_PASSWORD';
}

/**
 * Main's own check of a new backup password (set-up, change), with the policy the renderer
 * shows: a request from a renderer that skipped its meter is refused here, naming why.
 */
export async function assertStrongPassword(password: string): Promise<void> {
  const strength = await passwordStrength(password);
  if (strength.acceptable) return;
  throw new WeakPasswordError(
    `That password is too easy to guess (${strength.label.toLowerCase()}). ` +
      `${strength.feedback.join(' ')} Choose a longer one, such as a few unrelated words.`,
  );
}
