import { useEffect, useState } from 'react';
import { api } from '../../api';
import { Dialog } from '../../ui/Dialog';

const WORD = 'delete';

/**
 * "Delete all data from this computer": chats, media, backup settings and this computer's copy
 * of the backup's key go; backups stay where they are, and the dialog says so first.
 */
export function DeleteAllData({ onDeleted }: { onDeleted(): void }) {
  const [asking, setAsking] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [backupFolder, setBackupFolder] = useState<string | null>(null);

  useEffect(() => {
    if (!asking) return;
    void api.invoke('backup.status', {}).then(
      (s) => setBackupFolder(s.configured ? (s.destination?.label ?? null) : null),
      () => setBackupFolder(null),
    );
  }, [asking]);

  const close = () => {
    setAsking(false);
    setTyped('');
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const { deleted } = await api.invoke('settings.deleteAllData', { confirmation: WORD });
      close();
      if (!deleted) {
        setError('Nothing was deleted.');
        return;
      }
      setDone(true);
      onDeleted();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Nothing was deleted.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card settings-card settings-danger" aria-labelledby="settings-delete">
      <h2 id="settings-delete">Delete all data from this computer</h2>
      <p className="settings-hint">
        Removes every chat, photo and setting Chatkeep keeps on this computer. Your backups are not
        touched: you can restore from them later with your password or 64-digit key.
      </p>
      <button
        type="button"
        className="button ck-danger"
        onClick={() => {
          setError(null);
          setDone(false);
          setAsking(true);
        }}
      >
        Delete all data…
      </button>
      {!asking && error && (
        <p role="status" className="notice">
          {error}
        </p>
      )}
      {done && (
        <p role="status" className="success">
          Everything Chatkeep kept on this computer was deleted. Your backups were not touched.
        </p>
      )}
      {asking && (
        <Dialog title="Delete all data from this computer?" onClose={close}>
          <p>
            Every chat, photo and other media file, and every setting Chatkeep keeps on this
            computer will be deleted. This cannot be undone.
          </p>
          <p>
            {backupFolder ? (
              <>
                Your backup in <strong>{backupFolder}</strong> is not touched. To get your chats
                back, restore it with your password or 64-digit key. This computer will stop backing
                up until you set it up again.
              </>
            ) : (
              <>
                Backups are not touched. Chatkeep is not backing up from this computer, so once
                deleted, chats that are not in a backup elsewhere are gone.
              </>
            )}
          </p>
          <div className="field">
            <label htmlFor="delete-confirm">Type “{WORD}” to confirm</label>
            <input
              id="delete-confirm"
              className="text-input"
              autoComplete="off"
              spellCheck={false}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          </div>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div className="row">
            <button
              type="button"
              className="button ck-danger-solid"
              disabled={busy || typed.trim().toLowerCase() !== WORD}
              onClick={() => void confirm()}
            >
              {busy ? 'Deleting…' : 'Delete everything'}
            </button>
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
