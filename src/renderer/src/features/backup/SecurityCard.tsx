import { useState } from 'react';
import type { BackupStatusView } from '../../../../shared/backup-types';
import { api } from '../../api';
import { Dialog } from '../../ui/Dialog';
import { errorCode, errorWords } from './error-words';
import { LossWarning } from './LossWarning';
import { NewPasswordFields, type NewPassword } from './NewPasswordFields';
import { RecoveryKeyPanel } from './RecoveryKeyPanel';
import { EMPTY_SECRET, toSecret, type SecretDraft } from './secret';
import { SecretField } from './SecretField';
import { useTask } from '../../tasks/tasks';
import { TaskProgressBar } from '../../tasks/TaskProgressBar';

interface Props {
  status: BackupStatusView;
  /** A sentence for the page's notice after a change (password changed, backups turned off). */
  onNotice(message: string): void;
  onChanged(): void;
}

type Open = 'change-password' | 'new-key' | 'reencrypt' | 'turn-off' | 'forget' | null;

/** Password and key management, turning backups off, and forgetting this computer. */
export function SecurityCard({ status, onNotice, onChanged }: Props) {
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  return (
    <section className="card" aria-labelledby="security-title">
      <h2 id="security-title">Password and key</h2>
      <div className="ck-actions ck-wrap">
        <button type="button" className="button" onClick={() => setOpen('change-password')}>
          Change password…
        </button>
        <button type="button" className="button" onClick={() => setOpen('new-key')}>
          New recovery key…
        </button>
        <button type="button" className="button" onClick={() => setOpen('reencrypt')}>
          Re-encrypt everything…
        </button>
        {status.keychain.available && (
          <button type="button" className="button" onClick={() => setOpen('forget')}>
            Forget this computer…
          </button>
        )}
        <button type="button" className="button ck-danger" onClick={() => setOpen('turn-off')}>
          Turn off backups…
        </button>
      </div>
      {open === 'change-password' && (
        <ChangePasswordDialog
          onClose={close}
          onDone={(newKey) => {
            close();
            onNotice(
              newKey
                ? `Password changed. Backups from now on use a new key the old password never had. ${OLD_COPIES}`
                : 'Password changed. Your recovery key was made by an older Chatkeep, so your ' +
                    'backups keep their key for now, and copies of the old key file your cloud ' +
                    'keeps still open them with the old password. Make a new recovery key to ' +
                    'move your backups to a new key.',
            );
          }}
        />
      )}
      {open === 'new-key' && (
        <NewKeyDialog
          onClose={close}
          onDone={(newKey) => {
            close();
            onNotice(
              `Your new recovery key is ready. Keep it safe.${newKey ? ` ${OLD_COPIES}` : ''}`,
            );
          }}
        />
      )}
      {open === 'reencrypt' && <ReencryptDialog onClose={close} />}
      {open === 'turn-off' && (
        <TurnOffDialog
          folder={status.destination?.path ?? null}
          onClose={close}
          onDone={(folder) => {
            close();
            onNotice(
              `Backups are off. Your backup stays in ${folder}; you can still restore it with your password or recovery key.`,
            );
            onChanged();
          }}
        />
      )}
      {open === 'forget' && (
        <ForgetDialog
          onClose={close}
          onDone={() => {
            close();
            onNotice(
              'This computer no longer keeps your backup key. Chatkeep will ask for your password when it backs up.',
            );
            onChanged();
          }}
        />
      )}
    </section>
  );
}

/** What copies of old key files still open, said after every change (issue 12). */
const OLD_COPIES =
  'Copies of the old key file that your cloud keeps (version history, trash) can still open ' +
  'the backups made before this change, with the old password or key, until you choose ' +
  '"Re-encrypt everything".';

/**
 * "Re-encrypt everything": writes the whole backup again with the newest key, so copies of
 * old key files open nothing. Needs the current password or key; shows the task's progress.
 */
function ReencryptDialog({ onClose }: { onClose(): void }) {
  const [current, setCurrent] = useState<SecretDraft>(EMPTY_SECRET);
  const [taskId, setTaskId] = useState<string | null>(null);
  const { finished } = useTask(taskId);
  const { busy, error, run, clearError } = useSubmit();
  const secret = toSecret(current);
  return (
    <Dialog title="Re-encrypt everything" onClose={onClose}>
      {taskId ? (
        <div role="status" data-testid="reencrypt-progress">
          {!finished && <TaskProgressBar taskId={taskId} label="Re-encrypting the backup" />}
          {finished?.outcome === 'done' && <p className="ck-ok">✓ {finished.summary}</p>}
          {finished?.outcome === 'failed' && (
            <p className="error">
              {finished.error ? errorWords(finished.error) : finished.summary} Your backup is as it
              was, or partly re-encrypted: every backup in it can still be restored. Try again
              later.
            </p>
          )}
          {finished?.outcome === 'cancelled' && <p className="ck-muted">Stopped.</p>}
          {finished && (
            <div className="ck-actions">
              <button type="button" className="button primary" onClick={onClose}>
                Close
              </button>
            </div>
          )}
        </div>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!secret) return;
            void run(async () => {
              const reply = await api.invoke('backup.reencrypt', { current: secret });
              setTaskId(reply.taskId);
            }, current.kind);
          }}
        >
          <p>
            After a password change or a new recovery key, copies of the old key file that your
            cloud keeps in its version history or trash can still open the backups made before the
            change. Re-encrypting writes the whole backup again with the newest key, so those copies
            open nothing.
          </p>
          <p className="ck-muted">
            This uploads about as much as your backup&apos;s size again. The old files are removed
            over the next two days (another computer may still be reading them). Copies your cloud
            keeps of deleted files stay until its history expires or you empty it.
          </p>
          <SecretField
            value={current}
            onChange={setCurrent}
            onSwitch={clearError}
            passwordLabel="Current password"
            keyLabel="Recovery key (64 digits)"
            autoFocus
            disabled={busy}
          />
          <ErrorLine error={error} />
          <Actions busy={busy} label="Re-encrypt" disabled={!secret} onCancel={onClose} />
        </form>
      )}
    </Dialog>
  );
}

function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [code, setCode] = useState<string | null>(null);
  const run = async (
    work: () => Promise<void>,
    secretKind: 'password' | 'recoveryKey' = 'password',
  ) => {
    setBusy(true);
    setError(null);
    setCode(null);
    try {
      await work();
    } catch (e) {
      setError(errorWords(e, secretKind));
      setCode(errorCode(e) ?? null);
    } finally {
      setBusy(false);
    }
  };
  /** Switching between password and key: the other one's error no longer applies. */
  const clearError = () => {
    setError(null);
    setCode(null);
  };
  return { busy, error, code, run, clearError };
}

function Actions({
  busy,
  label,
  disabled,
  onCancel,
  danger,
  busyLabel = 'Working…',
}: {
  busy: boolean;
  busyLabel?: string;
  label: string;
  disabled: boolean;
  onCancel(): void;
  danger?: boolean;
}) {
  return (
    <div className="ck-actions">
      <button type="button" className="button" onClick={onCancel} disabled={busy}>
        Cancel
      </button>
      <button
        type="submit"
        className={danger ? 'button ck-danger-solid' : 'button primary'}
        disabled={disabled || busy}
      >
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}

function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}

function ChangePasswordDialog({
  onClose,
  onDone,
}: {
  onClose(): void;
  onDone(newKey: boolean): void;
}) {
  const [current, setCurrent] = useState<SecretDraft>(EMPTY_SECRET);
  const [next, setNext] = useState<NewPassword>({ password: '', valid: false });
  const { busy, error, code, run, clearError } = useSubmit();
  const secret = toSecret(current);
  // Each error stands next to the field it is about.
  const currentError = code === 'WRONG_SECRET' ? error : null;
  const newError = code === 'WEAK_PASSWORD' ? error : null;
  const otherError = currentError || newError ? null : error;
  return (
    <Dialog title="Change the backup password" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!secret || !next.valid) return;
          void run(async () => {
            const reply = await api.invoke('backup.changePassword', {
              current: secret,
              newPassword: next.password,
            });
            onDone(reply.newKey);
          }, current.kind);
        }}
      >
        <SecretField
          value={current}
          onChange={setCurrent}
          onSwitch={clearError}
          passwordLabel="Current password"
          keyLabel="Recovery key (64 digits)"
          autoFocus
          disabled={busy}
          error={currentError}
        />
        <NewPasswordFields
          onChange={setNext}
          label="New password"
          repeatLabel="Type the new password again"
          disabled={busy}
        />
        <ErrorLine error={newError} />
        <LossWarning kind="password" />
        <ErrorLine error={otherError} />
        {busy && (
          <p className="ck-muted" role="status">
            Checking your current password, then locking the backup with the new one. This takes a
            few seconds on purpose: the same slowness makes guessing your password take years for
            anyone who copies the backup.
          </p>
        )}
        <Actions
          busy={busy}
          busyLabel="Changing…"
          label="Change password"
          disabled={!secret || !next.valid}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}

function NewKeyDialog({ onClose, onDone }: { onClose(): void; onDone(newKey: boolean): void }) {
  const [current, setCurrent] = useState<SecretDraft>(EMPTY_SECRET);
  const [key, setKey] = useState<string | null>(null);
  const [newKey, setNewKey] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const { busy, error, run, clearError } = useSubmit();
  const secret = toSecret(current);
  return (
    <Dialog title="New recovery key" onClose={key && !confirmed ? () => {} : onClose}>
      {key ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (confirmed) onDone(newKey);
          }}
        >
          <p>This key replaces your previous recovery key.</p>
          <RecoveryKeyPanel recoveryKey={key} onConfirmed={setConfirmed} />
          <LossWarning kind="key" />
          <div className="ck-actions">
            <button type="submit" className="button primary" disabled={!confirmed}>
              Done
            </button>
          </div>
        </form>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!secret) return;
            void run(async () => {
              const reply = await api.invoke('backup.regenerateRecoveryKey', { current: secret });
              setKey(reply.recoveryKey);
              setNewKey(reply.newKey);
            }, current.kind);
          }}
        >
          <p>Enter your password or current recovery key to make a new recovery key.</p>
          <SecretField
            value={current}
            onChange={setCurrent}
            onSwitch={clearError}
            passwordLabel="Current password"
            autoFocus
            disabled={busy}
          />
          <ErrorLine error={error} />
          <Actions busy={busy} label="Make a new key" disabled={!secret} onCancel={onClose} />
        </form>
      )}
    </Dialog>
  );
}

function TurnOffDialog({
  folder,
  onClose,
  onDone,
}: {
  folder: string | null;
  onClose(): void;
  onDone(folder: string): void;
}) {
  const [current, setCurrent] = useState<SecretDraft>(EMPTY_SECRET);
  const { busy, error, run, clearError } = useSubmit();
  const secret = toSecret(current);
  return (
    <Dialog title="Turn off backups?" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!secret) return;
          void run(async () => {
            const reply = await api.invoke('backup.turnOff', { current: secret });
            onDone(reply.backupFolder);
          }, current.kind);
        }}
      >
        <p>
          Chatkeep will stop backing up this computer. The existing backup stays in
          {folder ? (
            <>
              {' '}
              <strong className="ck-path">{folder}</strong>
            </>
          ) : (
            ' its folder'
          )}{' '}
          and can still be restored with your password or recovery key.
        </p>
        <SecretField
          value={current}
          onChange={setCurrent}
          onSwitch={clearError}
          autoFocus
          disabled={busy}
        />
        <ErrorLine error={error} />
        <Actions
          busy={busy}
          label="Turn off backups"
          disabled={!secret}
          onCancel={onClose}
          danger
        />
      </form>
    </Dialog>
  );
}

function ForgetDialog({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const { busy, error, run } = useSubmit();
  return (
    <Dialog title="Forget this computer?" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await api.invoke('backup.forgetComputer', {});
            onDone();
          });
        }}
      >
        <p>
          Chatkeep will remove the saved backup key from this computer&apos;s keychain. Your backup
          is not changed. Backups will then wait for you to enter your password.
        </p>
        <ErrorLine error={error} />
        <Actions
          busy={busy}
          label="Forget this computer"
          disabled={false}
          onCancel={onClose}
          danger
        />
      </form>
    </Dialog>
  );
}
