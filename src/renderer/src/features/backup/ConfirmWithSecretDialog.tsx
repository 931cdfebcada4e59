import { useState } from 'react';

import { Dialog } from '../../ui/Dialog';
import { errorWords } from './error-words';
import { EMPTY_SECRET, toSecret, type Secret, type SecretDraft } from './secret';
import { SecretField } from './SecretField';

interface Props {
  /** Main's sentence saying what needs the password and why. */
  reason: string;
  /** Sends the change again with the secret; rejects (wrong secret...) to keep the dialog open. */
  onConfirm(secret: Secret): Promise<void>;
  onCancel(): void;
}

/**
 * Main asks for the backup password (or recovery key) before a change that makes the backup keep
 * less or stop on its own: a page could be made to ask for such a change, only the person knows
 * the password.
 */
export function ConfirmWithSecretDialog({ reason, onConfirm, onCancel }: Props) {
  const [draft, setDraft] = useState<SecretDraft>(EMPTY_SECRET);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const secret = toSecret(draft);
  return (
    <Dialog title="Confirm with your backup password" onClose={onCancel}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!secret) return;
          setBusy(true);
          setError(null);
          onConfirm(secret).catch((err: unknown) => {
            setError(errorWords(err, draft.kind));
            setBusy(false);
          });
        }}
      >
        <p>{reason}</p>
        <SecretField value={draft} onChange={setDraft} autoFocus disabled={busy} />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="ck-actions">
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={!secret || busy}>
            {busy ? 'Checking…' : 'Confirm'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
