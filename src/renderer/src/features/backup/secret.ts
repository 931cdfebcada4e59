import { isRecoveryKey, normalizeRecoveryKey } from './recovery-key';

/** What a person has typed to open a backup, before it is checked. */
export interface SecretDraft {
  kind: 'password' | 'recoveryKey';
  text: string;
}

export type Secret = { password: string } | { recoveryKey: string };

export const EMPTY_SECRET: SecretDraft = { kind: 'password', text: '' };

/** The request's secret, or null while the draft cannot be one (empty, a key of wrong length). */
export function toSecret(draft: SecretDraft): Secret | null {
  if (draft.kind === 'password') return draft.text.length > 0 ? { password: draft.text } : null;
  return isRecoveryKey(draft.text) ? { recoveryKey: normalizeRecoveryKey(draft.text) } : null;
}
