import { useState } from 'react';
import type { BackupStatusView } from '../../../../shared/backup-types';
import { api } from '../../api';
import { Dialog } from '../../ui/Dialog';
import { errorWords } from './error-words';
import { EMPTY_SECRET, toSecret, type SecretDraft } from './secret';
import { SecretField } from './SecretField';

interface Props {
  keychainAvailable: boolean;
  onUnlocked(status: BackupStatusView): void;
  onClose(): void;
}

/** Enter the backup password or key so backups can run; optionally remember it in the keychain. */
export function UnlockDialog({ keychainAvailable, onUnlocked, onClose }: Props) {
  const [draft, setDraft] = useState<SecretDraft>(EMPTY_SECRET);
  const [remember, setRemember] = useState(keychainAvailable);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const secret = toSecret(draft);

  const submit = async () => {
    if (!secret) return;
    setBusy(true);
    setError(null);
    try {
      const status = await api.invoke('backup.unlock', { secret, remember });
      onUnlocked(status);
    } catch (e) {
      setError(errorWords(e, draft.kind));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Enter your backup password" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p>Chatkeep needs your backup password or recovery key to make backups on this computer.</p>
        <SecretField
          value={draft}
          onChange={setDraft}
          onSwitch={() => setError(null)}
          autoFocus
          disabled={busy}
        />
        {keychainAvailable && (
          <label className="ck-check">
            <input
              type="checkbox"
              checked={remember}
              onChange={(e) => setRemember(e.target.checked)}
              disabled={busy}
            />{' '}
            Remember it on this computer (in the system keychain), so backups run on their own
          </label>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="ck-actions">
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={!secret || busy}>
            {busy ? 'Checking…' : 'Unlock'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
